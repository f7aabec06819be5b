"""The console: its text encoding (UTF-8 on Windows too, so Chinese reads as Chinese) and
the signals that ask a command to stop."""

from __future__ import annotations

import contextlib
import io
import signal
import sys

# Ctrl+C, a service manager's SIGTERM, and on Windows Ctrl+Break (SIGBREAK: the one console
# event another program can send a process group; TerminateProcess cannot be caught).
STOP_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGINT, signal.SIGTERM) + (
    (signal.SIGBREAK,) if hasattr(signal, "SIGBREAK") else ())


def use_utf8() -> None:
    """On Windows, Python writes to a redirected stdout in the ANSI code page (cp1252 on an
    English desk): Chinese text would raise UnicodeEncodeError or turn into '?'. UTF-8 there,
    and a character the console cannot take is replaced rather than ending the command.
    POSIX consoles keep the locale's encoding (UTF-8 on any current system)."""
    if sys.platform != "win32":
        return
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            with contextlib.suppress(ValueError, OSError):  # closed or detached: leave it
                stream.reconfigure(encoding="utf-8", errors="replace")
