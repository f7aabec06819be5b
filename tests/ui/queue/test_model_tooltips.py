"""Queue tooltips show file names and notes as text, never as rich text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument

from livedetect_gui.core.checks.batch import Source
from livedetect_gui.ui.queue.model import QueueModel


def test_a_file_name_with_markup_is_shown_not_rendered(qtbot) -> None:
    model = QueueModel()
    name = '<img src="http://198.51.100.1/x.png"><b>bold</b>&amp;.jpg'
    model.add([Source(label=name, data=b"\xff\xd8")])
    tooltip = model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "<img" not in tooltip and "<b>" not in tooltip
    document = QTextDocument()
    document.setHtml(tooltip)  # what Qt shows for a rich-text tooltip
    assert document.toPlainText().splitlines()[0] == name
