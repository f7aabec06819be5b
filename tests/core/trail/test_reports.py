from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime

import pytest

from devsupport.windows import WINDOWS
from livedetect_gui.cli.main import main as cli_main
from livedetect_gui.core.checks.recording import record_result
from livedetect_gui.core.result import CheckResult
from livedetect_gui.core.trail.chain import Kind
from livedetect_gui.core.trail.events import record_removed
from livedetect_gui.core.trail.history import History
from livedetect_gui.core.trail.reports import ReportOptions, Tally, build_report, column_title
from livedetect_gui.core.trail.store import Query

DAY1 = datetime(2026, 11, 2, 10, 0).timestamp()  # a Monday
DAY2 = datetime(2026, 11, 3, 10, 0).timestamp()


def check(at: float, score: float | None, **extra) -> CheckResult:
    values = dict(source=f"{at}-{score}.jpg", threshold=87, score=score, code=0, attempts=1,
                  elapsed_ms=100, checked_at=at, endpoint="e", api="tc3")
    values.update(extra)
    return CheckResult(**values)


@pytest.fixture
def trail(tmp_path):
    ann = History(tmp_path / "h.sqlite3", operator="ann")
    bo = History(tmp_path / "h.sqlite3", operator="bo")
    passed = ann.record(check(DAY1, 95, elapsed_ms=100))
    failed = ann.record(check(DAY1 + 60, 40, elapsed_ms=300, attempts=2))
    ann.record(check(DAY1 + 120, None, code=None, problem_key="timeout", elapsed_ms=30000))
    ann.record(check(DAY1 + 180, None, code=None, problem_key="truncated", attempts=0,
                     elapsed_ms=5))
    bo.record(check(DAY2, 91, reused_from=DAY1, attempts=0, elapsed_ms=1))
    bo.record(check(DAY2 + 60, 99, simulated=True))
    ann.decide(passed, "accept")
    ann.decide(failed, "accept", reason="document_verified")  # an override
    bo.record(check(DAY1 - 86400 * 3, 90))  # outside the range
    return ann


def test_report_figures(trail) -> None:
    # Decisions count on the day they were made (today), checks on the day they were made.
    options = ReportOptions(since=DAY1 - 36000, until=time.time() + 3600)
    report = build_report(trail, options)
    total = report.total
    # The truncated photo was refused before sending: neither a check nor an error.
    assert (total.checks, total.passed, total.failed, total.errors) == (4, 2, 1, 1)
    assert (total.decisions, total.overrides) == (2, 1)
    assert (total.calls, total.reused, total.refused, total.held) == (4, 1, 1, 0)
    assert total.saved == 2  # 1 + 2 + 1 (the timeout) spent; one reused, one refused
    assert total.pass_rate == pytest.approx(2 / 3)
    assert total.mean_ms == pytest.approx((100 + 300 + 30000) / 3)
    assert total.p95_ms == 30000
    today = datetime.now().date().isoformat()
    assert [t.label for t in report.periods] == ["2026-11-02", "2026-11-03", today]
    assert report.periods[-1].decisions == 2 and report.periods[-1].checks == 0
    assert [t.label for t in report.operators] == ["ann", "bo"]
    assert report.operators[1].checks == 1 and report.simulated_left_out == 1
    assert dict(report.errors_by_kind) == {"network": 1}
    assert report.histogram[19] == 1 and report.histogram[18] == 1 and report.histogram[8] == 1
    assert report.chain.intact and report.threshold == 87  # the threshold the checks used
    with_sim = build_report(trail, ReportOptions(since=options.since, until=options.until,
                                                 include_simulated=True, by="week",
                                                 operators=["bo"]))
    assert with_sim.total.checks == 2 and [t.label for t in with_sim.periods][0] == "2026-W45"


def test_cli_report_text_csv_and_pdf(trail, tmp_path, capsys) -> None:
    out_csv, out_pdf = tmp_path / "r.csv", tmp_path / "r.pdf"
    today = datetime.now().date().isoformat()
    # A process of its own: the PDF needs a QGuiApplication, which must not be the test
    # session's (pytest-qt's widget tests need a QApplication).
    proc = subprocess.run([sys.executable, "-m", "livedetect_gui.cli", "report", "--history",
                           str(trail.path), "--from", "2026-11-02", "--to", today, "--csv",
                           str(out_csv), "--pdf", str(out_pdf)], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "LANG": "C"})
    text, code = proc.stdout, proc.returncode
    assert "Traceback" not in proc.stderr
    assert code == 0 and "chain intact" in text and "ann" in text and "66.7%" in text
    rows = list(csv.reader(out_csv.open(encoding="utf-8")))
    assert rows[0][:3] == ["section", "label", "checks"]
    assert rows[[r[0] for r in rows].index("total")][:3] == ["total", "Total", "4"]
    assert rows[0][-2:] == ["held", "refused"]
    assert out_pdf.read_bytes().startswith(b"%PDF")
    if not WINDOWS:  # Windows: the folder's ACL (tests/core/test_paths.py)
        assert (out_pdf.stat().st_mode & 0o077) == 0
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "30", "-png", str(out_pdf), str(tmp_path / "page")],
                       check=True, timeout=60)
        assert (tmp_path / "page-1.png").stat().st_size > 1000
    assert cli_main(["report", "--history", str(trail.path), "--from", "2026-11-05", "--to",
                     "2026-11-01"]) == 64


def test_labels_are_words_in_both_languages(trail, tmp_path) -> None:
    from livedetect_gui.core.trail.reports import ERROR_KINDS, error_kind_label, write_csv

    trail.record(check(DAY2 + 120, None, code=None, problem_key="held_dark", attempts=0))
    trail.record(check(DAY2 + 180, None, code=None, problem_key="internal", attempts=0))
    report = build_report(trail, ReportOptions(since=DAY1 - 36000, until=time.time() + 3600))
    assert "held" not in report.errors_by_kind and report.errors_by_kind["internal"] == 1
    for kind in (*ERROR_KINDS, "some_future_group"):
        for lang in ("en", "zh"):
            assert error_kind_label(kind, lang) not in ("held", "some_future_group")
    assert not {"held", "not_sent", "cancelled"} & set(ERROR_KINDS)  # never an error here
    assert error_kind_label("image", "zh") == "服务拒收照片"
    assert column_title("refused", "zh") == "拒收（未发送）"
    assert column_title("held", "en") == "Held (not sent)"
    zh_text = report.as_text("zh")
    assert "暂缓（未发送）" in zh_text and "拒收（未发送）" in zh_text
    assert report.row_label(report.total, "zh") == "合计"
    assert "\n合计 " in report.as_text("zh") and "\ntotal " not in report.as_text("en")
    out = tmp_path / "r.csv"
    # 3 days, 2 operators, the total, 2 kinds of error, 20 histogram bins, the chain
    assert write_csv(report, out, "zh") == 3 + 2 + 1 + 2 + 20 + 1
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0][0] == "section"  # nothing simulated in the figures: no marker
    assert ["error_kind", "内部错误", "1"] in rows
    total = next(r for r in rows if r[0] == "total")
    assert dict(zip(rows[0], total, strict=True))["held"] == "1"


def test_no_errors_is_not_no_records(trail) -> None:
    empty = build_report(trail, ReportOptions(since=DAY1 - 86400 * 30, until=DAY1 - 86400 * 20))
    assert empty.errors_empty("en") == "No records in this range"
    quiet = build_report(trail, ReportOptions(since=DAY2 - 60, until=DAY2 + 30,
                                              include_simulated=True))
    assert quiet.total.checks == 1 and not quiet.errors_by_kind
    assert quiet.errors_empty("en") == "No errors in this range"
    assert quiet.errors_empty("zh") == "此范围内没有错误"


def test_simulated_figures_say_so_first(trail, tmp_path) -> None:
    from livedetect_gui.core.trail.reports import write_csv

    options = ReportOptions(since=DAY1 - 36000, until=time.time() + 3600)
    assert build_report(trail, options).simulated_marker() == ""
    report = build_report(trail, ReportOptions(since=options.since, until=options.until,
                                               include_simulated=True))
    assert report.simulated_included == 1
    assert report.as_text("en").startswith("SIMULATED — 1 sandbox records included")
    out = tmp_path / "r.csv"
    write_csv(report, out, "zh")
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0][0].startswith("# 模拟数据") and rows[1][0] == "section"


def test_holds_and_refusals_are_neither_checks_nor_errors(tmp_path) -> None:
    history = History(tmp_path / "h.sqlite3", operator="ann")
    held = check(DAY1, None, code=None, problem_key="held_dark", attempts=0, source="a.jpg")
    refused = check(DAY1 + 60, None, code=None, problem_key="truncated", attempts=0,
                    source="b.jpg")
    assert record_result(history, held, holds=["held_dark", "held_blurred"])
    assert record_result(history, refused)
    history.record(check(DAY1 + 120, 95))
    report = build_report(history, ReportOptions(since=DAY1 - 60, until=DAY1 + 3600))
    total = report.total
    assert (total.checks, total.errors, total.held, total.refused) == (1, 0, 1, 1)
    assert not report.errors_by_kind and report.errors_empty() == "No errors in this range"
    assert (total.calls, total.not_sent, total.saved) == (1, 2, 2)  # both saved a call
    assert report.periods[0].held == 1 and report.operators[0].refused == 1


def test_a_hold_sent_anyway_saved_no_call(tmp_path) -> None:
    history = History(tmp_path / "h.sqlite3", operator="ann")
    record_result(history, check(DAY1, None, code=None, problem_key="held_small", attempts=0,
                                 source="a.jpg"), holds=["held_small"])
    record_result(history, check(DAY1 + 60, 93, source="a.jpg"), holds=["held_small"],
                  forced=True, reason="document_verified")
    # Held, then judged later by a plain check (no sent_anyway event): sent after all.
    record_result(history, check(DAY1 + 120, None, code=None, problem_key="held_dark",
                                 attempts=0, source="c.jpg"), holds=["held_dark"])
    history.record(check(DAY1 + 180, 40, source="c.jpg"))
    # Held and never sent: that one saved a call.
    record_result(history, check(DAY1 + 240, None, code=None, problem_key="held_faces",
                                 attempts=0, source="d.jpg"), holds=["held_faces"])
    report = build_report(history, ReportOptions(since=DAY1 - 60, until=time.time() + 3600))
    total = report.total
    assert (total.held, total.checks, total.errors) == (3, 2, 0)
    assert (total.held_unsent, total.not_sent, total.saved, total.calls) == (1, 1, 1, 2)
    assert report.periods[0].not_sent == 1 and report.operators[0].not_sent == 1


def test_a_hold_sent_anyway_after_the_range_or_by_another_operator_saved_no_call(
        tmp_path) -> None:
    ann = History(tmp_path / "h.sqlite3", operator="ann")
    for at, name in ((DAY1, "a.jpg"), (DAY1 + 60, "b.jpg"), (DAY1 + 120, "c.jpg")):
        record_result(ann, check(at, None, code=None, problem_key="held_small", attempts=0,
                                 source=name), holds=["held_small"])
    bob = History(tmp_path / "h.sqlite3", operator="bob")
    # a.jpg sent anyway by bob the next day, outside the range; c.jpg never sent.
    record_result(bob, check(DAY1 + 86400, 93, source="a.jpg"), holds=["held_small"],
                  forced=True)
    ann.record(check(DAY1 + 180, 91, source="b.jpg"))  # judged later in the range
    report = build_report(ann, ReportOptions(since=DAY1 - 60, until=DAY1 + 3600,
                                             operators=["ann"]))
    assert (report.total.held, report.total.held_unsent) == (3, 1)  # only c.jpg saved one
    assert report.operators[0].not_sent == 1 and report.periods[0].not_sent == 1


def test_an_event_is_not_a_check(tmp_path) -> None:
    history = History(tmp_path / "h.sqlite3", operator="ann")
    held_id = record_result(history, check(DAY1, None, code=None, problem_key="held_dark",
                                           attempts=0, source="a.jpg"), holds=["held_dark"])
    record_removed(history, "a.jpg", None, held_id=held_id)
    record_result(history, check(DAY1 + 60, 93, source="b.jpg"), holds=["held_small"],
                  forced=True)
    events = [r for r in history.stream(Query(sort="at", descending=False))
              if r.kind in (Kind.REMOVED, Kind.SENT_ANYWAY)]
    assert len(events) == 2
    tally = Tally("t")
    for event in events:
        tally.add(event)
    assert (tally.checks, tally.errors, tally.held, tally.calls, tally.decisions) == (0,) * 5
    report = build_report(history, ReportOptions(since=DAY1 - 60, until=time.time() + 3600))
    assert (report.total.checks, report.total.held, report.total.calls) == (1, 1, 1)
