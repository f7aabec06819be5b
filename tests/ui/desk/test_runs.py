"""Runs of checks at the desk, calls counted at a real sandbox on loopback: a photo judged
before is reused (Check again pays), rejected credentials pause the queue, held photos wait
for Send anyway, one pacer per account, refusals recorded once, and photos added after a
Cancel are sent while earlier checks are still in flight."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from livedetect_gui.core.checks.session import open_session
from livedetect_gui.core.service import connection as policy
from livedetect_gui.core.service.connection import Connection, Mode
from livedetect_gui.core.service.credentials import Credentials
from livedetect_gui.core.service.pacing import pacer_for
from livedetect_gui.core.trail.history import History
from livedetect_gui.ui.dialogs.credentials import CredentialsDialog
from livedetect_gui.ui.queue.model import FINAL, Status
from tests.conftest import make_photo
from tests.ui.conftest import (
    WAIT_MS,
    as_sandbox,
    face_photo,
    photos,
    point_at,
    wait_final,
    wait_final_or_held,
    wait_prepared,
)

ROOT = Path(__file__).resolve().parents[3]


# -- duplicates ---------------------------------------------------------------------------------

def test_a_photo_judged_before_is_reused_and_check_again_pays(qtbot, window, sandbox,
                                                              tmp_path) -> None:
    as_sandbox(window, sandbox)
    (first,) = photos(tmp_path, 1)
    copy = tmp_path / "copy.jpg"
    shutil.copy(first, copy)
    window.add_paths([first, str(copy)])
    wait_prepared(qtbot, window, 2)
    window.run_all()
    wait_final(qtbot, window)
    assert sandbox.stats["requests"] == 1  # the copy waited for the first and reused it
    reused = [i for i in window.model.items() if i.result.reused_from is not None]
    assert len(reused) == 1
    row = window.model.row_of(reused[0].id)
    details = window.model.index(row, window.model.COLUMNS.index("details")).data()
    assert "reused from" in details

    window.run_all()  # nothing left to run
    window.queue_view.selectRow(0)
    window.run_selected()  # judged before: reused, not paid again
    wait_final(qtbot, window)
    assert sandbox.stats["requests"] == 1
    window.queue_view.selectRow(0)
    window.billing.check_again()
    box = window.billing.recheck_box
    assert "billed" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: sandbox.stats["requests"] == 2, timeout=WAIT_MS)
    wait_final(qtbot, window)
    assert window.model.items()[0].result.reused_from is None  # a new call's own result


# -- rejected credentials -----------------------------------------------------------------------

def test_rejected_credentials_pause_the_queue_at_concurrency_plus_one_calls(
        qtbot, make_window, start_sandbox, tmp_path) -> None:
    sandbox = start_sandbox(latency_ms=50)
    window = make_window(concurrency=4, confirm_over=0)
    as_sandbox(window, sandbox, secret_key="wrong-secret-key-0123456789abcdef")
    window.add_paths(photos(tmp_path / "in", 30))
    wait_prepared(qtbot, window, 30)
    window.run_all()
    wait_final(qtbot, window)
    assert sandbox.stats["requests"] <= 4 + 1
    desk = window.desk
    assert desk.paused is not None and desk.paused.credentials_rejected
    not_sent = [i for i in window.model.items()
                if i.result.problem_key == "not_sent_credentials"]
    assert len(not_sent) >= 30 - 5
    assert "rejected the credentials" in not_sent[0].result.message("en")
    banner = window.billing.banner
    assert banner.isVisible() and "Credentials" in banner.label.text()
    # Nothing new starts while paused.
    before = sandbox.stats["requests"]
    with qtbot.waitSignal(desk.notice, timeout=WAIT_MS,
                          check_params_cb=lambda text: text.startswith("Paused")):
        window.billing.retry_failed()
    assert not desk.runs.running and not desk.cancellable  # nothing was taken to send
    assert sandbox.stats["requests"] == before
    # The banner's button opens the credentials dialog.
    banner.fix_button.click()
    qtbot.waitUntil(lambda: any(isinstance(w, CredentialsDialog) and w.isVisible()
                                for w in QApplication.topLevelWidgets()), timeout=WAIT_MS)
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, CredentialsDialog):
            widget.reject()
    # Fixed; one click resumes and sends each photo once.
    as_sandbox(window, sandbox)
    banner.resume_button.click()
    assert not banner.isVisible()
    wait_final(qtbot, window)
    assert all(i.status in (Status.PASS, Status.FAIL) for i in window.model.items())
    assert sandbox.stats["requests"] == before + 30


# -- pre-checks ---------------------------------------------------------------------------------

def test_held_photos_are_not_sent_until_sent_anyway(qtbot, make_window, sandbox,
                                                    tmp_path) -> None:
    window = make_window(prechecks=True)
    as_sandbox(window, sandbox)
    no_face = photos(tmp_path, 1)[0]
    face = face_photo(tmp_path)
    window.add_paths([no_face, face])
    wait_prepared(qtbot, window, 2)
    held, judged = window.model.items()
    assert held.status is Status.HELD and "no face" in held.precheck.holds[0].replace("_", " ")
    assert judged.status is Status.QUEUED and len(judged.precheck.faces) == 1
    window.queue_view.selectRow(0)
    preview = window.preview
    # The preview follows the model's coalesced change report (a moment after the change).
    qtbot.waitUntil(lambda: preview.hold_label.isVisible()
                    and "face" in preview.hold_label.text(), timeout=WAIT_MS)
    assert preview.send_anyway_button.isVisible()
    window.run_all()
    wait_final_or_held(qtbot, window)
    assert sandbox.stats["requests"] == 1  # the face photo only
    assert held.status is Status.HELD
    preview.send_anyway_button.click()
    # Asked once, with what was found and an optional reason and note for the override.
    dialog = window.billing.send_dialog
    qtbot.waitUntil(lambda: dialog.isVisible(), timeout=WAIT_MS)
    assert "face" in dialog.findChild(QLabel, "sendAnywayHolds").text()
    assert sandbox.stats["requests"] == 1  # nothing sent while asking
    dialog.reason.setCurrentIndex(dialog.reason.findData("in_person"))
    dialog.note.setText(" lamp broken ")
    dialog.send_button.click()
    qtbot.waitUntil(lambda: held.status in FINAL, timeout=WAIT_MS)
    assert sandbox.stats["requests"] == 2
    assert held.why == ("in_person", "lamp broken")


def small_face_photo(folder: Path) -> str:
    """A face about 80 px wide: API 3.0 refuses it (100 px at least), the legacy API not."""
    from PIL import Image

    face = Image.open(face_photo(folder, "astronaut.png")).convert("RGB")
    framed = Image.new("RGB", (1024, 768), (120, 120, 120))
    framed.paste(face.resize((384, 384)), (320, 192))
    path = folder / "small_face.png"
    framed.save(path)
    return str(path)


def api3(sandbox) -> Connection:
    return policy.sandbox(sandbox.account, sandbox.url, api="tc3", env={})


def test_photos_taken_in_before_the_connection_are_held_by_its_rules(
        qtbot, make_window, sandbox, tmp_path) -> None:
    window = make_window(prechecks=True)
    as_sandbox(window, sandbox)  # the legacy API: no face-size rule
    window.add_paths([small_face_photo(tmp_path)])
    wait_prepared(qtbot, window, 1)
    (item,) = window.model.items()
    assert item.status is Status.QUEUED
    assert window.desk.connect(api3(sandbox))  # as the saved profile resolves to API 3.0
    qtbot.waitUntil(lambda: item.status is Status.HELD, timeout=WAIT_MS)
    assert item.precheck.holds == ("held_small_face",)
    window.run_all()
    # Run, it is held and its hold recorded (by the core's batch), never sent.
    qtbot.waitUntil(lambda: item.held_id is not None and not window.desk.runs.running,
                    timeout=WAIT_MS)
    assert item.status is Status.HELD and sandbox.stats["requests"] == 0


def test_the_runs_hold_a_photo_by_the_rule_of_the_service_it_goes_to(
        qtbot, make_window, sandbox, tmp_path) -> None:
    window = make_window(prechecks=True)
    as_sandbox(window, sandbox)
    window.add_paths([small_face_photo(tmp_path)])
    wait_prepared(qtbot, window, 1)
    (item,) = window.model.items()
    assert item.status is Status.QUEUED  # judged for the legacy API
    desk = window.desk
    # The runs check on API 3.0 before the desk looked at the photo again.
    desk.runs.session = open_session(api3(sandbox), desk.settings.client_config())
    assert desk.runs.run([item]) == 1
    qtbot.waitUntil(lambda: item.status is Status.HELD and not desk.runs.running,
                    timeout=WAIT_MS)
    assert sandbox.stats["requests"] == 0 and item.precheck.holds == ("held_small_face",)
    # "Send anyway" still sends it: the operator's call.
    desk.send_anyway([item])
    qtbot.waitUntil(lambda: item.status in FINAL, timeout=WAIT_MS)
    assert sandbox.stats["requests"] == 1 and item.result.api == "tc3"


# -- the cost line ------------------------------------------------------------------------------


# -- pacing -------------------------------------------------------------------------------------

def test_one_pacer_per_account_shared_by_every_worker(qtbot, window, sandbox) -> None:
    as_sandbox(window, sandbox)
    client = window.desk.runs.client
    acc = sandbox.account
    assert client.pacer is pacer_for(client.url, acc.appid)
    as_sandbox(window, sandbox)  # a new client for the same account keeps what was learned
    assert window.desk.runs.client.pacer is client.pacer
    # The profile's calls per second bound the pacer.
    assert window.desk.connect(Connection(Mode.SESSION, Credentials(
        acc.appid, acc.secret_id, acc.secret_key, calls_per_second=3.0), sandbox.url))
    assert window.desk.runs.client.pacer.limit == 3.0


# -- the queue on disk --------------------------------------------------------------------------


# -- closing ------------------------------------------------------------------------------------


def test_refusals_count_at_once_are_recorded_once_and_never_retried(qtbot, window,
                                                                        tmp_path) -> None:
    (tmp_path / "empty.jpg").write_bytes(b"")
    window.add_paths([str(tmp_path / "empty.jpg")])
    wait_prepared(qtbot, window, 1)
    qtbot.waitUntil(lambda: "1 refused" in window.status.progress_label.text(), timeout=WAIT_MS)
    assert not window.actions["retry"].isEnabled()  # a refusal is refused again
    history = History(window.desk.history.path)
    assert history.entries() == []
    window.run_all()
    qtbot.waitUntil(lambda: len(history.entries()) == 1, timeout=WAIT_MS)
    window.run_all()
    window.billing.retry_failed()
    window.queue_view.selectRow(0)
    window.run_selected()
    assert not window.desk.runs.running
    # The trail is written on the io pool, in order: once a later task there ended, any
    # second record of the refusal would be in.
    looked: list[bool] = []
    work = window.desk.io_work
    work.tasks.run(work.pool, lambda: True, lambda f: looked.append(f.result()))
    qtbot.waitUntil(lambda: looked == [True], timeout=WAIT_MS)
    assert len(history.entries()) == 1 and history.entries()[0].verdict == "error"
    assert window.desk.service.sandbox.stats["requests"] == 0


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
