"""Batch decisions, undo and four eyes at the desk, through the core's Review: one question for
a decision on several photos and one record each; Ctrl+Z withdraws the operator's last
decision; with four eyes on, a decision against the verdict waits for another operator, who
sees it in their worklist, and the maker's own approval is refused by the core."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from livedetect_gui.core.trail.chain import DecisionError
from livedetect_gui.core.trail.history import History
from livedetect_gui.core.trail.worklist import WorkState
from tests.ui.conftest import WAIT_MS
from tests.ui.desk.desk_windows import check_photos, desk_window, item_named, select_rows

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def test_batch_decision_asks_once_and_undo_withdraws_the_last(qtbot, tmp_path) -> None:
    window = desk_window(qtbot, tmp_path, operator="ann")
    check_photos(qtbot, window, tmp_path, {"a.jpg": "pass", "b.jpg": "fail", "c.jpg": "pass",
                                           "d.jpg": "pass"})
    passes = [item_named(window, n) for n in ("a.jpg", "c.jpg", "d.jpg")]
    select_rows(window.queue_view, [window.model.row_of(i.id) for i in passes])
    qtbot.keyClick(window.queue_view, Qt.Key.Key_A, ALT)
    box = window.flow.confirm_box
    assert box is not None and box.isVisible() and "3 selected photos" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: all(i.decision is not None for i in passes), timeout=WAIT_MS)
    assert {i.decision.decision for i in passes} == {"accept"}
    assert item_named(window, "b.jpg").decision is None

    # Ctrl+Z: the newest decision that still counts is withdrawn; that photo is open again.
    newest = max(passes, key=lambda i: i.decision.seq)
    window.activateWindow()  # back from the question box, as a desktop does
    qtbot.waitUntil(window.isActiveWindow)
    window.queue_view.setFocus()
    qtbot.keyClick(window.queue_view, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: newest.decision is None, timeout=WAIT_MS)
    assert newest.state is WorkState.UNDECIDED and newest.undecided
    assert "Withdrawn" in window.statusBar().currentMessage()
    assert sum(i.decision is not None for i in passes) == 2

    # "Decide the selected as judged": each as the machine judged it, asked once.
    every = [window.model.row_of(i.id) for i in window.model.items()]
    select_rows(window.queue_view, every)
    qtbot.keyClick(window.queue_view, Qt.Key.Key_D, CTRL | Qt.KeyboardModifier.ShiftModifier)
    box = window.flow.confirm_box
    assert "accept 3 PASS and reject 1 FAIL" in box.text()
    qtbot.keyClick(box, Qt.Key.Key_Return)  # Yes is the default
    b = item_named(window, "b.jpg")
    qtbot.waitUntil(lambda: b.decision is not None and newest.decision is not None,
                    timeout=WAIT_MS)
    assert b.decision.decision == "reject" and not b.decision.override

    window.close()
    history = History(tmp_path / "history.sqlite3")
    assert len(history.entries(kinds=["decision"])) == 3 + 4
    assert len(history.entries(kinds=["withdrawal"])) == 1
    assert history.verify().intact
    history.close()


def test_four_eyes_pending_for_others_and_own_approval_refused(qtbot, tmp_path) -> None:
    window = desk_window(qtbot, tmp_path, operator="ann", four_eyes=True)
    check_photos(qtbot, window, tmp_path, {"a.jpg": "fail", "b.jpg": "pass"})
    a = item_named(window, "a.jpg")
    window.queue_view.select_only(window.model.row_of(a.id))
    panel = window.decision_area.panel
    panel.reason.setCurrentIndex(panel.reason.findData("document_verified"))
    qtbot.keyClick(window.queue_view, Qt.Key.Key_A, ALT)  # against the verdict: pending
    qtbot.waitUntil(lambda: a.state is WorkState.AWAITING_APPROVAL, timeout=WAIT_MS)
    assert "awaiting approval" in window.model.index(
        window.model.row_of(a.id), window.model.COLUMNS.index("decision")).data()

    # Not in the maker's own worklist...
    window.show_worklist()
    worklist = window.views.worklist
    qtbot.waitUntil(lambda: worklist.model.counts[WorkState.UNDECIDED] == 1, timeout=WAIT_MS)
    assert [i.check.id for i in worklist.model.items] == [item_named(window, "b.jpg").record_id]
    # ...and the maker's own approval is refused by the core, its message shown.
    window.show_queue()
    window.queue_view.select_only(window.model.row_of(a.id))
    area = window.decision_area
    assert area.review_row.isVisible()
    area.approve_button.click()
    expected = DecisionError("own_approval", "").message("en")
    qtbot.waitUntil(lambda: panel.problem.text() == expected, timeout=WAIT_MS)
    assert a.state is WorkState.AWAITING_APPROVAL

    # Another operator sees it in their worklist and approves it.
    window.desk.set_operator("bo")
    window.show_worklist()
    qtbot.waitUntil(lambda: worklist.model.counts[WorkState.AWAITING_APPROVAL] == 1,
                    timeout=WAIT_MS)
    row = next(n for n, i in enumerate(worklist.model.items) if i.check.id == a.record_id)
    select_rows(worklist.view, [row])
    assert area.review_row.isVisible() and "ann" in panel.summary.text()
    area.approve_button.click()
    qtbot.waitUntil(lambda: a.state is WorkState.DECIDED, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: worklist.model.counts[WorkState.AWAITING_APPROVAL] == 0,
                    timeout=WAIT_MS)

    window.close()
    history = History(tmp_path / "history.sqlite3")
    approvals = history.entries(kinds=["approval"])
    assert [(r.operator, r.decision) for r in approvals] == [("bo", "approve")]
    history.close()
