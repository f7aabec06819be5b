"""The one way the UI runs work off the GUI thread.

``TaskRunner.run(pool, fn, on_done, on_progress)`` runs ``fn`` on a QThreadPool and calls
``on_done(outcome)`` back on the GUI thread, where ``outcome`` is a finished
``concurrent.futures.Future`` (``.result()`` re-raises a worker's exception there, as a value,
never as a crash on the worker). With ``on_progress``, ``fn`` gets a ``report`` keyword that
delivers values to ``on_progress`` on the GUI thread while it runs. (After Anki's taskman.)
"""

from __future__ import annotations

import itertools
import logging
import sys
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

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
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Busy workers keep the GIL for up to the switch interval (5 ms by default) each time
        # the GUI thread wants it back; with several workers that adds up to visible stalls.
        # 1 ms keeps the window responsive at a small cost in worker throughput.
        sys.setswitchinterval(min(sys.getswitchinterval(), 0.001))
        self._bridge = _Bridge()
        self._bridge.finished.connect(self._finished)
        self._bridge.progress.connect(self._progress)
        self._ids = itertools.count(1)
        # Kept (and not auto-deleted by Qt) until done, so withdraw() can ask the pool safely.
        self._runnables: dict[int, _Runnable] = {}
        self._callbacks: dict[int, tuple[Callable[[Future], None] | None,
                                         Callable[[Any], None] | None]] = {}

    @property
    def pending(self) -> int:
        return len(self._callbacks)

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
        if on_done is not None:
            on_done(future)
        elif future.exception() is not None:
            log.error("background task failed", exc_info=future.exception())
