"""A case (an applicant, a file number): its photos, checks and decisions, and whether it is
complete, read through the core's ``case`` on the trail pool (what belongs to a case and when
it is complete are the core's rules).

The view shows and selects; the desk's decision panel decides the selected check.
"""

from __future__ import annotations

from concurrent.futures import Future
from datetime import datetime
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject, Qt, QThreadPool, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from livedetect_gui.core.trail.cases import Case, case
from livedetect_gui.core.trail.chain import decision_summary
from livedetect_gui.core.trail.lazy_history import LazyHistory
from livedetect_gui.core.trail.worklist import WorkItem, WorkState, state_word
from livedetect_gui.core.verdict import Verdict, verdict_word
from livedetect_gui.ui.audit.history_model import current_lang, describe, opened
from livedetect_gui.ui.common.tables import RecordTableModel
from livedetect_gui.ui.common.tasks import TaskRunner
from livedetect_gui.ui.common.theme import verdict_color, verdict_icon

_VERDICTS = frozenset(v.value for v in Verdict)


class CaseModel(RecordTableModel):
    COLUMNS = ("time", "source", "verdict", "score", "state", "decision")
    loaded = Signal()
    failed = Signal(str)

    def __init__(self, history: LazyHistory, tasks: TaskRunner, pool: QThreadPool,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.history, self.tasks, self.pool = history, tasks, pool
        self.case: Case | None = None
        self.decisions: dict[str, str] = {}  # check id -> its latest decision, in a line
        self.lang = "en"
        self._generation = 0

    def records(self) -> tuple[WorkItem, ...]:
        return self.case.items if self.case is not None else ()

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Checked"), self.tr("Photo"), self.tr("Verdict"), self.tr("Score"),
                self.tr("State"), self.tr("Decision"))

    def load(self, reference: str) -> None:
        self._generation += 1
        generation, history, lang = self._generation, self.history, self.lang
        reference = reference.strip()
        if not reference:
            self.beginResetModel()
            self.case = None
            self.endResetModel()
            self.loaded.emit()
            return

        def read() -> tuple[Case, dict[str, str]]:
            found = case(opened(history), reference)
            latest: dict[str, str] = {}
            for record in found.records:  # trail order: the newest decision wins
                if record.kind == "decision" and record.check_id:
                    latest[record.check_id] = " · ".join(p for p in (
                        decision_summary(record, lang), record.operator, record.time_text) if p)
            return found, latest

        def done(future: Future) -> None:
            if generation != self._generation:
                return
            try:
                found, latest = future.result()
            except Exception as exc:
                self.failed.emit(describe(exc, self.lang))
                return
            self.beginResetModel()
            self.case, self.decisions = found, latest
            self.endResetModel()
            self.loaded.emit()

        self.tasks.run(self.pool, read, done)

    def item(self, row: int) -> WorkItem | None:
        items = self.records()
        return items[row] if 0 <= row < len(items) else None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.item(index.row()) if index.isValid() else None
        if item is None:
            return None
        column, check = self.COLUMNS[index.column()], item.check
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "time":
                return datetime.fromtimestamp(check.at).strftime("%Y-%m-%d %H:%M")
            if column == "source":
                return check.source.replace("\\", "/").rsplit("/", 1)[-1]
            if column == "verdict":
                return (verdict_word(Verdict(check.verdict), self.lang)
                        if check.verdict in _VERDICTS else check.verdict)
            if column == "score":
                return "" if check.score is None else f"{check.score:g}"
            if column == "state":
                return state_word(item.state, self.lang)
            if column == "decision":
                return self.decisions.get(check.id, "") if item.decision_id else ""
        if column == "verdict" and check.verdict in _VERDICTS:
            if role == Qt.ItemDataRole.DecorationRole:
                return verdict_icon(Verdict(check.verdict))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(verdict_color(Verdict(check.verdict)))
        if role == Qt.ItemDataRole.ToolTipRole and column == "source":
            return check.source
        return None


class CasePanel(QWidget):
    """A reference field (typed or scanned), the case's checks, and its completeness."""

    currentChanged = Signal()

    def __init__(self, history: LazyHistory, tasks: TaskRunner, pool: QThreadPool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = CaseModel(history, tasks, pool, self)
        self.reference = QLineEdit()
        self.reference.setObjectName("caseLookup")
        self.reference.setClearButtonEnabled(True)
        self.reference.returnPressed.connect(self.refresh)
        self.reference_label = QLabel()
        self.reference_label.setBuddy(self.reference)
        self.state = QLabel()
        self.state.setObjectName("caseState")
        self.state.setWordWrap(True)
        self.view = QTableView()
        self.view.setObjectName("caseView")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.verticalHeader().hide()
        self.view.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # a long name keeps its end
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((140, 200, 70, 60, 120)):
            header.resizeSection(column, width)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self.currentChanged.emit())
        self.view.selectionModel().selectionChanged.connect(lambda *_: self.currentChanged.emit())
        self.records = QPlainTextEdit()
        self.records.setObjectName("caseRecords")
        self.records.setReadOnly(True)
        row = QHBoxLayout()
        row.addWidget(self.reference_label)
        row.addWidget(self.reference, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.view)
        split.addWidget(self.records)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.state)
        layout.addWidget(split, 1)
        self.model.loaded.connect(self._loaded)
        self.model.failed.connect(lambda text: self.state.setText(
            self.tr("The case could not be read: %1").replace("%1", text)))
        self.retranslate()

    def retranslate(self) -> None:
        self.model.lang = current_lang()
        self.reference_label.setText(self.tr("Ca&se / applicant:"))
        self.reference.setPlaceholderText(self.tr("Type or scan a reference, then Enter"))
        self.view.setAccessibleName(self.tr("The case's checks"))
        self.model.retranslate()
        self._show_state()

    def show_case(self, reference: str) -> None:
        self.reference.setText(reference)
        self.refresh()

    def refresh(self) -> None:
        self.model.load(self.reference.text())

    def _loaded(self) -> None:
        self._show_state()
        found = self.model.case
        lang = self.model.lang
        lines = []
        for record in found.records if found is not None else ():
            if record.kind == "decision":
                what = decision_summary(record, lang)
            elif record.kind == "check":
                what = self.tr("checked: %1").replace("%1", verdict_word(
                    Verdict(record.verdict), lang) if record.verdict in _VERDICTS
                    else record.verdict)
            else:
                what = record.kind  # the trail's other events keep their own name
            when = datetime.fromtimestamp(record.at).strftime("%Y-%m-%d %H:%M:%S")
            lines.append(" · ".join(p for p in (when, what, record.source,
                                                record.operator, record.note) if p))
        self.records.setPlainText("\n".join(lines))
        if found is not None and found.items and not self.view.currentIndex().isValid():
            self.view.selectionModel().setCurrentIndex(
                self.model.index(0, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
        self.currentChanged.emit()

    def _show_state(self) -> None:
        found = self.model.case
        if found is None:
            self.state.setText(self.tr("Type or scan a case/applicant reference to see its "
                                       "photos, checks and decisions."))
            self.state.setStyleSheet("")
            return
        if not found.items:
            self.state.setText(self.tr("Case %1: no checks yet.").replace("%1", found.reference))
            self.state.setStyleSheet("")
        elif found.complete:
            self.state.setText(self.tr("✔ Case %1 is complete: %2 photo(s), every check "
                                       "decided.").replace("%1", found.reference)
                               .replace("%2", str(len(found.photos))))
            self.state.setStyleSheet(f"color: {verdict_color(Verdict.PASS)}; font-weight: bold;")
        else:
            self.state.setText(self.tr("Case %1 is not complete: %2 of %3 check(s) still need a "
                                       "decision.").replace("%1", found.reference)
                               .replace("%2", str(len(found.open_items)))
                               .replace("%3", str(len(found.items))))
            self.state.setStyleSheet("font-weight: bold;")

    def current_item(self) -> WorkItem | None:
        index = self.view.currentIndex()
        return self.model.item(index.row()) if index.isValid() else None

    def selected_items(self) -> list[WorkItem]:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [item for r in rows if (item := self.model.item(r)) is not None]

    def select_next(self, skip: set[str]) -> bool:
        """The case's next open check after the current one (wrapping round), the selection
        moved; False when nothing of the case is open."""
        items = self.model.records()
        current = self.view.currentIndex().row() if self.view.currentIndex().isValid() else -1
        for step in range(1, len(items) + 1):
            row = (current + step) % len(items)
            item = items[row]
            if item.state is not WorkState.DECIDED and item.check.id not in skip:
                self.view.selectionModel().setCurrentIndex(
                    self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows)
                return True
        return False
