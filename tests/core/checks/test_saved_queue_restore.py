"""Restoring the saved queue from a hostile or damaged disk: one bad part costs that part."""

from __future__ import annotations

import json
import os
import threading

import pytest

from livedetect_gui.core.checks.batch import Source
from livedetect_gui.core.checks.saved_queue import QueuedItem, QueueFileError, QueueStore


def _load_bounded(store: QueueStore, seconds: float = 10.0):
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(store.load())
        except Exception as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "loading the queue did not end"
    return outcome[0]


def test_one_missing_pasted_photo_costs_only_its_item(tmp_path) -> None:
    store = QueueStore(tmp_path / "queue.json")
    items = [QueuedItem(Source(label="pasted 1", data=b"one")),
             QueuedItem(Source(label="pasted 2", data=b"two")),
             QueuedItem(Source.file(tmp_path / "a.jpg"))]
    store.save(items)
    (store.photos / f"{items[0].id}.bin").unlink()
    restored = store.load()
    assert [i.id for i in restored] == [items[1].id, items[2].id]
    assert restored[0].source.data == b"two"
    assert store.skipped[0].startswith("pasted 1:")
    # The file as it was (naming the lost item) is kept before the next save replaces it.
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("queue.json.bad-")]
    assert len(kept) == 1 and items[0].id in kept[0].read_text()


def test_binary_garbage_is_set_aside(tmp_path) -> None:
    store = QueueStore(tmp_path / "queue.json")
    store.path.write_bytes(b"\xff\xfe\x00garbage\x80")
    with pytest.raises(QueueFileError, match="kept as"):
        store.load()
    assert not store.path.exists()


def test_a_file_set_aside_never_replaces_an_earlier_one(tmp_path) -> None:
    store = QueueStore(tmp_path / "queue.json")
    for content in (b"{first", b"{second"):
        store.path.write_bytes(content)
        with pytest.raises(QueueFileError):
            store.load()
    aside = sorted(p.read_bytes() for p in tmp_path.iterdir() if ".bad-" in p.name)
    assert aside == [b"{first", b"{second"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_device_or_fifo_as_the_queue_file_is_set_aside_unread(tmp_path) -> None:
    store = QueueStore(tmp_path / "queue.json")
    store.path.symlink_to("/dev/zero")
    assert isinstance(_load_bounded(store), QueueFileError)
    os.mkfifo(store.path)
    assert isinstance(_load_bounded(store), QueueFileError)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_as_a_pasted_photo_costs_its_item(tmp_path) -> None:
    store = QueueStore(tmp_path / "queue.json")
    items = [QueuedItem(Source(label="pasted", data=b"one")),
             QueuedItem(Source(label="other", data=b"two"))]
    store.save(items)
    bin_path = store.photos / f"{items[0].id}.bin"
    bin_path.unlink()
    os.mkfifo(bin_path)
    restored = _load_bounded(store)
    assert [i.id for i in restored] == [items[1].id]
    json.loads(next(p for p in tmp_path.iterdir() if ".bad-" in p.name).read_text())
