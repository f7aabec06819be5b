from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from devsupport.windows import WINDOWS
from livedetect_gui.core.trail.outbox import Anchor, Forwarder, Spool, Spooled


def test_spool_keeps_order_privately_and_survives_reopening(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        spool = Spool(tmp_path / "spool" / "s.sqlite3")
    finally:
        os.umask(old)
    for n in range(5):
        spool.put(f"id-{n}", {"n": n, "text": "名字"})
    spool.put("id-0", {"n": 99})  # the same record id again: kept once, unchanged
    assert spool.count() == 5
    if not WINDOWS:  # Windows: the folder's ACL (tests/core/test_paths.py)
        assert stat.S_IMODE((tmp_path / "spool" / "s.sqlite3").stat().st_mode) == 0o600
        assert stat.S_IMODE((tmp_path / "spool").stat().st_mode) == 0o700
    first = spool.oldest(2)
    assert [r.record_id for r in first] == ["id-0", "id-1"] and first[0].payload["n"] == 0
    spool.forwarded(first, "store", Anchor(7, "h7"))
    spool.forwarded([], "store", Anchor(3, "h3"))  # an older anchor never moves it back
    spool.close()
    again = Spool(tmp_path / "spool" / "s.sqlite3")
    assert [r.record_id for r in again.waiting()] == ["id-2", "id-3", "id-4"]
    assert again.anchor("store") == Anchor(7, "h7") and again.anchor("other") is None


def test_a_killed_writer_loses_nothing(tmp_path: Path) -> None:
    """A process spools records and is killed (SIGKILL; on Windows TerminateProcess) without
    closing anything."""
    path = tmp_path / "s.sqlite3"
    code = (
        "import os, sys\n"
        "from livedetect_gui.core.trail.outbox import Spool\n"
        f"s = Spool({str(path)!r})\n"
        "for n in range(50):\n"
        "    s.put(f'id-{n}', {'n': n})\n"
        "print('spooled', flush=True)\n"
        "os.kill(os.getpid(), 9)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    # POSIX: killed by signal 9; Windows: TerminateProcess with exit code 9, as abrupt.
    assert proc.returncode == (9 if WINDOWS else -9) and "spooled" in proc.stdout
    assert [r.payload["n"] for r in Spool(path).waiting()] == list(range(50))


def test_forwarder_retries_in_order_and_reports_waiting(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "s.sqlite3")
    received: list[str] = []
    told: list[int] = []
    server_up = threading.Event()
    all_sent = threading.Event()

    def send(batch: list[Spooled]) -> Anchor:
        if not server_up.is_set():
            raise ConnectionError("server away")
        received.extend(r.record_id for r in batch)
        if len(received) == 30:
            all_sent.set()
        return Anchor(len(received), f"h{len(received)}")

    def on_pending(n: int) -> None:
        told.append(n)

    forwarder = Forwarder(spool, send, "store", on_pending=on_pending, batch=7, max_wait=0.2)
    forwarder.start()
    try:
        for n in range(30):
            spool.put(f"id-{n:02d}", {"n": n})
            forwarder.poke()
        assert not all_sent.wait(0.5) and received == []
        assert forwarder.last_error == "server away"
        server_up.set()
        forwarder.poke()
        assert all_sent.wait(10)
    finally:
        forwarder.stop()
    assert received == [f"id-{n:02d}" for n in range(30)]
    assert spool.count() == 0 and told[-1] == 0 and max(told) >= 1
    assert spool.anchor("store") == Anchor(30, "h30")


def test_drain_raises_and_keeps_the_rest(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "s.sqlite3")
    for n in range(10):
        spool.put(f"id-{n}", {"n": n})
    calls = []

    def send(batch: list[Spooled]) -> None:
        calls.append(len(batch))
        if len(calls) == 2:
            raise ConnectionError("gone")

    with pytest.raises(ConnectionError):
        Forwarder(spool, send, "store", batch=4).drain()
    assert [r.record_id for r in spool.waiting()] == [f"id-{n}" for n in range(4, 10)]
