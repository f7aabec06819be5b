"""Issue 12 through ``livedetect check`` as a user runs it: a real process, real signals, calls
counted at a real sandbox on loopback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devsupport.windows import WINDOWS
from livedetect_gui.core.service.signing_legacy import Account
from tests.conftest import make_photo
from tests.test_cli import SECRET, run, sandbox_env

POSIX_SIGNALS = "POSIX signals; Windows: test_a_killed_batch_sends_only_what_has_no_result_again"


@pytest.fixture
def slow_sandbox(start_sandbox):
    return start_sandbox(accounts=[Account("1000001", "AKIDcli", SECRET)], latency_ms=200)


def photos(folder: Path, count: int) -> Path:
    folder.mkdir()
    for i in range(count):
        make_photo(i, (320, 240)).save(folder / f"p{i:03}.jpg", quality=90)
    return folder


def start_check(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "livedetect_gui.cli", "check", *args],
                            env={**os.environ, **env}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8")


@pytest.mark.skipif(WINDOWS, reason=POSIX_SIGNALS)
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_finishes_in_flight_then_rerun_sends_only_the_rest(tmp_path, slow_sandbox,
                                                                      signum) -> None:
    env = sandbox_env(slow_sandbox, tmp_path)
    folder = photos(tmp_path / "in", 40)
    args = ("--force", "--json", "--concurrency", "2", "--confirm-over", "100", str(folder))
    proc = start_check(*args, env=env)
    lines = [proc.stdout.readline() for _ in range(3)]  # three results: the batch is under way
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    items = [json.loads(line) for line in [*lines, *out.splitlines()]]
    assert len(items) == 40
    sent = slow_sandbox.stats["requests"]
    judged = [i for i in items if i["verdict"] in ("pass", "fail")]
    not_sent = [i for i in items if i["message"] == "Not sent (interrupted)"]
    assert len(judged) == sent and len(not_sent) == 40 - sent  # in-flight calls were recorded
    assert 3 <= sent <= 3 + 2 + 1
    assert "interrupted" in err and "40 checked" in err  # the summary

    rerun = run("check", *args, env=env)
    assert rerun.returncode in (0, 1)
    assert slow_sandbox.stats["requests"] == 40  # only what had no result was sent
    reused = [json.loads(line)["reused"] for line in rerun.stdout.splitlines()]
    assert reused.count(True) == sent


def test_a_killed_batch_sends_only_what_has_no_result_again(tmp_path, slow_sandbox) -> None:
    """No handler runs when a batch is ended from outside on Windows (Task Manager, a shut-down,
    TerminateProcess) or by SIGKILL: what was recorded is reused when run again, and only the
    rest is sent."""
    env = sandbox_env(slow_sandbox, tmp_path)
    folder = photos(tmp_path / "in", 40)
    args = ("--force", "--json", "--concurrency", "2", "--confirm-over", "100", str(folder))
    proc = start_check(*args, env=env)
    printed = [proc.stdout.readline() for _ in range(3)]  # the batch is under way
    proc.kill()
    proc.communicate(timeout=30)
    assert all(json.loads(line)["verdict"] in ("pass", "fail") for line in printed)
    sent_before = slow_sandbox.stats["requests"]
    assert sent_before < 40

    rerun = run("check", *args, env=env)
    assert rerun.returncode in (0, 1)
    reused = [json.loads(line)["reused"] for line in rerun.stdout.splitlines()]
    assert len(reused) == 40 and reused.count(True) >= len(printed)  # printed once recorded
    assert slow_sandbox.stats["requests"] == sent_before + reused.count(False)


@pytest.mark.skipif(WINDOWS, reason=POSIX_SIGNALS)
def test_second_interrupt_exits_at_once(tmp_path, start_sandbox) -> None:
    sandbox = start_sandbox(accounts=[Account("1000001", "AKIDcli", SECRET)], latency_ms=3000)
    env = sandbox_env(sandbox, tmp_path)
    folder = photos(tmp_path / "in", 4)
    proc = start_check("--force", "--concurrency", "2", str(folder), env=env)
    deadline = time.monotonic() + 20
    while sandbox.stats["requests"] < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.3)
    began = time.monotonic()
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=10)
    assert proc.returncode == 130
    assert time.monotonic() - began < 2.0  # did not wait for the 3 s calls in flight


def test_rejected_credentials_stop_the_cli_with_exit_2(tmp_path, start_sandbox) -> None:
    sandbox = start_sandbox(accounts=[Account("1000001", "AKIDcli", SECRET)])
    env = {**sandbox_env(sandbox, tmp_path), "LIVEDETECT_SECRET_KEY": "wrong-secret"}
    folder = photos(tmp_path / "in", 60)
    proc = run("check", "--force", "--json", "--yes", "--concurrency", "4", str(folder),
               env=env)
    assert proc.returncode == 2
    assert sandbox.stats["requests"] <= 4 + 1
    items = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(items) == 60
    assert sum(i["message"].startswith("Not sent: the service rejected the credentials")
               for i in items) >= 55
    assert "rejected the credentials" in proc.stderr
    zh = run("check", "--force", "--lang", "zh", str(folder / "p000.jpg"), env=env)
    assert "拒绝" in zh.stdout + zh.stderr


def test_cost_line_before_a_large_batch_and_holds(tmp_path, start_sandbox) -> None:
    sandbox = start_sandbox(accounts=[Account("1000001", "AKIDcli", SECRET)])
    env = sandbox_env(sandbox, tmp_path)
    folder = photos(tmp_path / "in", 22)
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff broken")
    proc = run("check", str(folder), env=env)  # no terminal: the line, no prompt
    assert "0 billed calls (0 duplicates reused, 1 refused, 22 held by pre-checks)" in proc.stderr
    assert sandbox.stats["requests"] == 0  # face-free generated pictures are all held
    assert proc.stdout.count("HELD") == 22 and proc.returncode == 2
    proc = run("check", "--force", str(folder), env=env)
    assert "22 billed calls (0 duplicates reused, 1 refused, 0 held" in proc.stderr
    assert sandbox.stats["requests"] == 22
    proc = run("check", "--force", "--recheck", str(folder / "p000.jpg"), env=env)
    assert sandbox.stats["requests"] == 23


def test_version_imports_nothing_heavy() -> None:
    code = ("import sys; from livedetect_gui.cli.main import main\n"
            "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('requests', 'PIL', 'keyring', 'sqlite3', 'cv2', 'numpy', "
            "'logging', 'typing') if m in sys.modules]\nprint(heavy)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=30)
    assert proc.stdout.strip().endswith("[]"), proc.stdout


@pytest.mark.skipif(WINDOWS, reason="a pseudo-terminal (pty) is POSIX only")
@pytest.mark.parametrize(("answer", "calls"), [("n\n", 0), ("y\n", 21)])
def test_prompt_on_a_terminal(tmp_path, start_sandbox, answer, calls) -> None:
    import pty
    import select

    sandbox = start_sandbox(accounts=[Account("1000001", "AKIDcli", SECRET)])
    env = sandbox_env(sandbox, tmp_path)
    folder = photos(tmp_path / "in", 21)
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "livedetect_gui.cli", "check", "--force",
                             str(folder)], env={**os.environ, **env}, stdin=follower,
                            stderr=follower, stdout=subprocess.PIPE, text=True)
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + 60
    while b"Run? [y/N]" not in seen and time.monotonic() < deadline:
        if select.select([leader], [], [], 1.0)[0]:
            seen += os.read(leader, 1024)
    assert b"21 billed calls (0 duplicates reused, 0 refused, 0 held" in seen
    os.write(leader, answer.encode())
    proc.communicate(timeout=60)
    os.close(leader)
    assert sandbox.stats["requests"] == calls
    with_yes = run("check", "--force", "--yes", str(folder / "p000.jpg"), env=env)
    assert with_yes.returncode in (0, 1)
