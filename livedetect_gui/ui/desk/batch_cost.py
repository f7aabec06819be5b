"""The cost line of a batch over the configured size, worked out before anything is sent.

The core plans the batch (reuse of earlier judgements, refusals, holds) on the preparation
pool; ``ready`` brings the line for the operator to run or cancel. Only the newest batch asked
for counts: an answer or a cancel drops a planning still under way.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass

from PySide6.QtCore import QObject, QThreadPool, Signal

from livedetect_gui.core.checks.planning import CheckOptions, Cost, estimate, plan_batch
from livedetect_gui.core.checks.session import Session
from livedetect_gui.core.imaging.prechecks import PrecheckPolicy
from livedetect_gui.core.imaging.prepare import Limits
from livedetect_gui.core.trail.lazy_history import LazyHistory
from livedetect_gui.ui.common.tasks import TaskRunner
from livedetect_gui.ui.queue.model import QueueItem


@dataclass(frozen=True)
class CostBasis:
    """What the batch would be sent with now."""

    limits: Limits
    threshold: float
    endpoint: str
    reuse_days: int
    session: Session | None  # None: not connected yet (nothing to reuse)
    prechecks: PrecheckPolicy | None
    lang: str


class BatchCost(QObject):
    ready = Signal(str)  # the cost line, in the desk's language

    def __init__(self, history: LazyHistory, tasks: TaskRunner, pool: QThreadPool,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.history = history
        self.tasks = tasks
        self.pool = pool  # the preparation pool
        self._pending: list[QueueItem] = []  # waiting for the operator's answer
        self._turn = 0

    @property
    def pending(self) -> bool:
        return bool(self._pending)

    def plan(self, items: list[QueueItem], basis: CostBasis) -> None:
        self._turn += 1
        turn = self._turn
        self._pending = list(items)
        history = self.history
        groups = [([i.source for i in items if not i.forced and not i.recheck], False, False),
                  ([i.source for i in items if i.forced and not i.recheck], True, False),
                  ([i.source for i in items if i.recheck], True, True)]

        def plan() -> Cost:
            stored = history.get()
            plans = []
            for sources, force, recheck in groups:
                if not sources:
                    continue
                options = (CheckOptions(prechecks=basis.prechecks, force=force)
                           if basis.session is None else basis.session.options(
                               None if recheck else stored, basis.reuse_days,
                               prechecks=basis.prechecks, force=force))
                plans += plan_batch(sources, basis.limits, basis.threshold, basis.endpoint,
                                    options, keep_bytes=0)
            return estimate(plans)

        self.tasks.run(self.pool, plan, lambda f: self._planned(turn, basis.lang, f))

    def _planned(self, turn: int, lang: str, future: Future) -> None:
        if turn != self._turn:
            return  # the operator asked for another batch meanwhile
        cost: Cost = future.result()
        self.ready.emit(cost.line(lang))

    def take(self) -> list[QueueItem]:
        """The batch the operator answered for (the planning, if still running, dropped)."""
        items, self._pending = self._pending, []
        self._turn += 1
        return items
