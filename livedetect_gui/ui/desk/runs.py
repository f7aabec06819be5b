"""The desk's Qt adapter over the core's batch engine: progress and cancel on its network pool.

Every decision is the core's ``Batch`` (the CLI runs the same): reuse of an earlier judgement,
one call for copies of a photo, the stop when the service rejects the credentials or the
operator cancels, pacing through the session's client. Each check runs ``Batch.check`` on a
worker and is recorded there as it ends: closing the desk mid-batch loses nothing that was
sent. Checks run while others are still running join their batch (one Cancel stops them all;
a copy waits for a call in flight); after a Cancel a fresh batch starts, and still sees the
calls in flight.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future

from PySide6.QtCore import QObject, QThreadPool, Signal

from livedetect_gui.core import defaults
from livedetect_gui.core.checks.batch import Batch, Checked, StopReason
from livedetect_gui.core.checks.planning import Source
from livedetect_gui.core.checks.recording import internal_error
from livedetect_gui.core.checks.session import Session
from livedetect_gui.core.imaging.prepare import Limits, PreparedImage
from livedetect_gui.core.result import CheckResult
from livedetect_gui.core.service.client import LiveDetectClient, precheck_policy
from livedetect_gui.core.trail.kept_photos import KeptPhotos
from livedetect_gui.core.trail.lazy_history import LazyHistory
from livedetect_gui.core.verdict import default_threshold
from livedetect_gui.ui.common.tasks import TaskRunner
from livedetect_gui.ui.queue.model import QueueItem, QueueModel, Status


class CheckRuns(QObject):
    """Sends queue items through the core's batch engine; results land in the model."""

    finished = Signal()  # the last running check ended (or was taken back)
    # The service rejected the credentials: the run stopped. The result that said so.
    credentialsRejected = Signal(object)
    # The pre-checks held this item, by the rule of the service it was going to: not sent.
    held = Signal(int)

    def __init__(self, model: QueueModel, tasks: TaskRunner, pool: QThreadPool,
                 history: LazyHistory, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.tasks = tasks
        self.pool = pool
        self.history = history
        self.session: Session | None = None
        # Where photos as sent are kept with their records (None: not kept, the default).
        self.photos: KeptPhotos | None = None
        self.limits = Limits()
        # The threshold of each service generation (its scores have their own scale): a
        # result is judged by the threshold of the backend that answered it.
        self.thresholds: Callable[[str], float] = default_threshold
        # How far back an earlier judgement of the same photo counts; 0: never.
        self.reuse_days: float = defaults.REUSE_WINDOW_DAYS
        # The operator's pre-checks setting; the rules are those of the client's generation.
        self.prechecks = False
        self._batch: Batch | None = None
        self._active: dict[int, int] = {}  # task id -> item id
        self._holding: set[int] = set()  # items whose hold is being recorded (no call)
        # Sent anyway while their hold was still being recorded: started once it is, so the
        # trail has the hold before the forced check that overrides it.
        self._after_hold: dict[int, QueueItem] = {}
        # Removed while their hold was being recorded: told once it is (the removal names it).
        self._removed_holding: dict[int, tuple[QueueItem, Callable[[QueueItem], None]]] = {}
        self.total = 0
        self.done = 0
        self._started = 0.0

    @property
    def client(self) -> LiveDetectClient | None:
        return self.session.client if self.session is not None else None

    @property
    def threshold(self) -> float:
        """The threshold checks sent now are judged by (the connected backend's)."""
        return self.thresholds(self.client.api.value if self.client else "legacy")

    @property
    def running(self) -> bool:
        return bool(self._active) or bool(self._holding)

    def set_concurrency(self, count: int) -> None:
        self.pool.setMaxThreadCount(max(1, count))

    def run(self, items: list[QueueItem]) -> int:
        """Queue these items for checking; returns how many were taken."""
        if self.session is None:
            return 0
        busy = set(self._active.values())
        todo = [i for i in items if i.status not in (Status.SENDING, Status.PREPARING)
                and not i.refused and i.id not in busy]
        self._after_hold.update((i.id, i) for i in todo if i.id in self._holding)
        todo = [i for i in todo if i.id not in self._holding]
        if not todo:
            return 0
        if not self._active:
            self.total = self.done = 0
            self._started = time.monotonic()
        batch = self._batch_for_now()
        for item in todo:
            recheck = item.recheck
            # The judgement a re-check repeats: named by the recheck event before the call.
            repeats = item.record_id if recheck else None
            self.model.mark_queued(item)
            self.model.mark_recheck(item, False)
            task_id = self.tasks.run(
                self.pool,
                lambda report, s=item.source, r=recheck, f=item.forced, c=item.reference,
                rp=repeats, why=item.why: _check(batch, s, r, f, report, c, rp, why),
                on_done=lambda future, item_id=item.id: self._done(item_id, batch, future),
                on_progress=lambda prepared, item_id=item.id: self._sending(item_id, prepared),
            )
            self._active[task_id] = item.id
        self.total += len(todo)
        return len(todo)

    def record_holds(self, items: list[QueueItem]) -> None:
        """The operator ran these photos the pre-checks held at intake: each hold is recorded
        as the core's batch records one (once per content and holds, as the CLI does), with
        no call. Sent anyway later, the override follows it."""
        todo = [i for i in items if i.held_id is None and i.id not in self._holding]
        if self.session is None or not todo:
            return
        batch = self._batch_for_now()
        for item in todo:
            self._holding.add(item.id)
            self.tasks.run(self.pool,
                           lambda s=item.source, c=item.reference: batch.hold(s, reference=c),
                           on_done=lambda future, item_id=item.id: self._hold_recorded(
                               item_id, future))

    def holding(self, item_id: int) -> bool:
        """This item's hold is being recorded now."""
        return item_id in self._holding

    def when_held(self, item: QueueItem, then: Callable[[QueueItem], None]) -> None:
        """``then(item)`` once the hold being recorded for this removed item is (``held_id``
        set when it was), so the record of its removal can name it."""
        self._removed_holding[item.id] = (item, then)

    def _hold_recorded(self, item_id: int, future: Future) -> None:
        self._holding.discard(item_id)
        item = self.model.item(item_id)
        waiting = self._after_hold.pop(item_id, None)
        removed = self._removed_holding.pop(item_id, None)
        checked: Checked | None = None
        try:
            checked = future.result()
        finally:
            if removed is not None:
                if checked is not None:
                    removed[0].held_id = checked.record_id
                removed[1](removed[0])
            if waiting is not None and item is not None:  # sent anyway meanwhile: now
                if checked is not None:
                    item.held_id = checked.record_id  # a later removal names it
                self.run([waiting])
            if not self.running:
                self.finished.emit()
        # Sent anyway meanwhile: its forced check names the holds instead.
        if item is not None and checked is not None and item.status is Status.HELD:
            self.model.mark_held(item, checked.precheck, checked.record_id)

    def withdraw(self, item_ids: set[int]) -> set[int]:
        """These items leave the queue: checks not yet started are taken back (never sent).
        Returns the items whose check is under way (it ends and is recorded as usual)."""
        for item_id in item_ids:
            self._after_hold.pop(item_id, None)  # waiting for its hold: never sent
        mine = {t for t, i in self._active.items() if i in item_ids}
        taken = self.tasks.withdraw(self.pool, mine)
        for task_id in taken:
            self._active.pop(task_id)
        self.total -= len(taken)
        if taken and not self.running:
            self.finished.emit()
        return {self._active[t] for t in mine - taken}

    def _batch_for_now(self) -> Batch:
        """The running batch, joined; else a new one. After a Cancel, a new one too (its stop
        must not cancel photos run now), following the old one's calls still in flight."""
        assert self.session is not None
        batch = self._batch
        running = batch is not None and bool(self._active)
        client = self.session.client
        # A photo is judged by the rule of the service it is sent to, whatever the generation
        # was when it was taken in (cached by content: a photo pre-checked at intake costs
        # nothing here). A photo the operator sent anyway is forced.
        prechecks = precheck_policy(client.api) if self.prechecks else None
        if running and batch.client is client and batch.options.prechecks == prechecks and (
                batch.stop.reason is not StopReason.INTERRUPTED):
            batch.threshold = self.threshold
            return batch
        options = self.session.options(_JudgedOnUse(self.history), self.reuse_days,
                                       prechecks=prechecks)
        self._batch = Batch(self.session.client, self.limits, self.threshold, options,
                            trail=self.history, photos=self.photos,
                            after=batch if running else None)
        return self._batch

    def cancel(self) -> None:
        """Stop what has not been sent; what is in flight ends normally (it may be billed)."""
        if self._batch is not None:
            self._batch.stop.stop(StopReason.INTERRUPTED)
        # Tasks still waiting in the pool never run: their photos go back to the queue.
        # Running ones see the cancel before sending (and come back "not sent") or were
        # already sent, in which case their result arrives and is recorded like any other.
        taken = self.tasks.withdraw(self.pool, set(self._active))
        for task_id in taken:
            item = self.model.item(self._active.pop(task_id))
            if item is not None:
                self.model.mark_cancelled(item)
        self.total -= len(taken)
        if not self.running:
            self.finished.emit()

    def _sending(self, item_id: int, prepared: PreparedImage | None) -> None:
        item = self.model.item(item_id)
        if item is not None:
            self.model.mark_sending(item, prepared.info if prepared is not None else None)

    def _done(self, item_id: int, batch: Batch, future: Future) -> None:
        self._active = {t: i for t, i in self._active.items() if i != item_id}
        item = self.model.item(item_id)
        try:
            checked: Checked = future.result()
        except Exception as exc:  # never leave an item at "sending"
            checked = Checked(internal_error(item.source.label if item else "",
                                             self.threshold, exc))
        result = checked.result
        if result.problem_key in ("cancelled", "not_sent_interrupted"):
            if item is not None:
                self.model.mark_cancelled(item)
            self.total -= 1
        elif checked.precheck is not None:  # held, not sent: waits for "Send anyway"
            self.total -= 1
            if item is not None:
                self.model.mark_held(item, checked.precheck, checked.record_id)
                self.held.emit(item_id)
        else:
            if result.credentials_rejected and batch.stop.reason is StopReason.CREDENTIALS:
                self.credentialsRejected.emit(result)
            self.done += 1
            if item is not None:
                self.model.mark_result(
                    item, result.with_threshold(self.thresholds(result.api)), checked.record_id)
        if not self.running:
            self.finished.emit()

    def eta_seconds(self) -> float | None:
        if not self._active or self.done == 0:
            return None
        per_item = (time.monotonic() - self._started) / self.done
        return per_item * (self.total - self.done)


def _check(batch: Batch, source: Source, recheck: bool, force: bool,
           report: Callable[[PreparedImage | None], None], reference: str = "",
           repeats: str | None = None, why: tuple[str | None, str] = (None, "")) -> Checked:
    """Recorded under the case/applicant reference the photo came in with; ``why`` the
    operator sent it anyway (reason key, note)."""
    return batch.check(source, recheck=recheck, force=force, on_sending=report,
                       reference=reference, repeats=repeats, reason=why[0], note=why[1])


class _JudgedOnUse:
    """The desk's history, opened on first use on a worker, as the reuse rule's store."""

    def __init__(self, history: LazyHistory) -> None:
        self.history = history

    def find_judged(self, digests: list[str], since: float, *, api: str | None = None,
                    simulated: bool | None = None) -> CheckResult | None:
        stored = self.history.get()
        if stored is None:
            return None
        return stored.find_judged(digests, since, api=api, simulated=simulated)
