"""The desk controller alone, with no window: connection policy, intake, runs, failures,
settings applied and saved, per-backend thresholds and language, shutting down."""

from __future__ import annotations

import contextlib
import io
import socket
import threading
import uuid
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import keyring
import pytest
from keyring.backends import fail

from devsupport.windows import WINDOWS
from livedetect_gui.core.checks.planning import Source
from livedetect_gui.core.service.connection import Connection, Mode
from livedetect_gui.core.service.credentials import Api, Credentials, CredentialStore
from livedetect_gui.core.trail.history import History
from livedetect_gui.ui.desk import settings as desk_settings
from livedetect_gui.ui.desk.controller import Desk
from livedetect_gui.ui.desk.settings import DeskSettings
from livedetect_gui.ui.queue.model import FINAL, Status
from livedetect_gui.ui.window.main_window import MainWindow
from tests.conftest import make_photo, photo_with_verdict
from tests.core.servers import canned_server, image_server
from tests.ui.conftest import (
    WAIT_MS,
    choose_generation,
    photos,
    point_at,
    wait_final,
    wait_prepared,
)
from tests.ui.dialogs.test_credentials import fill


@pytest.fixture
def make_desk(qtbot, tmp_path: Path):
    made: list[Desk] = []

    def make(env: dict[str, str] | None = None, force_sandbox: bool = True,
             **settings: object) -> Desk:
        settings.setdefault("prechecks", False)  # generated photos have no face
        desk = Desk(DeskSettings(**settings), history_path=tmp_path / f"h{len(made)}.sqlite3",
                    store=CredentialStore(f"livedetect-gui-tests-{uuid.uuid4().hex[:8]}"),
                    env=env or {}, persist=False)
        made.append(desk)
        desk.start(force_sandbox=force_sandbox)
        qtbot.waitUntil(lambda: desk.connection is not None, timeout=WAIT_MS)
        return desk

    yield make
    for desk in made:
        desk.shutdown()


def test_desk_checks_photos_without_a_window(qtbot, make_desk, tmp_path) -> None:
    desk = make_desk()
    assert desk.service.mode is Mode.SANDBOX and desk.connection.simulated
    good, bad = tmp_path / "good.jpg", tmp_path / "bad.jpg"
    photo_with_verdict(good, "pass")
    photo_with_verdict(bad, "fail")
    desk.intake.add_paths([str(good), str(bad)])
    desk.run_all()  # asked while the folder scan and preparation still run
    qtbot.waitUntil(lambda: len(desk.model.items()) == 2 and all(
        i.status in FINAL for i in desk.model.items()), timeout=WAIT_MS)
    by_name = {i.name: i.status for i in desk.model.items()}
    assert by_name == {"good.jpg": Status.PASS, "bad.jpg": Status.FAIL}
    progress = desk.progress()
    assert (progress.photos, progress.passed, progress.failed, progress.errors) == (2, 1, 1, 0)
    qtbot.waitUntil(lambda: len(History(desk.history.path).entries()) == 2, timeout=WAIT_MS)


def test_desk_honours_the_livedetect_environment(qtbot, make_desk, sandbox) -> None:
    acc = sandbox.account
    env = {"LIVEDETECT_APPID": acc.appid, "LIVEDETECT_SECRET_ID": acc.secret_id,
           "LIVEDETECT_SECRET_KEY": acc.secret_key, "LIVEDETECT_ENDPOINT": sandbox.url}
    desk = make_desk(env=env, force_sandbox=False)
    assert desk.service.mode is Mode.ENVIRONMENT and desk.connection.endpoint == sandbox.url
    assert desk.service.sandbox is None  # no simulated scores when real credentials are given
    items = desk.intake.add_sources([Source.file(Path(__file__).parents[3] / "resources" / "samples"
                                          / "face.jpg")])
    desk.run(items)
    qtbot.waitUntil(lambda: items[0].status in FINAL, timeout=WAIT_MS)
    assert sandbox.stats["requests"] == 1 and items[0].result.score is not None


def test_incomplete_environment_is_reported_and_the_desk_runs_in_the_sandbox(
        qtbot, make_desk) -> None:
    failures: list[str] = []
    desk = Desk(DeskSettings(), env={"LIVEDETECT_APPID": "1"}, persist=False,
                store=CredentialStore(f"livedetect-gui-tests-{uuid.uuid4().hex[:8]}"))
    desk.failed.connect(lambda text, _detail: failures.append(text))
    try:
        desk.start()
        qtbot.waitUntil(lambda: desk.connection is not None, timeout=WAIT_MS)
        assert desk.service.mode is Mode.SANDBOX
        assert failures and "incomplete" in failures[0] and "secret id" in failures[0]
    finally:
        desk.shutdown()


def test_unknown_generation_in_the_environment_is_shown_and_the_desk_runs_in_the_sandbox(
        qtbot) -> None:
    failures: list[str] = []
    env = {"LIVEDETECT_APPID": "1", "LIVEDETECT_SECRET_ID": "AKID", "LIVEDETECT_SECRET_KEY": "k",
           "LIVEDETECT_API": "v3"}
    desk = Desk(DeskSettings(), env=env, persist=False,
                store=CredentialStore(f"livedetect-gui-tests-{uuid.uuid4().hex[:8]}"))
    desk.failed.connect(lambda text, _detail: failures.append(text))
    try:
        desk.start()
        qtbot.waitUntil(lambda: desk.connection is not None, timeout=WAIT_MS)
        assert desk.service.mode is Mode.SANDBOX
        assert failures and "'v3'" in failures[0] and "tc3" in failures[0]
    finally:
        desk.shutdown()


def test_a_failing_background_task_is_shown_never_swallowed(qtbot, make_desk) -> None:
    desk = make_desk()

    def broken() -> None:
        raise RuntimeError("disk on fire")

    with qtbot.waitSignal(desk.failed, timeout=WAIT_MS) as caught:
        desk.tasks.run(desk.pools.io, broken)
    text, detail = caught.args
    assert "background" in text and "disk on fire" in detail
    # The same when a callback lets the worker's exception out.
    with qtbot.waitSignal(desk.failed, timeout=WAIT_MS):
        desk.tasks.run(desk.pools.io, broken, lambda future: future.result())


def test_threshold_is_one_setting_and_rejudges(qtbot, make_desk, tmp_path) -> None:
    desk = make_desk()
    make_photo(1).save(tmp_path / "p.jpg")
    items = desk.intake.add_sources([Source.file(tmp_path / "p.jpg")])
    desk.run(items)
    qtbot.waitUntil(lambda: items[0].status in FINAL, timeout=WAIT_MS)
    desk.set_threshold(0)
    assert items[0].status is Status.PASS and desk.settings.threshold == 0
    desk.set_threshold(100)
    assert items[0].status is Status.FAIL and desk.settings.threshold == 100
    assert desk.service.sandbox.stats["requests"] == 1


def test_idle_desk_runs_no_timer(qtbot, make_desk, tmp_path) -> None:
    from PySide6.QtCore import QTimer

    desk = make_desk()
    make_photo(2).save(tmp_path / "idle.jpg")
    desk.intake.add_paths([str(tmp_path / "idle.jpg")])
    qtbot.waitUntil(lambda: desk.model.rowCount() == 1
                    and desk.model.items()[0].status is Status.QUEUED, timeout=WAIT_MS)
    # One-shot timers (the model's coalescing) end; one repeating while idle never would.
    qtbot.waitUntil(lambda: [t for t in desk.findChildren(QTimer) if t.isActive()] == [],
                    timeout=5_000)


def test_settings_file_is_private(qtbot, make_desk) -> None:
    import os
    import stat

    from PySide6.QtCore import QSettings

    desk = make_desk()
    desk.settings_saver.persist = True
    old = os.umask(0o022)  # the usual umask: files readable by everyone unless we say not
    try:
        path = desk_settings.settings_store().fileName()
        desk.set_threshold(53)  # a value no other test saves

        def saved() -> DeskSettings | None:
            if not os.path.exists(path):
                return None
            return desk_settings.load(QSettings(path, QSettings.Format.IniFormat))

        # Saved off the GUI thread: wait for the new value to be on disk, then look at it.
        qtbot.waitUntil(lambda: (found := saved()) is not None and found.threshold == 53,
                        timeout=WAIT_MS)
        assert (WINDOWS or stat.S_IMODE(os.stat(path).st_mode) == 0o600)
        desk.set_threshold(87)
    finally:
        os.umask(old)


def test_settings_are_saved_off_the_gui_thread_coalesced_and_private(
        qtbot, make_desk, monkeypatch) -> None:
    import os
    import shutil
    import stat


    desk = make_desk()
    desk.settings_saver.persist = True
    writes: list[float] = []
    original = desk_settings.write_privately
    monkeypatch.setattr(desk_settings, "write_privately",
                        lambda s: (writes.append(s.threshold), original(s))[1])
    keyring_writes: list[str] = []
    save_password = desk.service.store.save_proxy_password
    desk.service.store.save_proxy_password = lambda proxy, pw: (keyring_writes.append(pw),
                                                        save_password(proxy, pw))
    path = desk_settings.settings_store().fileName()
    shutil.rmtree(os.path.dirname(path), ignore_errors=True)
    old = os.umask(0o022)
    try:
        desk.save_settings(replace(desk.settings, proxy="http://u:pw-1@proxy.invalid:3128"))
        for step in range(20):  # a held-down spin arrow
            desk.set_threshold(40 + step)
        assert not os.path.exists(path)  # nothing written on the GUI thread
        qtbot.waitUntil(lambda: writes == [59] and os.path.exists(path), timeout=WAIT_MS)
        assert (WINDOWS or stat.S_IMODE(os.stat(path).st_mode) == 0o600)
        assert (WINDOWS or stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700)
        assert "pw-1" not in Path(path).read_text(encoding="utf-8")
        desk.set_threshold(61)
        qtbot.waitUntil(lambda: writes == [59, 61], timeout=WAIT_MS)
        assert keyring_writes == ["pw-1"]  # the unchanged password is not written again
    finally:
        os.umask(old)
        with contextlib.suppress(Exception):
            save_password("http://u@proxy.invalid:3128", "")


def test_the_proxy_password_leaves_the_keyring_with_its_proxy(qtbot, make_desk) -> None:
    desk = make_desk()
    desk.settings_saver.persist = True

    def saved(settings_proxy: str) -> None:  # then read the keyring once nothing writes it
        desk.save_settings(replace(desk.settings, proxy=settings_proxy))
        qtbot.waitUntil(lambda: not desk.settings_saver.pending
                        and desk.pools.io.activeThreadCount() == 0, timeout=WAIT_MS)

    first, second = "http://u@proxy-a.invalid:3128", "http://u@proxy-b.invalid:3128"
    saved("http://u:pw-a@proxy-a.invalid:3128")
    assert desk.service.store.load_proxy_password(first) == "pw-a"
    saved("http://u:pw-b@proxy-b.invalid:3128")  # another host
    assert desk.service.store.load_proxy_password(first) is None
    assert desk.service.store.load_proxy_password(second) == "pw-b"
    saved("")  # no proxy any more
    assert desk.service.store.load_proxy_password(second) is None


def test_no_keyring_starts_the_sandbox_and_says_so(qtbot) -> None:

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    notices: list[str] = []
    desk = Desk(DeskSettings(), env={}, persist=False,
                store=CredentialStore(f"livedetect-gui-tests-{uuid.uuid4().hex[:8]}"))
    desk.notice.connect(notices.append)
    try:
        desk.start()
        qtbot.waitUntil(lambda: desk.connection is not None, timeout=WAIT_MS)
        assert desk.service.mode is Mode.SANDBOX
        assert any("No usable OS keyring" in n for n in notices)
    finally:
        keyring.set_keyring(previous)
        desk.shutdown()


def _jpeg_bytes() -> bytes:
    out = io.BytesIO()
    make_photo(6, (160, 120)).save(out, "JPEG")
    return out.getvalue()


def test_a_slow_url_thumbnail_leaves_the_io_pool_free(qtbot, make_desk) -> None:
    desk = make_desk()
    with image_server(_jpeg_bytes(), drip_seconds=0.5) as (url, hits):
        desk.intake.add_sources([Source.remote(f"{url}/slow.jpg")])
        qtbot.waitUntil(lambda: hits == ["/slow.jpg"], timeout=WAIT_MS)
        done: list[bool] = []
        desk.tasks.run(desk.pools.io, lambda: True, lambda f: done.append(f.result()))
        qtbot.waitUntil(lambda: done == [True], timeout=3_000)  # not after the download


def test_closing_the_desk_ends_a_stalled_url_download(qtbot, make_desk) -> None:
    desk = make_desk()
    with image_server(_jpeg_bytes(), drip_seconds=0.5) as (url, hits):
        desk.intake.add_sources([Source.remote(f"{url}/slow.jpg")])
        qtbot.waitUntil(lambda: hits == ["/slow.jpg"], timeout=WAIT_MS)
        desk.shutdown()  # while the server still drips (its download would take minutes)
        assert desk.pools.network.activeThreadCount() == 0  # ended, not left running


def test_a_url_is_downloaded_once_for_thumbnail_and_preview(qtbot, make_desk) -> None:
    desk = make_desk()
    with image_server(_jpeg_bytes()) as (url, hits):
        item = desk.intake.add_sources([Source.remote(f"{url}/face.jpg")])[0]
        qtbot.waitUntil(lambda: item.thumbnail is not None, timeout=WAIT_MS)
        with qtbot.waitSignal(desk.previewReady, timeout=WAIT_MS) as shown:
            desk.request_preview(item)
        assert shown.args[0] == item.id and not shown.args[1].isNull()
    assert hits == ["/face.jpg"]


def test_photos_are_prepared_and_previewed_as_the_connected_service_takes_them(
        qtbot, make_desk, tmp_path) -> None:
    desk = make_desk(max_long_side=6000, max_short_side=6000)
    assert desk.use_sandbox("tc3")  # API 3.0 takes at most 4000 px on the long side
    path = tmp_path / "large.jpg"
    make_photo(3, (4800, 3000)).save(path)
    desk.intake.add_paths([str(path)])
    wait_prepared(qtbot, desk, 1)
    (item,) = desk.model.items()
    assert (item.prepared.width, item.prepared.height) == (4000, 2500)
    with qtbot.waitSignal(desk.previewReady, timeout=WAIT_MS) as shown:
        desk.request_preview(item)
    assert (shown.args[1].width(), shown.args[1].height()) == (4000, 2500)


def test_resume_waits_for_other_credentials(qtbot, make_desk, start_sandbox, tmp_path) -> None:
    sandbox = start_sandbox()
    acc = sandbox.account
    refused = Connection(Mode.SANDBOX, Credentials(
        acc.appid, acc.secret_id, "wrong-secret-key-0123456789abcdef"), sandbox.url)
    desk = make_desk(concurrency=1)
    assert desk.connect(refused)
    desk.intake.add_paths(photos(tmp_path, 3))
    wait_prepared(qtbot, desk, 3)
    desk.run_all()
    qtbot.waitUntil(lambda: desk.paused is not None and not desk.runs.running, timeout=WAIT_MS)
    sent = sandbox.stats["requests"]
    notices: list[str] = []
    desk.notice.connect(notices.append)
    desk.resume()  # nothing changed: the same credentials would be refused again
    assert desk.paused is not None and not desk.runs.running
    assert "Still paused" in notices[-1]
    assert desk.connect(refused)  # the same connection again is no fix either
    desk.resume()
    assert desk.paused is not None and not desk.runs.running
    assert sandbox.stats["requests"] == sent
    assert desk.connect(Connection(Mode.SANDBOX, Credentials(
        acc.appid, acc.secret_id, acc.secret_key), sandbox.url))  # the right key
    desk.resume()
    assert desk.paused is None
    qtbot.waitUntil(lambda: not desk.runs.running and all(
        i.status in FINAL for i in desk.model.items()), timeout=WAIT_MS)
    assert all(i.status in (Status.PASS, Status.FAIL) for i in desk.model.items())
    assert sandbox.stats["requests"] == sent + 3


def listening(url: str) -> bool:
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=2).close()
    except OSError:  # refused, or reset while it closes
        return False
    return True


def test_leaving_the_sandbox_stops_it_on_the_io_pool(qtbot, make_desk, start_sandbox) -> None:
    desk = make_desk()
    own = desk.service.sandbox
    release = threading.Event()
    desk.tasks.run(desk.pools.io, lambda: release.wait(WAIT_MS / 1000))  # the io pool busy
    elsewhere = start_sandbox()
    acc = elsewhere.account
    assert desk.connect(Connection(Mode.SESSION, Credentials(
        acc.appid, acc.secret_id, acc.secret_key), elsewhere.url))
    # connect() returned without waiting for the sandbox's loop and thread: still up.
    assert desk.service.sandbox is None and listening(own.url)
    release.set()
    qtbot.waitUntil(lambda: not listening(own.url), timeout=WAIT_MS)


def test_bad_profile_name_never_hangs_the_desk(qtbot, tmp_path) -> None:
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


def test_the_desk_takes_only_urls_the_core_accepts(qtbot, window) -> None:
    desk = window.desk
    assert desk.intake.valid_url(" https://img.example/face.jpg ")
    assert not desk.intake.valid_url("https://img.example/my face.jpg")  # a space: the core refuses
    assert not desk.intake.valid_url("https://img.example:99999/face.jpg")
    assert desk.intake.add_url("https://img.example/my face.jpg") is None


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
        window.desk.check_again([item])  # a plain run would reuse the judgement
        wait_final(qtbot, window)
        window.set_language("en")
    assert [h.get("X-TC-Language") for h in seen] == ["en-US", "zh-CN"]
    assert item.result.request_id == "r-1" and item.result.score == 55.5
