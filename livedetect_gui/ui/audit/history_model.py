"""The audit trail as a Qt table model, fetched page by page on the trail pool, and the
small readings of the trail the history and reports views share."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QObject,
    Qt,
    QThreadPool,
    Signal,
)
from PySide6.QtGui import QColor

from livedetect_gui.core.trail.chain import Record, compute_hash
from livedetect_gui.core.trail.history import History
from livedetect_gui.core.trail.lazy_history import LazyHistory as SharedHistory
from livedetect_gui.core.trail.reasons import decision_word, reason_label
from livedetect_gui.core.trail.store import HistoryError, Query
from livedetect_gui.core.verdict import Verdict, verdict_word
from livedetect_gui.ui.common.tables import RecordTableModel
from livedetect_gui.ui.common.tasks import TaskRunner
from livedetect_gui.ui.common.theme import verdict_color, verdict_icon
from livedetect_gui.ui.common.tooltips import plain_tooltip

_VERDICTS = frozenset(v.value for v in Verdict)
PAGE = 500  # rows per fetch: a screenful many times over, a few ms of SQL


def current_lang() -> str:
    """The language the Qt layer speaks now: the installed catalogue names itself ("zh")."""
    return "zh" if QCoreApplication.translate("Language", "en") == "zh" else "en"


class HistoryModel(RecordTableModel):
    """Rows arrive a page at a time as the view scrolls (``canFetchMore``/``fetchMore``);
    each page is one SQL query on a worker, never on the GUI thread."""

    COLUMNS = ("time", "source", "score", "threshold", "verdict", "decision", "mode",
               "operator", "backend", "message")
    SORT_KEYS = {"time": "at", "source": "source", "score": "score", "threshold": "threshold",
                 "verdict": "verdict", "mode": "simulated", "operator": "operator",
                 "backend": "api"}
    loaded = Signal()
    failed = Signal(str)

    def __init__(self, history: SharedHistory, tasks: TaskRunner, pool: QThreadPool,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.history = history
        self.tasks = tasks
        # The desk's trail pool: pages, the chain walk and an export side by side. Results
        # of a superseded query are dropped by generation.
        self.pool = pool
        self.query = Query()
        self.rows: list[Record] = []
        self.decisions: dict[str, Record] = {}
        # Records whose content no longer matches their hash (checked as each page arrives),
        # and the first record the chain walk found broken: marked, never shown as a verdict.
        self.altered: set[str] = set()
        self.broken_seq: int | None = None
        self.total = 0
        self.everything = 0  # every record of the trail, whatever the filters
        self.lang = "en"
        self._generation = 0
        self._fetching = False

    def records(self) -> list[Record]:
        return self.rows

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Time"), self.tr("Source"), self.tr("Score"), self.tr("Threshold"),
                self.tr("Verdict"), self.tr("Decision"), self.tr("Mode"), self.tr("Operator"),
                self.tr("Backend"), self.tr("Code / message"))

    # -- loading ---------------------------------------------------------------------------

    def set_query(self, query: Query) -> None:
        """Start over with this query: count and the first page, on the worker."""
        self._generation += 1
        generation, history = self._generation, self.history
        self._fetching = True

        def first() -> tuple[int, list[Record], dict[str, Record]]:
            stored = opened(history)
            rows = stored.page(query, 0, PAGE)
            return stored.count(query), rows, _decisions(stored, rows)

        def first_marked() -> tuple[int, list[Record], dict[str, Record], set[str], int]:
            total, rows, decisions = first()
            return total, rows, decisions, altered(rows), opened(history).count()

        def done(future: Future) -> None:
            if generation != self._generation:
                return  # a newer query is on its way
            self._fetching = False
            try:
                total, rows, decisions, marked, everything = future.result()
            except Exception as exc:
                self.beginResetModel()
                self.rows, self.total, self.decisions = [], 0, {}
                self.endResetModel()
                self.failed.emit(describe(exc, self.lang))
                return
            self.beginResetModel()
            self.query, self.total, self.rows, self.decisions = query, total, rows, decisions
            self.altered, self.everything = marked, everything
            self.endResetModel()
            self.loaded.emit()

        self.query = query
        self.tasks.run(self.pool, first_marked, done)

    def canFetchMore(self, parent: QModelIndex = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and not self._fetching and len(self.rows) < self.total

    def fetchMore(self, parent: QModelIndex = QModelIndex()) -> None:  # noqa: B008, N802
        if not self.canFetchMore(parent):
            return
        self._fetching = True
        generation, history, query, offset = (self._generation, self.history, self.query,
                                              len(self.rows))

        def more() -> tuple[list[Record], dict[str, Record], set[str]]:
            stored = opened(history)
            rows = stored.page(query, offset, PAGE)
            return rows, _decisions(stored, rows), altered(rows)

        def done(future: Future) -> None:
            if generation != self._generation:
                return
            self._fetching = False
            try:
                rows, decisions, marked = future.result()
            except Exception as exc:
                self.failed.emit(describe(exc, self.lang))
                return
            if not rows:
                self.total = len(self.rows)  # records went (retention) since the count
                return
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(rows) - 1)
            self.rows.extend(rows)
            self.decisions.update(decisions)
            self.altered |= marked
            self.endInsertRows()
            self.loaded.emit()

        self.tasks.run(self.pool, more, done)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.SORT_KEYS.get(self.COLUMNS[column])
        if key is None:
            return
        self.set_query(replace(self.query, sort=key,
                               descending=order == Qt.SortOrder.DescendingOrder))

    def sorted_by(self) -> tuple[int, Qt.SortOrder]:
        """The column and order the rows are in (the trail's order is the time column's)."""
        key = "at" if self.query.sort == "seq" else self.query.sort
        names = [name for name, sort_key in self.SORT_KEYS.items() if sort_key == key]
        order = (Qt.SortOrder.DescendingOrder if self.query.descending
                 else Qt.SortOrder.AscendingOrder)
        return self.COLUMNS.index(names[0]) if names else 0, order

    # -- display -----------------------------------------------------------------------------

    def set_broken(self, seq: int | None) -> None:
        """Where the chain walk found the trail broken (None: intact): that row is marked."""
        if seq != self.broken_seq:
            self.broken_seq = seq
            if self.rows:
                self.dataChanged.emit(self.index(0, 0),
                                      self.index(len(self.rows) - 1, len(self.COLUMNS) - 1))

    def is_altered(self, record: Record) -> bool:
        return record.id in self.altered or (self.broken_seq is not None
                                             and record.seq == self.broken_seq)

    def record(self, row: int) -> Record | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def decision_text(self, record: Record) -> str:
        if record.kind == "cut":
            return self.tr("Retention cut")
        decision = record if record.kind == "decision" else self.decisions.get(record.id)
        if decision is None or not decision.decision:
            return ""
        text = decision_word(decision.decision, self.lang)
        return "⚠ " + text if decision.override else text

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        record = self.rows[index.row()]
        column = self.COLUMNS[index.column()]
        if self.is_altered(record):
            # An altered record says so on every cell; its verdict is not to be believed.
            if role == Qt.ItemDataRole.DisplayRole:
                return (self.tr("⚠ ALTERED") if column == "verdict"
                        else self.text_of(record, column))
            if role == Qt.ItemDataRole.BackgroundRole:
                return QColor("#fde2e1")
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(verdict_color(Verdict.FAIL))
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.tr("This record was altered after it was written: do not rely "
                               "on it.")
            if role == Qt.ItemDataRole.DecorationRole and column == "verdict":
                return verdict_icon(Verdict.ERROR)
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text_of(record, column)
        if column == "verdict" and record.kind == "check" and record.verdict in _VERDICTS:
            if role == Qt.ItemDataRole.DecorationRole:
                return verdict_icon(Verdict(record.verdict))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(verdict_color(Verdict(record.verdict)))
        if column == "mode" and record.simulated and role == Qt.ItemDataRole.ForegroundRole:
            return QColor("#8a5a00")
        if role == Qt.ItemDataRole.ToolTipRole and column in ("source", "message", "backend"):
            return plain_tooltip(self.text_of(record, column) if column != "backend"
                                 else record.endpoint)
        return None

    def text_of(self, record: Record, column: str) -> str:
        if column == "time":
            return datetime.fromtimestamp(record.at).strftime("%Y-%m-%d %H:%M:%S")
        if column == "score":
            return "" if record.score is None else f"{record.score:g}"
        if column == "threshold":
            return "" if record.threshold is None else f"{record.threshold:g}"
        if column == "verdict":
            return (verdict_word(Verdict(record.verdict), self.lang)
                    if record.verdict in _VERDICTS else record.verdict)
        if column == "decision":
            return self.decision_text(record)
        if column == "mode":
            return self.tr("Simulated") if record.simulated else self.tr("Live")
        if column == "operator":
            return record.operator or f"({record.os_user})"
        if column == "backend":
            return record.api
        if column == "message":
            if record.kind == "decision":
                return " · ".join(p for p in (reason_label(record.reason, self.lang),
                                              record.note, record.reference) if p)
            return record.message(self.lang)
        return str(getattr(record, column))


@dataclass
class ExportPlace:
    """Where the next export of any kind starts (history CSV, report PDF or CSV): the folder
    of the last one, shared by the history and reports views; ``remember`` keeps it for the
    next start (the desk's settings)."""

    folder: Path
    remember: Callable[[Path], None] | None = None

    def chosen(self, path: str) -> None:
        """An export was saved at ``path``: the next one starts in its folder."""
        self.folder = Path(path).parent
        if self.remember is not None:
            self.remember(self.folder)


def dated(name: str, suffix: str) -> str:
    """A default export name that says when: ``livedetect-history-2026-05-01.csv``."""
    return f"{name}-{date.today().isoformat()}{suffix}"


def opened(history: SharedHistory) -> History:
    stored = history.get()
    if stored is None:
        raise RuntimeError(history.error or "history unavailable")
    return stored


def altered(rows: list[Record]) -> set[str]:
    """On a worker: the records whose content does not match their own hash (edited after
    they were written): one hash each, the page's rows only."""
    found = set()
    for record in rows:
        try:
            if record.hash and compute_hash(record) != record.hash:
                found.add(record.id)
        except (TypeError, ValueError):  # a value no writer could have hashed: altered
            found.add(record.id)
    return found


def _decisions(history: History, rows: list[Record]) -> dict[str, Record]:
    return history.latest_decisions([r.id for r in rows if r.kind == "check"])


def describe(exc: BaseException, lang: str) -> str:
    return exc.message(lang) if isinstance(exc, HistoryError) else str(exc)
