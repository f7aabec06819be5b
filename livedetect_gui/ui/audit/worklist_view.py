"""The worklist: the checks of the trail that need a decision (undecided, escalated, awaiting a
second operator's approval), oldest first, across restarts and, on a shared history, across
desks. Read through the core's ``Worklist`` on the trail pool; the rule of what is open is the
core's, never this view's.

The view only shows and selects: the desk's decision panel decides the selected item.
"""

from __future__ import annotations

from concurrent.futures import Future
from datetime import datetime
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject, Qt, QThreadPool, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from livedetect_gui.core.trail.lazy_history import LazyHistory
from livedetect_gui.core.trail.worklist import WorkItem, Worklist, WorkState, state_word
from livedetect_gui.core.verdict import Verdict, verdict_word
from livedetect_gui.ui.audit.history_model import current_lang, describe, opened
from livedetect_gui.ui.common.tables import RecordTableModel
from livedetect_gui.ui.common.tasks import TaskRunner
from livedetect_gui.ui.common.theme import verdict_color, verdict_icon

_VERDICTS = frozenset(v.value for v in Verdict)
LIMIT = 1000  # items shown at once: a desk's open work, many times over


class WorklistModel(RecordTableModel):
    COLUMNS = ("time", "source", "verdict", "score", "state", "reference", "maker")
    loaded = Signal()
    failed = Signal(str)

    def __init__(self, history: LazyHistory, tasks: TaskRunner, pool: QThreadPool,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.history = history
        self.tasks = tasks
        self.pool = pool  # the trail pool
        self.items: list[WorkItem] = []
        self.counts: dict[WorkState, int] = dict.fromkeys(WorkState, 0)
        self.viewer = ""  # the operator at the desk: their own pending decisions are not shown
        self.lang = "en"
        self._generation = 0

    def records(self) -> list[WorkItem]:
        return self.items

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Checked"), self.tr("Photo"), self.tr("Verdict"), self.tr("Score"),
                self.tr("Needs"), self.tr("Case"), self.tr("Decided by"))

    def refresh(self) -> None:
        """Read the open items and the counts again (on the trail pool; the newest read
        wins)."""
        self._generation += 1
        generation, history, viewer = self._generation, self.history, self.viewer

        def read() -> tuple[list[WorkItem], dict[WorkState, int]]:
            worklist = Worklist(opened(history))
            return worklist.page(0, LIMIT, viewer), worklist.counts(viewer)

        def done(future: Future) -> None:
            if generation != self._generation:
                return
            try:
                items, counts = future.result()
            except Exception as exc:
                self.failed.emit(describe(exc, self.lang))
                return
            self.beginResetModel()
            self.items, self.counts = items, counts
            self.endResetModel()
            self.loaded.emit()

        self.tasks.run(self.pool, read, done)

    def item(self, row: int) -> WorkItem | None:
        return self.items[row] if 0 <= row < len(self.items) else None

    def row_of(self, check_id: str) -> int | None:
        return next((n for n, i in enumerate(self.items) if i.check.id == check_id), None)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.item(index.row()) if index.isValid() else None
        if item is None:
            return None
        column, check = self.COLUMNS[index.column()], item.check
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text_of(item, column)
        if column == "verdict" and check.verdict in _VERDICTS:
            if role == Qt.ItemDataRole.DecorationRole:
                return verdict_icon(Verdict(check.verdict))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(verdict_color(Verdict(check.verdict)))
        if role == Qt.ItemDataRole.ToolTipRole and column == "source":
            return check.source
        return None

    def text_of(self, item: WorkItem, column: str) -> str:
        check = item.check
        if column == "time":
            return datetime.fromtimestamp(check.at).strftime("%Y-%m-%d %H:%M")
        if column == "source":
            return check.source.replace("\\", "/").rsplit("/", 1)[-1]  # the name first
        if column == "verdict":
            return (verdict_word(Verdict(check.verdict), self.lang)
                    if check.verdict in _VERDICTS else check.verdict)
        if column == "score":
            return "" if check.score is None else f"{check.score:g}"
        if column == "state":
            return state_word(item.state, self.lang)
        if column == "reference":
            return check.reference
        if column == "maker":
            return item.maker if item.state is not WorkState.UNDECIDED else ""
        return ""


class WorklistPanel(QWidget):
    """The worklist table and a line saying how much is open."""

    currentChanged = Signal()

    def __init__(self, history: LazyHistory, tasks: TaskRunner, pool: QThreadPool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = WorklistModel(history, tasks, pool, self)
        self.view = QTableView()
        self.view.setObjectName("worklistView")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.verticalHeader().hide()
        self.view.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # a long name keeps its end
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((130, 220, 80, 60, 130, 130, 90)):
            header.resizeSection(column, width)
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
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [item for r in rows if (item := self.model.item(r)) is not None]

    def select_row(self, row: int) -> None:
        """Move (never extend) the selection to ``row``: the current item is the one decided."""
        index = self.model.index(row, 0)
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.view.scrollTo(index)

    def select_next(self, skip: set[str] = frozenset()) -> bool:  # type: ignore[assignment]
        """The next item after the current one, oldest first (wrapping round); False when
        nothing else is open. ``skip``: checks just decided (the list is read again soon)."""
        count = self.model.rowCount()
        current = self.view.currentIndex().row() if self.view.currentIndex().isValid() else -1
        for step in range(1, count + 1):
            row = (current + step) % count
            item = self.model.item(row)
            if item is not None and item.check.id not in skip and row != current:
                self.select_row(row)
                return True
        return False
