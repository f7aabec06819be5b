"""``livedetect sign`` prints only the signature (legacy) or the authorization (API 3.0)."""

from __future__ import annotations

import time

from tests.cli.conftest import run
from tests.core.service.test_signing_tc3 import VECTORS


def test_sign_prints_the_signature_only() -> None:
    proc = run("sign", "--appid", "1000001", "--secret-id", "AKIDexampleSecretId0000000000000000",
               "--secret-key", "exampleSecretKey00000000000000000", "--now", "1700000000",
               "--rand", "12345")
    assert proc.stdout == (
        "VhtkikexYt/Q3Wxo7XIp6MESONlhPTEwMDAwMDEmYj0maz1BS0lEZXhhbXBsZVNlY3JldElk"
        "MDAwMDAwMDAwMDAwMDAwMCZlPTE3MDAwMDAwMzAmdD0xNzAwMDAwMDAwJnI9MTIzNDUmZj0=\n"
    )
    clock = run("sign", "--appid", "1", "--secret-id", "k", "--secret-key", "s").stdout.split()
    assert len(clock) == 1 and len(clock[0]) > 40


def test_sign_command_prints_the_authorization_only() -> None:
    from tests.cli.conftest import run

    vector = VECTORS["vectors"][0]
    proc = run("sign", "--api", "tc3", "--secret-id", vector["secret_id"], "--secret-key",
               vector["secret_key"], "--timestamp", str(vector["timestamp"]), "--region",
               vector["region"], "--host", vector["host"], "--action", vector["action"],
               "--version", vector["version"], "--body", vector["body"])
    assert proc.returncode == 0 and proc.stdout == vector["authorization"] + "\n"
    # Defaults: host iai.tencentcloudapi.com, empty region allowed, timestamp now.
    now = run("sign", "--api", "tc3", "--secret-id", "k", "--secret-key", "s", "--region", "")
    today = time.strftime("%Y-%m-%d", time.gmtime())
    assert now.returncode == 0 and f"Credential=k/{today}/iai/tc3_request" in now.stdout
