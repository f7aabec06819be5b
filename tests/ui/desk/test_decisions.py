"""The desk's decisions across a real restart of the controller: the saved queue comes back
with each check's record, its latest decision read from the trail, undecided photos decidable
(panel, Ctrl+Shift+N, the worklist), and the worklist built from the trail, oldest first."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from livedetect_gui.core.trail.history import History
from livedetect_gui.core.trail.worklist import WorkState
from livedetect_gui.ui.window.views import QUEUE, WORKLIST
from tests.ui.conftest import WAIT_MS
from tests.ui.desk.desk_windows import check_photos, desk_window, item_named

ALT = Qt.KeyboardModifier.AltModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def column_text(window, item, name: str) -> str:
    model = window.model
    return model.index(model.row_of(item.id), model.COLUMNS.index(name)).data() or ""


def test_decisions_and_the_worklist_survive_a_restart(qtbot, tmp_path) -> None:
    window = desk_window(qtbot, tmp_path, operator="ann")
    check_photos(qtbot, window, tmp_path, {"a.jpg": "pass", "b.jpg": "fail", "c.jpg": "pass",
                                           "d.jpg": "fail"})
    a = item_named(window, "a.jpg")
    window.queue_view.select_only(window.model.row_of(a.id))
    qtbot.keyClick(window.queue_view, Qt.Key.Key_A, ALT)
    qtbot.waitUntil(lambda: a.decision is not None, timeout=WAIT_MS)
    b = item_named(window, "b.jpg")
    window.queue_view.select_only(window.model.row_of(b.id))
    qtbot.keyClick(window.queue_view, Qt.Key.Key_E, ALT)
    qtbot.waitUntil(lambda: b.decision is not None, timeout=WAIT_MS)
    records = {i.name: i.record_id for i in window.model.items()}
    window.close()  # saves the queue, closes the trail: a real restart follows

    again = desk_window(qtbot, tmp_path, operator="ann")
    qtbot.waitUntil(lambda: len(again.model.items()) == 4, timeout=WAIT_MS)
    items = {i.name: i for i in again.model.items()}
    assert {n: i.record_id for n, i in items.items()} == records
    # The latest decision is back in the Decision column (read from the trail).
    qtbot.waitUntil(lambda: column_text(again, items["a.jpg"], "decision") == "Accept",
                    timeout=WAIT_MS)
    qtbot.waitUntil(lambda: items["b.jpg"].state is WorkState.ESCALATED, timeout=WAIT_MS)
    assert column_text(again, items["b.jpg"], "decision") == "Escalate"
    assert items["c.jpg"].undecided and items["d.jpg"].undecided

    # A restored, never-decided check is decidable: the panel is on, Ctrl+Shift+N reaches it
    # and moves the selection (one row selected, never extended).
    again.activateWindow()
    again.queue_view.select_only(again.model.row_of(items["a.jpg"].id))
    qtbot.keyClick(again.queue_view, Qt.Key.Key_N, CTRL_SHIFT)
    assert again.current_item() is items["c.jpg"]
    assert again.queue_view.selected_items() == [items["c.jpg"]]
    panel = again.decision_area.panel
    assert panel.isEnabled() and "c.jpg" in panel.summary.text()
    qtbot.keyClick(again.queue_view, Qt.Key.Key_N, CTRL_SHIFT)
    assert again.queue_view.selected_items() == [items["d.jpg"]]

    # The worklist is the trail's: undecided and escalated checks, oldest first.
    again.show_worklist()
    worklist = again.views.worklist
    qtbot.waitUntil(lambda: worklist.model.rowCount() == 3, timeout=WAIT_MS)
    listed = {Path(i.check.source).name: i.state for i in worklist.model.items}
    assert listed == {"b.jpg": WorkState.ESCALATED, "c.jpg": WorkState.UNDECIDED,
                      "d.jpg": WorkState.UNDECIDED}
    times = [(i.check.at, i.check.seq) for i in worklist.model.items]
    assert times == sorted(times)  # oldest first
    order = [i.check.id for i in worklist.model.items]
    assert "To decide: 2 · escalated 1" in again.status.worklist_label.text()
    # The oldest open item is selected, ready; Ctrl+Shift+N moves on, oldest first.
    qtbot.waitUntil(lambda: worklist.current_item() is not None, timeout=WAIT_MS)
    assert worklist.current_item().check.id == order[0]
    qtbot.keyClick(worklist.view, Qt.Key.Key_N, CTRL_SHIFT)
    assert worklist.current_item().check.id == order[1]
    qtbot.keyClick(worklist.view, Qt.Key.Key_N, CTRL_SHIFT)
    assert worklist.current_item().check.id == order[2]
    assert len(worklist.selected_items()) == 1
    # Go to c.jpg (a PASS) to decide it there.
    while worklist.current_item().check.id != records["c.jpg"]:
        qtbot.keyClick(worklist.view, Qt.Key.Key_N, CTRL_SHIFT)
    # Deciding there lands on that check, and the list moves on to the next open one.
    qtbot.keyClick(worklist.view, Qt.Key.Key_R, ALT)  # rejecting a PASS needs a reason
    assert "reason" in panel.problem.text()
    # Ctrl+Home returns from the panel to the list (not trapped after the message).
    assert QApplication.focusWidget() is panel.reason
    qtbot.keyClick(panel.reason, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is worklist.view
    qtbot.keyClick(worklist.view, Qt.Key.Key_A, ALT)
    qtbot.waitUntil(lambda: worklist.model.rowCount() == 2, timeout=WAIT_MS)
    assert [i.check.id for i in worklist.model.items] == [
        i for i in order if i != records["c.jpg"]]
    qtbot.waitUntil(lambda: column_text(again, items["c.jpg"], "decision") == "Accept",
                    timeout=WAIT_MS)
    assert again.views.active == WORKLIST  # the desk did not jump back to the queue
    again.show_queue()
    assert again.views.active == QUEUE

    again.close()
    history = History(tmp_path / "history.sqlite3")
    decisions = history.entries(kinds=["decision"])
    assert sorted((Path(d.source).name, d.decision) for d in decisions) == [
        ("a.jpg", "accept"), ("b.jpg", "escalate"), ("c.jpg", "accept")]
    assert history.verify().intact
    history.close()
