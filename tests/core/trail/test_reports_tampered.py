"""A report over a tampered trail says it was altered; it never crashes on the values."""

from __future__ import annotations

import sqlite3
import time

import pytest

from livedetect_gui.core.result import CheckResult
from livedetect_gui.core.trail.history import History
from livedetect_gui.core.trail.reports import ReportOptions, build_report


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "not a number"])
def test_an_impossible_score_is_reported_as_an_altered_trail(tmp_path, value) -> None:
    path = tmp_path / "h.sqlite3"
    history = History(path)
    for n in range(3):
        history.record(CheckResult(source=f"p{n}.jpg", threshold=87, score=90 - n, code=0,
                                   attempts=1))
    with sqlite3.connect(path) as db:
        db.execute("UPDATE records SET score = ?, threshold = ? WHERE seq = 2", (value, value))
    now = time.time()
    report = build_report(history, ReportOptions(since=now - 3600, until=now + 3600))
    assert not report.chain.intact
    assert sum(report.histogram) == 2
    assert report.threshold == 87
    assert "altered" in report.as_text() or "edited" in report.as_text()
    history.close()
