"""The desk's queue kept on disk through the core's ``QueueStore``.

Closing, a crash or a power cut loses nothing: every change of the queue is saved (coalesced: a
burst of results is one write) on the io pool, atomically, in the data folder with private
permissions; the queue is restored at start. Nothing recorded is sent twice: an item that was
being sent comes back waiting, and checking it again goes through the duplicate rule, which
reuses the judgement the desk recorded before it died.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from livedetect_gui.core.checks.saved_queue import (
    QueuedItem,
    QueueFileError,
    QueueState,
    QueueStore,
)
from livedetect_gui.ui.common.tasks import TaskRunner
from livedetect_gui.ui.queue.model import FINAL, QueueItem, QueueModel, Status

log = logging.getLogger(__name__)

SAVE_DELAY_MS = 250


def queued(item: QueueItem) -> QueuedItem:
    """What the store keeps of a queue item."""
    if item.status in FINAL and item.result is not None:
        state = QueueState.DONE
    elif item.status is Status.SENDING:
        state = QueueState.SENDING
    elif item.status is Status.HELD:
        state = QueueState.HELD
    else:
        state = QueueState.WAITING
    return QueuedItem(item.source, state, item.result if state is QueueState.DONE else None,
                      id=item.key, added_at=item.added_at,
                      record_id=item.record_id if state is QueueState.DONE else None,
                      reference=item.reference)


class SavedQueue(QObject):
    # The saved items are back in the model: to be prepared again.
    restored = Signal(list)
    # A sentence for the status bar; a failure the operator must see (sentence, details).
    notice = Signal(str)
    failed = Signal(str, str)

    def __init__(self, model: QueueModel, tasks: TaskRunner, pool: QThreadPool, path: Path,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.tasks = tasks
        self.pool = pool  # the desk's io pool
        self.store = QueueStore(path)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save)
        self._saving = False
        self._dirty = False
        # Until the saved queue is back, nothing is written (an empty queue would replace it).
        self._restored = False
        self._failed_shown = False
        model.countsChanged.connect(self.schedule)
        model.itemsChanged.connect(self.schedule)

    def schedule(self, *_args: object) -> None:
        if self._restored and not self._timer.isActive():
            self._timer.start()

    def save(self) -> None:
        if not self._restored:
            return
        if self._saving:
            self._dirty = True  # saved again when the running write ends
            return
        self._saving = True
        snapshot = [queued(item) for item in self.model.items()]
        store = self.store
        self.tasks.run(self.pool, lambda: store.save(snapshot), self._saved)

    def _saved(self, future: Future) -> None:
        self._saving = False
        try:
            future.result()
        except OSError as exc:
            if not self._failed_shown:  # once per streak of failures, not at every change
                self._failed_shown = True
                self.failed.emit(self.tr(
                    "The queue could not be saved to disk (is it full?). The desk carries on; "
                    "photos added now may not come back after a restart."), str(exc))
        else:
            self._failed_shown = False
        if self._dirty:
            self._dirty = False
            self.save()

    def save_last(self) -> None:
        """At shutdown, after the pools stopped: the queue as it is now, written and waited
        for (on the io pool)."""
        if not self._restored:
            return
        self._timer.stop()
        snapshot = [queued(item) for item in self.model.items()]
        store = self.store

        def write() -> None:
            try:
                store.save(snapshot)
            except OSError:
                log.exception("the queue could not be saved at shutdown")

        self.pool.start(write)
        self.pool.waitForDone(10_000)

    # -- restoring ---------------------------------------------------------------------------

    def restore(self) -> None:
        self.tasks.run(self.pool, self.store.load, self._loaded)

    def _loaded(self, future: Future) -> None:
        self._restored = True
        try:
            saved: list[QueuedItem] = future.result()
        except QueueFileError as exc:
            self.failed.emit(self.tr("The saved queue could not be read; it was set aside "
                                     "and the desk starts with an empty queue."), str(exc))
            saved = []
        except OSError as exc:
            self.failed.emit(self.tr("The saved queue could not be read."), str(exc))
            saved = []
        if self.store.skipped:
            self.desk.failed.emit(self.tr("Some photos of the saved queue could not be restored "
                                          "(their saved copy is missing or damaged); the others "
                                          "are back."), "\n".join(self.store.skipped))
        if saved:
            self._add(saved)
        self.schedule()

    def _add(self, saved: list[QueuedItem]) -> None:
        model = self.model
        items = model.add([entry.source for entry in saved],
                          keys=[(entry.id, entry.added_at) for entry in saved])
        waiting = 0
        for item, entry in zip(items, saved, strict=True):
            item.reference = entry.reference
            if entry.record_id:  # its decision is read back from the trail (the worklist)
                model.mark_record(item, entry.record_id)
            result = entry.result
            # A judgement or the service's own answer stays; anything decided locally (a
            # refusal, "not sent") is worked out again from the photo.
            if entry.state is QueueState.DONE and result is not None and (
                    result.judged or result.attempts > 0):
                model.mark_result(item, result)
                model.mark_recorded(item)
            else:
                waiting += 1
        self.restored.emit(items)
        self.notice.emit(self.tr("Queue restored: %1 photos, %2 not yet checked (Run all "
                                 "checks them; photos already judged are not sent again).")
                         .replace("%1", str(len(items))).replace("%2", str(waiting)))
