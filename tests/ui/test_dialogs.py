"""Credentials through a real keyring backend, the no-keyring path, settings persistence."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLineEdit

from livedetect_gui.core.service.connection import Mode
from livedetect_gui.ui.desk import settings as desk_settings
from livedetect_gui.ui.desk.settings import DeskSettings
from livedetect_gui.ui.dialogs.credentials import CredentialsDialog
from tests.ui.conftest import WAIT_MS

SECRET = "dialog-secret-key-0123456789abcdef"


def fill(dialog: CredentialsDialog, appid: str, secret_id: str, key: str) -> None:
    dialog.findChild(QLineEdit, "appidEdit").setText(appid)
    dialog.findChild(QLineEdit, "secretIdEdit").setText(secret_id)
    dialog.findChild(QLineEdit, "secretKeyEdit").setText(key)


def use_address(dialog: CredentialsDialog, url: str) -> None:
    """The profile's own endpoint: a custom address (a test's sandbox, a dead port)."""
    dialog.endpoint.setCurrentIndex(dialog.endpoint.findData("custom"))
    dialog.custom.setText(url)


def test_credentials_round_trip_through_the_keyring(qtbot, window) -> None:
    if not window.desk.service.store.available():
        pytest.skip("no usable keyring backend here; the README test command starts GNOME "
                    "Keyring in a private D-Bus session")
    dialog = window.setup.edit_credentials()
    qtbot.waitUntil(lambda: dialog.keyring_ok, timeout=WAIT_MS)
    key_edit = dialog.findChild(QLineEdit, "secretKeyEdit")
    assert key_edit.echoMode() == QLineEdit.EchoMode.Password
    dialog.reveal.setChecked(True)
    assert key_edit.echoMode() == QLineEdit.EchoMode.Normal
    dialog.profile.setCurrentText("desk-test")
    account = window.desk.service.sandbox.account
    fill(dialog, account.appid, account.secret_id, account.secret_key)
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    try:
        stored = window.desk.service.store.load("desk-test")
        assert stored is not None and stored.secret_key == account.secret_key
        assert window.desk.service.mode is Mode.PROFILE
        assert window.desk.settings.profile == "desk-test"
        assert not window.banner.isVisible() and window.desk.service.sandbox is None
        # A second dialog finds the profile again.
        again = window.setup.edit_credentials()
        qtbot.waitUntil(lambda: again.appid.text() == stored.appid, timeout=WAIT_MS)
        assert "desk-test" in [again.profile.itemText(i) for i in range(again.profile.count())]
        again.reject()
    finally:
        window.desk.service.store.delete("desk-test")


def test_no_keyring_offers_session_only(qtbot, window) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        dialog = window.setup.edit_credentials()
        qtbot.waitUntil(lambda: "No usable OS keyring" in dialog.status.text(), timeout=WAIT_MS)
        assert not dialog.save_button.isEnabled()
        fill(dialog, "1", "", "")
        dialog.use_for_session()
        assert "secret id" in dialog.status.text()  # refused: says what is missing
        account = window.desk.service.sandbox.account
        fill(dialog, account.appid, account.secret_id, SECRET)
        with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
            qtbot.mouseClick(dialog.session_button, Qt.MouseButton.LeftButton)
        assert window.desk.service.mode is Mode.SESSION
        assert window.desk.connection.credentials.secret_key == SECRET
    finally:
        keyring.set_keyring(previous)


def test_test_connection_spends_one_call_and_reports(qtbot, window) -> None:
    sandbox = window.desk.service.sandbox
    dialog = window.setup.edit_credentials()
    use_address(dialog, sandbox.url)
    assert "one billed call" in dialog.test_button.text()
    fill(dialog, sandbox.account.appid, sandbox.account.secret_id, "wrong-key")
    before = sandbox.stats["requests"]
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "signature check failed" in dialog.status.text(), timeout=WAIT_MS)
    assert sandbox.stats["requests"] == before + 1
    assert "wrong-key" not in dialog.status.text()
    fill(dialog, sandbox.account.appid, sandbox.account.secret_id, sandbox.account.secret_key)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Connection works" in dialog.status.text(), timeout=WAIT_MS)
    dialog.reject()


def test_settings_dialog_persists_and_applies(qtbot, window) -> None:
    dialog = window.setup.edit_settings()
    dialog.concurrency.setValue(3)
    dialog.endpoint.setCurrentIndex(dialog.endpoint.findData("old"))
    dialog.https.setChecked(False)
    dialog.accept()
    assert window.desk.runs.pool.maxThreadCount() == 3
    # Written on the io pool a moment after the change.
    qtbot.waitUntil(lambda: desk_settings.load().concurrency == 3, timeout=10_000)
    loaded = desk_settings.load()
    assert loaded.endpoint() == "http://service.image.myqcloud.com"
    assert window.desk.service.mode is Mode.SANDBOX  # settings never silently leave the sandbox


def test_corrupt_settings_fall_back_to_defaults(qtbot) -> None:
    store = desk_settings.settings_store()
    store.setValue("desk/concurrency", "lots")
    store.setValue("desk/threshold", "500")
    loaded = desk_settings.load(store)
    assert loaded.concurrency == DeskSettings().concurrency and loaded.threshold == 100
    store.remove("desk")


def test_window_geometry_persists(qtbot, make_window) -> None:
    first = make_window()
    first.resize(first.width(), 701)  # the offscreen screen is 800x800: keep inside it
    first.close()
    store = desk_settings.settings_store()
    assert not store.value("window/geometry").isEmpty()
    second = make_window()
    assert second.size().height() == 701


def test_settings_language_choice_switches_the_ui(qtbot, qapp, tmp_path) -> None:
    from livedetect_gui.core.service.credentials import CredentialStore
    from livedetect_gui.ui.app import create_window

    window = create_window(qapp, force_sandbox=True, lang_choice="en",
                           store=CredentialStore(service="livedetect-gui-tests-lang"),
                           history_path=tmp_path / "h.sqlite3")
    qtbot.addWidget(window)
    try:
        dialog = window.setup.edit_settings()
        dialog.language.setCurrentIndex(dialog.language.findData("zh_CN"))
        dialog.accept()
        qtbot.waitUntil(lambda: window.windowTitle() == "LiveDetect 活体检测台")
        assert window.menus["file"].title() == "文件(&F)"
        dialog = window.setup.edit_settings()
        dialog.language.setCurrentIndex(dialog.language.findData("en"))
        dialog.accept()
        qtbot.waitUntil(lambda: window.windowTitle() == "LiveDetect Desk")
    finally:
        window.shutdown()


def test_proxy_password_never_reaches_the_settings_file(qtbot, tmp_path) -> None:
    path = tmp_path / "settings.ini"
    store = QSettings(str(path), QSettings.Format.IniFormat)
    desk_settings.save(DeskSettings(proxy="http://desk:s3cret-proxy-pw@proxy.example:3128"),
                       store)
    store.sync()
    text = path.read_text()
    assert "s3cret-proxy-pw" not in text and "proxy.example" in text
    assert desk_settings.load(store).proxy == "http://desk@proxy.example:3128"
