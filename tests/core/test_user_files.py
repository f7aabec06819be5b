"""Opening a user's path: regular files only, type and size checked before a byte is read."""

from __future__ import annotations

import os
import threading

import pytest

from livedetect_gui.core.checks.reuse import file_sha256
from livedetect_gui.core.imaging.prepare import ImageRefused, load_thumbnail, prepare_file
from livedetect_gui.core.user_files import (
    FileTooLarge,
    NotRegularFile,
    open_regular,
    read_regular,
)

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")


def _bounded(action, seconds: float = 10.0):
    """Run ``action`` on a thread; a read that never ends fails the test instead of hanging."""
    outcome: list[object] = []
    thread = threading.Thread(target=lambda: outcome.append(_catch(action)), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "the read did not end"
    return outcome[0]


def _catch(action):
    try:
        return action()
    except Exception as exc:  # returned, for the test to look at
        return exc


def test_fifo_device_folder_and_symlink_are_refused_without_reading(tmp_path) -> None:
    fifo = tmp_path / "pipe.jpg"
    os.mkfifo(fifo)
    link = tmp_path / "zero.jpg"
    link.symlink_to("/dev/zero")
    for path in (fifo, link, tmp_path):
        assert isinstance(_bounded(lambda p=path: open_regular(p)), NotRegularFile)
        assert _bounded(lambda p=path: file_sha256(p)) is None
        refused = _bounded(lambda p=path: prepare_file(p))
        assert isinstance(refused, ImageRefused) and refused.key == "file_unreadable"
        assert isinstance(_bounded(lambda p=path: load_thumbnail(p, 64)), ImageRefused)


def test_size_bound(tmp_path) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(b"x" * 1000)
    assert read_regular(path, 1000) == b"x" * 1000
    with pytest.raises(FileTooLarge):
        read_regular(path, 999)
