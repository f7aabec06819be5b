from __future__ import annotations

import csv
import io
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from devsupport.windows import WINDOWS
from livedetect_gui.cli.main import main as cli_main
from livedetect_gui.core.result import CheckResult, PreparedInfo
from livedetect_gui.core.trail.chain import (
    FIELDS,
    Decision,
    DecisionError,
    chained,
    from_row,
    row_values,
)
from livedetect_gui.core.trail.history import History, HistoryError, Query, Recorder, default_path
from livedetect_gui.core.trail.store import SCHEMA_VERSION

ROOT = Path(__file__).resolve().parents[3]


def result(source: str, score: float | None, code: int | None = 0, **extra) -> CheckResult:
    values = dict(source=source, threshold=87, score=score, code=code,
                  prepared=PreparedInfo(640, 480, 12345), sha256="ab" * 32,
                  endpoint="http://127.0.0.1:1/face/livedetectpicture", attempts=1,
                  elapsed_ms=42)
    values.update(extra)
    return CheckResult(**values)


def filled(path: Path, count: int = 5) -> History:
    history = History(path, operator="ann")
    for i in range(count):
        history.record(result(f"p{i}.jpg", 50 + i * 10))
    return history


def verify(path: Path, capsys) -> tuple[int, str]:
    code = cli_main(["history", "verify", "--history", str(path)])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_default_path_follows_the_platform_data_dir() -> None:
    assert default_path().parent.name == "livedetect-gui"
    assert str(default_path()).startswith(os.environ["XDG_DATA_HOME"])


def test_records_carry_operator_backend_simulated_and_keys(tmp_path) -> None:
    history = History(tmp_path / "h.sqlite3", operator="ann")
    history.record(result("a.jpg", 95.5, api="tc3", request_id="req-1", simulated=True,
                          source_sha256="cd" * 32))
    history.record(result("b.jpg", None, code=None, problem_key="timeout", detail="read"))
    b, a = history.page(Query(), 0, 10)
    assert (a.operator, a.api, a.request_id, a.simulated, a.score) == ("ann", "tc3", "req-1",
                                                                      True, 95.5)
    assert a.os_user and a.desk and a.source_sha256 == "cd" * 32 and a.prepared_bytes == 12345
    # A key and its parameters are stored, not English: the row speaks either language.
    assert b.problem_key == "timeout" and b.detail == "read"
    assert b.message("en").startswith("The service did not") and "服务未按时应答" in b.message("zh")
    assert history.count(Query(simulated=True)) == 1 and history.count(Query(simulated=False)) == 1
    assert [r.source for r in history.page(Query(text="%"), 0, 10)] == []  # LIKE is literal
    assert [r.source for r in history.page(Query(sort="source", descending=False), 0, 1)] == [
        "a.jpg"]
    with pytest.raises(ValueError):
        Query(sort="score; DROP TABLE records").order()
    mode = sqlite3.connect(tmp_path / "h.sqlite3").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_chain_intact(tmp_path, capsys) -> None:
    filled(tmp_path / "h.sqlite3").close()
    assert verify(tmp_path / "h.sqlite3", capsys) == (0, "5 records, chain intact\n")


@pytest.mark.parametrize("sql, seq, words", [
    ("UPDATE records SET score = 99 WHERE seq = 3", 3, "edited"),
    ("UPDATE records SET source = 'other.jpg' WHERE seq = 2", 2, "edited"),
    ("DELETE FROM records WHERE seq = 3", 3, "missing"),
    ("DELETE FROM records WHERE seq = 5", 5, "newest records are missing"),
])
def test_chain_detects_edits_and_deletions(tmp_path, capsys, sql, seq, words) -> None:
    path = tmp_path / "h.sqlite3"
    filled(path).close()
    db = sqlite3.connect(path)
    db.execute(sql)
    db.commit()
    db.close()
    code, text = verify(path, capsys)
    assert code == 1 and f"record #{seq}" in text and words in text
    assert History(path).verify().bad_seq == seq


def test_chain_detects_an_inserted_record(tmp_path, capsys) -> None:
    """Shifted in with a correct hash of its own: the record after it no longer follows."""
    path = tmp_path / "h.sqlite3"
    history = filled(path)
    second = history.page(Query(sort="seq", descending=False), 1, 1)[0]
    forged = chained(from_row({**row_values(second), "id": "f" * 32, "score": 99.0}), 3,
                     second.hash)
    history.close()
    db = sqlite3.connect(path)
    db.execute("UPDATE records SET seq = -seq WHERE seq >= 3")
    db.execute("UPDATE records SET seq = 1 - seq WHERE seq < 0")
    db.execute(f"INSERT INTO records ({', '.join(FIELDS)}) VALUES "
               f"({', '.join('?' * len(FIELDS))})", [row_values(forged)[f] for f in FIELDS])
    db.commit()
    db.close()
    code, text = verify(path, capsys)
    assert code == 1 and "record #4" in text and "inserted or deleted" in text


def test_chain_detects_a_record_appended_behind_the_desks_back(tmp_path, capsys) -> None:
    path = tmp_path / "h.sqlite3"
    history = filled(path)
    head = history.page(Query(), 0, 1)[0]
    extra = chained(from_row({**row_values(head), "id": "e" * 32}), 6, head.hash)
    history.close()
    db = sqlite3.connect(path)
    db.execute(f"INSERT INTO records ({', '.join(FIELDS)}) VALUES "
               f"({', '.join('?' * len(FIELDS))})", [row_values(extra)[f] for f in FIELDS])
    db.commit()
    db.close()
    code, text = verify(path, capsys)
    assert code == 1 and "record #6" in text and "inserted" in text


def test_decisions_need_a_reason_to_override_and_never_update(tmp_path) -> None:
    history = History(tmp_path / "h.sqlite3", operator="ann")
    passed = history.record(result("pass.jpg", 95))
    failed = history.record(result("fail.jpg", 30))
    with pytest.raises(DecisionError) as refused:
        history.decide(failed, Decision.ACCEPT)
    assert refused.value.key == "reason_required"
    with pytest.raises(DecisionError):
        history.decide(passed, "reject", reason="not-a-configured-reason")
    with pytest.raises(DecisionError):
        history.decide("no-such-check", "accept")
    history.decide(passed, "accept")
    history.decide(passed, "escalate", note="second look", reference="CASE-42")
    changed = history.decide(failed, "accept", reason="document_verified", reference="A-1")
    assert changed.override and changed.check_id == failed
    latest = history.latest_decisions([passed, failed])
    assert latest[passed].decision == "escalate" and latest[passed].reference == "CASE-42"
    assert not latest[passed].override
    assert history.count(Query(kinds=["decision"])) == 3
    assert [r.source for r in history.page(Query(text="CASE-4"), 0, 5)] == ["pass.jpg"]
    assert history.verify().intact


def test_find_judged_newest_judgement_never_errors_or_reuses(tmp_path) -> None:
    history = History(tmp_path / "h.sqlite3")
    now = time.time()
    history.record(result("old.jpg", 40, sha256="11" * 32, checked_at=now - 100))
    history.record(result("new.jpg", 95, sha256="11" * 32, checked_at=now - 50))
    history.record(result("err.jpg", None, code=-1, sha256="11" * 32, checked_at=now - 10))
    history.record(result("reuse.jpg", 50, sha256="11" * 32, reused_from=now - 50,
                          checked_at=now - 5))
    history.record(result("by-source.jpg", 60, sha256="22" * 32, source_sha256="33" * 32,
                          checked_at=now - 60))
    found = history.find_judged(["11" * 32], now - 1000)
    assert found is not None and found.source == "new.jpg"
    assert found.reused_from == pytest.approx(now - 50)
    assert history.find_judged(["11" * 32], now - 40) is None
    assert history.find_judged(["33" * 32], 0).source == "by-source.jpg"
    assert history.find_judged(["44" * 32], 0) is None


def test_migrates_a_version_2_file_into_the_chain(tmp_path) -> None:
    path = tmp_path / "v2.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE checks (id INTEGER PRIMARY KEY AUTOINCREMENT, checked_at REAL NOT NULL, "
        "source TEXT NOT NULL, sha256 TEXT, score INTEGER, threshold REAL NOT NULL, verdict TEXT "
        "NOT NULL, code INTEGER, message TEXT NOT NULL, endpoint TEXT NOT NULL, attempts INTEGER "
        "NOT NULL, elapsed_ms INTEGER NOT NULL, operator TEXT NOT NULL, prepared_width INTEGER, "
        "prepared_height INTEGER, prepared_bytes INTEGER, maybe_billed_twice INTEGER NOT NULL "
        "DEFAULT 0);"
        "INSERT INTO checks (checked_at, source, score, threshold, verdict, message, endpoint, "
        "attempts, elapsed_ms, operator) VALUES (1, 'kept.jpg', 91, 87, 'pass', 'OK', 'e', 1, 5, "
        "'op'), (2, 'bad.jpg', NULL, 87, 'error', 'Old words', 'e', 1, 5, 'op');"
        "PRAGMA user_version = 2;")
    db.close()
    history = History(path)
    assert history.store.schema_version() == SCHEMA_VERSION
    bad, kept = history.page(Query(), 0, 10)
    assert kept.source == "kept.jpg" and kept.os_user == "op" and kept.score == 91
    assert bad.message("zh") == "Old words"
    assert history.verify().intact and history.verify().count == 2


def test_refuses_a_newer_schema(tmp_path) -> None:
    path = tmp_path / "future.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(HistoryError) as raised:
        History(path)
    assert raised.value.key == "newer"


def test_export_is_complete_formula_safe_and_atomic(tmp_path) -> None:
    history = History(tmp_path / "h.sqlite3")
    history.record(result("=cmd|' /C calc'!A0.jpg", 95))
    history.record(result("plain.jpg", 20, maybe_billed_twice=True, simulated=True))
    out = io.StringIO()
    assert history.export_csv(out) == 2
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[0]["source"] == "plain.jpg" and rows[0]["verdict"] == "fail"
    assert rows[0]["maybe_billed_twice"] == "1" and rows[0]["simulated"] == "1"
    assert rows[1]["source"].startswith("'=")
    assert {"time", "id", "hash", "operator", "os_user", "api", "endpoint", "message"} <= set(
        rows[0])
    target = tmp_path / "out.csv"
    target.write_text("yesterday's export\n")

    def boom() -> bool:
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        history.export_file(target, progress=lambda n: boom() if n else None)
    assert target.read_text() == "yesterday's export\n"
    assert list(tmp_path.glob(".out.csv.*")) == []


WRITER = """
import sys
from livedetect_gui.core.trail.history import History
from livedetect_gui.core.result import CheckResult
history = History(sys.argv[1], operator=sys.argv[2])
for i in range(int(sys.argv[3])):
    history.record(CheckResult(source=f"{sys.argv[2]}-{i}.jpg", threshold=87, score=90, code=0))
"""


def test_concurrent_writer_processes_keep_one_chain(tmp_path) -> None:
    """Six processes start together on a database that does not exist yet."""
    path = tmp_path / "h.sqlite3"
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), f"w{n}", "60"],
                              cwd=ROOT, stderr=subprocess.PIPE, text=True) for n in range(6)]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    history = History(path)
    state = history.verify()
    assert state.intact and state.count == 360
    assert len({r.id for r in history.stream()}) == 360


def test_damaged_database_one_clear_message_and_spool(tmp_path, capsys) -> None:
    path = tmp_path / "h.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    export = tmp_path / "kept.csv"
    export.write_text("old export\n")
    assert cli_main(["history", "--history", str(path)]) == 2
    assert cli_main(["history", "--history", str(path), "--export", str(export)]) == 2
    err = capsys.readouterr().err
    assert err.count("Move it aside") == 2 and "Traceback" not in err
    assert export.read_text() == "old export\n"
    recorder = Recorder(path, operator="ann")
    assert recorder.error is not None and recorder.error.key == "damaged"
    for i in range(3):
        assert recorder.record_safely(result(f"s{i}.jpg", 90)) is not None
    recorder.close()
    assert (recorder.spooled, recorder.lost) == (3, 0) and "3 results kept" in recorder.summary()
    # The operator moves the damaged file aside; the next open writes the spool, in order.
    path.rename(tmp_path / "damaged.sqlite3")
    os.replace(recorder.spool_path, path.with_name(path.name + ".spool"))
    history = History(path)
    assert [r.source for r in history.page(Query(sort="seq", descending=False), 0, 9)] == [
        "s0.jpg", "s1.jpg", "s2.jpg"]
    assert not recorder.spool_path.exists() and history.verify().intact


def test_unwritable_spool_is_reported_as_lost(tmp_path) -> None:
    path = tmp_path / "h.sqlite3"
    path.write_bytes(b"garbage" * 100)
    (tmp_path / "h.sqlite3.spool").mkdir()  # the spool cannot be a file: nowhere to keep rows
    recorder = Recorder(path)
    assert recorder.record_safely(result("x.jpg", 90)) is None
    assert recorder.lost == 1 and "1 results could not be recorded" in recorder.summary()


def test_busy_database_is_waited_for_not_dropped(tmp_path) -> None:
    path = tmp_path / "h.sqlite3"
    History(path).close()
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    history = History(path, busy_seconds=30)
    done: list[str] = []
    import threading

    writer = threading.Thread(target=lambda: done.append(history.record(result("w.jpg", 90))))
    writer.start()
    writer.join(1.0)  # a second of the lock held: the writer must still be waiting
    assert writer.is_alive() and not done  # still waiting for the lock, not failed
    blocker.execute("COMMIT")
    writer.join(30)
    assert done and history.count() == 1


@pytest.mark.skipif(WINDOWS, reason="mode bits mean nothing on Windows: see "
                    "tests/core/test_paths.py::test_windows_private_files")
def test_files_private_under_umask_022(tmp_path, monkeypatch) -> None:
    from livedetect_gui.core.paths import data_dir

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    old = os.umask(0o022)
    try:
        folder = data_dir()  # the desk's own folder is made 0700; a folder the user names isn't
        history = History(folder / "h.sqlite3")
        history.record(result("a.jpg", 90))
        history.export_file(tmp_path / "e.csv")
        (tmp_path / "broken.sqlite3").write_bytes(b"x" * 200)
        recorder = Recorder(tmp_path / "broken.sqlite3")
        recorder.record_safely(result("b.jpg", 90))
    finally:
        os.umask(old)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    files = [folder / n for n in ("h.sqlite3", "h.sqlite3-wal", "h.sqlite3-shm",
                                  "h.sqlite3.anchor")]
    files += [tmp_path / "e.csv", tmp_path / "broken.sqlite3.spool"]
    for file in files:
        assert file.exists(), file
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file


@pytest.mark.skipif(WINDOWS or os.geteuid() != 0 or not shutil.which("runuser"),
                    reason="needs POSIX root to run a reader as an unprivileged user")
def test_read_only_folder_opens_read_only(tmp_path) -> None:
    """As 'nobody', whose data folder is not writable: the history reads, writes refuse."""
    base = Path(tempfile.mkdtemp())
    try:
        os.chmod(base, 0o755)
        folder = base / "data"
        history = filled(folder / "h.sqlite3", 3)
        history.close()
        os.chmod(folder, 0o755)
        for file in folder.iterdir():
            os.chown(file, 65534, 65534)
        script = (
            "from livedetect_gui.core.trail.history import History, HistoryError\n"
            "from livedetect_gui.core.result import CheckResult\n"
            f"h = History({str(folder / 'h.sqlite3')!r})\n"
            "print(h.read_only, h.count(), h.verify().intact)\n"
            "try:\n    h.record(CheckResult(source='x', threshold=87))\n"
            "except HistoryError as e:\n    print(e.key)\n")
        site = next((ROOT / ".venv" / "lib").glob("python3*/site-packages"))
        proc = subprocess.run(
            ["runuser", "-u", "nobody", "--", "env", f"PYTHONPATH={ROOT}:{site}",
             "/usr/bin/python3", "-c", script], capture_output=True, text=True, timeout=60)
        if "No module named" in proc.stderr:
            pytest.skip("the system python cannot load the project's dependencies")
        assert proc.stdout.split() == ["True", "3", "True", "read_only"], proc.stderr
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_retention_cut_keeps_the_chain_verifiable(tmp_path) -> None:
    history = History(tmp_path / "h.sqlite3")
    now = time.time()
    for i in range(4):
        history.record(result(f"old{i}.jpg", 90, checked_at=now - 40 * 86400))
    history.record(result("new.jpg", 90))
    assert history.purge_older_than(30) == 4
    assert history.verify().intact
    db = sqlite3.connect(tmp_path / "h.sqlite3")
    db.execute("DELETE FROM records WHERE source = 'new.jpg'")
    db.commit()
    assert not history.verify().intact


def test_retention_keeps_a_record_written_while_it_reads_the_trail(tmp_path) -> None:
    """The desk purges on a worker at start while the operator's checks are recorded: a
    record another writer appends between retention's reads of the trail is not deleted."""
    history = History(tmp_path / "h.sqlite3")
    for i in range(3):
        history.record(result(f"old{i}.jpg", 90, checked_at=time.time() - 40 * 86400))
    other = History(tmp_path / "h.sqlite3")  # a second connection, as another thread's
    read = history.store.page
    written: list[str] = []

    def page_then_a_write(*args, **kwargs):
        rows = read(*args, **kwargs)
        if not written:
            written.append(other.record(result("new.jpg", 90)))
        return rows

    history.store.page = page_then_a_write  # type: ignore[method-assign]
    assert history.purge_older_than(30) == 3
    assert [r.id for r in other.entries(kinds=["check"])] == written
    assert history.verify().intact


def test_api3_string_codes_round_trip_and_hash(tmp_path) -> None:
    history = History(tmp_path / "h.sqlite3")
    history.record(result("tc3.jpg", None, code="AuthFailure.SignatureFailure", api="tc3",
                          threshold=40))
    history.record(result("legacy.jpg", None, code=-1101))
    legacy, tc3 = history.page(Query(), 0, 5)
    assert (tc3.code, legacy.code) == ("AuthFailure.SignatureFailure", -1101)
    assert "[code AuthFailure.SignatureFailure]" in tc3.message("en")
    assert history.verify().intact
