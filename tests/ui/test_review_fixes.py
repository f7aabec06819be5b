"""Defects found in review of the second round: each test failed before its fix."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QMessageBox

from livedetect_gui.core.service.connection import Connection, Mode
from livedetect_gui.core.service.credentials import Credentials
from livedetect_gui.ui.queue.model import Status
from tests.conftest import make_photo
from tests.ui.conftest import WAIT_MS, point_at, wait_final, wait_prepared


def test_photos_run_after_cancel_are_sent_while_earlier_checks_are_in_flight(
        qtbot, window, start_sandbox, tmp_path) -> None:
    slow = start_sandbox(latency_ms=1500)
    point_at(window, slow)
    window.desk.runs.set_concurrency(1)
    first, second = tmp_path / "first.jpg", tmp_path / "second.jpg"
    make_photo(1, (320, 240)).save(first)
    make_photo(2, (320, 240)).save(second)
    window.add_paths([str(first)])
    wait_prepared(qtbot, window, 1)
    window.run_all()
    qtbot.waitUntil(lambda: window.model.items()[0].status is Status.SENDING, timeout=10_000)
    window.desk.runs.cancel()  # the first is in flight: it ends normally
    window.add_paths([str(second)])
    wait_prepared(qtbot, window, 2)
    later = [i for i in window.model.items() if i.name == "second.jpg"]
    assert window.desk.runs.run(later) == 1
    wait_final(qtbot, window)
    assert all(i.status in (Status.PASS, Status.FAIL) for i in window.model.items())
    assert slow.stats["requests"] == 2


def test_retry_failed_skips_definitive_answers(qtbot, window, start_sandbox, tmp_path) -> None:
    other = start_sandbox()
    acc = other.account
    assert window.desk.connect(Connection(Mode.SESSION, Credentials(
        acc.appid, acc.secret_id, "not-the-secret-key-0123456789"), other.url))
    make_photo(3).save(tmp_path / "w.jpg")
    window.add_paths([str(tmp_path / "w.jpg")])
    wait_prepared(qtbot, window, 1)
    window.run_all()
    wait_final(qtbot, window)
    item = window.model.items()[0]
    assert item.status is Status.ERROR and item.result.credentials_rejected
    sent = other.stats["requests"]
    assert not item.retryable and not window.actions["retry"].isEnabled()
    window.billing.retry_failed()
    assert not window.desk.runs.running and other.stats["requests"] == sent


def test_retry_of_a_maybe_billed_check_is_asked_first(qtbot, window, start_sandbox,
                                                      tmp_path) -> None:
    dropping = start_sandbox(reset_rate=1.0)
    point_at(window, dropping)
    window.desk.runs.client.config = replace(window.desk.runs.client.config, max_attempts=2,
                                             backoff_base=0.01, backoff_cap=0.02)
    make_photo(4).save(tmp_path / "m.jpg")
    window.add_paths([str(tmp_path / "m.jpg")])
    wait_prepared(qtbot, window, 1)
    window.run_all()
    wait_final(qtbot, window)
    item = window.model.items()[0]
    assert item.status is Status.ERROR and item.result.maybe_billed_twice and item.retryable
    window.desk.use_sandbox()  # the service is back
    window.billing.retry_failed()
    assert not window.desk.runs.running  # nothing sent before the operator says so
    qtbot.waitUntil(lambda: window.billing.retry_box.isVisible(), timeout=WAIT_MS)
    assert "billed" in window.billing.retry_box.text()
    window.billing.retry_box.button(QMessageBox.StandardButton.Yes).click()
    wait_final(qtbot, window)
    assert window.model.items()[0].status in (Status.PASS, Status.FAIL)



def test_settings_changed_while_checks_run_apply_when_they_end(
        qtbot, window, start_sandbox, tmp_path) -> None:
    slow = start_sandbox(latency_ms=1000)
    point_at(window, slow)
    make_photo(7, (320, 240)).save(tmp_path / "s.jpg")
    window.add_paths([str(tmp_path / "s.jpg")])
    wait_prepared(qtbot, window, 1)
    window.run_all()
    qtbot.waitUntil(lambda: window.model.items()[0].status is Status.SENDING, timeout=10_000)
    window.desk.apply_settings(replace(window.desk.settings, read_timeout=17.0))
    assert window.desk.runs.client.config.read_timeout != 17.0  # the running check's client
    wait_final(qtbot, window)
    qtbot.waitUntil(lambda: window.desk.runs.client.config.read_timeout == 17.0,
                    timeout=WAIT_MS)
    assert window.desk.connection.endpoint == slow.url  # the same service as before


def test_report_export_dialog_starts_in_home_then_the_last_folder(
        qtbot, window, tmp_path, monkeypatch) -> None:
    from datetime import date
    from pathlib import Path

    from PySide6.QtWidgets import QFileDialog

    reports = window.history_panel.reports
    reports.build()
    qtbot.waitUntil(lambda: reports.report is not None, timeout=WAIT_MS)
    asked: list[str] = []
    answers = iter([str(tmp_path / "out" / "r.csv"), "", ""])
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda _parent, _title, start, _kinds: (asked.append(start),
                                                                (next(answers), ""))[1])
    (tmp_path / "out").mkdir()
    reports.export_csv()
    reports.export_pdf()
    window.history_panel.export()  # another kind of export: the same last folder
    today = date.today().isoformat()
    assert asked == [str(Path.home() / f"livedetect-report-{today}.csv"),
                     str(tmp_path / "out" / f"livedetect-report-{today}.pdf"),
                     str(tmp_path / "out" / f"livedetect-history-{today}.csv")]


def test_settings_dialog_hides_the_proxy_password(qtbot, window) -> None:
    from PySide6.QtWidgets import QLineEdit

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


def test_closing_waits_once_for_all_pools_together(qtbot) -> None:
    import threading
    import time

    from livedetect_gui.ui.common.tasks import Pools, TaskRunner

    pools, tasks = Pools(), TaskRunner()
    release = threading.Event()
    started: list[str] = []
    for name, pool in (("network", pools.network), ("prepare", pools.prepare),
                       ("io", pools.io)):
        tasks.run(pool, lambda n=name: (started.append(n), release.wait(10))[1])
    qtbot.waitUntil(lambda: len(started) == 3, timeout=WAIT_MS)
    began = time.monotonic()
    pools.shutdown(msecs=600)
    elapsed = time.monotonic() - began
    release.set()
    for pool in pools.all():
        pool.waitForDone(10_000)
    assert elapsed < 1.2  # one deadline for all three pools, not 600 ms each


def test_closing_the_window_hides_it_before_waiting(qtbot, window) -> None:
    seen: list[bool] = []
    original = window.desk.shutdown
    window.desk.shutdown = lambda: (seen.append(window.isVisible()), original())[1]
    window.close()
    assert seen == [False]


def test_the_desk_takes_only_urls_the_core_accepts(qtbot, window) -> None:
    desk = window.desk
    assert desk.intake.valid_url(" https://img.example/face.jpg ")
    assert not desk.intake.valid_url("https://img.example/my face.jpg")  # a space: the core refuses
    assert not desk.intake.valid_url("https://img.example:99999/face.jpg")
    assert desk.intake.add_url("https://img.example/my face.jpg") is None


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
