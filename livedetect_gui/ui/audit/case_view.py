"""A case (an applicant, a file number): its photos, checks and decisions, and whether it is
complete, read through the core's ``case`` on the trail pool (what belongs to a case and when
it is complete are the core's rules).

The view shows and selects; the desk's decision panel decides the selected check.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from livedetect_gui.core.trail.cases import Case, case
from livedetect_gui.core.trail.lazy_history import LazyHistory
from livedetect_gui.core.trail.reasons import decision_summary
from livedetect_gui.core.trail.worklist import WorkItem, WorkState
from livedetect_gui.core.verdict import Verdict, verdict_word
from livedetect_gui.ui.audit.history_model import current_lang, opened
from livedetect_gui.ui.audit.work_items import (
    VERDICTS,
    WorkItemsModel,
    move_to,
    next_row,
    selected,
    work_table,
)
from livedetect_gui.ui.common.tasks import TaskRunner
from livedetect_gui.ui.common.theme import verdict_color


class CaseModel(WorkItemsModel):
    COLUMNS = ("time", "source", "verdict", "score", "state", "decision")

    def __init__(self, history: LazyHistory, tasks: TaskRunner, pool: QThreadPool,
                 parent: QObject | None = None) -> None:
        super().__init__(history, tasks, pool, parent)
        self.case: Case | None = None
        self.decisions: dict[str, str] = {}  # check id -> its latest decision, in a line

    def work_items(self) -> tuple[WorkItem, ...]:
        return self.case.items if self.case is not None else ()

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Checked"), self.tr("Photo"), self.tr("Verdict"), self.tr("Score"),
                self.tr("State"), self.tr("Decision"))

    def refresh_case(self, reference: str) -> None:
        history, lang, reference = self.history, self.lang, reference.strip()

        def read() -> tuple[Case | None, dict[str, str]]:
            if not reference:
                return None, {}
            found = case(opened(history), reference)
            latest: dict[str, str] = {}
            for record in found.records:  # trail order: the newest decision wins
                if record.kind == "decision" and record.check_id:
                    latest[record.check_id] = " · ".join(p for p in (
                        decision_summary(record, lang), record.operator,
                        _when(record.at)) if p)
            return found, latest

        def apply(found: tuple[Case | None, dict[str, str]]) -> None:
            self.case, self.decisions = found

        self.load(read, apply)

    def text_of(self, item: WorkItem, column: str) -> str:
        if column == "decision":
            return self.decisions.get(item.check.id, "") if item.decision_id else ""
        return super().text_of(item, column)


def _when(at: float) -> str:
    return datetime.fromtimestamp(at).strftime("%Y-%m-%d %H:%M:%S")


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
        self.view = work_table("caseView", self.model, (140, 200, 70, 60, 120))
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
        self._keep: str | None = None  # the check to select again after a read
        self.model.loaded.connect(self._loaded)
        self.model.failed.connect(lambda text: self.state.setText(
            self.tr("The case could not be read: %1").replace("%1", text)))
        self.retranslate()

    def retranslate(self) -> None:
        self.model.lang = current_lang()
        self.reference_label.setText(self.tr("Case / app&licant:"))
        self.reference.setPlaceholderText(self.tr("Type or scan a reference, then Enter"))
        self.view.setAccessibleName(self.tr("The case's checks"))
        self.model.retranslate()
        self._show_state()

    def show_case(self, reference: str) -> None:
        self.reference.setText(reference)
        self.refresh()

    def refresh(self) -> None:
        current = self.current_item()
        self._keep = current.check.id if current is not None else None
        self.model.refresh_case(self.reference.text())

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
                    Verdict(record.verdict), lang) if record.verdict in VERDICTS
                    else record.verdict)
            else:
                what = record.kind  # the trail's other events keep their own name
            lines.append(" · ".join(p for p in (_when(record.at), what, record.source,
                                                record.operator, record.note) if p))
        self.records.setPlainText("\n".join(lines))
        if found is not None and found.items:
            # The check selected before the read stays selected; else the first still open.
            row = self.model.row_of(self._keep) if self._keep else None
            if row is None:
                row = next((n for n, i in enumerate(found.items)
                            if i.state is not WorkState.DECIDED), 0)
            move_to(self.view, row)
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
        """The selection, the current check first."""
        return selected(self.view, self.model)

    def select_next(self, skip: set[str]) -> bool:
        """The case's next open check after the current one (wrapping round), the selection
        moved; False when nothing of the case is open."""
        row = next_row(self.view, self.model, lambda item: item.state is not WorkState.DECIDED
                       and item.check.id not in skip)
        if row is None:
            return False
        move_to(self.view, row)
        return True
