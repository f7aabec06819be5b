from __future__ import annotations

import csv
import io
import sqlite3
import time

import pytest

from livedetect_gui.core.history import _MIGRATIONS, SCHEMA_VERSION, History, default_path
from livedetect_gui.core.result import CheckResult, PreparedInfo


def result(source: str, score: int | None, code: int | None = 0, **extra) -> CheckResult:
    return CheckResult(source=source, threshold=87, score=score, code=code,
                       prepared=PreparedInfo(640, 480, 12345), sha256="ab" * 32,
                       endpoint="http://127.0.0.1:1/face/livedetectpicture", attempts=1,
                       elapsed_ms=42, **extra)



def test_default_path_follows_the_platform_data_dir() -> None:
    import os

    assert default_path().parent.name == "livedetect-gui"
    assert str(default_path()).startswith(os.environ["XDG_DATA_HOME"])


def test_record_filter_and_wal(tmp_path) -> None:
    history = History(tmp_path / "h.sqlite3", operator="desk1")
    now = time.time()
    history.record(result("a.jpg", 95))
    history.record(result("b.jpg", 40))
    history.record(result("c.jpg", None, code=None, problem_key="timeout"))
    history.record(result("old.jpg", 90, checked_at=now - 10 * 86400))
    entries = history.entries()
    assert [e.source for e in entries] == ["c.jpg", "b.jpg", "a.jpg", "old.jpg"]
    assert entries[0].verdict == "error" and entries[0].message.startswith("The service did")
    assert entries[1].operator == "desk1" and entries[1].prepared_bytes == 12345
    assert [e.source for e in history.entries(verdicts=["pass"])] == ["a.jpg", "old.jpg"]
    assert [e.source for e in history.entries(since=now - 86400, verdicts=["pass"])] == ["a.jpg"]
    assert [e.source for e in history.entries(text="old")] == ["old.jpg"]
    assert history.entries(text="%") == []  # LIKE wildcards are literal
    assert history.entries(verdicts=[]) == []
    mode = sqlite3.connect(tmp_path / "h.sqlite3").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    assert history.purge_older_than(5) == 1
    assert len(history.entries()) == 3


def test_migrates_a_version_1_file(tmp_path) -> None:
    path = tmp_path / "v1.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(_MIGRATIONS[0] + "PRAGMA user_version = 1;")
    db.execute("INSERT INTO checks (checked_at, source, score, threshold, verdict, message, "
               "endpoint, attempts, elapsed_ms, operator) VALUES (1, 'kept.jpg', 91, 87, "
               "'pass', 'OK', 'e', 1, 5, 'op')")
    db.commit()
    db.close()
    history = History(path)
    assert history.schema_version == SCHEMA_VERSION
    (entry,) = history.entries()
    assert entry.source == "kept.jpg" and entry.prepared_width is None
    assert not entry.maybe_billed_twice


def test_refuses_a_newer_schema(tmp_path) -> None:
    path = tmp_path / "future.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(RuntimeError, match="newer"):
        History(path)


def test_csv_export_is_complete_and_formula_safe(tmp_path) -> None:
    history = History(tmp_path / "h.sqlite3")
    history.record(result("=cmd|' /C calc'!A0.jpg", 95))
    history.record(result("plain.jpg", 20, maybe_billed_twice=True))
    out = io.StringIO()
    assert history.export_csv(out) == 2
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[0]["source"] == "plain.jpg" and rows[0]["verdict"] == "fail"
    assert rows[0]["maybe_billed_twice"] == "1" and rows[0]["score"] == "20"
    assert rows[1]["source"].startswith("'=")
    assert set(rows[0]) >= {"time", "source", "sha256", "score", "threshold", "verdict", "code",
                            "message", "endpoint", "attempts", "elapsed_ms", "operator"}
