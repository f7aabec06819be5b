"""The operator's decisions, written to the audit trail through the core's ``Review`` on the io
pool: decide (one check or many), approve or refuse another operator's pending decision
(four eyes), withdraw one's own last decision (undo).

Every rule is the core's (a reason for an override, four eyes, one's own approval, what can be
withdrawn): this collaborator asks and reports. A decision is bound to a *check record id*,
never to a queue row, so it lands on the record selected in whichever view asked (queue,
worklist, history, case). After each write it reads back where the checks stand (the core's
worklist rule) and the queue rows of those checks show it; ``read_states`` does the same for
rows restored after a restart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass

from PySide6.QtCore import QObject, QThreadPool, Signal

from livedetect_gui.core.trail.chain import DecisionError, Record
from livedetect_gui.core.trail.history import History
from livedetect_gui.core.trail.lazy_history import LazyHistory
from livedetect_gui.core.trail.reasons import Reason
from livedetect_gui.core.trail.review import Review, ReviewPolicy
from livedetect_gui.core.trail.store import HistoryError
from livedetect_gui.core.trail.worklist import Worklist, WorkState
from livedetect_gui.ui.common.tasks import TaskRunner
from livedetect_gui.ui.queue.model import QueueItem, QueueModel


@dataclass(frozen=True)
class Standing:
    """Where one check stands now: its state and the decision that counts (None: none)."""

    state: WorkState
    decision: Record | None


def standings(history: History, check_ids: Sequence[str]) -> dict[str, Standing]:
    """On a worker: the core's reading of these checks (ids that are no decidable check, e.g.
    a refusal, are absent)."""
    found = {}
    for check_id, item in Worklist(history).states(check_ids).items():
        decision = history.get(item.decision_id) if item.decision_id else None
        found[check_id] = Standing(item.state, decision)
    return found


class Decisions(QObject):
    # The trail refused: the check (or record) id asked about, and why (desk's language).
    refused = Signal(str, str)
    # Records were written (decisions, approvals, withdrawals): views over the trail refresh.
    recorded = Signal(list)

    def __init__(self, model: QueueModel, history: LazyHistory, tasks: TaskRunner,
                 pool: QThreadPool, reasons: Callable[[], tuple[Reason, ...]],
                 lang: str = "en", four_eyes: Callable[[], bool] = lambda: False,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.history = history
        self.tasks = tasks
        self.pool = pool  # the io pool: the trail is written in order
        self.reasons = reasons  # the configured reasons, as they are now
        self.four_eyes = four_eyes  # the centre's setting, as it is now
        self.lang = lang
        self._deciding: set[str] = set()  # checks whose decision is being written

    def policy(self) -> ReviewPolicy:
        return ReviewPolicy(four_eyes=self.four_eyes(), reasons=self.reasons())

    # -- writing -----------------------------------------------------------------------------

    def decide(self, check_ids: Sequence[str], decision: str, reason: str = "",
               note: str = "", reference: str = "") -> bool:
        """One record per check, all or none (the core's ``decide_many``); False when no
        check was given."""
        ids = [i for i in dict.fromkeys(check_ids) if i]
        if not ids:
            return False
        self._deciding.update(ids)
        self._write(ids, lambda review: review.decide_many(ids, decision, reason or None, note,
                                                           reference))
        return True

    def approve(self, record_id: str, note: str = "") -> None:
        """A second operator's yes to a pending decision (refused by the core when it is the
        operator's own)."""
        self._write([record_id], lambda review: [review.approve(record_id, note)])

    def refuse(self, record_id: str, note: str = "", reason: str = "") -> None:
        self._write([record_id], lambda review: [review.refuse(record_id, note,
                                                               reason or None)])

    def withdraw(self, check_id: str | None = None) -> None:
        """Undo: the operator's newest decision that still counts (on ``check_id``, or any)."""
        self._write([check_id or ""], lambda review: [review.withdraw(check_id)])

    def _write(self, asked: list[str],
               step: Callable[[Review], list[Record]]) -> None:
        history, policy = self.history, self.policy()

        def write() -> tuple[list[Record], dict[str, Standing]]:
            stored = history.get()
            if stored is None:
                raise DecisionError("history_off", history.error or "")
            records = step(Review(stored, policy))
            checks = [r.check_id for r in records if r.check_id]
            return records, standings(stored, checks)

        self.tasks.run(self.pool, write, lambda f: self._written(asked, f))

    def _written(self, asked: list[str], future: Future) -> None:
        self._deciding.difference_update(asked)
        try:
            records, states = future.result()
        except (DecisionError, HistoryError) as exc:  # nothing was recorded
            self.refused.emit(asked[0] if asked else "", exc.message(self.lang))
            return
        self._show(states)
        self.recorded.emit(records)

    # -- reading -----------------------------------------------------------------------------

    def read_states(self, items: Sequence[QueueItem] | None = None) -> None:
        """Where the checks of these queue rows (default: all) stand in the trail, read on the
        io pool: restored rows show their latest decision, decisions taken elsewhere show."""
        ids = [i.record_id for i in (items if items is not None else self.model.items())
               if i.record_id]
        if not ids:
            return
        history = self.history

        def read() -> dict[str, Standing]:
            stored = history.get()
            return standings(stored, ids) if stored is not None else {}

        self.tasks.run(self.pool, read, lambda f: self._show(f.result()))

    def _show(self, states: dict[str, Standing]) -> None:
        if not states:
            return
        for item in self.model.items():
            standing = states.get(item.record_id or "")
            if standing is not None and item.record_id is not None:
                self.model.mark_state(item, item.record_id, standing.state, standing.decision)

    def next_undecided(self, after: int | None = None) -> QueueItem | None:
        """The next photo of the queue waiting for a decision after item ``after`` (wrapping
        round to it); one whose decision is being written is not waiting."""
        items = self.model.items()
        start = 0
        if after is not None and (row := self.model.row_of(after)) is not None:
            start = row + 1
        for item in items[start:] + items[:start]:
            if item.undecided and item.record_id not in self._deciding:
                return item
        return None
