"""Deciding by keyboard: an override needs a reason; a scanner's input fills the reference."""

from __future__ import annotations

from PySide6.QtCore import Qt

from livedetect_gui.core.result import CheckResult
from livedetect_gui.core.trail.history import History
from livedetect_gui.ui.queue.decision_panel import DecisionPanel


def test_keyboard_decision_with_override_reason_and_scanned_reference(qtbot, tmp_path) -> None:
    history = History(tmp_path / "h.sqlite3", operator="ann")
    check_id = history.record(CheckResult(source="fail.jpg", threshold=87, score=30, code=0))
    panel = DecisionPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow)
    panel.set_check(check_id, "fail", "fail.jpg")
    decided: list[tuple] = []
    panel.decided.connect(lambda *args: decided.append(args))

    # Scanner: the code arrives as keystrokes ending with Enter.
    panel.reference.setFocus()
    qtbot.keyClicks(panel.reference, "APP-2026-0042")
    qtbot.keyClick(panel.reference, Qt.Key.Key_Return)
    assert panel.reference.text() == "APP-2026-0042" and not decided

    qtbot.keyClick(panel, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)  # accept a FAIL
    assert not decided and "reason" in panel.problem.text()
    assert panel.reason.hasFocus()
    qtbot.keyClick(panel.reason, Qt.Key.Key_Down)  # the first configured reason
    qtbot.keyClick(panel, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    assert len(decided) == 1
    check, decision, reason, note, reference = decided[0]
    assert (check, decision, reason, reference) == (check_id, "accept", "document_verified",
                                                    "APP-2026-0042")
    record = history.decide(check, decision, reason or None, note, reference)
    assert record.override and history.verify().intact

    # Rejecting a FAIL agrees with the machine: no reason needed.
    panel.set_check(check_id, "fail", "fail.jpg")
    qtbot.keyClick(panel, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    assert decided[-1][1:3] == ("reject", "")
    panel.set_check(None)
    assert not panel.isEnabled()
