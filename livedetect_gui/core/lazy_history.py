"""The history database opened on first use, shared by the desk's workers.

Opening it touches the disk, so it happens on a worker the first time one records or reads;
a history that cannot be opened turns recording off (with a message key), never the checks.

Which history: the path given, else the one the CLI would use (``$LIVEDETECT_HISTORY_URL``,
then the desk's setting ``url``, then the user's SQLite file: core/history_url.py). With a
shared (PostgreSQL) history, ``on_pending(n)`` hears, from the forwarder's thread, how many
records wait to be sent (``postgres_store.waiting_message`` words it); ``waiting()`` asks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from pathlib import Path

from . import history_url
from .history import History, open_history


class LazyHistory:
    def __init__(self, path: Path | None = None, url: str | None = None,
                 on_pending: Callable[[int], None] | None = None,
                 env: Mapping[str, str] | None = None) -> None:
        self._path = path
        self._url = url
        self._env = env
        self._on_pending = on_pending
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
                    self._history = self._open()
                except Exception as exc:  # checks go on; the operator is told history is off
                    self.error = f"{type(exc).__name__}: {exc}"
            return self._history

    def _open(self) -> History:
        if self._path is not None:
            return History(self._path)
        location = history_url.resolve(None, self._url, self._env)
        options = {"on_pending": self._on_pending} if location.shared else {}
        return open_history(location, **options)

    def waiting(self) -> int:
        """Records written here and not yet in the shared store (0 for a local history)."""
        with self._lock:
            return self._history.store.pending if self._history is not None else 0

    def close(self) -> None:
        with self._lock:
            if self._history is not None:
                self._history.close()
                self._history = None
