"""The queue table: one square thumbnail per row, the Details column (where refusals are
explained) before the sizes so it is visible at 1024 px, and selection that follows the
current row."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QSize, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from livedetect_gui.ui.queue.model import ROW_ICON, QueueItem, QueueModel

_NAVIGATION = {Qt.Key.Key_Home, Qt.Key.Key_End, Qt.Key.Key_Up, Qt.Key.Key_Down,
               Qt.Key.Key_PageUp, Qt.Key.Key_PageDown}
# Starting widths in COLUMNS order; ResizeToContents would measure every row on every change.
_WIDTHS = (180, 100, 50, 90, 240, 120, 120)


class QueueView(QTableView):
    def __init__(self, model: QueueModel) -> None:
        super().__init__()
        self.setObjectName("queueView")
        self.setModel(model)
        self.queue = model
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setIconSize(QSize(ROW_ICON, ROW_ICON))
        self.verticalHeader().setDefaultSectionSize(ROW_ICON + 4)
        self.verticalHeader().hide()
        self.setWordWrap(False)
        header = self.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate(_WIDTHS):
            header.resizeSection(column, width)
        model.countsChanged.connect(self._empty_or_not)
        self._empty_or_not()

    def _empty_or_not(self) -> None:
        # An empty queue shows the hint beside it, not scroll bars.
        policy = (Qt.ScrollBarPolicy.ScrollBarAlwaysOff if self.queue.rowCount() == 0
                  else Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        if policy != self.verticalScrollBarPolicy():  # unchanged: no relayout
            self.setHorizontalScrollBarPolicy(policy)
            self.setVerticalScrollBarPolicy(policy)

    def selectionCommand(self, index, event=None):  # noqa: ANN001, ANN201, N802
        """Ctrl with a navigation key moves the selection with the current row: the photo
        shown is always the one Ctrl+R runs."""
        if (isinstance(event, QKeyEvent) and event.key() in _NAVIGATION
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier
                and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier):
            return (QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows)
        return super().selectionCommand(index, event)

    def selected_items(self) -> list[QueueItem]:
        rows = sorted({i.row() for i in self.selectionModel().selectedRows()})
        return [self.queue.item_at(r) for r in rows]

    def current_item(self) -> QueueItem | None:
        index = self.currentIndex()
        # Straight from the model: a Python object wrapped in a QVariant is not worth the trip.
        return self.queue.item_at(index.row()) if index.isValid() else None

    def select_only(self, row: int) -> None:
        """Move the selection to ``row`` (``selectRow`` extends it while Shift or Ctrl is
        held, e.g. right after Ctrl+Shift+N): the photo shown is the only one decided."""
        index = self.queue.index(row, 0)
        self.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.scrollTo(index)

    def select_if_none(self, item: QueueItem) -> None:
        if not self.currentIndex().isValid():
            row = self.queue.row_of(item.id)
            self.selectRow(row or 0)
