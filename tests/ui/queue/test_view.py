"""The queue view's keyboard: Ctrl+Home/End move the selection and the preview follows."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.conftest import make_photo
from tests.ui.conftest import wait_prepared


def test_ctrl_home_end_move_the_selection_with_the_preview(qtbot, window, tmp_path) -> None:
    for i in range(4):
        make_photo(i).save(tmp_path / f"n{i}.jpg")
    window.add_paths([str(tmp_path / f"n{i}.jpg") for i in range(4)])
    wait_prepared(qtbot, window, 4)
    view = window.queue_view
    view.setFocus()
    view.selectRow(0)
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    last = window.model.items()[-1]
    assert window.current_item() is last and window.selected_items() == [last]
    assert window.preview.item is last
    qtbot.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    first = window.model.items()[0]
    assert window.current_item() is first and window.selected_items() == [first]
