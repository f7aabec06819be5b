"""Checks of queue items on the desk's network pool: progress, cancel, and an estimate.

Each check runs the core's ``run_check`` on a worker and is recorded there as it ends, by the
core's rule (``should_record``): closing the desk mid-batch loses nothing that was sent.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future

from PySide6.QtCore import QObject, QThreadPool, Signal

from livedetect_gui.core.checking import Source, run_check
from livedetect_gui.core.client import LiveDetectClient
from livedetect_gui.core.imaging import Limits, PreparedImage
from livedetect_gui.core.kept_photos import KeptPhotos
from livedetect_gui.core.lazy_history import LazyHistory
from livedetect_gui.core.recording import internal_error, should_record
from livedetect_gui.core.result import CheckResult
from livedetect_gui.core.verdict import default_threshold

from .queue_model import QueueItem, QueueModel, Status
from .tasks import TaskRunner


class CheckRuns(QObject):
    """Sends queue items through the core's run_check; results land in the model and history."""

    finished = Signal()  # the last running check ended (or was taken back)

    def __init__(self, model: QueueModel, tasks: TaskRunner, pool: QThreadPool,
                 history: LazyHistory, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.tasks = tasks
        self.pool = pool
        self.history = history
        self.client: LiveDetectClient | None = None
        # Where photos as sent are kept with their records (None: not kept, the default).
        self.photos: KeptPhotos | None = None
        self.limits = Limits()
        # The threshold of each service generation (its scores have their own scale): a
        # result is judged by the threshold of the backend that answered it.
        self.thresholds: Callable[[str], float] = default_threshold
        self._cancel = threading.Event()
        self._active: dict[int, int] = {}  # task id -> item id
        self.total = 0
        self.done = 0
        self._started = 0.0

    @property
    def threshold(self) -> float:
        """The threshold checks sent now are judged by (the connected backend's)."""
        return self.thresholds(self.client.api.value if self.client else "legacy")

    @property
    def running(self) -> bool:
        return bool(self._active)

    def set_concurrency(self, count: int) -> None:
        self.pool.setMaxThreadCount(max(1, count))

    def run(self, items: list[QueueItem]) -> int:
        """Queue these items for checking; returns how many were taken."""
        if self.client is None:
            return 0
        busy = set(self._active.values())
        todo = [i for i in items if i.status not in (Status.SENDING, Status.PREPARING)
                and not i.refused and i.id not in busy]
        if not todo:
            return 0
        if not self._active:
            self._cancel = threading.Event()
            self.total = self.done = 0
            self._started = time.monotonic()
        client, limits, cancel, history = self.client, self.limits, self._cancel, self.history
        threshold, photos = self.threshold, self.photos

        def work(source: Source, report: Callable[[PreparedImage | None], None]
                 ) -> tuple[CheckResult, str | None]:
            sent: list[PreparedImage] = []

            def sending(prepared: PreparedImage | None) -> None:
                if prepared is not None:
                    sent.append(prepared)
                report(prepared)

            try:
                result = run_check(source, client, limits, threshold, cancel, on_sending=sending)
            except Exception as exc:  # run_check turns failures into results; a bug still must
                result = internal_error(source.label, threshold, exc, client.url)
            # The record id comes back with the result: the operator's decision refers to it.
            record_id = history.record_safely(result) if should_record(result) else None
            if record_id is not None and photos is not None and sent:
                photos.keep(record_id, sent[-1].data)
            return result, record_id

        for item in todo:
            self.model.mark_queued(item)
            task_id = self.tasks.run(
                self.pool,
                lambda report, s=item.source: work(s, report),
                on_done=lambda future, item_id=item.id: self._done(item_id, future),
                on_progress=lambda prepared, item_id=item.id: self._sending(item_id, prepared),
            )
            self._active[task_id] = item.id
        self.total += len(todo)
        return len(todo)

    def cancel(self) -> None:
        """Stop what has not been sent; what is in flight ends normally (it may be billed)."""
        self._cancel.set()
        # Tasks still waiting in the pool never run: their photos go back to the queue.
        # Running ones see the cancel before sending (and come back "cancelled") or were
        # already sent, in which case their result arrives and is recorded like any other.
        taken = self.tasks.withdraw(self.pool, set(self._active))
        for task_id in taken:
            item = self.model.item(self._active.pop(task_id))
            if item is not None:
                self.model.mark_cancelled(item)
        self.total -= len(taken)
        if not self._active:
            self.finished.emit()

    def _sending(self, item_id: int, prepared: PreparedImage | None) -> None:
        item = self.model.item(item_id)
        if item is not None:
            self.model.mark_sending(item, prepared.info if prepared is not None else None)

    def _done(self, item_id: int, future: Future) -> None:
        self._active = {t: i for t, i in self._active.items() if i != item_id}
        item = self.model.item(item_id)
        record_id: str | None = None
        try:
            result, record_id = future.result()
        except Exception as exc:  # never leave an item at "sending"
            result = internal_error(item.source.label if item else "", self.threshold, exc)
        if result.problem_key == "cancelled":
            if item is not None:
                self.model.mark_cancelled(item)
            self.total -= 1
        else:
            self.done += 1
            if item is not None:
                self.model.mark_result(
                    item, result.with_threshold(self.thresholds(result.api)), record_id)
        if not self._active:
            self.finished.emit()

    def eta_seconds(self) -> float | None:
        if not self._active or self.done == 0:
            return None
        per_item = (time.monotonic() - self._started) / self.done
        return per_item * (self.total - self.done)
