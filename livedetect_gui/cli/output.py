"""What the commands share when they speak: the message language and writing an output file."""

from __future__ import annotations

import sys

# Not typing.TYPE_CHECKING: importing typing alone costs a few milliseconds of every start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable


def language(value: str | None) -> str:
    """--lang, else the locale's message language (LANGUAGE, LC_ALL, LC_MESSAGES, LANG)."""
    if value:
        return "zh" if value.lower().startswith("zh") else "en"
    from livedetect_gui.core.messages import environment_language

    return environment_language()


def moment(seconds: float) -> str:
    """A unix time as local ISO 8601; a tampered value as it is."""
    from datetime import datetime

    try:
        return datetime.fromtimestamp(seconds).astimezone().isoformat(timespec="seconds")
    except (OverflowError, OSError, ValueError):
        return str(seconds)


def write_file(path: str, write: Callable[[str], object]) -> bool:
    """Write an output file; a path that cannot be written is one line, not a traceback."""
    try:
        write(path)
    except OSError as exc:
        print(f"livedetect: cannot write {path}: {exc.strerror or exc}", file=sys.stderr)
        return False
    return True


class CountLine:
    """A self-overwriting "N things" line on a terminal's stderr."""

    def __init__(self, what: str) -> None:
        self.what = what

    def __call__(self, count: int) -> None:
        sys.stderr.write(f"\r{count} {self.what}")
        sys.stderr.flush()

    def clear(self) -> None:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()
