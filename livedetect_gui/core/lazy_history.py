"""The history database opened on first use, shared by the desk's workers.

Opening it touches the disk, so it happens on a worker the first time one records or reads;
a history that cannot be opened turns recording off (with a message key), never the checks.
"""

from __future__ import annotations

import threading
from pathlib import Path

from .history import History


class LazyHistory:
    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._history: History | None = None
        self.error: str | None = None

    @property
    def path(self) -> Path | None:
        return self._path

    def get(self) -> History | None:
        with self._lock:
            if self._history is None and self.error is None:
                try:
                    self._history = History(self._path)
                except Exception as exc:  # checks go on; the operator is told history is off
                    self.error = f"{type(exc).__name__}: {exc}"
            return self._history

    def close(self) -> None:
        with self._lock:
            if self._history is not None:
                self._history.close()
                self._history = None
