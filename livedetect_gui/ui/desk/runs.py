"""Checks of queue items on the desk's network pool: progress, cancel, and an estimate.

Each check runs the core's steps on a worker (``plan_one``: reuse of an earlier judgement,
preparation; ``send_planned``: the paid call) and is recorded there as it ends, by the core's
rule (``should_record``): closing the desk mid-batch loses nothing that was sent.

Issue 12: every check of a run shares one ``BatchStop``. The core stops it when the service
rejects the credentials (calls in flight finish; the rest come back "not sent"), and the
operator's Cancel stops it too. The same content is sent by one worker at a time, so a copy
queued beside it reuses the first one's judgement instead of paying again.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future

from PySide6.QtCore import QObject, QThreadPool, Signal

from livedetect_gui.core.checks.batch import (
    BatchStop,
    CheckOptions,
    Source,
    StopReason,
    plan_one,
    send_planned,
)
from livedetect_gui.core.checks.recording import internal_error, should_record
from livedetect_gui.core.checks.reuse import DEFAULT_WINDOW_DAYS, Reuse
from livedetect_gui.core.imaging.prepare import Limits, PreparedImage
from livedetect_gui.core.result import CheckResult
from livedetect_gui.core.service.client import LiveDetectClient
from livedetect_gui.core.trail.kept_photos import KeptPhotos
from livedetect_gui.core.trail.lazy_history import LazyHistory
from livedetect_gui.core.verdict import default_threshold
from livedetect_gui.ui.common.tasks import TaskRunner
from livedetect_gui.ui.queue.model import QueueItem, QueueModel, Status


class CheckRuns(QObject):
    """Sends queue items through the core's steps; results land in the model and history."""

    finished = Signal()  # the last running check ended (or was taken back)
    # The service rejected the credentials: the run stopped (issue 12). The result that said so.
    credentialsRejected = Signal(object)

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
        self._stop = BatchStop()
        self._same = _OneAtATime()
        # Duplicate reuse (issue 12): how far back an earlier judgement counts; 0: never.
        self.reuse_days = DEFAULT_WINDOW_DAYS
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

    @property
    def stop_reason(self) -> StopReason | None:
        """Why the current (or last) run stopped sending; None while it may send."""
        return self._stop.reason

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
            self.total = self.done = 0
            self._started = time.monotonic()
        if not self._active or self._stop.reason is StopReason.INTERRUPTED:
            # A fresh stop: checks sent before a Cancel may still be in flight, and their
            # (stopped) one must not cancel photos run now. Unstopped, it is shared with the
            # checks still running, so one Cancel stops them all.
            self._stop = BatchStop()
        client, limits, stop, history = self.client, self.limits, self._stop, self.history
        threshold, days, same, photos = self.threshold, self.reuse_days, self._same, self.photos

        def work(source: Source, recheck: bool, reference: str,
                 report: Callable[[PreparedImage | None], None]
                 ) -> tuple[CheckResult, str | None]:
            try:
                return _check(source, client, limits, threshold, stop, history,
                              None if recheck else days, same, photos, report, reference)
            except Exception as exc:  # the core turns failures into results; a bug still must
                result = internal_error(source.label, threshold, exc, client.url)
                return result, _record(history, result, reference)

        for item in todo:
            recheck = item.recheck
            self.model.mark_queued(item)
            self.model.mark_recheck(item, False)
            task_id = self.tasks.run(
                self.pool,
                lambda report, s=item.source, r=recheck, c=item.reference: work(s, r, c, report),
                on_done=lambda future, item_id=item.id: self._done(item_id, future),
                on_progress=lambda prepared, item_id=item.id: self._sending(item_id, prepared),
            )
            self._active[task_id] = item.id
        self.total += len(todo)
        return len(todo)

    def cancel(self) -> None:
        """Stop what has not been sent; what is in flight ends normally (it may be billed)."""
        self._stop.stop(StopReason.INTERRUPTED)
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
        if result.problem_key in ("cancelled", "not_sent_interrupted"):
            if item is not None:
                self.model.mark_cancelled(item)
            self.total -= 1
        else:
            if result.credentials_rejected and self._stop.reason is StopReason.CREDENTIALS:
                self.credentialsRejected.emit(result)
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


class _OneAtATime:
    """One worker at a time per content digest: a copy waits for the first one's result."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    @contextlib.contextmanager
    def hold(self, digest: str | None) -> Iterator[None]:
        if not digest:
            yield
            return
        with self._lock:
            lock = self._locks.setdefault(digest, threading.Lock())
        with lock:
            yield


def _check(source: Source, client: LiveDetectClient, limits: Limits, threshold: float,
           stop: BatchStop, history: LazyHistory, reuse_days: float | None,
           same: _OneAtATime, photos: KeptPhotos | None,
           report: Callable[[PreparedImage | None], None],
           reference: str = "") -> tuple[CheckResult, str | None]:
    """One queue item on a worker, by the core's steps; recorded here as it ends (the record
    id comes back with the result: the operator's decision refers to it)."""
    stored = history.get()
    simulated = client.config.simulated
    reuse = (Reuse(stored, reuse_days, simulated=simulated, endpoint=client.url)
             if stored is not None and reuse_days else None)
    # Pre-checks ran at intake (the item is not sent while they hold it): none here.
    options = CheckOptions(reuse=reuse, simulated=simulated)
    limits = client.preparation_limits(limits)
    planned = plan_one(source, limits, threshold, client.url, options)
    if planned.outcome is not None:  # reused, or refused at preparation
        result = planned.outcome
        return result, _record(history, result, reference)
    with same.hold(planned.sent_sha256 or planned.source_sha256):
        # A copy of this photo may have been judged while this one waited.
        found = reuse.lookup([planned.source_sha256, planned.sent_sha256], source.label,
                             threshold) if reuse is not None else None
        if found is not None:
            return found, _record(history, found, reference)
        prepared = planned.prepared
        if stop.reason is None:
            report(prepared)
        result = send_planned(planned, client, limits, threshold, stop, options)
        record_id = _record(history, result, reference)
    if record_id is not None and photos is not None and prepared is not None and (
            result.attempts > 0):
        photos.keep(record_id, prepared.data)
    return result, record_id


def _record(history: LazyHistory, result: CheckResult, reference: str = "") -> str | None:
    """Recorded under the case/applicant reference the photo came in with."""
    return history.record_safely(result, reference) if should_record(result) else None
