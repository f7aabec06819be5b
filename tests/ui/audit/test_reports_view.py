"""The reports view: where its export dialog starts."""

from __future__ import annotations

from tests.ui.conftest import WAIT_MS


def test_report_export_dialog_starts_in_home_then_the_last_folder(
        qtbot, window, tmp_path, monkeypatch) -> None:
    from datetime import date
    from pathlib import Path

    from PySide6.QtWidgets import QFileDialog

    reports = window.history_panel.reports
    reports.build()
    qtbot.waitUntil(lambda: reports.report is not None, timeout=WAIT_MS)
    asked: list[str] = []
    answers = iter([str(tmp_path / "out" / "r.csv"), "", ""])
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda _parent, _title, start, _kinds: (asked.append(start),
                                                                (next(answers), ""))[1])
    (tmp_path / "out").mkdir()
    reports.export_csv()
    reports.export_pdf()
    window.history_panel.export()  # another kind of export: the same last folder
    today = date.today().isoformat()
    assert asked == [str(Path.home() / f"livedetect-report-{today}.csv"),
                     str(tmp_path / "out" / f"livedetect-report-{today}.pdf"),
                     str(tmp_path / "out" / f"livedetect-history-{today}.csv")]


def test_a_sandbox_desk_reports_its_simulated_checks_over_historys_range(
        qtbot, make_window) -> None:
    import time

    from livedetect_gui.core.result import CheckResult

    window = make_window()
    reports, history = window.history_panel.reports, window.history_panel
    # Both views open on the same days.
    assert (reports.since.date(), reports.until.date()) == (history.since.date(),
                                                            history.until.date())
    qtbot.waitUntil(reports.simulated.isChecked, timeout=WAIT_MS)
    trail = window.desk.trail_access().history.get()
    trail.record(CheckResult(source="sim.jpg", threshold=87, score=95, code=0, attempts=1,
                             simulated=True, checked_at=time.time()))
    reports.build()
    qtbot.waitUntil(lambda: reports.report is not None, timeout=WAIT_MS)
    assert reports.report.total.checks == 1 and reports.report.simulated_included == 1
    errors = reports.charts["errors"]
    assert "No errors in this range" in errors.toolTip()


def test_a_report_csv_export_says_where_it_went_and_how_many_rows(
        qtbot, window, tmp_path) -> None:
    reports = window.history_panel.reports
    reports.build()
    qtbot.waitUntil(lambda: reports.report is not None, timeout=WAIT_MS)
    target = tmp_path / "r.csv"
    reports.export_csv(str(target))
    qtbot.waitUntil(lambda: "Report written" in reports.status.text(), timeout=WAIT_MS)
    rows = len(target.read_text(encoding="utf-8").splitlines()) - 1  # less the header
    assert reports.status.text() == f"Report written to {target}: {rows} rows"


def test_exports_start_in_the_last_folder_after_a_restart(
        qtbot, make_window, tmp_path, monkeypatch) -> None:
    from pathlib import Path

    from PySide6.QtWidgets import QFileDialog

    out = tmp_path / "exports"
    out.mkdir()
    asked: list[str] = []
    answers = iter([str(out / "h.csv"), ""])
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda _parent, _title, start, _kinds: (asked.append(start),
                                                                (next(answers), ""))[1])
    first = make_window()
    first.history_panel.export()
    qtbot.waitUntil(lambda: "Exported" in first.history_panel.status.text(), timeout=WAIT_MS)
    assert first.desk.settings.export_folder == str(out)
    # The next start, with the settings the first one saved.
    second = make_window(export_folder=first.desk.settings.export_folder)
    panel = second.history_panel
    qtbot.waitUntil(lambda: panel.place.folder == out, timeout=WAIT_MS)
    panel.reports.build()
    qtbot.waitUntil(lambda: panel.reports.report is not None, timeout=WAIT_MS)
    panel.reports.export_pdf()
    assert Path(asked[-1]).parent == out
