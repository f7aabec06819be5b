"""The preview and the queue in Chinese: no English detail text leaks into what the operator
reads (the core's stored details are rendered in the desk's language), a FAIL never says 成功."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from livedetect_gui.core.result import CheckResult
from livedetect_gui.ui.app import Languages
from tests.conftest import make_photo
from tests.ui.conftest import WAIT_MS, wait_prepared

ENGLISH = re.compile(r"\b(frames|short side|faces|not an http)\b")


def test_details_are_chinese_on_chinese_screens(qtbot, make_window, tmp_path) -> None:
    languages = Languages(QApplication.instance())
    languages.apply("zh_CN")
    try:
        window = make_window(prechecks=True)
        window.set_language("zh_CN")
        frames = [make_photo(i, (320, 240)) for i in range(3)]
        frames[0].save(tmp_path / "anim.gif", save_all=True, append_images=frames[1:])
        make_photo(5, (50, 50)).save(tmp_path / "tiny.jpg")
        window.add_paths([str(tmp_path / "anim.gif"), str(tmp_path / "tiny.jpg")])
        wait_prepared(qtbot, window, 2)
        items = {i.name: i for i in window.model.items()}
        for name in ("anim.gif", "tiny.jpg"):
            row = window.model.row_of(items[name].id)
            window.queue_view.select_only(row)
            qtbot.waitUntil(lambda n=name: window.preview.item is items[n], timeout=WAIT_MS)
            shown = [window.preview.notes.text(), window.preview.details.text(),
                     window.preview.hold_label.text(), window.preview.sizes.text()]
            shown += [window.model.index(row, c).data(role) for c in range(3, 5)
                      for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)]
            text = " ".join(t for t in shown if t)
            assert not ENGLISH.search(text), (name, text)
        assert "动图" in window.preview.details.text() + window.model.index(
            window.model.row_of(items["anim.gif"].id), 0).data(Qt.ItemDataRole.ToolTipRole)
        # A judged FAIL says 未通过, never 成功.
        item = items["tiny.jpg"]
        window.model.mark_result(item, CheckResult(source="tiny.jpg", threshold=87, score=12,
                                                   code=0, detail="成功"))
        window.model.flush()
        status = window.model.index(window.model.row_of(item.id), 1).data()
        assert status == "未通过"
        window.queue_view.select_only(window.model.row_of(item.id))
        qtbot.waitUntil(lambda: window.preview.badge.text.text() == "未通过", timeout=WAIT_MS)
        assert "成功" not in window.preview.notes.text()
    finally:
        languages.apply("en")
