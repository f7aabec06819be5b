"""The credentials dialog per profile kind (legacy or API 3.0): the fields of each kind, kinds
kept in session and saved profiles, Test connection on each backend, bad settings said."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt

from livedetect_gui.core.service.connection import Mode
from livedetect_gui.core.service.credentials import TC3_REGIONS, Api, Credentials
from livedetect_gui.ui.desk.settings import DeskSettings
from livedetect_gui.ui.dialogs.credentials import CredentialsDialog
from tests.ui.conftest import WAIT_MS
from tests.ui.dialogs.test_credentials import fill, use_address


def choose_kind(dialog: CredentialsDialog, api: Api) -> None:
    dialog.api.setCurrentIndex(dialog.api.findData(api.value))


def visible_rows(dialog: CredentialsDialog) -> dict[str, bool]:
    return {name: dialog.form.isRowVisible(widget) for name, widget in (
        ("appid", dialog.appid), ("bucket", dialog.bucket), ("region", dialog.region),
        ("secret id", dialog.secret_id), ("endpoint", dialog.endpoint))}


def endpoint_choices(dialog: CredentialsDialog) -> list[str]:
    return [dialog.endpoint.itemData(i) for i in range(dialog.endpoint.count())]


# -- the credentials dialog, both kinds ----------------------------------------------------------

def test_dialog_shows_only_the_fields_of_the_profiles_kind(qtbot, window) -> None:
    dialog = window.setup.edit_credentials()
    assert dialog.kind() is Api.LEGACY
    assert visible_rows(dialog) == {"appid": True, "bucket": True, "region": False,
                                    "secret id": True, "endpoint": True}
    assert endpoint_choices(dialog) == ["current", "old", "custom"]
    choose_kind(dialog, Api.TC3)
    assert visible_rows(dialog) == {"appid": False, "bucket": False, "region": True,
                                    "secret id": True, "endpoint": True}
    assert endpoint_choices(dialog) == ["default", "intl", "custom"]
    assert [dialog.region.itemData(i) for i in range(dialog.region.count())] == list(TC3_REGIONS)
    assert not dialog.form.isRowVisible(dialog.custom)
    # Typed values are checked by the core's rule where they are typed.
    fill(dialog, "ignored-appid", "", "key")
    dialog.use_for_session()
    assert dialog.isVisible() and "secret id" in dialog.status.text()
    assert "appid" not in dialog.status.text()  # API 3.0 needs none
    fill(dialog, "", "AKID x", "key")
    dialog.use_for_session()
    assert dialog.isVisible() and "not printable ASCII" in dialog.status.text()
    use_address(dialog, "iai.example")
    assert dialog.form.isRowVisible(dialog.custom_problem)
    assert "http://" in dialog.custom_problem.text()
    dialog.reject()


def test_session_profiles_keep_their_kind(qtbot, window) -> None:
    account = window.desk.service.sandbox.account
    dialog = window.setup.edit_credentials()
    choose_kind(dialog, Api.TC3)
    dialog.region.setCurrentIndex(dialog.region.findData("ap-singapore"))
    dialog.endpoint.setCurrentIndex(dialog.endpoint.findData("intl"))
    fill(dialog, "", account.secret_id, account.secret_key)
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.session_button, Qt.MouseButton.LeftButton)
    chosen = window.desk.connection
    assert chosen.mode is Mode.SESSION and chosen.credentials.api is Api.TC3
    assert chosen.credentials.region == "ap-singapore" and chosen.endpoint == "intl"
    assert window.desk.runs.client.url == "https://iai.intl.tencentcloudapi.com/"
    assert "API 3.0 (ap-singapore)" in window.status.mode_label.text()
    assert window.threshold_spin.value() == 40


def test_saved_profiles_keep_their_kind(qtbot, window) -> None:
    if not window.desk.service.store.available():
        pytest.skip("no usable keyring backend here")
    account, url = window.desk.service.sandbox.account, window.desk.service.sandbox.url
    dialog = window.setup.edit_credentials()
    qtbot.waitUntil(lambda: dialog.keyring_ok, timeout=WAIT_MS)
    dialog.profile.setCurrentText("tc3-desk")
    choose_kind(dialog, Api.TC3)
    dialog.region.setCurrentIndex(dialog.region.findData("ap-shanghai"))
    use_address(dialog, url)
    fill(dialog, "", account.secret_id, account.secret_key)
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    try:
        stored = window.desk.service.store.load("tc3-desk")
        assert stored is not None and stored.api is Api.TC3 and stored.appid == ""
        assert stored.region == "ap-shanghai" and stored.endpoint == url
        assert window.desk.service.mode is Mode.PROFILE and window.desk.api == "tc3"
        # A second dialog shows the profile as what it is.
        again = window.setup.edit_credentials()
        qtbot.waitUntil(lambda: again.secret_id.text() == account.secret_id, timeout=WAIT_MS)
        assert again.kind() is Api.TC3 and again.region.currentData() == "ap-shanghai"
        assert again.endpoint.currentData() == "custom" and not visible_rows(again)["appid"]
        assert again.credentials() == stored
        again.reject()
    finally:
        window.desk.service.store.delete("tc3-desk")


@pytest.mark.parametrize("api", [Api.LEGACY, Api.TC3])
def test_test_connection_spends_exactly_one_call_on_that_backend(qtbot, window,
                                                                start_sandbox, api) -> None:
    # Every answer a 5xx: the client would retry it in a check, a test must not.
    sandbox = start_sandbox(fail_rate=1.0)
    dialog = window.setup.edit_credentials()
    choose_kind(dialog, api)
    use_address(dialog, sandbox.url)
    fill(dialog, sandbox.account.appid, sandbox.account.secret_id, sandbox.account.secret_key)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=WAIT_MS)
    # "requests" counts every request; "requests:tc3" those on the API 3.0 path.
    assert sandbox.stats["requests"] == 1
    assert sandbox.stats["requests:tc3"] == (1 if api is Api.TC3 else 0)
    dialog.reject()


def test_test_connection_on_api3_reports_code_and_request_id(qtbot, window, sandbox) -> None:
    dialog = window.setup.edit_credentials()
    choose_kind(dialog, Api.TC3)
    use_address(dialog, sandbox.url)
    fill(dialog, "", sandbox.account.secret_id, "wrong-key")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled()
                    and "Sending" not in dialog.status.text(), timeout=WAIT_MS)
    assert sandbox.stats["tc3:AuthFailure.SignatureFailure"] == 1
    assert "AuthFailure.SignatureFailure" in dialog.details.text()
    assert "Request ID: " in dialog.details.text() and "wrong-key" not in dialog.status.text()
    # The operator is told what they can do, not a developer's command.
    assert "provider's console" in dialog.status.text() and "clock" in dialog.status.text()
    assert "livedetect sign" not in dialog.status.text()
    fill(dialog, "", sandbox.account.secret_id, sandbox.account.secret_key)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Connection works: API 3.0" in dialog.status.text(),
                    timeout=WAIT_MS)
    assert sandbox.stats["requests:tc3"] == 2 == sandbox.stats["requests"]
    dialog.reject()


def test_bad_settings_are_said_not_raised(qtbot, window, tmp_path) -> None:
    missing = str(tmp_path / "no-such-ca.pem")
    dialog = window.setup.edit_credentials()
    dialog.settings = DeskSettings(ca_bundle=missing)
    choose_kind(dialog, Api.TC3)
    fill(dialog, "", "AKIDexample", "key")
    dialog.test_connection()
    assert "cannot be used" in dialog.status.text() and "CA bundle" in dialog.details.text()
    assert dialog.test_button.isEnabled()
    dialog.reject()
    # The desk's own connection: the same words, in the failure box, the old client kept.
    window.desk.save_settings(replace(window.desk.settings, ca_bundle=missing))
    account = window.desk.service.sandbox.account
    with qtbot.waitSignal(window.desk.failed, timeout=WAIT_MS) as failed:
        ok = window.desk.use_credentials(Credentials(
            "", account.secret_id, account.secret_key, api=Api.TC3, region="ap-guangzhou"),
            "x", saved=False)
    assert not ok and "cannot be used" in failed.args[0] and missing in failed.args[1]
    assert window.desk.service.mode is Mode.SANDBOX and window.desk.ready


# -- the sandbox's generation switch -------------------------------------------------------------


# -- thresholds per backend, a mixed queue -------------------------------------------------------


# -- the operator's language reaches the service -------------------------------------------------


