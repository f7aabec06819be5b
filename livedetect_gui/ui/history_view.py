"""The audit trail: past checks, filtered by date and verdict, exported as CSV."""

from __future__ import annotations

from concurrent.futures import Future
from datetime import datetime, time, timedelta
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, QObject, Qt, QThreadPool, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from livedetect_gui.core.history import HistoryEntry
from livedetect_gui.core.lazy_history import LazyHistory as SharedHistory
from livedetect_gui.core.verdict import Verdict

from .tables import RecordTableModel
from .tasks import TaskRunner
from .theme import verdict_color, verdict_icon


class HistoryModel(RecordTableModel):
    COLUMNS = ("time", "source", "score", "threshold", "verdict", "message", "operator")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.entries: list[HistoryEntry] = []

    def set_entries(self, entries: list[HistoryEntry]) -> None:
        self.beginResetModel()
        self.entries = entries
        self.endResetModel()

    def records(self) -> list[HistoryEntry]:
        return self.entries

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Time"), self.tr("Source"), self.tr("Score"), self.tr("Threshold"),
                self.tr("Verdict"), self.tr("Code / message"), self.tr("Operator"))

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self.entries[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "time":
                return datetime.fromtimestamp(entry.checked_at).strftime("%Y-%m-%d %H:%M:%S")
            if column == "score":
                return "" if entry.score is None else str(entry.score)
            if column == "threshold":
                return f"{entry.threshold:g}"
            if column == "verdict":
                return {"pass": self.tr("PASS"), "fail": self.tr("FAIL"),
                        "error": self.tr("ERROR")}.get(entry.verdict, entry.verdict)
            if column == "message":
                return entry.message  # already names the code, e.g. "... [code -4015]"
            return str(getattr(entry, column))
        if column == "verdict" and entry.verdict in ("pass", "fail", "error"):
            if role == Qt.ItemDataRole.DecorationRole:
                return verdict_icon(Verdict(entry.verdict))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(verdict_color(Verdict(entry.verdict)))
        if role == Qt.ItemDataRole.ToolTipRole and column in ("source", "message"):
            return getattr(entry, column)
        return None


class HistoryPanel(QWidget):
    exported = Signal(str)

    def __init__(self, history: SharedHistory, tasks: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history = history
        self.tasks = tasks
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)  # queries in order; the newest wins
        self.model = HistoryModel(self)
        self.view = QTableView()
        self.view.setObjectName("historyView")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)

        today = QDate.currentDate()
        self.since = QDateEdit(today.addDays(-30))
        self.until = QDateEdit(today)
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(self.refresh)
        self.verdict = QComboBox()
        self.verdict.currentIndexChanged.connect(self.refresh)
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(160)
        self.search.textChanged.connect(self.refresh)
        self.refresh_button = QPushButton()
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button = QPushButton()
        self.export_button.clicked.connect(self.export)
        self.since_label, self.until_label = QLabel(), QLabel()
        self.since_label.setBuddy(self.since)
        self.until_label.setBuddy(self.until)
        self.status = QLabel()

        filters = QHBoxLayout()
        for widget in (self.since_label, self.since, self.until_label, self.until, self.verdict,
                       self.search):
            filters.addWidget(widget)
        filters.addStretch(1)
        filters.addWidget(self.refresh_button)
        filters.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)
        self._generation = 0
        self.retranslate()

    def retranslate(self) -> None:
        self.since_label.setText(self.tr("&From"))
        self.until_label.setText(self.tr("&To"))
        current = self.verdict.currentIndex()
        self.verdict.blockSignals(True)
        self.verdict.clear()
        for text, data in ((self.tr("All verdicts"), None), (self.tr("Pass"), "pass"),
                           (self.tr("Fail"), "fail"), (self.tr("Error"), "error")):
            self.verdict.addItem(text, data)
        self.verdict.setCurrentIndex(max(0, current))
        self.verdict.blockSignals(False)
        self.verdict.setAccessibleName(self.tr("Verdict filter"))
        self.search.setPlaceholderText(self.tr("Search sources"))
        self.search.setAccessibleName(self.tr("Search sources"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.export_button.setText(self.tr("Export CSV…"))
        self.model.retranslate()

    def _filters(self) -> dict:
        since = datetime.combine(self.since.date().toPython(), time.min).timestamp()
        until = datetime.combine(self.until.date().toPython() + timedelta(days=1),
                                 time.min).timestamp()
        verdict = self.verdict.currentData()
        return {"since": since, "until": until, "verdicts": [verdict] if verdict else None,
                "text": self.search.text().strip() or None}

    def refresh(self) -> None:
        self._generation += 1
        generation, filters, history = self._generation, self._filters(), self.history

        def query() -> list[HistoryEntry]:
            stored = history.get()
            return stored.entries(limit=5000, **filters) if stored is not None else []

        self.tasks.run(self.pool, query, lambda f: self._loaded(generation, f))

    def _loaded(self, generation: int, future: Future) -> None:
        if generation != self._generation:
            return  # a newer query is on its way
        try:
            entries = future.result()
        except Exception as exc:
            self.status.setText(self.tr("History could not be read: %1").replace("%1", str(exc)))
            return
        self.model.set_entries(entries)
        if self.history.error:
            self.status.setText(self.tr("History is off: %1").replace("%1", self.history.error))
        else:
            self.status.setText(self.tr("%1 checks shown").replace("%1", str(len(entries))))
        self.view.resizeColumnsToContents()

    def export(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("Export history"), "livedetect-history.csv",
                self.tr("CSV files (*.csv)"))
            if not path:
                return
        entries, history = list(self.model.entries), self.history

        def write() -> int:
            stored = history.get()
            if stored is None:
                raise RuntimeError(history.error or "history unavailable")
            with open(path, "w", newline="", encoding="utf-8") as out:
                return stored.export_csv(out, entries)

        self.tasks.run(self.pool, write, lambda f: self._exported(path, f))

    def _exported(self, path: str, future: Future) -> None:
        try:
            count = future.result()
        except Exception as exc:
            self.status.setText(self.tr("Export failed: %1").replace("%1", str(exc)))
            return
        self.status.setText(self.tr("Exported %1 checks to %2").replace("%1", str(count))
                            .replace("%2", path))
        self.exported.emit(path)
