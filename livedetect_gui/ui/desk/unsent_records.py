"""The records of photos that leave the desk unsent: a refusal (written once, when the
operator runs it) and a removal without a result (who, when). Written on the io pool by the
core's rules, as the command line writes them: once per content and reason, simulated on the
sandbox, named by content (read there, never on the GUI thread)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import replace

from PySide6.QtCore import QObject, QThreadPool, Signal

from livedetect_gui.core.checks.planning import source_digest
from livedetect_gui.core.checks.recording import record_result
from livedetect_gui.core.trail.events import record_removed
from livedetect_gui.core.trail.lazy_history import LazyHistory
from livedetect_gui.ui.common.tasks import TaskRunner
from livedetect_gui.ui.queue.model import QueueItem, QueueModel


class UnsentRecords(QObject):
    recorded = Signal()  # a record was added to the trail

    def __init__(self, model: QueueModel, history: LazyHistory, tasks: TaskRunner,
                 pool: QThreadPool, simulated: Callable[[], bool],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model, self.history, self.tasks, self.pool = model, history, tasks, pool
        self.simulated = simulated  # the desk is on a sandbox now

    def refusals(self, items: list[QueueItem]) -> None:
        """Record these refused photos (each once; the rows then name their records)."""
        todo = [i for i in items if not i.recorded and i.result is not None]
        if not todo:
            return
        history, simulated = self.history, self.simulated()
        refusals = [(i.result, i.source, i.reference) for i in todo]

        def record() -> list[str | None]:
            return [record_result(history, replace(
                result, source_sha256=result.source_sha256 or source_digest(source)),
                simulated=simulated, reference=reference)
                for result, source, reference in refusals]

        def done(future: Future) -> None:
            for item_id, record_id in zip([i.id for i in todo], future.result(), strict=True):
                item = self.model.item(item_id)
                if item is not None and record_id is not None and item.result is not None:
                    self.model.mark_result(item, item.result, record_id)
            self.recorded.emit()

        for item in todo:
            self.model.mark_recorded(item)
        self.tasks.run(self.pool, record, done)

    def removals(self, items: list[QueueItem]) -> None:
        """Record these photos as taken off the desk without a result (naming their holds)."""
        if not items:
            return
        history, simulated = self.history, self.simulated()
        removed = [(i.source, i.held_id, i.reference) for i in items]

        def record() -> None:  # the io pool: before a retake deletes the capture's file
            for source, held_id, reference in removed:
                record_removed(history, source.label, source_digest(source), held_id,
                               simulated, reference)

        self.tasks.run(self.pool, record, lambda f: (f.result(), self.recorded.emit()))
