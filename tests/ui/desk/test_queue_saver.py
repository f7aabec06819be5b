"""The queue kept on disk: a real desk process killed and restarted loses nothing and sends
nothing already recorded again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from devsupport.windows import WINDOWS
from livedetect_gui.core.checks.saved_queue import QueueStore
from livedetect_gui.core.trail.history import History
from tests.ui.conftest import (
    photos,
)

ROOT = Path(__file__).resolve().parents[3]


def saved_results(queue_path: Path) -> int:
    """How many items of the queue kept on disk have a result (0 while there is none yet).
    Read as plain JSON: ``QueueStore.load`` tidies the folder, which the desk is writing to."""
    try:
        document = json.loads(queue_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0  # not written yet (each save replaces the file whole)
    return sum(entry.get("result") is not None for entry in document["items"])


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
        # Killed once the queue on disk holds results: the restart must tell recorded from not.
        deadline = time.monotonic() + 60
        while (time.monotonic() < deadline
               and (sandbox.stats["requests"] < 4 or saved_results(queue_path) < 1)):
            time.sleep(0.02)
        first.kill()  # a crash or a power cut: no shutdown at all
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    assert 4 <= sandbox.stats["requests"] < count
    assert WINDOWS or oct(queue_path.stat().st_mode & 0o777) == "0o600"  # Windows: the ACL
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
