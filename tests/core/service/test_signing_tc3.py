"""TC3-HMAC-SHA256 signing of API 3.0, byte for byte against the provider's SDK vectors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devsupport.windows import WINDOWS
from livedetect_gui.core.service import signing_tc3

VECTORS = json.loads((Path(__file__).parent / "vectors" / "tc3_signature.json").read_text())


@pytest.mark.parametrize("vector", VECTORS["vectors"], ids=lambda v: v["secret_id"])
def test_every_shared_vector_byte_for_byte(vector: dict) -> None:
    body = vector["body"].encode()
    assert signing_tc3.authorization(
        vector["secret_id"], vector["secret_key"], body=body, host=vector["host"],
        timestamp=vector["timestamp"]) == vector["authorization"]
    headers = signing_tc3.request_headers(
        vector["secret_id"], vector["secret_key"], body=body, host=vector["host"],
        action=vector["action"], version=vector["version"], region=vector["region"],
        language=vector["headers"].get("X-TC-Language"), clock=lambda: vector["timestamp"])
    assert headers == vector["headers"]
    # The sandbox's check accepts what the official SDK sent, and refuses a changed byte.
    assert signing_tc3.verify(headers, body, {vector["secret_id"]: vector["secret_key"]},
                              now=vector["timestamp"]) == vector["secret_id"]
    with pytest.raises(signing_tc3.Tc3Error) as refused:
        signing_tc3.verify(headers, body + b" ", {vector["secret_id"]: vector["secret_key"]},
                           now=vector["timestamp"])
    assert refused.value.code == "AuthFailure.SignatureFailure"


@pytest.mark.skipif(not WINDOWS,
                    reason="Windows only: the POSIX test below changes the zone in-process")
def test_the_date_is_utc_whatever_the_windows_zone() -> None:
    """Windows has no time.tzset: a process started with the C runtime's TZ (UTC+8) signs."""
    vector = next(v for v in VECTORS["vectors"] if v["timestamp"] == 1700000000)
    code = ("import json, sys, time\n"
            "from livedetect_gui.core.service import signing_tc3\n"
            "v = json.loads(sys.argv[1])\n"
            "print(time.strftime('%Y-%m-%d', time.localtime(1700000000)))\n"
            "print(signing_tc3.authorization(v['secret_id'], v['secret_key'], "
            "body=v['body'].encode(), host=v['host'], timestamp=1700000000))\n")
    proc = subprocess.run([sys.executable, "-c", code, json.dumps(vector)],
                          env={**os.environ, "TZ": "CST-8"}, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["2023-11-15", vector["authorization"]]


@pytest.mark.skipif(WINDOWS, reason="time.tzset (changing the zone in-process) is POSIX only: "
                    "see the Windows test above")
def test_the_date_is_utc_whatever_the_local_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    # 1700000000 is 22:13 UTC on 2023-11-14 but already the 15th in UTC+8.
    vector = next(v for v in VECTORS["vectors"] if v["timestamp"] == 1700000000)
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        assert time.strftime("%Y-%m-%d", time.localtime(1700000000)) == "2023-11-15"
        assert signing_tc3.authorization(
            vector["secret_id"], vector["secret_key"], body=vector["body"].encode(),
            host=vector["host"], timestamp=1700000000) == vector["authorization"]
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
