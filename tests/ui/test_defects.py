"""The defects a new operator ran into (issue 10), one test each, through the real window."""

from __future__ import annotations

import uuid
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QSpinBox,
)

from livedetect_gui.core.checks.batch import Source
from livedetect_gui.core.result import CheckResult
from livedetect_gui.core.service.connection import Mode
from livedetect_gui.core.service.credentials import CredentialStore
from livedetect_gui.core.trail.history import History
from livedetect_gui.ui.capture.camera import SyntheticFrameSource
from livedetect_gui.ui.desk import settings as desk_settings
from livedetect_gui.ui.desk.settings import DeskSettings
from livedetect_gui.ui.queue.model import ROW_ICON, Status
from livedetect_gui.ui.window.main_window import MainWindow
from tests.conftest import make_photo
from tests.core.servers import file_server
from tests.ui.conftest import WAIT_MS, point_at, wait_final, wait_prepared

from .test_dialogs import fill


def column(window: MainWindow, name: str) -> int:
    return window.model.COLUMNS.index(name)


# 1 -------------------------------------------------------------------------------------------

def test_1_bad_profile_name_never_hangs_the_desk(qtbot, tmp_path) -> None:
    window = MainWindow(DeskSettings(profile="front desk!"),
                        store=CredentialStore(f"livedetect-gui-tests-{uuid.uuid4().hex[:8]}"),
                        history_path=tmp_path / "h.sqlite3", env={}, persist=False)
    qtbot.addWidget(window)
    try:
        window.show()
        qtbot.waitUntil(lambda: window.desk.connection is not None, timeout=WAIT_MS)
        assert window.desk.service.mode is Mode.SANDBOX
        assert window.status.mode_label.text() != "Starting…"
        assert "cannot be used" in window.failure_box.text()
        window.failure_box.close()
        dialog = window.setup.edit_credentials()
        qtbot.waitUntil(lambda: "Looking for the OS keyring" not in dialog.status.text(),
                        timeout=WAIT_MS)
        account = window.desk.service.sandbox.account
        fill(dialog, account.appid, account.secret_id, account.secret_key)
        dialog.use_for_session()  # the name is checked where it is typed
        assert dialog.isVisible() and "cannot be used" in dialog.status.text()
        dialog.profile.setCurrentText("front-desk")
        with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
            dialog.use_for_session()
        assert window.desk.service.mode is Mode.SESSION
        assert window.desk.settings.profile == "front desk!"  # a session name is not kept
    finally:
        window.shutdown()


# 2 and 3 -------------------------------------------------------------------------------------

def test_2_3_refusals_count_at_once_are_recorded_once_and_never_retried(qtbot, window,
                                                                        tmp_path) -> None:
    (tmp_path / "empty.jpg").write_bytes(b"")
    window.add_paths([str(tmp_path / "empty.jpg")])
    wait_prepared(qtbot, window, 1)
    qtbot.waitUntil(lambda: "1 error" in window.status.progress_label.text(), timeout=WAIT_MS)
    assert not window.actions["retry"].isEnabled()  # a refusal is refused again
    history = History(window.desk.history.path)
    assert history.entries() == []
    window.run_all()
    qtbot.waitUntil(lambda: len(history.entries()) == 1, timeout=WAIT_MS)
    window.run_all()
    window.billing.retry_failed()
    window.queue_view.selectRow(0)
    window.run_selected()
    qtbot.wait(300)
    assert len(history.entries()) == 1 and history.entries()[0].verdict == "error"
    assert window.desk.service.sandbox.stats["requests"] == 0


# 4 -------------------------------------------------------------------------------------------

def test_4_credentials_dialog_long_error_and_buddies(qtbot, window) -> None:
    dialog = window.setup.edit_credentials()
    qtbot.waitUntil(lambda: "Looking for the OS keyring" not in dialog.status.text(),
                    timeout=WAIT_MS)
    for label in dialog.findChildren(QLabel):
        if "&" in label.text() and label.parentWidget() is dialog and label.buddy() is None:
            pytest.fail(f"label {label.text()!r} shows a literal '&'")
    form = dialog.findChild(QFormLayout)
    key_label = form.labelForField(form.itemAt(4, QFormLayout.ItemRole.FieldRole).layout())
    assert key_label.buddy() is dialog.secret_key
    # A port nobody listens on: requests' long text must not reach the operator's sentence.
    dialog.endpoint.setCurrentIndex(dialog.endpoint.findData("custom"))
    dialog.custom.setText("http://127.0.0.1:9/never")
    fill(dialog, "1", "AKIDx", "key")
    dialog.test_connection()
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=WAIT_MS)
    assert "Could not connect" in dialog.status.text()
    assert "HTTPConnectionPool" not in dialog.status.text()
    assert dialog.details_button.isVisible() and dialog.details.text()
    long = " ".join(["A very long explanation that must wrap and stay whole."] * 12)
    dialog._show_status(long, "raw detail")
    qtbot.wait(50)
    assert dialog.status.height() >= dialog.status.heightForWidth(dialog.status.width())
    for edit in (dialog.appid, dialog.secret_id, dialog.secret_key):
        assert edit.height() >= edit.minimumSizeHint().height()
    dialog.reject()


# 5 -------------------------------------------------------------------------------------------

def test_5_settings_refuse_an_endpoint_without_scheme(qtbot, window) -> None:
    dialog = window.setup.edit_settings()
    dialog.endpoint.setCurrentIndex(dialog.endpoint.findData("custom"))
    dialog.custom.setText("127.0.0.1:8765")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled() and dialog.custom_problem.isVisible()
    assert "http://" in dialog.custom_problem.text()
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    dialog.custom.setText("http://127.0.0.1:8765")
    assert ok.isEnabled() and not dialog.custom_problem.isVisible()
    dialog.reject()


# 6, 7 and 17 (the capture panel) -------------------------------------------------------------

@pytest.fixture
def no_camera_window(qtbot, tmp_path):
    window = MainWindow(DeskSettings(), force_sandbox=True,
                        store=CredentialStore(f"livedetect-gui-tests-{uuid.uuid4().hex[:6]}"),
                        history_path=tmp_path / "h.sqlite3",
                        frame_source=SyntheticFrameSource(devices=[]),
                        captures_folder=tmp_path / "captures", persist=False)
    qtbot.addWidget(window)
    window.resize(1024, 640)
    window.show()
    yield window
    window.shutdown()


def test_6_language_switch_rewords_the_capture_panel(qtbot, no_camera_window) -> None:
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


def test_7_17_capture_panel_fits_and_says_no_camera(qtbot, no_camera_window) -> None:
    window = no_camera_window
    assert window.width() <= 1024
    window.capture_dock.show()
    qtbot.wait(100)
    assert window.width() <= 1024, "the capture panel widened the window"
    panel = window.capture_panel
    assert panel.screen_stack.currentWidget() is panel.no_camera  # not a black box
    assert panel.no_camera.isVisible() and "No camera found" in panel.no_camera.text()


# 8 -------------------------------------------------------------------------------------------

def test_8_double_click_shows_the_photo_and_rechecks_ask_first(qtbot, window, tmp_path) -> None:
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
    qtbot.wait(200)
    assert sandbox.stats["requests"] == calls  # looking is free
    window.run_selected()  # judged before: reused, not paid again (issue 12)
    wait_final(qtbot, window)
    assert window.model.items()[0].result.reused_from is not None
    assert sandbox.stats["requests"] == calls
    window.billing.check_again()  # a new billed call: asked first
    box = window.billing.recheck_box
    assert "billed" in box.text() and box.isVisible()
    box.button(QMessageBox.StandardButton.No).click()
    qtbot.wait(200)
    assert sandbox.stats["requests"] == calls
    window.billing.check_again()
    window.billing.recheck_box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: sandbox.stats["requests"] == calls + 1, timeout=WAIT_MS)


# 9 -------------------------------------------------------------------------------------------

def test_9_ctrl_home_end_move_the_selection_with_the_preview(qtbot, window, tmp_path) -> None:
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


# 10 ------------------------------------------------------------------------------------------

def test_10_billed_twice_is_said_in_details_and_preview(qtbot, window) -> None:
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

def test_15_url_checks_show_the_face(qtbot, window, tmp_path, start_sandbox) -> None:
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

def test_16_folders_threshold_and_help(qtbot, window, tmp_path) -> None:
    assert window.photo_input.start_folder() == str(Path.home())
    window.photo_input.remember_folder(str(tmp_path))
    assert window.photo_input.start_folder() == str(tmp_path)
    qtbot.waitUntil(lambda: desk_settings.load().last_folder == str(tmp_path), timeout=10_000)
    window.findChild(QSpinBox, "thresholdSpin").setValue(61)
    # Kept across restarts (written on the io pool a moment after the change).
    qtbot.waitUntil(lambda: desk_settings.load().threshold == 61, timeout=10_000)
    dialog = window.setup.edit_settings()
    assert not [s for s in dialog.findChildren(QSpinBox) if s.value() == 61]  # one place
    dialog.reject()
    help_dialog = window.setup.show_help()
    rows = {help_dialog.table.item(r, 0).text(): help_dialog.table.item(r, 1).text()
            for r in range(help_dialog.table.rowCount())}
    assert "Ctrl+Return" in rows["Run all"] and rows["Run selected"] == "Ctrl+R"
    assert "billed" in help_dialog.findChild(QLabel, "quickGuide").text()
    help_dialog.close()
    desk_settings.save(DeskSettings())


def test_16_history_export_starts_in_home_then_the_last_export_folder(
        qtbot, window, tmp_path, monkeypatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    asked: list[str] = []

    def fake_dialog(_parent, _title, start, _kinds):  # Qt's modal dialog, not our code
        asked.append(start)
        return "", ""  # the operator cancels

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake_dialog)
    panel = window.history_panel
    panel.export()
    assert Path(asked[0]).parent == Path.home()  # never the program's working folder
    panel.place.folder = tmp_path  # as after an export there
    panel.export()
    assert Path(asked[1]).parent == tmp_path


# 17 ------------------------------------------------------------------------------------------

def test_17_layout_at_1024(qtbot, window, tmp_path) -> None:
    window.resize(1024, 640)
    view = window.queue_view
    assert view.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff  # empty
    make_photo(1, (300, 900)).save(tmp_path / "tall.jpg")
    make_photo(2, (900, 300)).save(tmp_path / "wide.jpg")
    window.add_paths([str(tmp_path / "tall.jpg"), str(tmp_path / "wide.jpg")])
    wait_prepared(qtbot, window, 2)
    window.add_sources([Source.remote("http://127.0.0.1:9/none.jpg")])
    qtbot.wait(100)
    details = column(window, "details")
    assert view.horizontalHeader().sectionViewportPosition(details) < view.viewport().width()
    for row in range(3):
        assert view.rowHeight(row) <= ROW_ICON + 8
    sizes = {window.model.index(r, 0).data(Qt.ItemDataRole.DecorationRole).size()
             for r in range(2)}
    assert sizes == {QSize(ROW_ICON, ROW_ICON)}  # names line up


def test_no_keyring_is_worded_without_library_text(qtbot, window) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        dialog = window.setup.edit_credentials()
        qtbot.waitUntil(lambda: "No usable OS keyring" in dialog.status.text(),
                        timeout=WAIT_MS)
        assert "Error" not in dialog.status.text() and dialog.details.text()
        dialog.reject()
    finally:
        keyring.set_keyring(previous)


def test_status_counts_follow_the_queue_without_a_poll(qtbot, window, tmp_path) -> None:
    make_photo(5).save(tmp_path / "a.jpg")
    window.add_paths([str(tmp_path / "a.jpg")])
    wait_prepared(qtbot, window, 1)
    qtbot.waitUntil(lambda: window.status.progress_label.text().startswith("1 photos"),
                    timeout=WAIT_MS)
    assert window.desk.progress().photos == 1 and items_status(window) == [Status.QUEUED]


def items_status(window: MainWindow) -> list[Status]:
    return [i.status for i in window.model.items()]
