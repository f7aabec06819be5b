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
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class _Bridge(QObject):
    # Emitted on a worker thread; received by TaskRunner, which lives on the GUI thread, so Qt
    # queues the call onto the GUI thread.
    finished = Signal(int, object)
    progress = Signal(int, object)


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
                value = self.fn(report=lambda v: self.bridge.progress.emit(self.task_id, v))
            else:
                value = self.fn()
            future.set_result(value)
        except BaseException as exc:  # delivered to on_done, which decides what it means
            future.set_exception(exc)
        self.bridge.finished.emit(self.task_id, future)


class TaskRunner(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bridge = _Bridge()
        self._bridge.finished.connect(self._finished)
        self._bridge.progress.connect(self._progress)
        self._ids = itertools.count(1)
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
        pool.start(_Runnable(task_id, fn, self._bridge, on_progress is not None))
        return task_id

    def forget(self, task_ids: set[int]) -> None:
        """Drop callbacks of tasks removed from a pool before they ran (QThreadPool.clear)."""
        for task_id in task_ids:
            self._callbacks.pop(task_id, None)

    @Slot(int, object)
    def _progress(self, task_id: int, value: object) -> None:
        callbacks = self._callbacks.get(task_id)
        if callbacks and callbacks[1]:
            callbacks[1](value)

    @Slot(int, object)
    def _finished(self, task_id: int, future: Future) -> None:
        on_done, _ = self._callbacks.pop(task_id, (None, None))
        if on_done is not None:
            on_done(future)
        elif future.exception() is not None:
            log.error("background task failed", exc_info=future.exception())
