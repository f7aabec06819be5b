"""The preview beside the queue: the photo on double-click (a re-check asks first), what a
call cost, the face of a URL check, the face box and the crop-to-face choice."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QMessageBox,
)

from livedetect_gui.core.checks.planning import Source
from livedetect_gui.core.result import CheckResult
from tests.conftest import make_photo
from tests.core.servers import file_server
from tests.ui.conftest import (
    WAIT_MS,
    as_sandbox,
    column,
    face_photo,
    point_at,
    wait_final,
    wait_prepared,
)

# 1 -------------------------------------------------------------------------------------------


# 2 and 3 -------------------------------------------------------------------------------------


# 4 -------------------------------------------------------------------------------------------


# 5 -------------------------------------------------------------------------------------------


# 6, 7 and 17 (the capture panel) -------------------------------------------------------------


# 8 -------------------------------------------------------------------------------------------

def test_double_click_shows_the_photo_and_rechecks_ask_first(qtbot, window, tmp_path) -> None:
    make_photo(3).save(tmp_path / "p.jpg")
    window.add_paths([str(tmp_path / "p.jpg")])
    wait_prepared(qtbot, window, 1)
    window.run_all()
    wait_final(qtbot, window)
    sandbox = window.desk.service.sandbox
    calls = sandbox.stats["requests"]
    view = window.queue_view
    view.selectRow(0)
    rect = view.visualRect(window.model.index(0, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.photo_dialog.isVisible(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.photo_dialog.label.pixmap() is not None
                    and not window.photo_dialog.label.pixmap().isNull(), timeout=WAIT_MS)
    window.photo_dialog.close()
    qtbot.waitUntil(lambda: not window.photo_dialog.isVisible(), timeout=WAIT_MS)
    assert not window.desk.runs.running and sandbox.stats["requests"] == calls  # looking is free
    window.run_selected()  # judged before: reused, not paid again
    wait_final(qtbot, window)
    assert window.model.items()[0].result.reused_from is not None
    assert sandbox.stats["requests"] == calls
    window.billing.check_again()  # a new billed call: asked first
    box = window.billing.recheck_box
    assert "billed" in box.text() and box.isVisible()
    box.button(QMessageBox.StandardButton.No).click()
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=WAIT_MS)
    assert not window.desk.runs.running and sandbox.stats["requests"] == calls
    window.billing.check_again()
    window.billing.recheck_box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: sandbox.stats["requests"] == calls + 1, timeout=WAIT_MS)


# 9 -------------------------------------------------------------------------------------------


# 10 ------------------------------------------------------------------------------------------

def test_billed_twice_is_said_in_details_and_preview(qtbot, window) -> None:
    items = window.add_sources([Source.remote("http://127.0.0.1:9/x.jpg")])
    for code, score in ((None, 90), (-4015, None)):
        window.model.mark_result(items[0], CheckResult(
            source="x", threshold=87, score=score, code=code, maybe_billed_twice=True))
        window.model.flush()
        window.queue_view.selectRow(0)
        window._refresh_preview()
        details = window.model.index(0, column(window, "details")).data()
        assert "may have been billed twice" in details
        assert "billed twice" in window.preview.notes.text()


# 15 ------------------------------------------------------------------------------------------

def test_url_checks_show_the_face(qtbot, window, tmp_path, start_sandbox) -> None:
    point_at(window, start_sandbox(allow_loopback_urls=True))  # the file server is on loopback
    make_photo(8, (800, 600)).save(tmp_path / "remote.jpg")
    with file_server(tmp_path) as base:
        window.url_edit.setText(f"{base}/remote.jpg")
        qtbot.keyClick(window.url_edit, Qt.Key.Key_Return)
        item = window.model.items()[0]
        qtbot.waitUntil(lambda: item.thumbnail is not None, timeout=WAIT_MS)
        window.queue_view.selectRow(0)
        window._refresh_preview(load_image=True)
        qtbot.waitUntil(lambda: window.preview.pixmap() is not None
                        and not window.preview.showing_thumbnail, timeout=WAIT_MS)
        window.run_all()
        wait_final(qtbot, window)
    assert item.result.code == 0  # the service still got the URL


# 16 ------------------------------------------------------------------------------------------


# 17 ------------------------------------------------------------------------------------------


def test_face_box_is_drawn_and_crop_to_the_face_is_a_choice(qtbot, make_window, sandbox,
                                                            tmp_path) -> None:
    window = make_window(prechecks=True)
    as_sandbox(window, sandbox)
    window.add_paths([face_photo(tmp_path)])
    wait_prepared(qtbot, window, 1)
    window.queue_view.selectRow(0)
    item = window.model.items()[0]
    qtbot.waitUntil(lambda: not window.preview.showing_thumbnail
                    and window.preview.pixmap() is not None, timeout=WAIT_MS)
    shown = window.preview.image.pixmap().toImage()
    face = item.precheck.faces[0]
    scale = shown.width() / item.precheck.size[0]
    # The box's left edge is drawn in the face colour (#1a73e8, give or take antialiasing).
    y = round((face.top + face.height / 2) * scale)
    edge = [shown.pixelColor(round(face.left * scale) + dx, y) for dx in range(-2, 3)]
    assert any(c.blue() > 180 and c.red() < 90 for c in edge)
    inside = shown.pixelColor(round((face.left + face.width / 2) * scale), y)
    assert not (inside.blue() > 180 and inside.red() < 90)  # the face itself is not covered
    assert window.preview.crop_button.isVisible() and "3:4" in window.preview.hold_label.text()
    assert len(window.model.items()) == 1  # nothing cropped silently
    window.preview.crop_button.click()
    wait_prepared(qtbot, window, 2)
    cropped = window.model.items()[1]
    width, height = cropped.original[:2]
    assert abs(width / height - 3 / 4) < 0.02
    # The copy is selected (never out of view), and a crop is not offered for cropping again.
    assert window.current_item() is cropped
    qtbot.waitUntil(lambda: window.preview.item is cropped, timeout=WAIT_MS)
    assert not window.preview.crop_button.isVisible()
    assert not window.desk.intake.crop_to_face(cropped)
    assert sandbox.stats["requests"] == 0


def test_a_held_photo_in_the_sandbox_is_worded_as_never_sent(qtbot, make_window,
                                                            tmp_path) -> None:
    window = make_window(prechecks=True)  # the desk's own sandbox: nothing is billed
    # The keyboard starts in the queue, not in the URL field (typing goes nowhere unseen).
    assert window.focusWidget() is window.queue_view
    make_photo(3, (640, 480)).save(tmp_path / "noface.jpg")  # no face: held
    window.add_paths([str(tmp_path / "noface.jpg")])
    wait_prepared(qtbot, window, 1)
    item = window.model.items()[0]
    assert item.status.value == "held"
    window.queue_view.select_only(0)
    preview = window.preview
    qtbot.waitUntil(lambda: preview.send_anyway_button.isVisible(), timeout=WAIT_MS)
    assert "To send:" in preview.sizes.text() and "Sent:" not in preview.sizes.text()
    assert preview.send_anyway_button.text() == "Send anyway (simulated, not billed)"
    assert "Not sent, nothing billed" in preview.hold_label.text()
