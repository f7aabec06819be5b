"""What the worklist and case tables share: checks with where they stand (the core's
``WorkItem``), read on the trail pool (the newest read wins), shown with their verdict's colour
and icon, in a table whose selection moves (never extends) to the next item to decide."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future
from datetime import datetime
from typing import Any, TypeVar

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject, Qt, QThreadPool, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from livedetect_gui.core.trail.lazy_history import LazyHistory
from livedetect_gui.core.trail.worklist import WorkItem, state_word
from livedetect_gui.core.verdict import Verdict, verdict_word
from livedetect_gui.ui.audit.history_model import describe
from livedetect_gui.ui.common.tables import RecordTableModel
from livedetect_gui.ui.common.tasks import TaskRunner
from livedetect_gui.ui.common.theme import verdict_color, verdict_icon

VERDICTS = frozenset(v.value for v in Verdict)
T = TypeVar("T")


class WorkItemsModel(RecordTableModel):
    loaded = Signal()
    failed = Signal(str)

    def __init__(self, history: LazyHistory, tasks: TaskRunner, pool: QThreadPool,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.history, self.tasks, self.pool = history, tasks, pool  # the trail pool
        self.lang = "en"
        self._generation = 0

    def work_items(self) -> Sequence[WorkItem]:
        raise NotImplementedError

    def records(self) -> Sequence[WorkItem]:
        return self.work_items()

    def load(self, read: Callable[[], T], apply: Callable[[T], None]) -> None:
        """``read`` on the trail pool; ``apply`` its result as the model's rows (a newer load
        supersedes this one)."""
        self._generation += 1
        generation = self._generation

        def done(future: Future) -> None:
            if generation != self._generation:
                return
            try:
                found = future.result()
            except Exception as exc:
                self.failed.emit(describe(exc, self.lang))
                return
            self.beginResetModel()
            apply(found)
            self.endResetModel()
            self.loaded.emit()

        self.tasks.run(self.pool, read, done)

    def item(self, row: int) -> WorkItem | None:
        items = self.work_items()
        return items[row] if 0 <= row < len(items) else None

    def row_of(self, check_id: str) -> int | None:
        return next((n for n, i in enumerate(self.work_items()) if i.check.id == check_id),
                    None)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.item(index.row()) if index.isValid() else None
        if item is None:
            return None
        column, check = self.COLUMNS[index.column()], item.check
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text_of(item, column)
        if column == "verdict" and check.verdict in VERDICTS:
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
                    if check.verdict in VERDICTS else check.verdict)
        if column == "score":
            return "" if check.score is None else f"{check.score:g}"
        if column == "state":
            return state_word(item.state, self.lang)
        return ""


def work_table(name: str, model: WorkItemsModel, widths: Sequence[int]) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.verticalHeader().hide()
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # a long name keeps its end
    header = view.horizontalHeader()
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    for column, width in enumerate(widths):
        header.resizeSection(column, width)
    return view


def move_to(view: QTableView, row: int) -> None:
    """Move (never extend) the selection to ``row``: the current item is the one decided."""
    index = view.model().index(row, 0)
    view.selectionModel().setCurrentIndex(
        index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        | QItemSelectionModel.SelectionFlag.Rows)
    view.scrollTo(index)


def next_row(view: QTableView, model: WorkItemsModel,
             wanted: Callable[[WorkItem], bool]) -> int | None:
    """The first row after the current one (wrapping round, the current one last excluded)
    whose item is ``wanted``."""
    count = model.rowCount()
    current = view.currentIndex().row() if view.currentIndex().isValid() else -1
    for step in range(1, count + 1):
        row = (current + step) % count
        item = model.item(row)
        if item is not None and row != current and wanted(item):
            return row
    return None


def selected(view: QTableView, model: WorkItemsModel) -> list[WorkItem]:
    """The selected items, the current one first (it is the one the panel shows)."""
    current = model.item(view.currentIndex().row()) if view.currentIndex().isValid() else None
    rows = sorted({i.row() for i in view.selectionModel().selectedRows()})
    items = [item for r in rows if (item := model.item(r)) is not None and item is not current]
    return [current, *items] if current is not None else items
