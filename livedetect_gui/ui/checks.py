"""Running checks for queue items on a thread pool, with progress, cancel and an estimate."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, Signal

from livedetect_gui.core.checking import Source, run_check
from livedetect_gui.core.client import LiveDetectClient
from livedetect_gui.core.history import History
from livedetect_gui.core.imaging import Limits, PreparedImage
from livedetect_gui.core.result import CheckResult

from .queue_model import QueueItem, QueueModel, Status
from .tasks import TaskRunner


class SharedHistory:
    """The history database, opened on first use, which is always on a worker thread."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._history: History | None = None
        self.error: str | None = None

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


class CheckRunner(QObject):
    """Sends queue items through the core's run_check; results land in the model and history."""

    finished = Signal()

    def __init__(self, model: QueueModel, tasks: TaskRunner, history: SharedHistory,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.tasks = tasks
        self.history = history
        self.pool = QThreadPool(self)
        self.client: LiveDetectClient | None = None
        self.limits = Limits()
        self.threshold = 87.0
        self._cancel = threading.Event()
        self._active: dict[int, int] = {}  # task id -> item id
        self.total = 0
        self.done = 0
        self._started = 0.0

    @property
    def running(self) -> bool:
        return bool(self._active)

    def set_concurrency(self, count: int) -> None:
        self.pool.setMaxThreadCount(max(1, count))

    def run(self, items: list[QueueItem]) -> int:
        """Queue these items for checking; returns how many were taken."""
        if self.client is None:
            return 0
        todo = [i for i in items if i.status not in (Status.SENDING, Status.PREPARING)
                and i.id not in self._active.values()]
        if not todo:
            return 0
        if not self._active:
            self._cancel = threading.Event()
            self.total = self.done = 0
            self._started = time.monotonic()
        client, limits, cancel, history = self.client, self.limits, self._cancel, self.history

        def work(source: Source, report: Callable[[PreparedImage | None], None]) -> CheckResult:
            result = run_check(source, client, limits, self.threshold, cancel, on_sending=report)
            if result.problem_key != "cancelled":
                # Recorded as the check ends, on this worker: closing the app mid-batch
                # loses nothing that was sent.
                stored = history.get()
                if stored is not None:
                    stored.record_safely(result)
            return result

        for item in todo:
            item.status, item.result, item.note = Status.QUEUED, None, ""
            task_id = self.tasks.run(
                self.pool,
                lambda report, s=item.source: work(s, report),
                on_done=lambda future, item_id=item.id: self._done(item_id, future),
                on_progress=lambda prepared, item_id=item.id: self._sending(item_id, prepared),
            )
            self._active[task_id] = item.id
        self.model.changed(*todo)
        self.total += len(todo)
        return len(todo)

    def cancel(self) -> None:
        """Stop what has not been sent; what is in flight ends normally (it may be billed)."""
        self._cancel.set()
        # Tasks still waiting in the pool never run: their photos go back to the queue.
        # Running ones see the cancel before sending (and come back "cancelled") or were
        # already sent, in which case their result arrives and is recorded like any other.
        taken = self.tasks.withdraw(self.pool, set(self._active))
        put_back = [self.model.item(self._active.pop(task_id)) for task_id in taken]
        for item in put_back:
            if item is not None:
                item.note = self.tr("cancelled")
        self.model.changed(*(i for i in put_back if i is not None))
        self.total -= len(taken)
        if not self._active:
            self.finished.emit()

    def _sending(self, item_id: int, prepared: PreparedImage | None) -> None:
        item = self.model.item(item_id)
        if item is None:
            return
        item.status = Status.SENDING
        if prepared is not None:
            item.prepared = prepared.info
        self.model.changed(item)

    def _done(self, item_id: int, future: Future) -> None:
        self._active = {t: i for t, i in self._active.items() if i != item_id}
        result: CheckResult = future.result()  # run_check turns every failure into a result
        item = self.model.item(item_id)
        if result.problem_key == "cancelled":
            if item is not None:
                item.status, item.note = Status.QUEUED, self.tr("cancelled")
                self.model.changed(item)
            self.total -= 1
        else:
            self.done += 1
            if item is not None:
                item.set_result(result.with_threshold(self.threshold))
                self.model.changed(item)
        if not self._active:
            self.finished.emit()

    def eta_seconds(self) -> float | None:
        if not self._active or self.done == 0:
            return None
        per_item = (time.monotonic() - self._started) / self.done
        return per_item * (self.total - self.done)

    def wait(self, msecs: int = 10_000) -> bool:
        return self.pool.waitForDone(msecs)
