"""From a batch added to every photo decided as the machine judged, by keyboard alone: the
keystrokes are counted (each key press sent is one), and every check gets its one record."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from livedetect_gui.core.trail.history import History
from tests.conftest import photo_with_verdict
from tests.ui.conftest import WAIT_MS, wait_final
from tests.ui.desk.desk_windows import desk_window

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def test_a_batch_to_all_decided_in_four_keystrokes(qtbot, tmp_path) -> None:
    window = desk_window(qtbot, tmp_path, operator="ann")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    verdicts = ["pass", "fail", "pass", "pass", "fail", "pass", "pass", "fail"]
    paths = []
    for n, verdict in enumerate(verdicts):
        path = tmp_path / f"p{n}.jpg"
        photo_with_verdict(path, verdict, start=n * 50)
        paths.append(str(path))
    window.add_paths(paths)  # the batch added (a drop, or Open photos)
    qtbot.waitUntil(lambda: len(window.model.items()) == len(verdicts), timeout=WAIT_MS)
    assert QApplication.focusWidget() is window.queue_view  # not the URL field

    keys = 0

    def press(key: Qt.Key, modifiers=Qt.KeyboardModifier.NoModifier, widget=None) -> None:
        nonlocal keys
        keys += 1
        qtbot.keyClick(widget or QApplication.focusWidget(), key, modifiers)

    press(Qt.Key.Key_Return, CTRL)  # Run all
    wait_final(qtbot, window)
    qtbot.waitUntil(lambda: all(i.record_id for i in window.model.items()), timeout=WAIT_MS)
    press(Qt.Key.Key_A, CTRL)  # select every photo
    press(Qt.Key.Key_D, CTRL | SHIFT)  # decide the selected as judged: asked once
    box = window.flow.confirm_box
    assert box is not None and "accept 5 PASS and reject 3 FAIL" in box.text()
    press(Qt.Key.Key_Return, widget=box)  # yes
    qtbot.waitUntil(lambda: all(i.decision is not None for i in window.model.items()),
                    timeout=WAIT_MS)
    print(f"keystrokes from a batch of {len(verdicts)} added to all decided: {keys}")
    assert keys == 4
    assert all(not i.decision.override for i in window.model.items())

    window.close()
    history = History(tmp_path / "history.sqlite3")
    assert len(history.entries(kinds=["decision"])) == len(verdicts)
    history.close()
