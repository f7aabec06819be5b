"""The operator's name: asked at first start, changed from the status bar."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from livedetect_gui.core.trail.history import History
from tests.conftest import photo_with_verdict
from tests.ui.conftest import WAIT_MS, wait_final, wait_prepared


def test_operator_prompt_at_first_start_and_change_from_status_bar(qtbot, make_window,
                                                                    tmp_path) -> None:
    window = make_window(operator="")
    assert make_window(operator="kim").ask_operator_if_unknown() is None
    dialog = window.ask_operator_if_unknown()
    assert dialog is not None and dialog.isVisible()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # nobody is not an answer
    qtbot.keyClicks(dialog.name, "  Bo   Chen ")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert window.desk.operator == "Bo Chen" and window.desk.history.operator == "Bo Chen"
    assert window.operator_button.text() == "Operator: Bo Chen"
    assert window.desk.settings.operator == "Bo Chen"  # remembered on this machine

    path = tmp_path / "p.jpg"
    photo_with_verdict(path, "pass")
    window.add_paths([str(path)])
    wait_prepared(qtbot, window, 1)
    window.run_all()
    wait_final(qtbot, window)
    item = window.model.items()[0]
    qtbot.waitUntil(lambda: item.record_id is not None, timeout=WAIT_MS)

    # A new shift: click the name in the status bar.
    qtbot.mouseClick(window.operator_button, Qt.MouseButton.LeftButton)
    change = window.setup.operator_dialog
    assert change.name.text() == "Bo Chen"
    change.name.clear()
    qtbot.keyClicks(change.name, "OP-1138")
    change.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert window.desk.operator == "OP-1138"
    window.desk.set_threshold(window.desk.threshold)  # no-op: the operator stays
    window.flow.decide([item.record_id], "escalate")
    qtbot.waitUntil(lambda: item.decision is not None, timeout=WAIT_MS)

    window.desk.shutdown()
    history = History(window.desk.history.path)
    check = history.get(item.record_id)
    assert check is not None and check.operator == "Bo Chen"
    assert item.decision.operator == "OP-1138"
    assert history.verify().intact
    history.close()
