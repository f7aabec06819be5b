"""The worklist: the checks of the trail that need a decision (undecided, escalated, awaiting a
second operator's approval), oldest first, across restarts and, on a shared history, across
desks. Read through the core's ``Worklist`` on the trail pool; the rule of what is open is the
core's, never this view's.

The view only shows and selects: the desk's decision panel decides the selected item.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtWidgets import (
    QLabel,
    QVBoxLayout,
    QWidget,
)

from livedetect_gui.core.trail.lazy_history import LazyHistory
from livedetect_gui.core.trail.worklist import WorkItem, Worklist, WorkState
from livedetect_gui.ui.audit.history_model import current_lang, opened
from livedetect_gui.ui.audit.work_items import (
    WorkItemsModel,
    move_to,
    next_row,
    selected,
    work_table,
)
from livedetect_gui.ui.common.tasks import TaskRunner

LIMIT = 1000  # items shown at once: a desk's open work, many times over


class WorklistModel(WorkItemsModel):
    COLUMNS = ("time", "source", "verdict", "score", "state", "reference", "maker")

    def __init__(self, history: LazyHistory, tasks: TaskRunner, pool: QThreadPool,
                 parent: QObject | None = None) -> None:
        super().__init__(history, tasks, pool, parent)
        self.items: list[WorkItem] = []
        self.counts: dict[WorkState, int] = dict.fromkeys(WorkState, 0)
        self.viewer = ""  # the operator at the desk: their own pending decisions are not shown

    def work_items(self) -> list[WorkItem]:
        return self.items

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Checked"), self.tr("Photo"), self.tr("Verdict"), self.tr("Score"),
                self.tr("Needs"), self.tr("Case"), self.tr("Decided by"))

    def refresh(self) -> None:
        """Read the open items and the counts again (on the trail pool)."""
        history, viewer = self.history, self.viewer

        def read() -> tuple[list[WorkItem], dict[WorkState, int]]:
            worklist = Worklist(opened(history))
            return worklist.page(0, LIMIT, viewer), worklist.counts(viewer)

        def apply(found: tuple[list[WorkItem], dict[WorkState, int]]) -> None:
            self.items, self.counts = found

        self.load(read, apply)

    def text_of(self, item: WorkItem, column: str) -> str:
        if column == "reference":
            return item.check.reference
        if column == "maker":
            return item.maker if item.state is not WorkState.UNDECIDED else ""
        return super().text_of(item, column)


class WorklistPanel(QWidget):
    """The worklist table and a line saying how much is open."""

    currentChanged = Signal()

    def __init__(self, history: LazyHistory, tasks: TaskRunner, pool: QThreadPool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = WorklistModel(history, tasks, pool, self)
        self.view = work_table("worklistView", self.model, (130, 220, 80, 60, 130, 130, 90))
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self.currentChanged.emit())
        self.view.selectionModel().selectionChanged.connect(lambda *_: self.currentChanged.emit())
        self.summary = QLabel()
        self.summary.setObjectName("worklistSummary")
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        self._keep: str | None = None  # the check to select again after a refresh
        self.model.loaded.connect(self._loaded)
        self.model.failed.connect(
            lambda text: self.summary.setText(self.tr("The worklist could not be read: %1")
                                              .replace("%1", text)))
        self.retranslate()

    def retranslate(self) -> None:
        self.model.lang = current_lang()
        self.view.setAccessibleName(self.tr("Worklist"))
        self.model.retranslate()
        self._show_summary()

    def refresh(self) -> None:
        current = self.current_item()
        self._keep = current.check.id if current is not None else self._keep
        self.model.refresh()

    def _loaded(self) -> None:
        self._show_summary()
        row = self.model.row_of(self._keep) if self._keep else None
        if row is None and self.model.rowCount():
            row = 0  # the oldest open item: ready to decide, never an empty panel
        if row is not None:
            self.select_row(row)
        self.currentChanged.emit()

    def _show_summary(self) -> None:
        counts = self.model.counts
        if not any(counts[s] for s in (WorkState.UNDECIDED, WorkState.ESCALATED,
                                       WorkState.AWAITING_APPROVAL)):
            self.summary.setText(self.tr("Nothing waits for a decision."))
            return
        self.summary.setText(self.tr("%1 undecided · %2 escalated · %3 awaiting approval, "
                                     "oldest first").replace(
            "%1", str(counts[WorkState.UNDECIDED])).replace(
            "%2", str(counts[WorkState.ESCALATED])).replace(
            "%3", str(counts[WorkState.AWAITING_APPROVAL])))

    def current_item(self) -> WorkItem | None:
        index = self.view.currentIndex()
        return self.model.item(index.row()) if index.isValid() else None

    def selected_items(self) -> list[WorkItem]:
        """The selection, the current item first."""
        return selected(self.view, self.model)

    def select_row(self, row: int) -> None:
        move_to(self.view, row)

    def select_next(self, skip: set[str] | None = None) -> bool:
        """The next item after the current one, oldest first (wrapping round); False when
        nothing else is open. ``skip``: checks just decided (the list is read again soon)."""
        skip = skip or set()
        row = next_row(self.view, self.model, lambda item: item.check.id not in skip)
        if row is None:
            return False
        self.select_row(row)
        return True
