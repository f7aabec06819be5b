"""History never shows a replaced kept photo as "the photo as sent"."""

from __future__ import annotations

from tests.conftest import photo_with_verdict
from tests.ui.conftest import WAIT_MS, wait_final, wait_prepared


def test_a_replaced_kept_photo_is_marked(qtbot, make_window, tmp_path) -> None:
    window = make_window(keep_photos_days=30, operator="ann")
    photo_with_verdict(tmp_path / "k.jpg", "pass")
    window.add_paths([str(tmp_path / "k.jpg")])
    wait_prepared(qtbot, window, 1)
    window.run_all()
    wait_final(qtbot, window)
    qtbot.waitUntil(lambda: window.model.items()[0].record_id is not None, timeout=WAIT_MS)
    record_id = window.model.items()[0].record_id
    kept = window.desk.photos.folder / f"{record_id}.jpg"
    qtbot.waitUntil(kept.exists, timeout=WAIT_MS)
    photo_with_verdict(tmp_path / "other.jpg", "fail")
    kept.write_bytes((tmp_path / "other.jpg").read_bytes())  # swapped after the check

    window.show_history()
    panel = window.history_panel
    qtbot.waitUntil(lambda: panel.model.total >= 1, timeout=WAIT_MS)
    panel.view.selectRow(0)
    qtbot.waitUntil(lambda: panel.photo.isVisible(), timeout=WAIT_MS)
    assert panel.photo.property("replaced") is True
    assert panel.photo.toolTip().startswith("NOT the photo as sent")
