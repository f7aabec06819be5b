"""Where the desk keeps its files, and how: privately, whatever the umask.

Face photos, audit records, exports and settings are personal data. On POSIX every folder the
desk creates for them is 0700 and every file 0600, set explicitly rather than trusted to the
umask (a umask of 022 would make them readable by every account on the machine).

On Windows mode bits mean nothing (files show 0o666 whatever is asked). There a file's privacy
is its ACL, which it inherits from its folder: the desk's folder is in the user's own profile
(``%LOCALAPPDATA%``), whose ACL grants only the user, SYSTEM and Administrators, and nothing
is ever written beside the program (tests/core/test_paths.py reads those ACLs on Windows).
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO

import platformdirs

APP_NAME = "livedetect-gui"

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def history_path() -> Path:
    return data_dir() / "history.sqlite3"


def captures_dir() -> Path:
    return data_dir() / "captures"


def capture_name(moment: datetime | None = None) -> str:
    """Timestamped, sortable, unique to the millisecond: capture-20261124-193012-123.jpg."""
    moment = moment or datetime.now()
    return f"capture-{moment:%Y%m%d-%H%M%S}-{moment.microsecond // 1000:03d}.jpg"


def private_dir(path: str | Path) -> Path:
    """Create ``path`` (and missing parents) and make the folder itself 0700.

    Parents that already exist keep their mode: they may be the operator's own folders.
    """
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):  # a folder we do not own (read-only media): leave it
        os.chmod(path, PRIVATE_DIR_MODE)
    return path


def make_private(path: str | Path) -> None:
    """Make an existing file 0600 (e.g. SQLite's -wal/-shm files, created by the library)."""
    with contextlib.suppress(FileNotFoundError, PermissionError):
        os.chmod(path, PRIVATE_FILE_MODE)


def open_private(path: str | Path, mode: str = "wb", **kwargs: object) -> IO:
    """Open for writing, creating the file 0600 from its first byte (no window in which it
    is readable by others, as a chmod after ``open`` would leave)."""
    flags = os.O_WRONLY | os.O_CREAT
    flags |= os.O_APPEND if "a" in mode else os.O_TRUNC
    fd = os.open(path, flags, PRIVATE_FILE_MODE)
    try:
        _restrict(fd)  # an existing file keeps its old mode otherwise
        return os.fdopen(fd, mode, **kwargs)  # type: ignore[call-overload]
    except BaseException:
        os.close(fd)
        raise


@contextlib.contextmanager
def atomic_private(path: str | Path, mode: str = "wb", **kwargs: object) -> Iterator[IO]:
    """Write a whole file or nothing: a 0600 temporary file beside ``path``, renamed over it
    only when the block ends without error. An existing file is never half-overwritten
    (a failed export must not empty yesterday's CSV)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        _restrict(fd)
        out = os.fdopen(fd, mode, **kwargs)  # type: ignore[call-overload]
    except BaseException:
        os.close(fd)
        _discard(tmp)
        raise
    try:
        with out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        # Closed before the rename: Windows renames (and deletes) no file that is still open.
        os.replace(tmp, path)
    except BaseException:
        out.close()  # before the unlink, for the same reason; a no-op when already closed
        _discard(tmp)
        raise


def append_private(path: str | Path, data: bytes) -> None:
    """Add ``data`` at the end of a private file (created when missing) as one write that lands
    whole, after everything others have appended, whatever other threads or processes append
    at the same moment (the spool: workers and a second desk write to it at once).

    POSIX's O_APPEND does that. Windows' C runtime only imitates it (a seek to the end, then
    the write: two writers meet at the same end and one line overwrites the other)."""
    if sys.platform == "win32":
        _append_windows(Path(path), data)
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE_MODE)
    try:
        _restrict(fd)
        _write_all(fd, data)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _append_windows(path: Path, data: bytes) -> None:
    """A handle with append access and no FILE_WRITE_DATA (Windows writes at the end), and
    writers taking turns on an exclusive lock of one byte far past any data (so even where
    appends are emulated, as under Wine, none meets another; readers are never refused, as
    Windows' locks bar only the range locked)."""
    import ctypes
    import msvcrt
    from ctypes import wintypes

    class Overlapped(ctypes.Structure):
        _fields_ = [("internal", ctypes.c_size_t), ("internal_high", ctypes.c_size_t),
                    ("offset", wintypes.DWORD), ("offset_high", wintypes.DWORD),
                    ("event", wintypes.HANDLE)]

    kernel = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel.CreateFileW.restype = wintypes.HANDLE
    kernel.CreateFileW.argtypes = [wintypes.LPCWSTR, wintypes.DWORD, wintypes.DWORD,
                                   ctypes.c_void_p, wintypes.DWORD, wintypes.DWORD,
                                   wintypes.HANDLE]
    dword, overlapped = wintypes.DWORD, ctypes.POINTER(Overlapped)
    kernel.LockFileEx.argtypes = [wintypes.HANDLE, dword, dword, dword, dword, overlapped]
    kernel.UnlockFileEx.argtypes = [wintypes.HANDLE, dword, dword, dword, overlapped]
    # Read access only so that the handle may be locked: writes stay appends.
    read_data, append_data, synchronize = 0x0001, 0x0004, 0x00100000
    share_all, open_always, normal, exclusive = 0x1 | 0x2 | 0x4, 4, 0x80, 0x2
    handle = kernel.CreateFileW(str(path), read_data | append_data | synchronize, share_all,
                                None, open_always, normal, None)
    if handle is None or handle == wintypes.HANDLE(-1).value:
        error = ctypes.get_last_error()
        raise OSError(None, ctypes.FormatError(error), str(path), error)
    try:
        fd = msvcrt.open_osfhandle(handle, os.O_WRONLY)
    except OSError:
        kernel.CloseHandle(handle)
        raise
    try:
        turn = Overlapped(offset=0, offset_high=0x7FFFFFFF)
        if not kernel.LockFileEx(handle, exclusive, 0, 1, 0, ctypes.byref(turn)):
            error = ctypes.get_last_error()
            raise OSError(None, ctypes.FormatError(error), str(path), error)
        try:
            _write_all(fd, data)
        finally:
            kernel.UnlockFileEx(handle, 0, 1, 0, ctypes.byref(turn))
    finally:
        os.close(fd)  # closes the handle too


def _restrict(fd: int) -> None:
    """0600 on POSIX. Windows has no fchmod before Python 3.13 and ignores modes anyway: the
    file's ACL is inherited from the private profile folder it is created in."""
    if hasattr(os, "fchmod"):
        os.fchmod(fd, PRIVATE_FILE_MODE)


def _discard(tmp: str) -> None:
    """Remove a temporary file without hiding the error that made it useless."""
    with contextlib.suppress(OSError):
        os.unlink(tmp)


def write_private(path: str | Path, data: bytes) -> None:
    """A whole private file in one step (capture JPEGs, kept photos)."""
    with atomic_private(path, "wb") as out:
        out.write(data)
