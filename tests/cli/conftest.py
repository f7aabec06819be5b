"""What the command-line tests share: running ``livedetect`` as a user does (a real process)
and a sandbox on loopback that knows the tests' account."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import data_home

SECRET = "the-secret-key-that-must-never-leak-0123456789"


def run(*args: str, env: dict[str, str] | None = None, stdin: str | None = None,
        timeout: float = 60) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "livedetect_gui.cli", *args], env=full_env,
                          capture_output=True, text=True, encoding="utf-8", timeout=timeout,
                          input=stdin)  # the CLI writes UTF-8 on every platform
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


@pytest.fixture
def secret_sandbox(start_sandbox):
    from livedetect_gui.core.service.signing_legacy import Account

    # The tests' file servers are on loopback: URL mode may fetch from there.
    return start_sandbox(accounts=[Account("1000001", "AKIDcli", SECRET)],
                         allow_loopback_urls=True)


def sandbox_env(sandbox, tmp_path: Path) -> dict[str, str]:
    return {"LIVEDETECT_APPID": "1000001", "LIVEDETECT_SECRET_ID": "AKIDcli",
            "LIVEDETECT_SECRET_KEY": SECRET, "LIVEDETECT_ENDPOINT": sandbox.url,
            **data_home(tmp_path / "data")}


def photos(folder: Path, count: int) -> Path:
    """A folder of ``count`` distinct generated photos."""
    from tests.conftest import make_photo

    folder.mkdir()
    for i in range(count):
        make_photo(i, (320, 240)).save(folder / f"p{i:03}.jpg", quality=90)
    return folder


def expected_exit(paths: list[Path], threshold: float = 87, api: str = "legacy") -> int:
    """The exit status ``livedetect check`` owes for ``paths`` against the sandbox, whose scores
    are deterministic: 2 when one cannot be judged, else 1 when one fails, else 0."""
    from livedetect_gui.sandbox.scoring import simulated_score, simulated_score_api3
    from tests.conftest import simulated_verdict

    scorer = simulated_score_api3 if api == "tc3" else simulated_score
    verdicts = {simulated_verdict(path, threshold, scorer) for path in paths}
    return 2 if "error" in verdicts else 1 if "fail" in verdicts else 0
