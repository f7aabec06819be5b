"""The operator's decisions on checked photos, written to the audit trail on the io pool.

The core enforces the rules (a reason for an override, a configured reason); an item shows its
decision once it is recorded, and ``refused`` says why when the trail would not take it.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future

from PySide6.QtCore import QObject, QThreadPool, Signal

from livedetect_gui.core.trail.chain import DecisionError, Reason, Record
from livedetect_gui.core.trail.lazy_history import LazyHistory
from livedetect_gui.core.trail.store import HistoryError
from livedetect_gui.ui.common.tasks import TaskRunner
from livedetect_gui.ui.queue.model import QueueItem, QueueModel


class Decisions(QObject):
    # The trail refused an operator's decision on this item: why, in the desk's language.
    refused = Signal(int, str)

    def __init__(self, model: QueueModel, history: LazyHistory, tasks: TaskRunner,
                 pool: QThreadPool, reasons: Callable[[], tuple[Reason, ...]],
                 lang: str = "en", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.history = history
        self.tasks = tasks
        self.pool = pool  # the io pool: the trail is written in order
        self.reasons = reasons  # the configured reasons, as they are now
        self.lang = lang
        self._deciding: set[int] = set()  # items whose decision is being written

    def decide(self, item_id: int, decision: str, reason: str = "", note: str = "",
               reference: str = "") -> bool:
        """Written on the io pool; False when the item has no recorded check to decide."""
        item = self.model.item(item_id)
        if item is None or item.record_id is None:
            return False
        check_id, history, reasons = item.record_id, self.history, self.reasons()

        def write() -> Record:
            stored = history.get()
            if stored is None:
                raise DecisionError("history_off", history.error or "")
            return stored.decide(check_id, decision, reason or None, note, reference,
                                 reasons=reasons)

        self._deciding.add(item_id)
        self.tasks.run(self.pool, write, lambda f: self._decided(item_id, f))
        return True

    def _decided(self, item_id: int, future: Future) -> None:
        self._deciding.discard(item_id)
        try:
            record: Record = future.result()
        except DecisionError as exc:
            self.refused.emit(item_id, exc.message(self.lang))
            return
        except HistoryError as exc:  # the database refused the row: nothing was recorded
            self.refused.emit(item_id, exc.message(self.lang))
            return
        item = self.model.item(item_id)
        if item is not None:
            self.model.mark_decided(item, record)

    def next_undecided(self, after: int | None = None) -> QueueItem | None:
        """The next photo waiting for a decision after item ``after`` (wrapping round to it);
        one whose decision is being written is not waiting."""
        items = self.model.items()
        start = 0
        if after is not None and (row := self.model.row_of(after)) is not None:
            start = row + 1
        for item in items[start:] + items[:start]:
            if item.undecided and item.id not in self._deciding:
                return item
        return None
