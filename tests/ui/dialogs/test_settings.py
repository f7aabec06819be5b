"""The settings dialog: values persist and apply, the language switches the UI, bad values are
refused in the desk's language, the proxy password is hidden, the billing settings kept."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLineEdit,
)

from livedetect_gui.core.service.connection import Connection, Mode
from livedetect_gui.core.service.credentials import Credentials, CredentialStore
from livedetect_gui.ui.desk import settings as desk_settings
from tests.ui.conftest import (
    WAIT_MS,
)


def test_settings_refuse_an_endpoint_without_scheme(qtbot, window) -> None:
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


def test_settings_dialog_hides_the_proxy_password(qtbot, window) -> None:

    window.desk.settings_saver.settings = replace(
        window.desk.settings, proxy="http://desk:s3cret-pw@proxy.invalid:3128")
    dialog = window.setup.edit_settings()
    try:
        assert dialog.proxy.text() == "http://desk@proxy.invalid:3128"
        assert dialog.proxy_password.echoMode() is QLineEdit.EchoMode.Password
        assert dialog.proxy_password.text() == "s3cret-pw"
        assert not [e for e in dialog.findChildren(QLineEdit)
                    if "s3cret-pw" in e.displayText()]
        dialog.proxy_password.setText("n3w-pw")
        assert dialog.settings().proxy == "http://desk:n3w-pw@proxy.invalid:3128"
    finally:
        dialog.reject()


def test_refused_settings_are_said_in_the_desk_language_by_the_core_key(
        qtbot, window, tmp_path) -> None:
    from livedetect_gui.core.messages import text as message_text

    desk = window.desk
    desk.lang = "zh_CN"
    desk.save_settings(replace(desk.settings, ca_bundle=str(tmp_path / "missing.pem")))
    with qtbot.waitSignal(desk.failed, timeout=WAIT_MS) as failed:
        assert not desk.connect(desk.connection)
    assert failed.args[0] == message_text("bad_settings", "zh_CN")
    acc = desk.service.sandbox.account
    desk.save_settings(replace(desk.settings, ca_bundle=""))
    with qtbot.waitSignal(desk.failed, timeout=WAIT_MS) as failed:
        assert not desk.connect(Connection(Mode.SESSION, Credentials(
            acc.appid, acc.secret_id, acc.secret_key), "ftp://nowhere"))
    assert failed.args[0] == message_text("bad_endpoint", "zh_CN", endpoint="ftp://nowhere")


def test_settings_dialog_keeps_the_billing_settings(qtbot, window) -> None:
    dialog = window.setup.edit_settings()
    assert dialog.prechecks.isChecked() is False  # the test windows run without pre-checks
    assert dialog.reuse_days.value() == 30 and dialog.confirm_over.value() == 20
    dialog.prechecks.setChecked(True)
    dialog.reuse_days.setValue(0)
    dialog.confirm_over.setValue(5)
    chosen = dialog.settings()
    assert (chosen.prechecks, chosen.reuse_days, chosen.confirm_over) == (True, 0, 5)
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


def test_settings_language_choice_switches_the_ui(qtbot, qapp, tmp_path) -> None:
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
