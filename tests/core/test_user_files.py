"""Opening a user's path: regular files only, type and size checked before a byte is read;
removing one even while another thread briefly holds it open (Windows)."""

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
    remove_file,
)


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


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
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


def test_remove_file_is_quiet_when_already_gone(tmp_path) -> None:
    path = tmp_path / "capture.jpg"
    path.write_bytes(b"x")
    remove_file(path)
    assert not path.exists()
    remove_file(path)  # a second retake of the same photo


@pytest.mark.skipif(os.name != "nt", reason="only Windows refuses to delete an open file")
def test_remove_file_waits_for_a_reader_to_let_go(tmp_path) -> None:
    path = tmp_path / "capture.jpg"
    path.write_bytes(b"x" * 100)
    handle = open(path, "rb")  # noqa: SIM115 (closed by the timer, mid-removal)
    with pytest.raises(PermissionError):
        remove_file(path, patience=0)
    closer = threading.Timer(0.3, handle.close)
    closer.start()
    try:
        remove_file(path, patience=10)
    finally:
        closer.join()
    assert not path.exists()
