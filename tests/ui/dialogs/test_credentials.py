"""The credentials dialog: a real keyring backend round trip, the no-keyring path (session
only, worded without library text), Test connection, long errors and label buddies."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
)

from livedetect_gui.core.service.connection import Mode
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


def test_credentials_dialog_long_error_and_buddies(qtbot, window) -> None:
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
    qtbot.waitUntil(lambda: dialog.status.height() >= dialog.status.heightForWidth(
        dialog.status.width()), timeout=WAIT_MS)  # laid out whole
    for edit in (dialog.appid, dialog.secret_id, dialog.secret_key):
        assert edit.height() >= edit.minimumSizeHint().height()
    dialog.reject()


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


def test_custom_address_hint_is_shown_whole(qtbot, window) -> None:
    dialog = window.setup.edit_credentials()
    qtbot.waitUntil(lambda: "Looking for the OS keyring" not in dialog.status.text(),
                    timeout=WAIT_MS)
    dialog._show_status("")  # the shortest dialog: nothing else below has made it taller
    use_address(dialog, "sandbox.example.com")
    hint = dialog.custom_problem
    assert hint.isVisible() and "http://" in hint.text()
    qtbot.waitUntil(lambda: hint.height() >= hint.heightForWidth(hint.width()),
                    timeout=WAIT_MS)
    # Every line of it inside the dialog, above the test button.
    assert hint.geometry().bottom() < dialog.test_button.geometry().top()
    use_address(dialog, "https://sandbox.example.com:8765")
    assert not hint.isVisible()
    dialog.reject()


def test_a_test_answer_goes_when_the_address_changes(qtbot, window) -> None:
    dialog = window.setup.edit_credentials()
    fill(dialog, "1", "AKIDx", "key")
    use_address(dialog, "http://127.0.0.1:9/never")
    dialog.test_connection()
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=WAIT_MS)
    assert "Could not connect" in dialog.status.text()
    dialog.custom.setText("http://127.0.0.1:10/other")
    assert "Could not connect" not in dialog.status.text()
    assert "test the connection again" in dialog.status.text()
    assert not dialog.details_button.isVisible()
    # Another endpoint choice is another address too.
    dialog.test_connection()
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=WAIT_MS)
    assert "Could not connect" in dialog.status.text()
    dialog.endpoint.setCurrentIndex(0)
    assert "Could not connect" not in dialog.status.text()
    # An answer that arrives after the address changed is about the old one: not shown.
    use_address(dialog, "http://127.0.0.1:9/never")
    dialog.test_connection()
    dialog.custom.setText("http://127.0.0.1:10/other")
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=WAIT_MS)
    assert "Could not connect" not in dialog.status.text()
    assert "test the connection again" in dialog.status.text()
    dialog.reject()
