"""The queue of photos: a Qt table model over small QueueItem records.

The model owns the data; views only show it. Thumbnails are small QImages made on workers;
no full-size picture is kept for the queue.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QSize, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPixmap

from livedetect_gui.core.checking import Source
from livedetect_gui.core.result import CheckResult, PreparedInfo
from livedetect_gui.core.verdict import Verdict

from .look import verdict_color, verdict_icon
from .tables import RecordTableModel


class Status(StrEnum):
    PREPARING = "preparing"
    QUEUED = "queued"
    SENDING = "sending"
    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"


FINAL = {Status.PASS, Status.FAIL, Status.ERROR}


@dataclass
class QueueItem:
    id: int
    source: Source
    status: Status = Status.PREPARING
    thumbnail: QImage | None = None
    original: tuple[int, int, int] | None = None
    prepared: PreparedInfo | None = None
    actions: tuple[str, ...] = ()
    result: CheckResult | None = None
    # Set when preparation refused the photo: it is never sent.
    refused: bool = False
    note: str = ""

    @property
    def name(self) -> str:
        if self.source.path is not None:
            return self.source.path.name
        return self.source.label

    def set_result(self, result: CheckResult) -> None:
        self.result = result
        self.status = Status(result.verdict.value)


def _size_text(size: tuple[int, int, int] | None) -> str:
    if size is None:
        return "—"
    width, height, count = size
    return f"{width}×{height} · {bytes_text(count)}"


def bytes_text(count: int) -> str:
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f} MB"
    return f"{max(1, round(count / 1000))} kB"


class QueueModel(RecordTableModel):
    COLUMNS = ("name", "original", "prepared", "status", "score", "details")
    countsChanged = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[QueueItem] = []
        self._rows: dict[int, int] = {}
        self._ids = itertools.count(1)
        self.lang = "en"
        self._pixmaps: dict[Verdict, QPixmap] = {}
        self._thumbs: dict[int, QPixmap] = {}

    # -- Qt model interface ---------------------------------------------------------------------

    def records(self) -> list[QueueItem]:
        return self._items

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Photo"), self.tr("Original"), self.tr("Prepared"), self.tr("Status"),
                self.tr("Score"), self.tr("Details"))

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self._items[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(item, column)
        if role == Qt.ItemDataRole.DecorationRole:
            if column == "name" and item.thumbnail is not None:
                # Converted once on the GUI thread, not at every paint.
                pixmap = self._thumbs.get(item.id)
                if pixmap is None:
                    pixmap = self._thumbs[item.id] = QPixmap.fromImage(item.thumbnail)
                return pixmap
            if column == "status" and item.status in FINAL:
                return self._status_pixmap(Verdict(item.status.value))
            return None
        if (role == Qt.ItemDataRole.ForegroundRole and column in ("status", "score")
                and item.status in FINAL):
            return QColor(verdict_color(Verdict(item.status.value)))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(item)
        if role == Qt.ItemDataRole.AccessibleTextRole and column == "status":
            return self._display(item, "status")
        return None

    def _display(self, item: QueueItem, column: str) -> str:
        if column == "name":
            return item.name
        if column == "original":
            return _size_text(item.original)
        if column == "prepared":
            if item.prepared is None:
                return "—"
            p = item.prepared
            return _size_text((p.width, p.height, p.bytes))
        if column == "status":
            text = self.status_text(item.status)
            return f"{text} ({item.note})" if item.note else text
        if column == "score":
            if item.result is None or item.result.score is None:
                return ""
            return str(item.result.score)
        if column == "details":
            if item.result is not None and item.result.verdict is Verdict.ERROR:
                return item.result.message(self.lang)
            if item.result is not None and item.result.maybe_billed_twice:
                return self.tr("may have been billed twice")
            return ""
        return ""

    def _status_pixmap(self, verdict: Verdict) -> QPixmap:
        # A small fixed size: the view's icon size is for thumbnails.
        if verdict not in self._pixmaps:
            self._pixmaps[verdict] = verdict_icon(verdict).pixmap(QSize(20, 20),
                                                                  self._device_ratio())
        return self._pixmaps[verdict]

    @staticmethod
    def _device_ratio() -> float:
        screen = QGuiApplication.primaryScreen()
        return screen.devicePixelRatio() if screen is not None else 1.0

    def _tooltip(self, item: QueueItem) -> str:
        lines = [item.source.label]
        if item.result is not None and item.result.verdict is Verdict.ERROR:
            lines += [item.result.message(self.lang), item.result.hint(self.lang)]
        return "\n".join(line for line in lines if line)

    def status_text(self, status: Status) -> str:
        return {
            Status.PREPARING: self.tr("preparing"),
            Status.QUEUED: self.tr("queued"),
            Status.SENDING: self.tr("sending"),
            Status.PASS: self.tr("PASS"),
            Status.FAIL: self.tr("FAIL"),
            Status.ERROR: self.tr("ERROR"),
        }[status]

    # -- queue operations -------------------------------------------------------------------------

    def add(self, sources: list[Source]) -> list[QueueItem]:
        if not sources:
            return []
        first = len(self._items)
        items = [QueueItem(next(self._ids), s) for s in sources]
        self.beginInsertRows(QModelIndex(), first, first + len(items) - 1)
        for offset, item in enumerate(items):
            self._items.append(item)
            self._rows[item.id] = first + offset
        self.endInsertRows()
        self.countsChanged.emit()
        return items

    def remove(self, ids: set[int]) -> None:
        for row in sorted((self._rows[i] for i in ids if i in self._rows), reverse=True):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._items[row]
            self.endRemoveRows()
        self._rows = {item.id: row for row, item in enumerate(self._items)}
        for item_id in ids:
            self._thumbs.pop(item_id, None)
        self.countsChanged.emit()

    def item(self, item_id: int) -> QueueItem | None:
        row = self._rows.get(item_id)
        return None if row is None else self._items[row]

    def item_at(self, row: int) -> QueueItem:
        return self._items[row]

    def row_of(self, item_id: int) -> int | None:
        return self._rows.get(item_id)

    def items(self) -> list[QueueItem]:
        return list(self._items)

    def changed(self, *items: QueueItem) -> None:
        """Tell the views that these items changed: one signal for the rows they span."""
        rows = [r for r in (self._rows.get(i.id) for i in items) if r is not None]
        if rows:  # items removed meanwhile have no row
            self.dataChanged.emit(self.index(min(rows), 0),
                                  self.index(max(rows), len(self.COLUMNS) - 1))

    def rejudge(self, threshold: float) -> None:
        """New threshold: verdicts from the stored scores, no call to the service."""
        for item in self._items:
            if item.result is not None and item.result.score is not None:
                item.set_result(item.result.with_threshold(threshold))
        if self._items:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._items) - 1, len(self.COLUMNS) - 1))
        self.countsChanged.emit()

    def counts(self) -> dict[Status, int]:
        counts = dict.fromkeys(Status, 0)
        for item in self._items:
            counts[item.status] += 1
        return counts
