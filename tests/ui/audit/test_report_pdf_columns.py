"""One very long operator name never pushes every operator's figures off the PDF's table."""

from __future__ import annotations

import time

from livedetect_gui.core.result import CheckResult
from livedetect_gui.core.trail.history import History
from livedetect_gui.core.trail.reports import ReportOptions, build_report
from livedetect_gui.ui.audit.report_pdf import column_widths, render_pdf


def test_the_figures_keep_their_room_beside_a_huge_label() -> None:
    figures = [40.0] * 12
    widths = column_widths([5000.0, *figures], 1000.0)
    assert sum(widths) <= 1000.0 + 1e-6
    assert all(w >= 40.0 for w in widths[1:])  # every figure still fits
    assert widths[0] <= 300.0 + (1000.0 - 300.0 - 480.0) / 13 + 1e-6


def test_everything_shrinks_in_proportion_when_even_the_figures_overflow() -> None:
    widths = column_widths([100.0, *[100.0] * 12], 650.0)
    assert abs(sum(widths) - 650.0) < 1e-6 and widths[1] == widths[2]


def test_a_report_with_a_very_long_operator_name_renders(qtbot, tmp_path) -> None:
    history = History(tmp_path / "h.sqlite3", operator="O" * 3000)
    history.record(CheckResult(source="a.jpg", threshold=87, score=90, code=0, attempts=1))
    history.operator = "ann"
    history.record(CheckResult(source="b.jpg", threshold=87, score=20, code=0, attempts=1))
    now = time.time()
    report = build_report(history, ReportOptions(since=now - 3600, until=now + 3600))
    data = render_pdf(report)
    assert data.startswith(b"%PDF") and len(report.operators) == 2
    history.close()
