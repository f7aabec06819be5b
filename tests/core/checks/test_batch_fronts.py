"""The batch engine (core/checks/batch.py) behind both front ends: the same scenarios through
``livedetect check`` (a real process) and through the desk's controller (offscreen Qt), each
against its own real sandbox on loopback; what the sandbox received and what the trail holds
must be the same."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from devsupport.photos import make_photo
from devsupport.windows import WINDOWS
from livedetect_gui.core.service.connection import Connection, Mode
from livedetect_gui.core.service.credentials import Credentials, CredentialStore
from livedetect_gui.core.trail.history import History
from livedetect_gui.sandbox.server import Sandbox
from livedetect_gui.ui.desk.controller import Desk
from livedetect_gui.ui.desk.settings import DeskSettings
from livedetect_gui.ui.queue.model import FINAL, Status

WAIT_MS = 60_000


@dataclass(frozen=True)
class Row:
    """A trail record as both fronts must agree on it. Which of two copies goes first is the
    workers' race: a record names its content ("a" for a.jpg and a_copy.jpg)."""

    content: str
    verdict: str
    problem: str | None
    code: int | str | None
    sent: bool  # a call was made for it (attempts > 0)
    reused: bool


def trail(path: Path) -> list[Row]:
    history = History(path)
    try:
        rows = [Row(Path(r.source).stem.split("_")[0], r.verdict, r.problem_key, r.code,
                    r.attempts > 0, r.reused_from is not None)
                for r in history.stream() if r.kind == "check"]
    finally:
        history.close()
    return sorted(rows, key=lambda r: (r.content, r.reused, r.sent))


def photo(folder: Path, name: str, seed: int) -> Path:
    path = folder / name
    make_photo(seed, (320, 240)).save(path, quality=90)
    return path


def blank(folder: Path, name: str) -> Path:
    """A uniform frame: the service answers "no face" (-4015), a definitive failure."""
    path = folder / name
    Image.new("RGB", (320, 240), (128, 128, 128)).save(path, quality=90)
    return path


def copy(path: Path, name: str) -> Path:
    return Path(shutil.copy(path, path.with_name(name)))


# -- the CLI --------------------------------------------------------------------------------


def cli_env(sandbox: Sandbox, tmp_path: Path) -> dict[str, str]:
    acc = sandbox.account
    return {**os.environ, "LIVEDETECT_APPID": acc.appid, "LIVEDETECT_SECRET_ID": acc.secret_id,
            "LIVEDETECT_SECRET_KEY": acc.secret_key, "LIVEDETECT_ENDPOINT": sandbox.url,
            "XDG_DATA_HOME": str(tmp_path / "cli-data")}


def cli_args(history: Path, paths: list[Path], force: bool) -> list[str]:
    return [sys.executable, "-m", "livedetect_gui.cli", "check", "--json", "--concurrency", "2",
            "--confirm-over", "1000", "--history", str(history),
            *(["--force"] if force else []), *map(str, paths)]


def cli_check(sandbox: Sandbox, tmp_path: Path, history: Path, paths: list[Path], *,
              force: bool = True, declared: bool = False) -> list[dict]:
    """``declared``: the run is a declared sandbox run (``--sandbox``, the CLI's own), whose
    simulated judgements may be reused by another declared one."""
    args = cli_args(history, paths, force)
    proc = subprocess.run([*args[:4], "--sandbox", *args[4:]] if declared else args,
                          env=cli_env(sandbox, tmp_path), capture_output=True, text=True,
                          timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


# -- the desk -------------------------------------------------------------------------------


def open_desk(qtbot, sandbox: Sandbox, history: Path, *, prechecks: bool = False,
              declared: bool = False) -> Desk:
    store = CredentialStore(service=f"livedetect-gui-tests-{uuid.uuid4().hex[:8]}")
    desk = Desk(DeskSettings(prechecks=prechecks, confirm_over=0, concurrency=2), store=store,
                history_path=history, persist=False)
    acc = sandbox.account
    assert desk.connect(Connection(Mode.SANDBOX if declared else Mode.SESSION, Credentials(
        acc.appid, acc.secret_id, acc.secret_key), sandbox.url))
    return desk


def desk_add(qtbot, desk: Desk, paths: list[Path]) -> None:
    before = len(desk.model.items())
    desk.intake.add_paths([str(p) for p in paths])
    qtbot.waitUntil(lambda: len(desk.model.items()) == before + len(paths) and all(
        i.status is not Status.PREPARING for i in desk.model.items()), timeout=WAIT_MS)


def desk_check(qtbot, sandbox: Sandbox, history: Path, paths: list[Path], *,
               prechecks: bool = False, declared: bool = False) -> Desk:
    desk = open_desk(qtbot, sandbox, history, prechecks=prechecks, declared=declared)
    desk_add(qtbot, desk, paths)
    desk.run_all()
    qtbot.waitUntil(lambda: not desk.runs.running and all(
        i.status in FINAL or i.status is Status.HELD for i in desk.model.items()),
        timeout=WAIT_MS)
    return desk


# -- the scenarios --------------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "photos"
    path.mkdir()
    return path


def test_copies_in_one_batch_are_sent_once_even_when_the_first_fails(
        qtbot, tmp_path, folder, start_sandbox) -> None:
    a = photo(folder, "a.jpg", 1)
    b = photo(folder, "b.jpg", 2)
    empty = blank(folder, "empty.jpg")
    paths = [a, copy(a, "a_copy.jpg"), empty, copy(empty, "empty_copy.jpg"), b]

    cli_sandbox, desk_sandbox = start_sandbox(), start_sandbox()
    cli_check(cli_sandbox, tmp_path, tmp_path / "cli.sqlite3", paths)
    desk = desk_check(qtbot, desk_sandbox, tmp_path / "desk.sqlite3", paths)
    desk.shutdown()

    assert cli_sandbox.stats["requests"] == desk_sandbox.stats["requests"] == 3
    rows = trail(tmp_path / "cli.sqlite3")
    assert rows == trail(tmp_path / "desk.sqlite3")
    assert [(r.content, r.sent, r.reused, r.code) for r in rows if r.content != "b"] == [
        ("a", True, False, 0), ("a", False, True, 0),
        # The copy of a photo the service answered "no face" shares that answer, unsent.
        ("empty", False, False, -4015), ("empty", True, False, -4015)]


def test_copies_share_a_failure_a_retry_could_cure(qtbot, tmp_path, folder,
                                                   start_sandbox) -> None:
    x = photo(folder, "x.jpg", 3)
    paths = [x, copy(x, "x_copy.jpg")]
    cli_sandbox, desk_sandbox = start_sandbox(fail_rate=1.0), start_sandbox(fail_rate=1.0)
    cli_check(cli_sandbox, tmp_path, tmp_path / "cli.sqlite3", paths)
    desk = desk_check(qtbot, desk_sandbox, tmp_path / "desk.sqlite3", paths)
    items = desk.model.items()
    assert all(i.result is not None and i.result.retry_may_help for i in items)
    assert len(desk.retryable()) == 2  # both stay retryable: the operator may pay again
    desk.shutdown()

    # One content, one retry budget (the client's attempts), whichever front sent it.
    assert cli_sandbox.stats["requests"] == desk_sandbox.stats["requests"] == 4
    rows = trail(tmp_path / "cli.sqlite3")
    assert rows == trail(tmp_path / "desk.sqlite3")
    assert [(r.content, r.problem, r.sent) for r in rows] == [
        ("x", "http_error", False), ("x", "http_error", True)]


def test_an_earlier_judgement_is_reused(qtbot, tmp_path, folder, start_sandbox) -> None:
    a = photo(folder, "a.jpg", 4)
    cli_sandbox, desk_sandbox = start_sandbox(), start_sandbox()
    cli_history, desk_history = tmp_path / "cli.sqlite3", tmp_path / "desk.sqlite3"
    # Both fronts declare their sandbox (a simulated judgement is reused only by a run
    # declared simulated, never because the URL matches). The CLI's --sandbox is its own.
    cli_check(cli_sandbox, tmp_path, cli_history, [a], declared=True)
    desk_check(qtbot, desk_sandbox, desk_history, [a], declared=True).shutdown()
    again = [a, copy(a, "a_again.jpg")]
    second = cli_check(cli_sandbox, tmp_path, cli_history, again, declared=True)
    desk = desk_check(qtbot, desk_sandbox, desk_history, again, declared=True)
    assert all(i.result is not None and i.result.reused_from is not None
               for i in desk.model.items())
    desk.shutdown()

    assert [item["reused"] for item in second] == [True, True]
    assert desk_sandbox.stats["requests"] == 1
    rows = trail(cli_history)
    assert rows == trail(desk_history)
    assert [(r.content, r.sent, r.reused) for r in rows] == [
        ("a", True, False), ("a", False, True), ("a", False, True)]


def test_a_held_photo_is_not_sent(qtbot, tmp_path, folder, start_sandbox) -> None:
    # The generated photos have no face: the pre-checks hold them.
    held = photo(folder, "held.jpg", 5)
    cli_sandbox, desk_sandbox = start_sandbox(), start_sandbox()
    (result,) = cli_check(cli_sandbox, tmp_path, tmp_path / "cli.sqlite3", [held], force=False)
    desk = desk_check(qtbot, desk_sandbox, tmp_path / "desk.sqlite3", [held], prechecks=True)
    assert [i.status for i in desk.model.items()] == [Status.HELD]
    desk.shutdown()

    assert result["held"] is True
    assert cli_sandbox.stats["requests"] == desk_sandbox.stats["requests"] == 0


def test_a_dark_photo_is_held_for_the_same_reasons(qtbot, tmp_path, folder,
                                                   start_sandbox) -> None:
    dark = folder / "too_dark.jpg"
    Image.new("RGB", (800, 600), (3, 3, 3)).save(dark, quality=90)
    cli_sandbox, desk_sandbox = start_sandbox(), start_sandbox()
    (result,) = cli_check(cli_sandbox, tmp_path, tmp_path / "cli.sqlite3", [dark], force=False)
    desk = desk_check(qtbot, desk_sandbox, tmp_path / "desk.sqlite3", [dark], prechecks=True)
    (item,) = desk.model.items()
    said = desk.model.hold_text(item.precheck)
    desk.shutdown()
    assert "very dark" in said
    assert result["held"] is True and result["message"].split(" (")[0] == said


def test_a_held_photo_is_recorded_alike(qtbot, tmp_path, folder, start_sandbox) -> None:
    held = photo(folder, "held.jpg", 5)
    cli_sandbox, desk_sandbox = start_sandbox(), start_sandbox()
    cli_check(cli_sandbox, tmp_path, tmp_path / "cli.sqlite3", [held], force=False)
    desk_check(qtbot, desk_sandbox, tmp_path / "desk.sqlite3", [held], prechecks=True).shutdown()
    assert trail(tmp_path / "cli.sqlite3") == trail(tmp_path / "desk.sqlite3")


def test_a_refused_photo_is_recorded_alike_and_once(qtbot, tmp_path, folder,
                                                    start_sandbox) -> None:
    broken = folder / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 broken")
    cli_sandbox, desk_sandbox = start_sandbox(), start_sandbox()
    for _start in range(2):  # run again (the CLI), restarted with it queued (the desk)
        cli_check(cli_sandbox, tmp_path, tmp_path / "cli.sqlite3", [broken])
        desk = desk_check(qtbot, desk_sandbox, tmp_path / "desk.sqlite3", [broken])
        qtbot.waitUntil(lambda desk=desk: desk.model.items()[0].record_id is not None,
                        timeout=WAIT_MS)
        desk.shutdown()
    rows = trail(tmp_path / "cli.sqlite3")
    assert rows == trail(tmp_path / "desk.sqlite3")
    assert [(r.content, r.problem, r.sent) for r in rows] == [("broken", "truncated", False)]
    assert cli_sandbox.stats["requests"] == desk_sandbox.stats["requests"] == 0


@pytest.mark.skipif(WINDOWS, reason="POSIX signal (Windows: Ctrl+Break)")
def test_an_interrupted_batch_sends_nothing_new_and_a_rerun_only_the_rest(
        qtbot, tmp_path, folder, start_sandbox) -> None:
    count = 12
    paths = [photo(folder, f"p{i:02}.jpg", 10 + i) for i in range(count)]
    cli_sandbox = start_sandbox(latency_ms=300)
    desk_sandbox = start_sandbox(latency_ms=300)
    cli_history, desk_history = tmp_path / "cli.sqlite3", tmp_path / "desk.sqlite3"

    proc = subprocess.Popen(cli_args(cli_history, paths, True), env=cli_env(cli_sandbox, tmp_path),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = [proc.stdout.readline() for _ in range(2)]  # two results: the batch is under way
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert len([*first, *out.splitlines()]) == count

    desk = open_desk(qtbot, desk_sandbox, desk_history)
    desk_add(qtbot, desk, paths)
    desk.run_all()
    qtbot.waitUntil(lambda: desk.runs.done >= 2, timeout=WAIT_MS)
    desk.cancel()
    qtbot.waitUntil(lambda: not desk.runs.running, timeout=WAIT_MS)
    desk.shutdown()

    for sandbox, history in ((cli_sandbox, cli_history), (desk_sandbox, desk_history)):
        rows = trail(history)
        sent = sandbox.stats["requests"]
        assert 2 <= sent < count  # stopped early; the calls in flight finished
        # Every call made is in the trail, judged; nothing unsent is recorded.
        assert len(rows) == sent and all(r.sent and r.verdict in ("pass", "fail") for r in rows)

    before = {cli_history: cli_sandbox.stats["requests"],
              desk_history: desk_sandbox.stats["requests"]}
    cli_check(cli_sandbox, tmp_path, cli_history, paths)
    desk = desk_check(qtbot, desk_sandbox, desk_history, paths)
    desk.shutdown()
    # Both fronts were pointed at the sandbox's URL as a live service, never declared a
    # sandbox: its answers were recorded as simulated, and a simulated judgement is never
    # reused for a run not declared simulated (whatever URL both used). So the rerun sends
    # every photo again, the same on both fronts.
    for history, sent in before.items():
        sandbox = cli_sandbox if history == cli_history else desk_sandbox
        assert sandbox.stats["requests"] == sent + count
        rows = trail(history)
        assert len(rows) == sent + count  # the first run's calls, then every photo again
        assert sum(r.reused for r in rows) == 0
