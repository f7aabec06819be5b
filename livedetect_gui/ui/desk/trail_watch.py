"""The desk keeps an eye on its trail: the chain is verified on the trail pool at start, and again
whenever the store changed behind the desk, so an alteration is shown everywhere at once (the
status bar, History's banner and marks), not after a filter happens to change.

Noticing a change is cheap: a worker compares a stamp of the store (the SQLite file's and its
journal's size and time, and the head record's seq and hash, which a shared PostgreSQL store
answers from its index) with the last one; only a different stamp costs a walk of the chain,
and walks are at least ``MIN_GAP_S`` apart. A local SQLite trail is looked at when a file
watcher says its files changed (an idle desk runs no timer); a shared store, which has no file
here, is looked at every ``POLL_MS``.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from PySide6.QtCore import QFileSystemWatcher, QObject, QThreadPool, QTimer, Signal

from livedetect_gui.core.trail.chain import ChainState
from livedetect_gui.core.trail.checkpoints import Checkpoint, newest_checkpoint
from livedetect_gui.core.trail.history import History
from livedetect_gui.core.trail.lazy_history import LazyHistory
from livedetect_gui.core.trail.store import HistoryError
from livedetect_gui.ui.common.tasks import TaskRunner


def stamp(history: History) -> tuple[Any, ...]:
    """On a worker: what changes whenever the store does (cheap: no record is hashed)."""
    files: list[Any] = []
    path = getattr(history.store, "path", None)
    if isinstance(path, Path):
        for name in (path, path.with_name(path.name + "-wal")):
            try:
                info = os.stat(name)
                files.append((info.st_size, info.st_mtime_ns))
            except OSError:
                files.append(None)
    rows = history.store.select_rows(
        "SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1")
    head = (rows[0]["seq"], rows[0]["hash"]) if rows else None
    return (*files, head)


class TrailWatch(QObject):
    # The chain as last verified (intact or where it breaks).
    checked = Signal(object)
    # The trail could not be verified: why, already worded.
    unverifiable = Signal(str)
    # The store changed since the last look (this desk's writes or another's): views reread.
    changed = Signal()
    POLL_MS = 3000
    MIN_GAP_S = 10.0

    def __init__(self, history: LazyHistory, tasks: TaskRunner, pool: QThreadPool,
                 lang: str = "en", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.history, self.tasks, self.pool = history, tasks, pool
        self.lang = lang
        self.state: ChainState | None = None
        self.checkpoint: Checkpoint | None = None  # the newest signed checkpoint, if any
        self.error = ""
        self._stamp: tuple[Any, ...] | None = None
        self._looking = False
        self._due = False  # a change was seen while a walk was too recent
        self._walked_at = 0.0
        self._timer = QTimer(self)  # a shared store's look, every POLL_MS
        self._timer.setInterval(self.POLL_MS)
        self._timer.timeout.connect(self.look)
        self._later = QTimer(self)  # a walk put off by MIN_GAP_S after a change
        self._later.setSingleShot(True)
        self._later.timeout.connect(self.look)
        self._files: QFileSystemWatcher | None = None
        self._stopped = False

    def start(self) -> None:
        self._stopped = False
        self.verify()

    def stop(self) -> None:
        self._stopped = True
        self._timer.stop()
        self._later.stop()
        if self._files is not None:
            self._files.removePaths(self._files.files() + self._files.directories())

    def _watch(self, path: Path | None) -> None:
        """After the first walk: a file watcher on a local trail, a timer for a shared one."""
        if self._stopped or self._files is not None or self._timer.isActive():
            return
        if path is None:
            self._timer.start()
            return
        self._files = QFileSystemWatcher(self)
        # The folder too: SQLite's journal comes and goes beside the database.
        self._files.addPaths([str(path), str(path.parent)])
        self._files.fileChanged.connect(self.look)
        self._files.directoryChanged.connect(self.look)
        self.look()  # the stamp as it is now

    def look(self) -> None:
        """The cheap check; a walk of the chain only when the stamp changed."""
        if self._looking:
            return
        self._looking = True
        history = self.history

        def read() -> tuple[Any, ...] | None:
            stored = history.get()
            return stamp(stored) if stored is not None else None

        self.tasks.run(self.pool, read, self._looked)

    def _looked(self, future: Future) -> None:
        self._looking = False
        try:
            now = future.result()
        except (HistoryError, OSError):
            return  # the walk says why, when it runs
        if now is None:
            self._due = self._due or bool(self.error)  # not open yet: tried again
            now = self._stamp
        if now != self._stamp:
            first = self._stamp is None
            self._stamp = now
            if not first:  # the first look only learns the stamp the start's walk saw
                self.changed.emit()
                self._due = True
        if self._due:
            wait = self.MIN_GAP_S - (time.monotonic() - self._walked_at)
            if wait <= 0:
                self.verify()
            elif not self._later.isActive():
                self._later.start(int(wait * 1000) + 50)

    def verify(self) -> None:
        """Walk the whole chain now (at start, on request, after a change)."""
        self._due = False
        self._walked_at = time.monotonic()
        history = self.history

        def walk() -> tuple[ChainState, Checkpoint | None, Path | None]:
            stored = history.get()
            if stored is None:
                raise HistoryError("unreadable", str(history.path or ""), history.error or "")
            path = getattr(stored.store, "path", None)
            return (stored.verify(), newest_checkpoint(stored),
                    path if isinstance(path, Path) else None)

        self.tasks.run(self.pool, walk, self._verified)

    def _verified(self, future: Future) -> None:
        try:
            self.state, self.checkpoint, path = future.result()
            self.error = ""
        except HistoryError as exc:
            self.state, self.error = None, exc.message(self.lang)
            self.unverifiable.emit(self.error)
            self._watch(None)  # looked at again now and then: it may open later
            return
        except Exception as exc:  # e.g. a score that is no number: said, never a crash
            self.state, self.error = None, f"{type(exc).__name__}: {exc}"
            self.unverifiable.emit(self.error)
            self._watch(None)
            return
        self.checked.emit(self.state)
        self._watch(path)
