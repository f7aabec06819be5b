"""A desk whose spool cannot be written (its disk full) hands records to the reachable
shared server instead of failing with "disk I/O error"; when both fail, it says so."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import psycopg
import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")

SCRIPT = textwrap.dedent("""
    import resource, signal, sys
    from pathlib import Path
    from livedetect_gui.core.result import CheckResult
    from livedetect_gui.core.trail.history import HistoryError, open_history
    from livedetect_gui.core.trail.location import parse

    url, spool = sys.argv[1], Path(sys.argv[2])
    history = open_history(parse(url), operator="ann", spool=spool, forward=False)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    # No file of this process may grow any more: the spool's disk is "full".
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))
    try:
        history.record(CheckResult(source="full.jpg", threshold=87, score=91, code=0,
                                   attempts=1))
        print("recorded")
    except HistoryError as exc:
        print("refused:", exc.message())
""")


def _run(url: str, spool: str) -> str:
    proc = subprocess.run([sys.executable, "-c", SCRIPT, url, spool], capture_output=True,
                          text=True, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.stdout.strip()


def test_a_full_spool_disk_sends_straight_to_the_server(pg_url: str, tmp_path) -> None:
    assert _run(pg_url, str(tmp_path / "spool.sqlite3")) == "recorded"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert conn.execute("SELECT source FROM records").fetchall() == [("full.jpg",)]


def test_a_full_spool_disk_and_no_server_is_said_plainly(pg_url: str, tmp_path) -> None:
    away = pg_url.rsplit(":", 1)[0] + ":9/x"  # nothing listens on port 9
    said = _run(away, str(tmp_path / "spool.sqlite3"))
    assert said.startswith("refused:") and "disk is full" in said, said
    assert "spool" in said and "disk I/O error" not in said
