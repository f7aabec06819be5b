"""The sandbox as its own program for benchmarks, so its work never shares our GIL (the real
service would not either)."""

from __future__ import annotations

import subprocess
import sys

APPID, SECRET_ID, SECRET_KEY = "1000001", "AKIDbench", "bench-secret-key"


def start(latency_ms: int = 0, rate_limit: float = 0.0) -> tuple[subprocess.Popen, str]:
    """Returns the process and its base URL once it listens; terminate() it when done."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "livedetect_gui.cli", "sandbox", "--appid", APPID, "--secret-id",
         SECRET_ID, "--secret-key", SECRET_KEY, "--latency-ms", str(latency_ms),
         "--rate-limit", str(rate_limit)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    line = proc.stdout.readline().strip()
    if not line.startswith("listening on "):
        proc.kill()
        raise RuntimeError(f"sandbox did not start: {line!r}")
    return proc, line.removeprefix("listening on ")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(timeout=10)
