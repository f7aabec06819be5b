"""Opening a file a user named: regular files only, and only as large as the caller allows.

A path may name a FIFO (whose ``open`` waits for a writer for ever), a device (``/dev/zero``
never ends) or a symlink to one: its type and size are checked on the open descriptor before
a byte is read, so a check, a restored queue or a hash never hangs or grows without bound.
"""

from __future__ import annotations

import errno
import os
import stat
import time
from typing import BinaryIO


class UnreadableFile(OSError):
    """Refused before reading; ``strerror`` says why in words."""

    def __init__(self, path: str | os.PathLike[str], why: str) -> None:
        super().__init__(errno.EINVAL, why, str(path))

    def __str__(self) -> str:
        return f"{self.filename}: {self.strerror}"


class NotRegularFile(UnreadableFile):
    """The path is a folder, a device, a FIFO or a socket: nothing a photo can be."""


class FileTooLarge(UnreadableFile):
    """The file is larger than the caller reads."""


def kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def open_regular(path: str | os.PathLike[str], max_bytes: int | None = None) -> BinaryIO:
    """``path`` open for reading in binary; raises NotRegularFile or FileTooLarge (both
    OSError) before anything is read, or what ``open`` raises."""
    # O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(path, f"it is {kind_of(info.st_mode)}")
        if max_bytes is not None and info.st_size > max_bytes:
            raise FileTooLarge(path, f"over {max_bytes:,} bytes")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """The whole of a regular file of at most ``max_bytes`` (a file growing meanwhile is read
    no further than that)."""
    with open_regular(path, max_bytes) as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise FileTooLarge(path, f"over {max_bytes:,} bytes")
    return data


_SHARING_VIOLATION = 32  # ERROR_SHARING_VIOLATION: another handle has the file open


def remove_file(path: str | os.PathLike[str], patience: float = 5.0) -> None:
    """Delete ``path`` (gone already is fine). On Windows a file another thread, the indexer
    or a virus scanner has open cannot be deleted for a moment ("sharing violation"): a
    photo must still go, so that is retried for up to ``patience`` seconds, then raised."""
    deadline, pause = time.monotonic() + patience, 0.02
    while True:
        try:
            os.unlink(path)
            return
        except FileNotFoundError:
            return
        except PermissionError as exc:
            # Only a sharing violation passes; a read-only file or a denied folder does not.
            if getattr(exc, "winerror", None) != _SHARING_VIOLATION or (
                    time.monotonic() >= deadline):
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.25)
