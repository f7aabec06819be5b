"""The audit trail on a real PostgreSQL server (the session's throwaway cluster)."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest

from devsupport.windows import WINDOWS
from livedetect_gui.core.checks.recording import record_result
from livedetect_gui.core.result import CheckResult, PreparedInfo
from livedetect_gui.core.trail.history import History, HistoryError, Query, open_history
from livedetect_gui.core.trail.location import parse
from livedetect_gui.core.trail.postgres_store import (
    PostgresStore,
    waiting_message,
)
from livedetect_gui.core.trail.push import PushRefused, push
from livedetect_gui.core.trail.reports import ReportOptions, build_report
from tests.conftest import data_home


def result(n: int, score: float | None = 90, code: int | None = 0,
           **extra: object) -> CheckResult:
    return CheckResult(source=f"photo{n}.jpg", threshold=87, score=score, code=code,
                       prepared=PreparedInfo(640, 480, 1000 + n), sha256=f"{n:064x}",
                       endpoint="http://127.0.0.1:1/face/livedetectpicture", attempts=1,
                       elapsed_ms=40 + n, **extra)


def shared(pg_url: str, tmp_path: Path, desk: str = "desk1", **options: object) -> History:
    """One desk's view of the shared history, with a spool of its own."""
    return open_history(parse(pg_url), operator=f"op-{desk}",
                        spool=tmp_path / f"{desk}-spool.sqlite3", **options)


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def sql(pg_url: str, statement: str) -> list[tuple]:
    """Tampering as the table owner can: the append-only triggers dropped first (a desk's
    role cannot even do that)."""
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE records DISABLE TRIGGER USER")
        cur = conn.execute(statement)
        return cur.fetchall() if cur.description else []


def test_everything_that_reads_history_works_on_postgres(pg_url: str, tmp_path: Path) -> None:
    history = shared(pg_url, tmp_path, forward=False)
    store = history.store
    assert isinstance(store, PostgresStore)
    ids = [history.record(result(n, score=95 if n % 2 else 40, simulated=n == 3))
           for n in range(6)]
    assert store.pending == 6 and history.count() == 0  # safe at the desk, not yet sent
    assert waiting_message(6) == "6 records waiting to be sent to the shared store"
    assert store.flush() == 6 and store.pending == 0
    history.decide(ids[1], "reject", reason="suspected_spoof", note="screen glare")
    store.flush()
    assert history.count() == 7
    assert [r.source for r in history.page(Query(kinds=["check"]), 0, 3)] == \
        ["photo5.jpg", "photo4.jpg", "photo3.jpg"]
    assert [r.source for r in history.page(Query(kinds=["check"]), 3, 10)] == \
        ["photo2.jpg", "photo1.jpg", "photo0.jpg"]
    assert history.count(Query(verdicts=["fail"], kinds=["check"])) == 3
    assert history.count(Query(simulated=True)) == 1
    assert [r.source for r in history.page(Query(text="o4"), 0, 10)] == ["photo4.jpg"]
    assert history.count(Query(text="%")) == 0  # LIKE wildcards are literal
    assert history.store.operators(Query()) == ["op-desk1"]
    decision = history.latest_decisions([ids[1]])[ids[1]]
    assert decision.override and decision.operator == "op-desk1"
    out = io.StringIO()
    assert history.export_csv(out) == 7 and out.getvalue().count("\n") == 8
    state = history.verify()
    assert state.intact and state.message() == "7 records, chain intact"
    report = build_report(history, ReportOptions(since=time.time() - 3600,
                                                 until=time.time() + 3600))
    assert (report.total.checks, report.total.passed, report.total.failed) == (5, 2, 3)
    assert report.total.overrides == 1 and report.simulated_left_out == 1
    assert report.chain.intact
    assert history.purge_older_than(0) == 0 and history.count() == 7  # the centre's, not ours
    history.close()


def test_a_report_counts_a_hold_as_a_call_saved_until_it_is_sent_on_postgres(
        pg_url: str, tmp_path: Path) -> None:
    history = shared(pg_url, tmp_path, forward=False)
    for n in (1, 2):
        held = replace(result(n, score=None, code=None, problem_key="held_small"), attempts=0)
        record_result(history, held, holds=["held_small"])
    record_result(history, result(1, score=93), holds=["held_small"], forced=True)
    history.store.flush()
    report = build_report(history, ReportOptions(since=time.time() - 3600,
                                                 until=time.time() + 3600))
    assert (report.total.held, report.total.held_unsent, report.total.checks) == (2, 1, 1)
    history.close()


def test_a_photo_judged_at_one_desk_is_reused_at_another(pg_url: str, tmp_path: Path) -> None:
    desk3 = shared(pg_url, tmp_path, "desk3", forward=False)
    desk7 = shared(pg_url, tmp_path, "desk7", forward=False)
    now = time.time()
    desk3.record(result(1, score=95, source_sha256="aa" * 32))
    desk3.record(result(2, score=None, code=None, problem_key="timeout"))  # never reused
    desk3.store.flush()
    found = desk7.find_judged(["aa" * 32], now - 60)
    assert found is not None and found.source == "photo1.jpg" and found.reused_from
    assert desk7.find_judged([f"{2:064x}"], now - 60) is None
    assert desk7.find_judged(["aa" * 32], now + 60) is None  # outside the window
    desk3.close()
    desk7.close()


@pytest.mark.parametrize("tamper, problem, seq", [
    ("UPDATE records SET score = 99 WHERE seq = 3", "edited", 3),
    ("UPDATE records SET source = 'other.jpg' WHERE seq = 1", "edited", 1),
    ("DELETE FROM records WHERE seq = 2", "missing", 2),
    ("DELETE FROM records WHERE seq = 5", "newest_missing", 5),
    # The newest deleted and the head row rewound too: this desk's witness still knows.
    ("DELETE FROM records WHERE seq = 5; "
     "UPDATE chain_head SET seq = 4, hash = (SELECT hash FROM records WHERE seq = 4)",
     "newest_missing", 5),
    ("INSERT INTO records SELECT 6, 'forged', kind, at, operator, os_user, desk, source, "
     "sha256, source_sha256, score, threshold, verdict, code, problem_key, detail, endpoint, "
     "api, request_id, simulated, reused_from, attempts, elapsed_ms, prepared_width, "
     "prepared_height, prepared_bytes, maybe_billed_twice, check_id, decision, reason, note, "
     "reference, override, cut_seq, hash, hash FROM records WHERE seq = 5", "edited", 6),
])
def test_verify_catches_edits_behind_the_programs_back(
        pg_url: str, tmp_path: Path, tamper: str, problem: str, seq: int) -> None:
    history = shared(pg_url, tmp_path, forward=False)
    for n in range(5):
        history.record(result(n))
    history.store.flush()
    assert history.verify().intact
    sql(pg_url, tamper)
    state = history.verify()
    assert (state.intact, state.problem, state.bad_seq) == (False, problem, seq)
    history.close()


def test_history_verify_command_names_the_edited_record(pg_url: str, tmp_path: Path) -> None:
    history = shared(pg_url, tmp_path, forward=False)
    for n in range(4):
        history.record(result(n))
    history.close()  # the last flush on close sends them
    env = {**os.environ, **data_home(tmp_path / "data")}
    cli = [sys.executable, "-m", "livedetect_gui.cli", "history", "verify", "--history", pg_url]
    ok = subprocess.run(cli, capture_output=True, text=True, timeout=60, env=env)
    assert (ok.returncode, ok.stdout.strip()) == (0, "4 records, chain intact"), ok.stderr
    sql(pg_url, "UPDATE records SET verdict = 'pass', score = 99 WHERE seq = 2")
    bad = subprocess.run(cli, capture_output=True, text=True, timeout=60, env=env)
    assert bad.returncode == 1 and "record #2" in bad.stderr and "edited" in bad.stderr


def test_server_stopped_mid_batch_every_record_arrives_once(pg_server, pg_url: str,
                                                            tmp_path: Path) -> None:
    told: list[int] = []
    history = shared(pg_url, tmp_path, on_pending=told.append)
    total = 300
    stopped = threading.Event()

    def desk() -> None:
        for n in range(total):
            history.record_safely(result(n))
            if n == 100:
                stopped.wait(30)
            time.sleep(0.002)

    worker = threading.Thread(target=desk)
    worker.start()
    try:
        wait_for(lambda: history.count() >= 90)
        pg_server.stop()
        stopped.set()
        worker.join(60)
        wait_for(lambda: told and told[-1] > 150)  # the desk's "N waiting" went up...
        assert history.store.forward_error
        with pytest.raises(HistoryError, match="cannot be used now"):
            history.count()  # reads say the server is away; writes go on
        assert history.find_judged([f"{1:064x}"], 0) is None  # no lookup, no failed check
    finally:
        stopped.set()
        worker.join(60)
        if not pg_server.running():
            pg_server.start()
    wait_for(lambda: history.store.pending == 0, timeout=90)
    assert told[-1] == 0  # ...and cleared
    rows = sql(pg_url, "SELECT count(*), count(DISTINCT id), count(DISTINCT source) FROM records")
    assert rows == [(total, total, total)]
    assert history.verify().intact
    history.close()


def test_a_desk_killed_with_records_spooled_sends_them_at_next_start(
        pg_server, pg_url: str, tmp_path: Path) -> None:
    spool = tmp_path / "killed.sqlite3"
    code = (
        "import os, sys\n"
        "from livedetect_gui.core.trail.history import open_history\n"
        "from livedetect_gui.core.trail.location import parse\n"
        "from livedetect_gui.core.result import CheckResult\n"
        "h = open_history(parse(sys.argv[1]), spool=sys.argv[2])\n"
        "for n in range(40):\n"
        "    h.record(CheckResult(source=f'k{n}.jpg', threshold=87, score=90, code=0))\n"
        "print(h.store.pending, flush=True)\n"
        "os.kill(os.getpid(), 9)\n"
    )
    pg_server.stop()
    try:
        proc = subprocess.run([sys.executable, "-c", code, pg_url, str(spool)],
                              capture_output=True, text=True, timeout=60)
    finally:
        pg_server.start()
    # POSIX: killed by signal 9; Windows: TerminateProcess with exit code 9, as abrupt.
    assert proc.returncode == (9 if WINDOWS else -9) and proc.stdout.strip() == "40", proc.stderr
    history = open_history(parse(pg_url), spool=spool)  # the next start forwards them
    wait_for(lambda: history.store.pending == 0)
    sources = [r.source for r in history.page(Query(sort="seq", descending=False), 0, 100)]
    assert sources == [f"k{n}.jpg" for n in range(40)]  # in the order they were written
    assert history.verify().intact
    history.close()


def test_a_nul_in_a_servers_message_does_not_block_the_spool(pg_url: str,
                                                              tmp_path: Path) -> None:
    history = shared(pg_url, tmp_path, forward=False)
    history.record(result(1, code=-1101, detail="bad\x00message"))
    history.record(result(2))
    assert history.store.flush() == 2
    first = history.page(Query(sort="seq", descending=False), 0, 1)[0]
    assert first.detail == "bad\ufffdmessage" and history.verify().intact
    history.close()


def test_a_full_disk_at_the_spool_sends_to_the_reachable_server(pg_url: str,
                                                                 tmp_path: Path) -> None:
    store = PostgresStore(parse(pg_url), spool=tmp_path / "s.sqlite3", forward=False)
    history = History(tmp_path / "fallback.sqlite3", store=store)
    store.spool.close()  # as good as a disk that refuses every write
    history.store.append([history.check_record(result(1))])
    assert history.record_safely(result(2)) is not None
    assert history.spooled() == 0 and history.count() == 2  # both on the server


def test_a_resent_batch_is_stored_once(pg_url: str, tmp_path: Path) -> None:
    """The server committed, the desk died before clearing its spool: the re-send is a
    no-op, the chain unchanged."""
    history = shared(pg_url, tmp_path, forward=False)
    for n in range(3):
        history.record(result(n))
    store = history.store
    batch = store.spool.oldest()
    assert store._send(batch) is not None
    assert store._send(batch) is None  # nothing new
    store.flush()
    assert history.count() == 3 and history.verify().intact
    history.close()


def test_push_sends_a_local_history_once(pg_url: str, tmp_path: Path) -> None:
    local = History(tmp_path / "local.sqlite3", operator="op")
    for n in range(7):
        local.record(result(n))
    local.purge_older_than(10_000)  # nothing is that old: no cut
    target = PostgresStore(parse(pg_url), spool=tmp_path / "s.sqlite3", forward=False)
    first = push(local, target, batch=3)
    assert (first.sent, first.already) == (7, 0)
    again = push(local, target, batch=3)
    assert (again.sent, again.already) == (0, 7)
    history = History(None, store=target)
    assert [r.source for r in history.page(Query(sort="seq", descending=False), 0, 10)] == \
        [f"photo{n}.jpg" for n in range(7)]
    assert history.verify().intact
    local.close()
    local_db = tmp_path / "local.sqlite3"
    with sqlite3.connect(local_db) as db:
        db.execute("UPDATE records SET score = 1 WHERE seq = 4")
    with pytest.raises(PushRefused, match="#4"):
        push(History(local_db), target)
    target.close()


def test_a_newer_server_schema_is_refused_clearly(pg_url: str, tmp_path: Path) -> None:
    history = shared(pg_url, tmp_path, forward=False)
    assert history.count() == 0  # creates the schema
    history.close()
    sql(pg_url, "UPDATE schema_version SET version = 99")
    newer = shared(pg_url, tmp_path, "desk2", forward=False)
    with pytest.raises(HistoryError, match="newer LiveDetect Desk .schema 99"):
        newer.count()
    with pytest.raises(HistoryError, match="schema 99"):
        list(newer.stream())
    newer.record(result(1))  # still kept at the desk
    assert newer.store.pending == 1
    newer.close()


def test_a_rewritten_chain_is_caught_by_the_desks_witness(pg_url: str, tmp_path: Path) -> None:
    """Someone who knows the algorithm edits record 3 and recomputes every later hash and the
    head row: the chain is self-consistent, but this desk remembers its last record's hash."""
    from dataclasses import replace

    from livedetect_gui.core.trail.chain import chained

    history = shared(pg_url, tmp_path, forward=False)
    for n in range(5):
        history.record(result(n))
    history.store.flush()
    records = history.page(Query(sort="seq", descending=False), 0, 10)
    prev = records[1].hash
    with psycopg.connect(pg_url) as conn:
        conn.execute("ALTER TABLE records DISABLE TRIGGER USER")  # as the owner can
        for record in records[2:]:
            forged = chained(replace(record, score=1.0 if record.seq == 3 else record.score),
                             record.seq, prev)
            conn.execute("UPDATE records SET score = %s, prev_hash = %s, hash = %s "
                         "WHERE seq = %s", (forged.score, forged.prev_hash, forged.hash,
                                            forged.seq))
            prev = forged.hash
        conn.execute("UPDATE chain_head SET hash = %s", (prev,))
    another_desk = shared(pg_url, tmp_path, "desk2", forward=False)
    assert another_desk.verify().intact  # no witness there: the gap audit's trail.py names
    state = history.verify()
    assert (state.intact, state.problem, state.bad_seq) == (False, "head_changed", 5)
    history.close()
    another_desk.close()
