"""Issue 12 in the desk: calls counted at a real sandbox on loopback.

Duplicates reused (and Check again), the pause on rejected credentials, pre-check holds with
Send anyway and the face box, the cost dialog, the shared pacer, the queue kept on disk (a real
desk process killed and restarted), and asking before closing with checks in flight.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from livedetect_gui.core.checks.saved_queue import QueueStore
from livedetect_gui.core.service.connection import Connection, Mode
from livedetect_gui.core.service.credentials import Credentials
from livedetect_gui.core.service.pacing import pacer_for
from livedetect_gui.core.trail.history import History
from livedetect_gui.ui.dialogs.credentials import CredentialsDialog
from livedetect_gui.ui.queue.model import FINAL, Status
from tests.conftest import make_photo
from tests.ui.conftest import WAIT_MS, wait_final, wait_prepared

ROOT = Path(__file__).resolve().parents[2]


def as_sandbox(window, sandbox, secret_key: str | None = None) -> None:
    """The test's sandbox as the desk's sandbox (simulated, so its judgements are reusable);
    ``secret_key`` a wrong key to see the credentials rejected."""
    acc = sandbox.account
    assert window.desk.connect(Connection(Mode.SANDBOX, Credentials(
        acc.appid, acc.secret_id, secret_key or acc.secret_key), sandbox.url))


def photos(folder: Path, count: int, start: int = 0) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + count):
        path = folder / f"p{i:03}.jpg"
        make_photo(i, (320, 240)).save(path, quality=90)
        paths.append(str(path))
    return paths


def face_photo(folder: Path, name: str = "face.png") -> str:
    skimage = pytest.importorskip("skimage")
    path = folder / name
    shutil.copy(Path(skimage.__file__).parent / "data" / "astronaut.png", path)
    return str(path)


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
    assert "checked before on" in details

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
    window.billing.retry_failed()
    qtbot.wait(300)
    assert sandbox.stats["requests"] == before and not desk.runs.running
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
    assert preview.hold_label.isVisible() and "face" in preview.hold_label.text()
    assert preview.send_anyway_button.isVisible()
    window.run_all()
    wait_final_or_held(qtbot, window)
    assert sandbox.stats["requests"] == 1  # the face photo only
    assert held.status is Status.HELD
    preview.send_anyway_button.click()
    qtbot.waitUntil(lambda: held.status in FINAL, timeout=WAIT_MS)
    assert sandbox.stats["requests"] == 2


def wait_final_or_held(qtbot, window) -> None:
    qtbot.waitUntil(lambda: not window.desk.runs.running and all(
        i.status in FINAL or i.status is Status.HELD for i in window.model.items()),
        timeout=WAIT_MS)


def test_face_box_is_drawn_and_crop_to_the_face_is_a_choice(qtbot, make_window, sandbox,
                                                            tmp_path) -> None:
    window = make_window(prechecks=True)
    as_sandbox(window, sandbox)
    window.add_paths([face_photo(tmp_path)])
    wait_prepared(qtbot, window, 1)
    window.queue_view.selectRow(0)
    item = window.model.items()[0]
    qtbot.waitUntil(lambda: not window.preview.showing_thumbnail
                    and window.preview.pixmap() is not None, timeout=WAIT_MS)
    shown = window.preview.image.pixmap().toImage()
    face = item.precheck.faces[0]
    scale = shown.width() / item.precheck.size[0]
    # The box's left edge is drawn in the face colour (#1a73e8, give or take antialiasing).
    y = round((face.top + face.height / 2) * scale)
    edge = [shown.pixelColor(round(face.left * scale) + dx, y) for dx in range(-2, 3)]
    assert any(c.blue() > 180 and c.red() < 90 for c in edge)
    inside = shown.pixelColor(round((face.left + face.width / 2) * scale), y)
    assert not (inside.blue() > 180 and inside.red() < 90)  # the face itself is not covered
    assert window.preview.crop_button.isVisible() and "3:4" in window.preview.hold_label.text()
    assert len(window.model.items()) == 1  # nothing cropped silently
    window.preview.crop_button.click()
    wait_prepared(qtbot, window, 2)
    cropped = window.model.items()[1]
    width, height = cropped.original[:2]
    assert abs(width / height - 3 / 4) < 0.02
    # The copy is selected (never out of view), and a crop is not offered for cropping again.
    assert window.current_item() is cropped
    qtbot.waitUntil(lambda: window.preview.item is cropped, timeout=WAIT_MS)
    assert not window.preview.crop_button.isVisible()
    assert not window.desk.intake.crop_to_face(cropped)
    assert sandbox.stats["requests"] == 0


# -- the cost line ------------------------------------------------------------------------------

def test_a_large_batch_shows_its_cost_with_run_and_cancel(qtbot, make_window, sandbox,
                                                          tmp_path) -> None:
    window = make_window(prechecks=True, confirm_over=3)
    as_sandbox(window, sandbox)
    face = face_photo(tmp_path)
    shutil.copy(face, tmp_path / "face-copy.png")
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8 not a photo")
    window.add_paths([face, str(tmp_path / "face-copy.png"), str(broken), *photos(tmp_path, 2)])
    wait_prepared(qtbot, window, 5)
    window.run_all()
    qtbot.waitUntil(lambda: window.billing.cost_dialog is not None
                    and window.billing.cost_dialog.isVisible(), timeout=WAIT_MS)
    dialog = window.billing.cost_dialog
    assert dialog.line.text() == ("1 billed call (1 duplicates reused, 1 refused, "
                                  "2 held by pre-checks)")
    dialog.cancel_button.click()
    qtbot.wait(300)
    assert sandbox.stats["requests"] == 0 and not window.desk.runs.running
    window.run_all()
    qtbot.waitUntil(lambda: window.billing.cost_dialog is not dialog
                    and window.billing.cost_dialog.isVisible(), timeout=WAIT_MS)
    window.billing.cost_dialog.run_button.click()
    wait_final_or_held(qtbot, window)
    assert sandbox.stats["requests"] == 1


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

def test_the_queue_survives_a_killed_desk_and_nothing_recorded_is_sent_twice(
        start_sandbox, tmp_path) -> None:
    sandbox = start_sandbox(latency_ms=150)
    acc = sandbox.account
    count = 12
    photos(tmp_path / "in", count)
    config = tmp_path / "config.json"
    history_path, queue_path = tmp_path / "history.sqlite3", tmp_path / "data" / "queue.json"
    config.write_text(json.dumps({
        "url": sandbox.url, "appid": acc.appid, "secret_id": acc.secret_id,
        "secret_key": acc.secret_key, "history": str(history_path), "queue": str(queue_path),
        "photos": str(tmp_path / "in")}))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    script = str(ROOT / "tests" / "ui" / "desk_process.py")
    first = subprocess.Popen([sys.executable, script, str(config), "first"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert json.loads(first.stdout.readline())["event"] == "started"
        deadline = time.monotonic() + 60
        while sandbox.stats["requests"] < 4 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.4)  # let the saved queue catch up with a few results
        first.send_signal(signal.SIGKILL)  # a crash or a power cut: no shutdown at all
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    assert 4 <= sandbox.stats["requests"] < count
    assert oct(queue_path.stat().st_mode & 0o777) == "0o600"
    assert len(QueueStore(queue_path).load()) == count  # every photo is on disk
    history = History(history_path)
    recorded = history.count()
    history.close()
    assert recorded >= 1  # some results were recorded before the kill
    sent_before = sandbox.stats["requests"]

    second = subprocess.run([sys.executable, script, str(config), "second"], env=env,
                            capture_output=True, text=True, timeout=120)
    events = [json.loads(line) for line in second.stdout.splitlines() if line.startswith("{")]
    restored = next(e for e in events if e["event"] == "restored")
    finished = next(e for e in events if e["event"] == "finished")
    assert restored["count"] == count  # the queue came back
    assert all(r["status"] in ("pass", "fail") for r in finished["results"])
    # Only the photos with no recorded result were sent again.
    assert sandbox.stats["requests"] - sent_before == count - recorded


# -- closing ------------------------------------------------------------------------------------

def test_closing_with_checks_in_flight_asks_first(qtbot, make_window, start_sandbox,
                                                  tmp_path) -> None:
    sandbox = start_sandbox(latency_ms=1500)
    window = make_window(concurrency=1)
    as_sandbox(window, sandbox)
    window.add_paths(photos(tmp_path, 2))
    wait_prepared(qtbot, window, 2)
    window.run_all()
    qtbot.waitUntil(lambda: sandbox.stats["requests"] >= 1, timeout=WAIT_MS)
    window.close()
    box = window.billing.close_box
    assert box is not None and box.isVisible() and window.isVisible()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert window.isVisible()


def test_settings_dialog_keeps_the_issue_12_settings(qtbot, window) -> None:
    dialog = window.setup.edit_settings()
    assert dialog.prechecks.isChecked() is False  # the test windows run without pre-checks
    assert dialog.reuse_days.value() == 30 and dialog.confirm_over.value() == 20
    dialog.prechecks.setChecked(True)
    dialog.reuse_days.setValue(0)
    dialog.confirm_over.setValue(5)
    chosen = dialog.settings()
    assert (chosen.prechecks, chosen.reuse_days, chosen.confirm_over) == (True, 0, 5)
    dialog.reject()
