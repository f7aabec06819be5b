"""An interrupted ``livedetect check``: a real process, real signals, calls counted at a real
sandbox on loopback; what was in flight finishes and a rerun sends only the rest."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time

import pytest

from devsupport.windows import WINDOWS, under_wine
from livedetect_gui.core.service.signing_legacy import Account
from tests.cli.conftest import SECRET, expected_exit, photos, run, sandbox_env


@pytest.fixture
def slow_sandbox(start_sandbox):
    return start_sandbox(accounts=[Account("1000001", "AKIDcli", SECRET)], latency_ms=200)


def start_check(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    # Windows: a process group of its own, the one thing Ctrl+Break can be sent to.
    group = subprocess.CREATE_NEW_PROCESS_GROUP if WINDOWS else 0
    return subprocess.Popen([sys.executable, "-m", "livedetect_gui.cli", "check", *args],
                            env={**os.environ, **env}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, creationflags=group)


# What stops a command: Ctrl+C and a service manager's SIGTERM; on Windows Ctrl+Break.
STOPS = [signal.CTRL_BREAK_EVENT] if WINDOWS else [signal.SIGINT, signal.SIGTERM]


@pytest.mark.skipif(under_wine(), reason="Wine 8 delivers no console control event "
                    "(GenerateConsoleCtrlEvent fails without a real console): real Windows only")
@pytest.mark.parametrize("signum", STOPS)
def test_interrupt_finishes_in_flight_then_rerun_sends_only_the_rest(tmp_path, slow_sandbox,
                                                                      signum) -> None:
    env = sandbox_env(slow_sandbox, tmp_path)
    folder = photos(tmp_path / "in", 40)
    args = ("--force", "--json", "--concurrency", "2", "--confirm-over", "100", str(folder))
    proc = start_check(*args, env=env)
    # Three results: the batch is under way. Read from the pipe itself, not through the
    # buffered file: communicate() reads the pipe, and would never see a fourth result
    # already in that buffer.
    head = b""
    while head.count(b"\n") < 3:
        chunk = os.read(proc.stdout.fileno(), 4096)
        if not chunk:  # ended before three results: the assertions below say how
            break
        head += chunk
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    items = [json.loads(line) for line in (head.decode() + out).splitlines()]
    assert len(items) == 40
    sent = slow_sandbox.stats["requests"]
    judged = [i for i in items if i["verdict"] in ("pass", "fail")]
    not_sent = [i for i in items if i["message"] == "Not sent (interrupted)"]
    assert len(judged) == sent and len(not_sent) == 40 - sent  # in-flight calls were recorded
    # Read: 3 or more printed; at most 1 finished but held back (results print in input
    # order); at most 2 in flight (--concurrency 2); 1 more may start before the signal is
    # handled.
    assert 3 <= sent <= head.count(b"\n") + 1 + 2 + 1
    assert "interrupted" in err and "40 checked" in err  # the summary

    rerun = run("check", *args, env=env)
    assert rerun.returncode == expected_exit(sorted(folder.iterdir()))
    # This endpoint was never declared a sandbox (credentials pointed at its URL): its
    # answers were recorded as simulated, and a simulated judgement is never reused for a run
    # not declared simulated, whatever URL both used. So the rerun sends all 40 again.
    assert slow_sandbox.stats["requests"] == 40 + sent
    reused = [json.loads(line)["reused"] for line in rerun.stdout.splitlines()]
    assert reused.count(True) == 0


@pytest.mark.skipif(WINDOWS, reason="select() on pipes is POSIX only; the Windows handler is the "
                    "same code, stopped once above")
def test_second_interrupt_exits_at_once(tmp_path, start_sandbox) -> None:
    sandbox = start_sandbox(accounts=[Account("1000001", "AKIDcli", SECRET)], latency_ms=3000)
    env = sandbox_env(sandbox, tmp_path)
    folder = photos(tmp_path / "in", 4)
    proc = start_check("--force", "--concurrency", "2", str(folder), env=env)
    deadline = time.monotonic() + 20
    while sandbox.stats["requests"] < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    # The second interrupt only once the first was taken (the CLI says it is stopping).
    said = ""
    deadline = time.monotonic() + 20
    while "livedetect: stopping" not in said and time.monotonic() < deadline:
        if select.select([proc.stderr], [], [], 0.5)[0]:
            said += os.read(proc.stderr.fileno(), 4096).decode(errors="replace")
    assert "livedetect: stopping" in said, said
    began = time.monotonic()
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=10)
    assert proc.returncode == 130
    assert time.monotonic() - began < 2.0  # did not wait for the 3 s calls in flight


