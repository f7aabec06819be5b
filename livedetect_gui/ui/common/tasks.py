"""The one way the UI runs work off the GUI thread.

``TaskRunner.run(pool, fn, on_done, on_progress)`` runs ``fn`` on a QThreadPool and calls
``on_done(outcome)`` back on the GUI thread, where ``outcome`` is a finished
``concurrent.futures.Future`` (``.result()`` re-raises a worker's exception there, as a value,
never as a crash on the worker). With ``on_progress``, ``fn`` gets a ``report`` keyword that
delivers values to ``on_progress`` on the GUI thread while it runs. (After Anki's taskman.)

Failure has a default path, as Anki's ``QueryOp`` has: a task with no ``on_done`` that
raised, or an ``on_done`` that lets the exception out (by calling ``.result()`` without
handling it), ends in ``failed`` — the desk shows it to the operator. Nothing is swallowed.

``Pools`` is the small, named set of thread pools the desk owns, shut down in one place.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class _Bridge(QObject):
    """Carries task ids from workers to the GUI thread (Qt queues the calls there).

    Values travel beside the signal, in a locked mailbox: PySide 6.12 was seen to corrupt
    reference counts of Python objects sent through queued ``object`` signals under load
    (a fatal "bool_dealloc" at exit), and plain ints avoid that path.
    """

    finished = Signal(int)
    progress = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._done: dict[int, Future] = {}
        self._reports: dict[int, deque[Any]] = {}

    def post_progress(self, task_id: int, value: Any) -> None:
        with self._lock:
            self._reports.setdefault(task_id, deque()).append(value)
        self.progress.emit(task_id)

    def post_done(self, task_id: int, future: Future) -> None:
        with self._lock:
            self._done[task_id] = future
        self.finished.emit(task_id)

    def take_progress(self, task_id: int) -> list[Any]:
        with self._lock:
            queue = self._reports.pop(task_id, None)
        return list(queue) if queue else []

    def take_done(self, task_id: int) -> Future | None:
        with self._lock:
            self._reports.pop(task_id, None)
            return self._done.pop(task_id, None)


class _Runnable(QRunnable):
    def __init__(self, task_id: int, fn: Callable[..., Any], bridge: _Bridge,
                 with_progress: bool) -> None:
        super().__init__()
        self.task_id = task_id
        self.fn = fn
        self.bridge = bridge
        self.with_progress = with_progress

    def run(self) -> None:
        future: Future[Any] = Future()
        try:
            if self.with_progress:
                value = self.fn(report=lambda v: self.bridge.post_progress(self.task_id, v))
            else:
                value = self.fn()
            future.set_result(value)
        except BaseException as exc:  # delivered to on_done, which decides what it means
            future.set_exception(exc)
        self.bridge.post_done(self.task_id, future)


class TaskRunner(QObject):
    # A background task failed and nobody handled it: the exception, for the operator's view.
    failed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bridge = _Bridge()
        self._bridge.finished.connect(self._finished)
        self._bridge.progress.connect(self._progress)
        self._ids = itertools.count(1)
        # Kept (and not auto-deleted by Qt) until done, so withdraw() can ask the pool safely.
        self._runnables: dict[int, _Runnable] = {}
        self._callbacks: dict[int, tuple[Callable[[Future], None] | None,
                                         Callable[[Any], None] | None]] = {}

    def run(
        self,
        pool: QThreadPool,
        fn: Callable[..., Any],
        on_done: Callable[[Future], None] | None = None,
        on_progress: Callable[[Any], None] | None = None,
    ) -> int:
        task_id = next(self._ids)
        self._callbacks[task_id] = (on_done, on_progress)
        runnable = _Runnable(task_id, fn, self._bridge, on_progress is not None)
        runnable.setAutoDelete(False)
        self._runnables[task_id] = runnable
        pool.start(runnable)
        return task_id

    def withdraw(self, pool: QThreadPool, task_ids: set[int]) -> set[int]:
        """Take back tasks that have not started; returns their ids. They never run and their
        callbacks are dropped; tasks already running finish and report as usual."""
        taken = set()
        for task_id in task_ids:
            runnable = self._runnables.get(task_id)
            if runnable is not None and pool.tryTake(runnable):
                taken.add(task_id)
                self._runnables.pop(task_id, None)
                self._callbacks.pop(task_id, None)
        return taken

    @Slot(int)
    def _progress(self, task_id: int) -> None:
        values = self._bridge.take_progress(task_id)
        callbacks = self._callbacks.get(task_id)
        if callbacks and callbacks[1]:
            for value in values:
                callbacks[1](value)

    @Slot(int)
    def _finished(self, task_id: int) -> None:
        future = self._bridge.take_done(task_id)
        self._runnables.pop(task_id, None)
        on_done, _ = self._callbacks.pop(task_id, (None, None))
        if future is None:
            return
        if on_done is None:
            if future.exception() is not None:
                self._fail(future.exception())
            return
        try:
            on_done(future)
        except Exception as exc:  # the default failure path: shown, never swallowed
            self._fail(exc)

    def _fail(self, exc: BaseException) -> None:
        log.error("background task failed", exc_info=exc)
        self.failed.emit(exc)


class Pools(QObject):
    """The desk's thread pools, by kind of work. Widgets borrow them; none creates its own.

    - ``prepare``: decoding and preparing photos (CPU; one worker per core).
    - ``network``: checks against the service (as many as the concurrency setting).
    - ``io``: keyring, history, folder scans, captures, settings (one worker: in order).
    - ``trail``: reading the audit trail — pages, the chain walk, exports, reports (three:
      a long export never holds up scrolling or the recording on ``io``).
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.prepare = QThreadPool(self)
        self.prepare.setMaxThreadCount(max(1, QThread.idealThreadCount()))
        self.network = QThreadPool(self)
        self.network.setMaxThreadCount(4)
        self.io = QThreadPool(self)
        self.io.setMaxThreadCount(1)
        self.trail = QThreadPool(self)
        self.trail.setMaxThreadCount(3)

    def all(self) -> list[QThreadPool]:
        return [self.network, self.prepare, self.io, self.trail]

    def shutdown(self, msecs: int = 15_000) -> None:
        """Drop what has not started, wait for what runs (sent checks end and are recorded),
        all pools together for at most ``msecs`` (one deadline, not one per pool)."""
        for pool in self.all():
            pool.clear()
        ends = time.monotonic() + msecs / 1000
        for pool in self.all():
            pool.waitForDone(max(0, int((ends - time.monotonic()) * 1000)))
