"""The console: its text encoding (UTF-8 on Windows too, so Chinese reads as Chinese) and
the signals that ask a command to stop."""

from __future__ import annotations

import contextlib
import errno
import io
import signal
import sys

# Ctrl+C, a service manager's SIGTERM, and on Windows Ctrl+Break (SIGBREAK: the one console
# event another program can send a process group; TerminateProcess cannot be caught).
STOP_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGINT, signal.SIGTERM) + (
    (signal.SIGBREAK,) if hasattr(signal, "SIGBREAK") else ())


def prepare_streams() -> None:
    """On Windows: UTF-8 output, and a reader that went away reported as on POSIX.

    Python writes to a redirected stdout in the ANSI code page there (cp1252 on an English
    desk): Chinese text would raise UnicodeEncodeError or turn into '?'. UTF-8 instead, and a
    character the console cannot take is replaced rather than ending the command. POSIX
    consoles keep the locale's encoding (UTF-8 on any current system).
    """
    if sys.platform != "win32":
        return
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            with contextlib.suppress(ValueError, OSError):  # closed or detached: leave it
                stream.reconfigure(encoding="utf-8", errors="replace")
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout = _PipeAware(sys.stdout)  # type: ignore[assignment]


class _PipeAware:
    """stdout, whose writes to a pipe with no reader left raise BrokenPipeError.

    Windows reports such a write as EINVAL (`livedetect history | more`, quit early), which
    would end the command with a traceback; main() ends quietly on BrokenPipeError.
    """

    def __init__(self, stream: io.TextIOWrapper) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as exc:
            raise _pipe_error(exc) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            raise _pipe_error(exc) from None

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def _pipe_error(exc: OSError) -> OSError:
    if exc.errno == errno.EINVAL and not isinstance(exc, BrokenPipeError):
        return BrokenPipeError(errno.EPIPE, "the reader of the output has gone")
    return exc
