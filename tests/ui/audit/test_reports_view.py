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
