"""The capture station driven by the synthetic frame source (frames pushed from images)."""

from __future__ import annotations

import uuid

import pytest
from PIL import Image, ImageEnhance, ImageFilter
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import (
    QApplication,
)

from devsupport.windows import under_wine
from livedetect_gui import resource
from livedetect_gui.core.service.credentials import CredentialStore
from livedetect_gui.ui.capture.camera import CameraInfo, SyntheticFrameSource
from livedetect_gui.ui.common.qimages import to_qimage
from livedetect_gui.ui.desk.settings import DeskSettings
from livedetect_gui.ui.queue.model import FINAL, Status
from livedetect_gui.ui.window.main_window import MainWindow
from tests.conftest import make_photo
from tests.ui.conftest import WAIT_MS, wait_final, wait_prepared


def halves(width: int = 1280, height: int = 720) -> QImage:
    """Left half red, right half blue, with detail: shows mirroring and passes the checks."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    for x in range(width // 2, width):
        for y in range(0, height, 1):
            image.setPixelColor(x, y, QColor(0, 0, 255))
    for x in range(0, width, 40):  # sharp stripes: not "blurred"
        for y in range(height):
            image.setPixelColor(x, y, QColor("white"))
    return image


def face(darken: float = 1.0, blur: float = 0) -> QImage:
    picture = Image.open(resource("samples/face.jpg")).convert("RGB").resize((960, 1280))
    picture = picture.crop((0, 280, 960, 280 + 540)).resize((1280, 720))
    if darken != 1.0:
        picture = ImageEnhance.Brightness(picture).enhance(darken)
    if blur:
        picture = picture.filter(ImageFilter.GaussianBlur(blur))
    return to_qimage(picture)


@pytest.fixture
def station(qtbot, tmp_path):
    def make(source: SyntheticFrameSource | None = None) -> tuple[MainWindow,
                                                                   SyntheticFrameSource]:
        source = source if source is not None else SyntheticFrameSource()
        # Synthetic frames have no face: the pre-checks would hold every capture.
        window = MainWindow(DeskSettings(prechecks=False), force_sandbox=True,
                            store=CredentialStore(f"livedetect-gui-tests-{uuid.uuid4().hex[:6]}"),
                            history_path=tmp_path / "history.sqlite3", frame_source=source,
                            captures_folder=tmp_path / "captures")
        qtbot.addWidget(window)
        window.show()
        window.capture_dock.show()
        # Space is a window shortcut: it needs the window active, as at a real desk.
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT_MS)
        made.append(window)
        return window, source

    made: list[MainWindow] = []
    yield make
    for window in made:
        window.shutdown()


def show_frame(qtbot, window, source, image: QImage) -> None:
    qtbot.waitUntil(lambda: source.active, timeout=WAIT_MS)
    assert source.push(image)
    qtbot.waitUntil(lambda: window.capture_panel._frame is not None, timeout=WAIT_MS)


def captured_item(qtbot, window, count: int = 1):
    qtbot.waitUntil(lambda: len(window.model.items()) == count, timeout=WAIT_MS)
    return window.model.items()[-1]


def test_capture_with_space_is_saved_unmirrored_and_queued(qtbot, station, tmp_path) -> None:
    window, source = station()
    panel = window.capture_panel
    show_frame(qtbot, window, source, halves())
    assert panel.mirror_check.isChecked()
    assert panel.video.transform().m11() == -1  # the preview is mirrored...
    qtbot.keyClick(window.queue_view, Qt.Key.Key_Space)
    item = captured_item(qtbot, window)
    assert item.source.label == "camera: Synthetic camera"
    assert item.source.path.parent == tmp_path / "captures"
    assert item.source.path.name.startswith("capture-") and item.source.path.suffix == ".jpg"
    saved = Image.open(item.source.path)
    assert saved.format == "JPEG" and saved.size == (1280, 720)
    red, _, blue = saved.getpixel((20, 360))
    assert red > 200 and blue < 60  # ...the saved photo is not
    qtbot.waitUntil(lambda: item.status is Status.QUEUED, timeout=WAIT_MS)
    assert window.desk.service.sandbox.stats["requests"] == 0  # plain capture does not spend a call


def test_mirror_saved_photo_when_chosen(qtbot, station) -> None:
    window, source = station()
    window.capture_panel.mirror_saved_check.setChecked(True)
    show_frame(qtbot, window, source, halves())
    window.capture_panel.capture()
    item = captured_item(qtbot, window)
    red, _, blue = Image.open(item.source.path).getpixel((20, 360))
    assert blue > 200 and red < 60


def test_camera_list_follows_plugging(qtbot, station) -> None:
    window, source = station()
    panel = window.capture_panel
    assert panel.camera_combo.count() == 1
    source.add_device(CameraInfo("usb-2", "USB camera"))
    assert [panel.camera_combo.itemText(i) for i in range(2)] == ["Synthetic camera",
                                                                   "USB camera"]
    assert source.active  # plugging another camera does not interrupt the current one
    source.remove_device("synthetic-1")  # the one in use: lost mid-session
    assert "disconnected" in panel.message.text()
    assert panel.camera_combo.count() == 1
    panel.camera_combo.setCurrentIndex(0)
    panel._camera_chosen()
    qtbot.waitUntil(lambda: source.active, timeout=WAIT_MS)


def test_countdown_and_escape(qtbot, station) -> None:
    window, source = station()
    panel = window.capture_panel
    show_frame(qtbot, window, source, face())
    panel.countdown_combo.setCurrentIndex(panel.countdown_combo.findData(3))
    panel.capture()
    assert panel.count_text.text() == "3"
    qtbot.waitUntil(lambda: panel.count_text.text() == "2", timeout=WAIT_MS)
    assert window.model.rowCount() == 0
    qtbot.keyClick(window, Qt.Key.Key_Escape)  # stops the countdown
    assert panel.count_text.text() == ""
    panel.capture()
    captured_item(qtbot, window)  # arrives after three seconds
    # The stopped countdown would have fired before this one: it did not.
    assert window.model.rowCount() == 1 and panel.count_text.text() == ""


def test_retake_withdraws_the_photo(qtbot, station) -> None:
    window, source = station()
    panel = window.capture_panel
    show_frame(qtbot, window, source, face())
    panel.capture()
    item = captured_item(qtbot, window)
    path = item.source.path
    qtbot.waitUntil(lambda: panel.retake_button.isEnabled(), timeout=WAIT_MS)
    qtbot.mouseClick(panel.retake_button, Qt.MouseButton.LeftButton)
    assert window.model.rowCount() == 0
    qtbot.waitUntil(lambda: not path.exists(), timeout=WAIT_MS)


def test_capture_and_check_shows_the_verdict(qtbot, station) -> None:
    window, source = station()
    panel = window.capture_panel
    panel.check_mode.setChecked(True)
    show_frame(qtbot, window, source, face())
    qtbot.keyClick(window.queue_view, Qt.Key.Key_Space)
    item = captured_item(qtbot, window)
    qtbot.waitUntil(lambda: item.status in FINAL, timeout=WAIT_MS)
    assert item.status in (Status.PASS, Status.FAIL)
    qtbot.waitUntil(lambda: panel.badge.verdict is not None, timeout=WAIT_MS)
    assert panel.badge.isVisible()
    assert str(item.result.score) in panel.badge.text.text()
    assert window.desk.service.sandbox.stats["requests"] == 1


@pytest.mark.parametrize(("image", "word"), [
    (lambda: face(darken=0.12), "Very dark"),
    (lambda: face(blur=12), "Blurred"),
])
def test_quality_warnings_hold_back_the_paid_call(qtbot, station, image, word) -> None:
    window, source = station()
    panel = window.capture_panel
    panel.check_mode.setChecked(True)
    show_frame(qtbot, window, source, image())
    panel.capture()
    item = captured_item(qtbot, window)
    assert word in panel.message.text()
    assert panel.check_anyway_button.isVisible()
    # Prepared: a check asked for would be under way by now (it starts as preparation ends).
    qtbot.waitUntil(lambda: item.status is not Status.PREPARING, timeout=WAIT_MS)
    assert item.status is Status.QUEUED and not window.desk.runs.running
    assert window.desk.service.sandbox.stats["requests"] == 0
    qtbot.mouseClick(panel.check_anyway_button, Qt.MouseButton.LeftButton)
    wait_final(qtbot, window)
    assert window.desk.service.sandbox.stats["requests"] == 1


def test_no_camera_and_busy_camera(qtbot, station, tmp_path) -> None:
    window, source = station(SyntheticFrameSource(devices=[]))
    panel = window.capture_panel
    assert "No camera found" in panel.message.text()
    assert not panel.capture_button.isEnabled()
    source.fail_next_start = "device busy"
    source.add_device(CameraInfo("cam", "Busy camera"))
    qtbot.waitUntil(lambda: "device busy" in panel.message.text(), timeout=WAIT_MS)
    assert not source.active and not panel.capture_button.isEnabled()
    panel.capture()  # nothing to capture: no crash, no item
    assert window.model.rowCount() == 0
    # The rest of the desk works all the same.

    make_photo(1).save(tmp_path / "desk.jpg")
    window.add_paths([str(tmp_path / "desk.jpg")])
    wait_prepared(qtbot, window, 1)
    window.run_all()
    wait_final(qtbot, window)
    assert window.model.items()[0].status in (Status.PASS, Status.FAIL)


def test_camera_is_released_when_hidden_and_on_close(qtbot, station) -> None:
    window, source = station()
    qtbot.waitUntil(lambda: source.active, timeout=WAIT_MS)
    window.capture_dock.hide()
    assert not source.active
    window.capture_dock.show()
    qtbot.waitUntil(lambda: source.active, timeout=WAIT_MS)
    window.close()
    assert not source.active


def test_language_switch_rewords_the_capture_panel(qtbot, no_camera_window) -> None:
    from livedetect_gui.ui.app import Languages

    window = no_camera_window
    window.capture_dock.show()
    panel = window.capture_panel
    assert "No camera found" in panel.no_camera.text()
    languages = Languages(QApplication.instance())
    try:
        window.set_language(languages.apply("zh_CN"))
        qtbot.waitUntil(lambda: "摄像头" in panel.no_camera.text(), timeout=WAIT_MS)
    finally:
        window.set_language(languages.apply("en"))
    assert "No camera found" in panel.no_camera.text()


@pytest.mark.skipif(under_wine(), reason="under Wine the window's minimum width comes from "
                    "Wine's font metrics (about 1300 px; 607 px on Linux with the same font): "
                    "it says nothing about Windows")
def test_capture_panel_fits_and_says_no_camera(qtbot, no_camera_window) -> None:
    window = no_camera_window
    assert window.width() <= 1024
    window.capture_dock.show()
    panel = window.capture_panel
    qtbot.waitUntil(lambda: panel.no_camera.isVisible(), timeout=WAIT_MS)
    assert window.width() <= 1024, "the capture panel widened the window"
    assert panel.screen_stack.currentWidget() is panel.no_camera  # not a black box
    assert panel.no_camera.isVisible() and "No camera found" in panel.no_camera.text()
