"""The operator's decision on one judged photo: Accept, Reject or Escalate, a reason from the
configured list, an optional note and case/applicant reference (typed or scanned).

Keyboard-first: Alt+A / Alt+R / Alt+E decide; a barcode scanner's "text + Enter" in the
reference field fills it and leaves focus ready for the decision key. The rule that an
override needs a reason is the core's (``trail.is_override``); this panel only asks for the
reason before the core would refuse. It records nothing itself: it emits ``decided`` and the
desk records through ``History.decide`` on a worker, then moves to the next photo.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from livedetect_gui.core.trail.chain import Decision, is_override
from livedetect_gui.core.trail.reasons import DEFAULT_REASONS, Reason
from livedetect_gui.core.verdict import Outcome, Verdict, verdict_word
from livedetect_gui.ui.audit.history_view import current_lang
from livedetect_gui.ui.common.theme import verdict_color

VERDICTS = frozenset(v.value for v in Outcome)  # a verdict, or a refusal (never judged)
SHORTCUTS = {Decision.ACCEPT: "Alt+A", Decision.REJECT: "Alt+R", Decision.ESCALATE: "Alt+E"}


class DecisionPanel(QWidget):
    # check id, decision ("accept"/"reject"/"escalate"), reason key ("" for none), note,
    # reference: the arguments of History.decide.
    decided = Signal(str, str, str, str, str)
    # Ctrl+Home inside the panel: the operator wants the list back (the window focuses the
    # active view), never trapped in the panel after a "choose a reason" message.
    leave = Signal()

    def __init__(self, reasons: Sequence[Reason] = DEFAULT_REASONS,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reasons = tuple(reasons)
        self.check_id: str | None = None
        self.verdict = ""
        self.verdicts: tuple[str, ...] = ()  # several checks decided at once: each verdict
        self.summary = QLabel()
        self.summary.setObjectName("decisionSummary")
        self.reason = QComboBox()
        self.reason.setObjectName("decisionReason")
        self.note = QLineEdit()
        self.note.setObjectName("decisionNote")
        self.reference = QLineEdit()
        self.reference.setObjectName("decisionReference")
        # A scanner types the code and presses Enter: keep the code, go on to deciding.
        self.reference.returnPressed.connect(self._reference_done)
        self.problem = QLabel()
        self.problem.setObjectName("decisionProblem")
        self.problem.setStyleSheet(f"color: {verdict_color(Verdict.FAIL)};")
        self.buttons = {d: QPushButton() for d in Decision}
        # Explicit shortcuts, not button mnemonics: mnemonics are off on some platforms.
        self.shortcuts: dict[Decision, QShortcut] = {}
        for decision, button in self.buttons.items():
            button.setObjectName(f"decide_{decision.value}")
            button.clicked.connect(lambda _=False, d=decision: self.decide(d))
            shortcut = QShortcut(QKeySequence(SHORTCUTS[decision]), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda d=decision: self.decide(d))
            self.shortcuts[decision] = shortcut
        back = QShortcut(QKeySequence("Ctrl+Home"), self)
        back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        back.activated.connect(self.leave)
        self.form = QFormLayout()
        self.reason_label, self.note_label, self.reference_label = QLabel(), QLabel(), QLabel()
        self.form.addRow(self.reason_label, self.reason)
        self.form.addRow(self.note_label, self.note)
        self.form.addRow(self.reference_label, self.reference)
        for label, field in ((self.reason_label, self.reason), (self.note_label, self.note),
                             (self.reference_label, self.reference)):
            label.setBuddy(field)
        row = QHBoxLayout()
        for button in self.buttons.values():
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(self.form)
        layout.addLayout(row)
        layout.addWidget(self.problem)
        self.retranslate()
        self.set_check(None)

    def retranslate(self) -> None:
        lang = current_lang()
        self.buttons[Decision.ACCEPT].setText(self.tr("Accept (Alt+A)"))
        self.buttons[Decision.REJECT].setText(self.tr("Reject (Alt+R)"))
        self.buttons[Decision.ESCALATE].setText(self.tr("Escalate (Alt+E)"))
        self.reason_label.setText(self.tr("Reas&on"))
        self.note_label.setText(self.tr("&Note"))
        self.reference_label.setText(self.tr("Case / a&pplicant reference"))
        self.reference.setPlaceholderText(self.tr("Type or scan"))
        current = self.reason.currentIndex()
        self.reason.clear()
        self.reason.addItem(self.tr("(no reason)"), "")
        for reason in self.reasons:
            self.reason.addItem(reason.label(lang), reason.key)
        self.reason.setCurrentIndex(max(0, current))

    def set_check(self, check_id: str | None, verdict: str = "", source: str = "") -> None:
        """The check to decide (its record id from ``History.record``); None: nothing to
        decide, the panel is disabled. Clears the previous photo's reason, note, reference."""
        self.check_id, self.verdict = check_id, verdict
        self.verdicts = (verdict,)
        self.setEnabled(check_id is not None)
        self.reason.setCurrentIndex(0)
        self.note.clear()
        self.reference.clear()
        self.problem.clear()
        word = verdict_word(Outcome(verdict), current_lang()) if verdict in VERDICTS else verdict
        self.summary.setText(f"{source} — {word}" if check_id else "")

    def _reference_done(self) -> None:
        self.buttons[Decision.ACCEPT if self.verdict == Verdict.PASS.value
                     else Decision.REJECT].setFocus()

    def decide(self, decision: Decision | str) -> bool:
        """Emit the decision, or say what is missing. Returns whether it was emitted."""
        decision = Decision(decision)
        if self.check_id is None or not self.buttons[decision].isEnabled():
            return False  # nothing selected, or not offered (Accept on a never-judged photo)
        reason = self.reason.currentData() or ""
        if any(is_override(decision, v) for v in self.verdicts) and not reason:
            self.problem.setText(self.tr(
                "This decision goes against the machine's verdict: choose a reason."))
            self.reason.setFocus()
            return False
        self.problem.clear()
        self.decided.emit(self.check_id, decision.value, reason, self.note.text().strip(),
                          self.reference.text().strip())
        return True
