"""The shared history against a real PostgreSQL server (the session's throwaway cluster)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

from livedetect_gui.core.history_url import parse
from livedetect_gui.core.postgres_history import PostgresHistory
from livedetect_gui.core.result import CheckResult, PreparedInfo


def result(n: int, score: float | None = 90, **extra: object) -> CheckResult:
    return CheckResult(source=f"photo{n}.jpg", threshold=87, score=score, code=0,
                       prepared=PreparedInfo(640, 480, 1000 + n), sha256=f"{n:064x}",
                       endpoint="http://127.0.0.1:1/face/livedetectpicture", attempts=1,
                       elapsed_ms=40 + n, **extra)


def open_store(pg_url: str, tmp_path: Path, name: str = "spool", **options: object):
    return PostgresHistory(parse(pg_url), operator="op1",
                           spool=tmp_path / f"{name}.sqlite3", **options)


def wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def sql(pg_url: str, statement: str, *params: object) -> list[tuple]:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        cur = conn.execute(statement, params or None)
        return cur.fetchall() if cur.description else []


def test_records_arrive_and_read_back_newest_first(pg_url: str, tmp_path: Path) -> None:
    store = open_store(pg_url, tmp_path, forward=False)
    for n in range(5):
        store.record(result(n, score=95 if n % 2 else 40))
    assert store.pending == 5
    assert store.flush() == 5 and store.pending == 0
    entries = store.entries()
    assert [e.source for e in entries] == [f"photo{n}.jpg" for n in range(4, -1, -1)]
    assert entries[0].operator == "op1" and entries[0].prepared_bytes == 1004
    assert [e.source for e in store.entries(verdicts=["fail"])] == \
        ["photo4.jpg", "photo2.jpg", "photo0.jpg"]
    assert [e.source for e in store.entries(text="o3")] == ["photo3.jpg"]
    assert store.verify().message == "5 records, chain intact"
    store.close()


@pytest.mark.parametrize("tamper, words", [
    ("UPDATE records SET score = 99 WHERE seq = 3", "record 3 .* does not match"),
    ("UPDATE records SET source = 'other.jpg' WHERE seq = 1", "record 1 .* does not match"),
    ("DELETE FROM records WHERE seq = 2", "record 2 is missing"),
    ("DELETE FROM records WHERE seq = 5", "chain head says 5 records but 4"),
    ("DELETE FROM records WHERE seq = 5; "
     "UPDATE chain_head SET seq = 4, hash = (SELECT hash FROM records WHERE seq = 4)",
     "record 5, this desk's last accepted record"),
    ("INSERT INTO records SELECT 6, 'forged', desk, checked_at, source, sha256, score, "
     "threshold, verdict, code, message, endpoint, attempts, elapsed_ms, operator, "
     "prepared_width, prepared_height, prepared_bytes, maybe_billed_twice, hash, hash "
     "FROM records WHERE seq = 5", "record 6 .* does not match"),
])
def test_verify_catches_edits_behind_the_programs_back(pg_url: str, tmp_path: Path,
                                                       tamper: str, words: str) -> None:
    store = open_store(pg_url, tmp_path, forward=False)
    for n in range(5):
        store.record(result(n))
    store.flush()
    assert store.verify().ok
    sql(pg_url, tamper)
    verdict = store.verify()
    assert not verdict.ok
    assert verdict.first_bad_seq is not None
    import re
    assert re.search(words, verdict.message), verdict.message
    store.close()


def test_server_stopped_mid_batch_every_record_arrives_once(pg_server, pg_url: str,
                                                            tmp_path: Path) -> None:
    told: list[int] = []
    store = open_store(pg_url, tmp_path, on_pending=told.append)
    total = 300
    wrote = threading.Event()
    stopped = threading.Event()

    def writer() -> None:
        for n in range(total):
            store.record(result(n))
            if n == 100:
                stopped.wait(30)
            time.sleep(0.002)
        wrote.set()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        wait_for(lambda: store.pending == 0 and told and store.count() >= 90)
        pg_server.stop()
        stopped.set()
        assert wrote.wait(30)
        wait_for(lambda: told[-1] > 100)  # the desk's "N waiting" went up
        assert store.pending > 100
    finally:
        stopped.set()
        thread.join(30)
        if not pg_server.running():
            pg_server.start()
    wait_for(lambda: store.pending == 0, timeout=60)
    assert told[-1] == 0  # ...and cleared
    rows = sql(pg_url, "SELECT count(*), count(DISTINCT record_id), count(DISTINCT source) "
               "FROM records")
    assert rows == [(total, total, total)]
    assert store.verify().ok
    store.close()


def test_a_desk_killed_with_records_spooled_sends_them_at_next_start(
        pg_server, pg_url: str, tmp_path: Path) -> None:
    spool = tmp_path / "killed.sqlite3"
    code = (
        "import os, sys\n"
        "from livedetect_gui.core.history_url import parse\n"
        "from livedetect_gui.core.postgres_history import PostgresHistory\n"
        "from livedetect_gui.core.result import CheckResult\n"
        "h = PostgresHistory(parse(sys.argv[1]), spool=sys.argv[2], forward=False)\n"
        "for n in range(40):\n"
        "    h.record(CheckResult(source=f'k{n}.jpg', threshold=87, score=90, code=0))\n"
        "print(h.pending, flush=True)\n"
        "os.kill(os.getpid(), 9)\n"
    )
    pg_server.stop()
    try:
        proc = subprocess.run([sys.executable, "-c", code, pg_url, str(spool)],
                              capture_output=True, text=True, timeout=60)
    finally:
        pg_server.start()
    assert proc.returncode == -9 and proc.stdout.strip() == "40", proc.stderr
    store = PostgresHistory(parse(pg_url), spool=spool)  # the next start forwards them
    wait_for(lambda: store.pending == 0)
    assert [e.source for e in store.entries()][-3:] == ["k2.jpg", "k1.jpg", "k0.jpg"]
    assert store.count() == 40 and store.verify().ok
    store.close()


def test_a_resent_batch_is_stored_once(pg_url: str, tmp_path: Path) -> None:
    """The server committed, the desk died before clearing its spool: the re-send is a
    no-op, the chain unchanged."""
    store = open_store(pg_url, tmp_path, forward=False)
    for n in range(3):
        store.record(result(n))
    batch = store.spool.oldest()
    store._send(batch)
    store._send(batch)
    store.flush()
    assert store.count() == 3 and store.verify().ok
    store.close()
