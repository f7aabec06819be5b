"""Hostile names through `livedetect check`, `history` and `report`: a real process, the
sandbox on loopback. Names that are not UTF-8 never crash after the paid call; escapes and
bidi controls never reach the terminal raw; one operator typed two ways is one operator."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from devsupport.photos import make_photo

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX byte file names")


def run(args: list[bytes | str], env: dict[bytes, bytes]) -> subprocess.CompletedProcess:
    full = {**os.environb, **env}
    proc = subprocess.run([sys.executable, "-m", "livedetect_gui.cli", *args], env=full,
                          capture_output=True, timeout=120)
    assert b"Traceback" not in proc.stderr, proc.stderr.decode("utf-8", "replace")
    return proc


def _env(tmp_path: Path, operator: bytes) -> dict[bytes, bytes]:
    return {b"XDG_DATA_HOME": os.fsencode(tmp_path / "data"), b"LIVEDETECT_OPERATOR": operator,
            b"PYTHONIOENCODING": b"utf-8"}


def test_a_name_that_is_not_utf8_is_recorded_visibly(tmp_path) -> None:
    folder = os.fsencode(tmp_path)
    photo = folder + b"/caf\xe9.jpg"
    make_photo(1, (200, 150)).save(photo.decode("utf-8", "surrogateescape"), "JPEG")
    env = _env(tmp_path, b"Jos\xe9")
    checked = run(["check", "--sandbox", "--force", photo], env)
    assert checked.returncode in (0, 1), checked.stderr
    assert b"caf\\xe9.jpg" in checked.stdout
    listed = run(["history"], env)
    assert listed.returncode == 0
    assert b"caf\\xe9.jpg" in listed.stdout and b"Jos\\xe9" in listed.stdout
    assert not (tmp_path / "data" / "livedetect-gui" / "history.sqlite3.spool").exists()


def test_escapes_and_bidi_never_reach_the_terminal_and_operators_are_one(tmp_path) -> None:
    name = "evil\x1b]0;owned\x07\u202egpj.jpg"
    make_photo(2, (200, 150)).save(tmp_path / name, "JPEG")
    make_photo(3, (200, 150)).save(tmp_path / "plain.jpg", "JPEG")
    nfd = unicodedata.normalize("NFD", "José").encode()
    nfc = "José".encode()
    check = ["check", "--sandbox", "--force"]
    first = run([*check, os.fsencode(tmp_path / name)], _env(tmp_path, nfd))
    run([*check, os.fsencode(tmp_path / "plain.jpg")], _env(tmp_path, nfc))
    listed = run(["history"], _env(tmp_path, nfc))
    today = datetime.date.today().isoformat()
    report = run(["report", "--from", today, "--to", today, "--simulated"],
                 _env(tmp_path, b"\xe2\x80\xaenimda"))
    for output in (first.stdout, listed.stdout, report.stdout):
        assert b"\x1b" not in output and b"\x07" not in output
        assert "\u202e".encode() not in output
    assert b"evil\\x1b]0;owned\\x07\\u202egpj.jpg" in listed.stdout
    by_operator = report.stdout.decode().split("By operator")[1].split("Total")[0]
    assert by_operator.count("José") == 1, by_operator
