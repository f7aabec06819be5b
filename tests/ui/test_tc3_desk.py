"""The desk side of API 3.0: profile kinds in the credentials dialog, the sandbox's generation
switch, per-backend thresholds, a mixed queue, string codes, the operator's language."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt

from livedetect_gui.core.result import CheckResult
from livedetect_gui.core.service.connection import Connection, Mode
from livedetect_gui.core.service.credentials import TC3_REGIONS, Api, Credentials
from livedetect_gui.ui.desk.settings import DeskSettings
from livedetect_gui.ui.dialogs.credentials import CredentialsDialog
from livedetect_gui.ui.queue.model import Status
from livedetect_gui.ui.window.main_window import MainWindow
from tests.conftest import make_photo
from tests.core.servers import canned_server
from tests.ui.conftest import WAIT_MS, wait_final, wait_prepared
from tests.ui.test_dialogs import fill, use_address


def choose_kind(dialog: CredentialsDialog, api: Api) -> None:
    dialog.api.setCurrentIndex(dialog.api.findData(api.value))


def choose_generation(window: MainWindow, api: str) -> None:
    """As the operator does: pick it in the sandbox banner."""
    combo = window.banner.generation
    combo.setCurrentIndex(combo.findData(api))
    combo.activated.emit(combo.currentIndex())


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

def test_sandbox_banner_switches_to_api3_and_checks_over_loopback(qtbot, window,
                                                                  tmp_path) -> None:
    assert window.banner.isVisible() and window.desk.api == "legacy"
    assert window.threshold_spin.value() == 87 and window.threshold.presets.isHidden()
    choose_generation(window, "tc3")
    sandbox = window.desk.service.sandbox
    assert window.desk.service.mode is Mode.SANDBOX and window.desk.api == "tc3"
    assert window.desk.connection.credentials.region == "ap-guangzhou"
    assert window.desk.settings.sandbox_api == "tc3" and window.banner.isVisible()
    assert "API 3.0" in window.status.mode_label.text()
    assert window.threshold_spin.value() == 40 and not window.threshold.presets.isHidden()
    make_photo(3).save(tmp_path / "a.jpg")
    window.add_paths([str(tmp_path / "a.jpg")])
    wait_prepared(qtbot, window, 1)
    window.run_all()
    wait_final(qtbot, window)
    item = window.model.items()[0]
    result = item.result
    assert result.api == "tc3" and result.request_id and result.threshold == 40
    assert result.simulated  # a sandbox score never passes for a live judgement
    assert sandbox.stats["requests:tc3"] == 1 == sandbox.stats["requests"]
    assert item.status is (Status.PASS if result.score > 40 else Status.FAIL)
    window.queue_view.selectRow(0)
    assert "Checked with API 3.0" in window.preview.notes.text()
    assert f"Request ID: {result.request_id}" in window.preview.details.text()
    assert result.request_id in window.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)


# -- thresholds per backend, a mixed queue -------------------------------------------------------

def test_thresholds_per_backend_and_a_mixed_queue(qtbot, window, tmp_path) -> None:
    for i in range(2):
        make_photo(10 + i).save(tmp_path / f"p{i}.jpg")
    window.add_paths([str(tmp_path / "p0.jpg")])
    wait_prepared(qtbot, window, 1)
    window.run_all()
    wait_final(qtbot, window)
    choose_generation(window, "tc3")
    window.add_paths([str(tmp_path / "p1.jpg")])
    wait_prepared(qtbot, window, 2)
    window.run_all()
    wait_final(qtbot, window)
    legacy, tc3 = window.model.items()
    assert (legacy.result.api, tc3.result.api) == ("legacy", "tc3")
    assert (legacy.result.threshold, tc3.result.threshold) == (87, 40)
    legacy_status = legacy.status
    # A row judged by the other generation says so in the queue (its score has another scale).
    assert window.model.index(0, window.model.COLUMNS.index("details")).data() == "Legacy API"
    assert window.model.index(1, window.model.COLUMNS.index("details")).data() == ""

    # API 3.0 is connected: its threshold moves, the legacy row keeps 87.
    window.threshold_spin.setValue(0)
    assert tc3.status is Status.PASS and tc3.result.threshold == 0
    assert legacy.result.threshold == 87 and legacy.status is legacy_status
    levels = window.threshold.presets.menu().actions()
    assert [a.data() for a in levels] == [5, 10, 40, 70, 90]
    assert "recommended" in levels[2].text()
    levels[4].trigger()  # a preset, and still any value can be typed
    assert window.threshold_spin.value() == 90 and tc3.result.threshold == 90
    window.threshold_spin.setValue(63)
    assert tc3.result.threshold == 63

    # Back to the legacy sandbox: its own threshold, remembered; the 3.0 row keeps its own.
    choose_generation(window, "legacy")
    assert window.threshold_spin.value() == 87
    window.threshold_spin.setValue(0)
    assert legacy.status is Status.PASS and legacy.result.threshold == 0
    assert tc3.result.threshold == 63
    assert (window.desk.settings.threshold, window.desk.settings.tc3_threshold) == (0, 63)
    assert window.model.index(1, window.model.COLUMNS.index("details")).data() == "API 3.0"
    # The preview shows a row with its own backend's threshold.
    window.queue_view.selectRow(1)
    assert "threshold 63" in window.preview.score_label.text()


def test_string_codes_show_in_every_view(qtbot, window, tmp_path) -> None:
    make_photo(4).save(tmp_path / "a.jpg")
    window.add_paths([str(tmp_path / "a.jpg")])
    wait_prepared(qtbot, window, 1)
    item = window.model.items()[0]
    window.model.mark_result(item, CheckResult(
        source="a.jpg", threshold=40, code="FailedOperation.ImageDecodeFailed", api="tc3",
        request_id="req-123", detail="provider words"))
    window.model.flush()
    window.queue_view.selectRow(0)
    assert item.status is Status.ERROR
    assert "Service code FailedOperation.ImageDecodeFailed" in window.preview.details.text()
    assert "Request ID: req-123" in window.preview.details.text()
    details = window.model.index(0, window.model.COLUMNS.index("details")).data()
    assert details and "FailedOperation" not in details  # the catalogue's words
    tooltip = window.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "API 3.0" in tooltip and "req-123" in tooltip
    # The capture panel words a service code of either kind (it keeps it as text).
    from livedetect_gui.core.errors import service_problem

    panel = window.capture_panel
    for code, expected in (("FailedOperation.ImageDecodeFailed", None), ("-4015", -4015)):
        panel.say("result_problem", "", code)
        wanted = service_problem(code if expected is None else expected).message("en")
        assert panel._wording(*panel._message) == wanted and wanted


# -- the operator's language reaches the service -------------------------------------------------

def test_x_tc_language_follows_the_operators_language(qtbot, window, tmp_path) -> None:
    answer = {"Response": {"Score": 55.5, "FaceModelVersion": "3.0", "RequestId": "r-1"}}
    seen: list[dict[str, str]] = []
    make_photo(5).save(tmp_path / "a.jpg")
    with canned_server((200, answer), headers=seen) as (url, _hits):
        assert window.desk.connect(Connection(Mode.SESSION, Credentials(
            "", "AKIDcanned", "canned-key", api=Api.TC3, region="ap-guangzhou"), url))
        window.add_paths([str(tmp_path / "a.jpg")])
        wait_prepared(qtbot, window, 1)
        window.run_all()
        wait_final(qtbot, window)
        window.set_language("zh_CN")
        item = window.model.items()[0]
        window.desk.check_again([item])  # a plain run would reuse the judgement (issue 12)
        wait_final(qtbot, window)
        window.set_language("en")
    assert [h.get("X-TC-Language") for h in seen] == ["en-US", "zh-CN"]
    assert item.result.request_id == "r-1" and item.result.score == 55.5


def test_per_backend_settings_persist_and_bad_values_fall_back(qtbot) -> None:

    from livedetect_gui.ui.desk import settings as desk_settings

    store = desk_settings.settings_store()
    try:
        desk_settings.save(DeskSettings(threshold=80, tc3_threshold=70, sandbox_api="tc3"),
                           store)
        loaded = desk_settings.load(store)
        assert (loaded.threshold, loaded.tc3_threshold, loaded.sandbox_api) == (80, 70, "tc3")
        assert (loaded.threshold_for("legacy"), loaded.threshold_for("tc3")) == (80, 70)
        store.setValue("desk/tc3_threshold", "-5")
        store.setValue("desk/sandbox_api", "api4")
        loaded = desk_settings.load(store)
        assert loaded.tc3_threshold == 0 and loaded.sandbox_api == "legacy"
    finally:
        store.remove("desk")
