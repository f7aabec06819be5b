"""The queue on disk: a real process killed while saving loses nothing."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devsupport.windows import WINDOWS
from livedetect_gui.core.checks.planning import Source
from livedetect_gui.core.checks.saved_queue import (
    QueuedItem,
    QueueFileError,
    QueueState,
    QueueStore,
)
from livedetect_gui.core.result import CheckResult, PreparedInfo


def test_round_trip_with_results_and_in_memory_photos(tmp_path) -> None:
    store = QueueStore(tmp_path / "data" / "queue.json")
    result = CheckResult(source="a.jpg", threshold=87, score=91, code=0,
                         prepared=PreparedInfo(640, 480, 12345), sha256="ab" * 32,
                         reused_from=1_700_000_000.0)
    items = [
        QueuedItem(Source.file(tmp_path / "a.jpg"), QueueState.DONE, result),
        QueuedItem(Source(label="pasted photo", data=b"\xff\xd8 jpeg bytes")),
        QueuedItem(Source.remote("https://example.org/p.jpg"), QueueState.HELD),
        QueuedItem(Source.file(tmp_path / "b.jpg"), QueueState.SENDING),
    ]
    store.save(items)
    restored = store.load()
    assert [i.id for i in restored] == [i.id for i in items]
    assert restored[0].result == result
    assert restored[1].source.data == b"\xff\xd8 jpeg bytes"
    assert restored[2].state is QueueState.HELD and restored[2].source.url
    # A call may have been in flight: back to waiting, marked, so the duplicate rule decides.
    assert restored[3].state is QueueState.WAITING and restored[3].interrupted
    if not WINDOWS:  # Windows: the folder's ACL (tests/core/test_paths.py)
        assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
        assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700
    photo_files = list(store.photos.iterdir())
    assert len(photo_files) == 1
    assert WINDOWS or stat.S_IMODE(photo_files[0].stat().st_mode) == 0o600

    store.save(restored[:1])  # the pasted photo left the queue: its bytes go too
    assert list(store.photos.iterdir()) == []
    assert len(store.load()) == 1


def test_corrupt_file_is_set_aside_not_lost(tmp_path) -> None:
    store = QueueStore(tmp_path / "queue.json")
    assert store.load() == []
    store.path.write_text("{not json")
    with pytest.raises(QueueFileError, match="kept as"):
        store.load()
    assert not store.path.exists()
    assert list(tmp_path.glob("queue.json.bad-*"))


WRITER = r"""
import sys
from pathlib import Path
from livedetect_gui.core.checks.planning import Source
from livedetect_gui.core.checks.saved_queue import QueuedItem, QueueStore

store = QueueStore(sys.argv[1])
items = []
for i in range(100000):
    items.append(QueuedItem(Source.file(Path(f"/photos/{i}.jpg")), id=f"item{i:06}"))
    store.save(items)
    print(i, flush=True)
"""


def test_a_killed_process_never_leaves_a_broken_queue(tmp_path) -> None:
    path = tmp_path / "queue.json"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    for round_ in range(3):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], env=env,
                                stdout=subprocess.PIPE, text=True)
        saved = -1
        deadline = time.monotonic() + 30
        while saved < 20 + 15 * round_ and time.monotonic() < deadline:
            saved = int(proc.stdout.readline())
        proc.kill()  # mid-save, as a crash or a power cut would
        proc.wait(timeout=10)
        proc.stdout.close()
        items = QueueStore(path).load()
        # Every save that reported back is on disk whole (one more may have landed).
        assert len(items) in (saved + 1, saved + 2)
        assert [i.id for i in items] == [f"item{n:06}" for n in range(len(items))]
        json.loads(path.read_text())
        # A temporary file a kill left behind is cleared at load, never read.
        assert not list(tmp_path.glob(".queue.json.*.part"))
