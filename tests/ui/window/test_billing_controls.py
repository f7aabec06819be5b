"""Retry failed in the billing controls: definitive answers are not sent again, and a check
that may already have been billed is asked about first."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QMessageBox

from livedetect_gui.core.service.connection import Connection, Mode
from livedetect_gui.core.service.credentials import Credentials
from livedetect_gui.ui.queue.model import Status
from tests.conftest import make_photo
from tests.ui.conftest import WAIT_MS, point_at, wait_final, wait_prepared


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


