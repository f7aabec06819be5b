"""The history database opened on first use, shared by the desk's workers.

Opening it touches the disk, so it happens on a worker the first time one records or reads.
A history that cannot be opened never stops the checks and loses nothing: records go to its
spool, as the CLI's ``Recorder`` does, and are written at the next open (tried again after
``RETRY_S``). The operator identified at the desk is carried by every record.

Which history: the path given, else the one the CLI would use (``$LIVEDETECT_HISTORY_URL``,
then the desk's setting ``url``, then the user's SQLite file: core/history_url.py). With a
shared (PostgreSQL) history, ``on_pending(n)`` hears, from the forwarder's thread, how many
records wait to be sent (``postgres_store.waiting_message`` words it); ``waiting()`` asks.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from livedetect_gui.core.names import operator_name, visible
from livedetect_gui.core.result import CheckResult
from livedetect_gui.core.trail import location as history_url
from livedetect_gui.core.trail.chain import Record, check_record
from livedetect_gui.core.trail.history import History, default_path, open_history, os_user
from livedetect_gui.core.trail.spool_file import SpoolKeys, spool


class LazyHistory:
    RETRY_S = 60.0  # a history that could not be opened is tried again after this long

    def __init__(self, path: Path | None = None, operator: str = "", url: str | None = None,
                 on_pending: Callable[[int], None] | None = None,
                 env: Mapping[str, str] | None = None) -> None:
        self._path = path
        self._url = url
        self._env = env
        self._on_pending = on_pending
        self._lock = threading.Lock()
        self._history: History | None = None
        self._operator = operator_name(operator)
        self._failed_at = 0.0
        self.error: str | None = None

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def operator(self) -> str:
        return self._operator

    @operator.setter
    def operator(self, name: str) -> None:
        """The operator now at the desk: records made from here on carry this name."""
        with self._lock:
            self._operator = operator_name(name)
            if self._history is not None:
                self._history.operator = self._operator

    def get(self) -> History | None:
        with self._lock:
            if self._history is None and (
                    self.error is None or time.monotonic() - self._failed_at > self.RETRY_S):
                try:
                    self._history = self._open()
                    self.error = None
                except Exception as exc:  # checks go on; records are spooled meanwhile
                    self.error = f"{type(exc).__name__}: {exc}"
                    self._failed_at = time.monotonic()
            return self._history

    def _open(self) -> History:
        if self._path is not None:
            return History(self._path, self._operator)
        location = history_url.resolve(None, self._url, self._env)
        options = {"on_pending": self._on_pending} if location.shared else {}
        return open_history(location, self._operator, **options)

    def waiting(self) -> int:
        """Records written here and not yet in the shared store (0 for a local history)."""
        with self._lock:
            return self._history.store.pending if self._history is not None else 0

    def record_safely(self, result: CheckResult, reference: str = "") -> str | None:
        """Record a check (under a case/applicant ``reference``); kept in the spool when the
        history cannot be opened or written. Returns the record id (what a decision refers
        to), None only when both failed."""
        return self.append_safely([self.check_record(result, reference=reference)])

    # What core/checks/recording.py's ``record_result`` writes through (as on History and
    # the CLI's Recorder): the desk records refusals, holds and forced sends by its rules.

    def trail(self) -> History | None:
        return self.get()

    def check_record(self, result: CheckResult, record_id: str | None = None,
                     reference: str = "") -> Record:
        history = self.get()
        if history is not None:
            return history.check_record(result, record_id, reference)
        return check_record(result, self._operator, os_user(), visible(socket.gethostname()),
                            record_id, reference)

    def append_safely(self, records: Sequence[Record]) -> str | None:
        history = self.get()
        if history is not None:
            return history.append_safely(records)
        path = self._path if self._path is not None else default_path()
        spooled = path.with_name(path.name + ".spool")
        keys = SpoolKeys()
        kept = all([spool(spooled, record, keys, path) for record in records])
        return records[0].id if kept else None

    def close(self) -> None:
        with self._lock:
            if self._history is not None:
                self._history.close()
                self._history = None
