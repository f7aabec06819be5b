"""The operator's decisions at the desk: one decision panel beside the active view, bound to
the record selected there (a queue row, a worklist item, a history record, a case's check).

Each view says what is selected as a ``Subject`` (the check records, their verdicts, where they
stand); the panel asks, the desk controller records (``Decisions`` on a worker, by the core's
rules) and every view shows the outcome. A decision goes to the subject's check ids, never to
"the queue's current photo": what is selected in the active view is what is decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from livedetect_gui.core.trail.chain import Decision, is_override
from livedetect_gui.core.trail.reasons import DEFAULT_REASONS, Reason
from livedetect_gui.core.trail.worklist import WorkState, state_word
from livedetect_gui.core.verdict import Outcome
from livedetect_gui.ui.audit.history_model import current_lang
from livedetect_gui.ui.queue.decision_panel import VERDICTS, DecisionPanel


@dataclass(frozen=True)
class Subject:
    """What the active view has selected to decide: one check or several (a batch)."""

    check_ids: tuple[str, ...]
    verdicts: tuple[str, ...]  # the machine's verdict of each, in the same order
    source: str = ""  # the photo's name (the first one's, for a batch)
    state: WorkState | None = None  # the single check's state, when known
    decision_id: str | None = None  # its pending decision (awaiting approval)
    maker: str = ""  # who made that pending decision
    reference: str = ""  # the case/applicant reference it came in under

    @property
    def count(self) -> int:
        return len(self.check_ids)

    @property
    def verdict(self) -> str:
        return self.verdicts[0] if len(set(self.verdicts)) == 1 else ""

    @property
    def judged(self) -> bool:
        """At least one of the checks has a verdict from a score (PASS or FAIL)."""
        return any(v in ("pass", "fail") for v in self.verdicts)

    @property
    def decidable(self) -> bool:
        """Something was sent: a photo refused before sending has nothing to decide."""
        return any(Outcome(v).decidable for v in self.verdicts if v in VERDICTS)

    @property
    def pending(self) -> bool:
        return self.count == 1 and self.state is WorkState.AWAITING_APPROVAL

    def overrides(self, decision: Decision) -> bool:
        """The core's rule, for any of the checks: a reason is needed."""
        return any(is_override(decision, v) for v in self.verdicts)

    def agreeing(self) -> dict[str, list[str]]:
        """Each check with the decision that agrees with its verdict (the core's override
        rule): accepted when accepting does not override, rejected when rejecting does not.
        A check with no agreeing decision (an error) is left out."""
        found: dict[str, list[str]] = {}
        for check_id, verdict in zip(self.check_ids, self.verdicts, strict=True):
            if verdict == Outcome.REFUSED.value:
                continue  # never judged: removed, not decided
            for decision in (Decision.ACCEPT, Decision.REJECT):
                if not is_override(decision, verdict):
                    found.setdefault(decision.value, []).append(check_id)
                    break
        return found


class DecisionArea(QFrame):
    """The decision panel for the active view's selection. ``decided`` carries the check ids
    with the panel's arguments; ``reviewed`` a second operator's answer to a pending one."""

    decided = Signal(object, str, str, str, str)  # check ids, decision, reason, note, reference
    reviewed = Signal(str, bool, str, str)  # record id, approve?, reason, note

    def __init__(self, reasons: Sequence[Reason] = DEFAULT_REASONS,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("decisionArea")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel()
        self.title.setObjectName("decisionTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.panel = DecisionPanel(reasons)
        self.panel.layout().setContentsMargins(0, 0, 0, 0)
        self.panel.summary.setWordWrap(True)
        # Keyboard-first: Alt+A/R/E decide wherever the focus is in the window (the queue,
        # the worklist, the history), not only inside the panel.
        for shortcut in self.panel.shortcuts.values():
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self.panel.decided.connect(self._decided)
        # Narrow beside the capture dock at 1024 px: labels go above their fields, and the
        # buttons may shrink, so the queue keeps its width.
        self.panel.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.panel.reason.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.panel.reason.setMinimumContentsLength(12)  # long reasons: the popup shows them
        for button in self.panel.buttons.values():
            button.setMinimumWidth(72)
        # Four eyes: a decision awaiting approval is approved or refused here (never by its
        # maker: the core refuses, and its message shows below).
        self.approve_button = QPushButton()
        self.approve_button.setObjectName("approveButton")
        self.refuse_button = QPushButton()
        self.refuse_button.setObjectName("refuseButton")
        self.approve_button.clicked.connect(lambda: self._review(True))
        self.refuse_button.clicked.connect(lambda: self._review(False))
        self.review_row = QWidget()
        row = QHBoxLayout(self.review_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.approve_button)
        row.addWidget(self.refuse_button)
        self.review_row.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.panel)
        layout.addWidget(self.review_row)
        layout.addStretch(1)  # tall beside the worklist: the fields stay at the top
        self.subject: Subject | None = None

    def retranslate(self) -> None:
        self.title.setText(self.tr("Operator's decision"))
        self.panel.retranslate()
        self.approve_button.setText(self.tr("Approve"))
        self.refuse_button.setText(self.tr("Refuse"))
        for button in (*self.panel.buttons.values(), self.approve_button, self.refuse_button):
            button.setToolTip(button.text())  # whole, when a narrow window clips it
        self._show_subject()

    def set_reasons(self, reasons: Sequence[Reason]) -> None:
        self.panel.reasons = tuple(reasons)
        self.panel.retranslate()

    def follow(self, subject: Subject | None) -> None:
        """Decide ``subject`` (the active view's selection). The same records again keep the
        reason, note and reference typed so far."""
        if subject == self.subject:
            return
        same = (subject is not None and self.subject is not None
                and subject.check_ids == self.subject.check_ids)
        self.subject = subject
        if not same:
            if subject is None:
                self.panel.set_check(None)
            else:
                self.panel.set_check(subject.check_ids[0], subject.verdict, subject.source)
                self.panel.verdicts = subject.verdicts
        self._show_subject()

    def _show_subject(self) -> None:
        subject = self.subject
        pending = subject is not None and subject.pending
        self.review_row.setVisible(pending)
        # A photo never judged (an error) has nothing to accept: Reject or Escalate. One refused
        # before sending was not even sent: nothing to decide at all; it is removed.
        decidable = subject is None or subject.decidable
        self.panel.buttons[Decision.ACCEPT].setEnabled(decidable and (
            subject is None or subject.judged))
        for widget in (self.panel.buttons[Decision.REJECT], self.panel.buttons[Decision.ESCALATE],
                       self.panel.reason, self.panel.note, self.panel.reference):
            widget.setEnabled(decidable)
        if subject is None:
            return
        if not decidable:  # said plainly, not in the colour of a refused decision
            self.panel.summary.setText(self.panel.summary.text().split("\n")[0] + "\n" + self.tr(
                "Nothing was judged, so there is nothing to decide: remove it from the queue "
                "(Delete)."))
            return
        if subject.count > 1:
            self.panel.summary.setText(self.tr("%n photo(s) selected: one record each", "",
                                               subject.count))
        elif subject.state is not None and subject.state is not WorkState.UNDECIDED:
            said = state_word(subject.state, current_lang())
            if subject.maker:
                said += f" ({subject.maker})"
            text = self.panel.summary.text().split(" · ")[0]
            self.panel.summary.setText(f"{text} · {said}")

    def show_problem(self, text: str) -> None:
        """The core refused (an override with no reason, one's own approval): say why."""
        self.panel.problem.setText(text)
        if self.panel.isEnabled():
            self.panel.reason.setFocus()

    def _decided(self, _check_id: str, decision: str, reason: str, note: str,
                 reference: str) -> None:
        subject = self.subject
        if subject is not None:
            self.decided.emit(subject.check_ids, decision, reason, note, reference)
            if self.subject is subject:  # nothing else to decide: fresh fields, same photo
                self.panel.set_check(subject.check_ids[0], subject.verdict, subject.source)
                self.panel.verdicts = subject.verdicts
                self._show_subject()

    def _review(self, approve: bool) -> None:
        subject = self.subject
        if subject is not None and subject.pending:
            self.reviewed.emit(subject.decision_id or subject.check_ids[0], approve,
                               self.panel.reason.currentData() or "",
                               self.panel.note.text().strip())
