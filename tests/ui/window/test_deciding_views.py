"""One decision panel bound to the record selected in the active view: a decision taken on
History, the worklist or a case lands on the record selected there, never on the queue's
current photo, and the desk stays where the operator is. On Reports the side pane is hidden."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from livedetect_gui.core.trail.history import History
from livedetect_gui.ui.window.views import CASE, HISTORY
from tests.ui.conftest import WAIT_MS
from tests.ui.desk.desk_windows import check_photos, desk_window, item_named, select_rows

ALT = Qt.KeyboardModifier.AltModifier


def history_row(window, name: str, kind: str = "check") -> int:
    model = window.history_panel.model
    return next(n for n, r in enumerate(model.rows)
                if r.kind == kind and r.source.endswith(name))


def test_a_decision_lands_on_the_record_selected_in_the_active_view(qtbot, tmp_path) -> None:
    window = desk_window(qtbot, tmp_path, operator="ann")
    check_photos(qtbot, window, tmp_path, {"camera.png": "pass", "chelsea.png": "pass",
                                           "coffee.png": "fail"})
    camera, chelsea = item_named(window, "camera.png"), item_named(window, "chelsea.png")
    window.queue_view.select_only(window.model.row_of(camera.id))
    assert window.preview_area.isVisible()

    # History: select chelsea.png's record, press Alt+E.
    window.show_history()
    panel = window.history_panel
    qtbot.waitUntil(lambda: len(panel.model.rows) == 3, timeout=WAIT_MS)
    select_rows(panel.view, [history_row(window, "chelsea.png")])
    decision = window.decision_area.panel
    assert "chelsea.png" in decision.summary.text() and decision.isEnabled()
    assert not window.preview_area.isVisible()  # the queue's photo is not shown beside it
    qtbot.keyClick(panel.view, Qt.Key.Key_E, ALT)
    qtbot.waitUntil(lambda: chelsea.decision is not None, timeout=WAIT_MS)
    assert chelsea.decision.decision == "escalate" and camera.decision is None
    assert window.views.active == HISTORY  # no jump back to the queue
    qtbot.waitUntil(lambda: any(r.kind == "decision" for r in panel.model.rows),
                    timeout=WAIT_MS)

    # Reports: no side pane (nothing there to decide).
    panel.tabs.setCurrentIndex(1)
    assert not window.side_pane.isVisible()
    panel.tabs.setCurrentIndex(0)
    assert window.side_pane.isVisible()

    # A case: the next photos come in under a scanned reference; its view lists them and
    # says whether it is complete; a decision there lands on its selected check.
    window.case_field.edit.setFocus()
    qtbot.keyClicks(window.case_field.edit, "APP-0042")
    qtbot.keyClick(window.case_field.edit, Qt.Key.Key_Return)
    assert window.desk.case_reference == "APP-0042"
    check_photos(qtbot, window, tmp_path, {"donna.png": "pass", "eve.png": "fail"})
    donna, eve = item_named(window, "donna.png"), item_named(window, "eve.png")
    assert donna.reference == eve.reference == "APP-0042"
    window.show_case()
    case = window.views.case
    qtbot.waitUntil(lambda: case.model.rowCount() == 2, timeout=WAIT_MS)
    assert "not complete" in case.state.text() and "2 of 2" in case.state.text()
    eve_row = next(n for n, i in enumerate(case.model.case.items)
                   if i.check.id == eve.record_id)
    select_rows(case.view, [eve_row])
    assert "eve.png" in decision.summary.text()
    qtbot.keyClick(case.view, Qt.Key.Key_R, ALT)  # a FAIL rejected: agrees, no reason
    qtbot.waitUntil(lambda: eve.decision is not None, timeout=WAIT_MS)
    assert eve.decision.decision == "reject" and donna.decision is None
    assert window.views.active == CASE
    # The case view moved on to donna.png; accepting it completes the case.
    qtbot.waitUntil(lambda: "donna.png" in decision.summary.text(), timeout=WAIT_MS)
    qtbot.keyClick(case.view, Qt.Key.Key_A, ALT)
    qtbot.waitUntil(lambda: "is complete" in case.state.text(), timeout=WAIT_MS)
    assert donna.decision is not None and donna.decision.decision == "accept"

    window.close()
    history = History(tmp_path / "history.sqlite3")
    decided = {Path(d.source).name: d.decision for d in history.entries(
        kinds=["decision"])}
    assert decided == {"chelsea.png": "escalate", "eve.png": "reject", "donna.png": "accept"}
    history.close()
