"""The window's side of deciding, kept out of the main window: the decision commands (Alt+A/R/E,
agree with the verdicts, undo, approve, refuse), one confirmation for a decision on several
records, moving on to the next item to decide, and showing the core's answers. Every rule is
the core's; this asks the operator and forwards.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox, QStatusBar, QWidget

from livedetect_gui.core.trail.chain import Decision, Kind, Record
from livedetect_gui.core.trail.reasons import decision_word
from livedetect_gui.ui.desk.controller import Desk
from livedetect_gui.ui.queue.decisions import DecisionArea
from livedetect_gui.ui.window.views import HISTORY, QUEUE, DeskViews


class DecisionFlow(QObject):
    def __init__(self, window: QWidget, desk: Desk, views: DeskViews, area: DecisionArea,
                 status: Callable[[], QStatusBar]) -> None:
        super().__init__(window)
        self.window, self.desk, self.views, self.area = window, desk, views, area
        self.status = status
        self.confirm_box: QMessageBox | None = None
        area.decided.connect(self.decide)
        area.reviewed.connect(self.review)
        area.panel.leave.connect(views.focus)
        desk.decisionRefused.connect(self._refused)
        desk.decisions.recorded.connect(self._recorded)

    # -- commands -----------------------------------------------------------------------------

    def decide_accept(self) -> None:
        self.decide_key("accept")

    def decide_reject(self) -> None:
        self.decide_key("reject")

    def decide_escalate(self) -> None:
        self.decide_key("escalate")

    def set_case(self, reference: str) -> None:
        """A reference typed or scanned (code + Enter): the next photos come in under it, and
        the Case view shows it."""
        self.desk.set_case(reference)
        self.views.case.show_case(reference)
        self.status().showMessage(
            self.tr("Case for the next photos: %1").replace("%1", reference) if reference
            else self.tr("No case: the next photos come in without a reference."), 8000)

    def focus_case(self) -> None:
        field = self.window.case_field  # type: ignore[attr-defined]
        field.edit.setFocus()
        field.edit.selectAll()

    def decide_key(self, decision: str) -> None:
        """Alt+A / Alt+R / Alt+E wherever the focus is: the panel asks what it must (a reason
        against the verdict) and emits ``decided``."""
        self.area.panel.decide(decision)

    def decide(self, check_ids: Sequence[str], decision: str, reason: str = "",
               note: str = "", reference: str = "") -> None:
        """One record per check; several are confirmed once, with their count."""
        ids = tuple(check_ids)
        if len(ids) <= 1:
            self._write({decision: list(ids)}, reason, note, reference)
            return
        word = decision_word(decision, self.desk.lang)
        self._confirm(self.tr("%1 the %2 selected photos? One record is written for each.")
                      .replace("%1", word).replace("%2", str(len(ids))),
                      lambda: self._write({decision: list(ids)}, reason, note, reference))

    def agree(self) -> None:
        """Each selected check decided as the machine judged it (accept a PASS, reject a
        FAIL; the core's override rule says which agrees), confirmed once."""
        subject = self.views.subject()
        groups = subject.agreeing() if subject is not None else {}
        if not groups:
            self.status().showMessage(self.tr("Select checked photos with a PASS or FAIL "
                                              "verdict first."), 8000)
            return
        accept, reject = (len(groups.get(d.value, ())) for d in (Decision.ACCEPT,
                                                                  Decision.REJECT))
        text = self.tr("Decide as the machine judged: accept %1 PASS and reject %2 FAIL "
                       "photo(s)? One record is written for each.").replace(
            "%1", str(accept)).replace("%2", str(reject))
        self._confirm(text, lambda: self._write(groups, "", "", ""))

    def undo(self) -> None:
        """Withdraw the operator's newest decision that still counts (the core finds it)."""
        self.desk.decisions.withdraw()

    def review(self, record_id: str, approve: bool, reason: str, note: str) -> None:
        if approve:
            self.desk.decisions.approve(record_id, note)
        else:
            self.desk.decisions.refuse(record_id, note, reason)

    def approve(self) -> None:
        self.area._review(True)

    def refuse(self) -> None:
        self.area._review(False)

    # -- writing and moving on ---------------------------------------------------------------

    def _confirm(self, text: str, then: Callable[[], None]) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Decide on several photos"), text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                          self.window)
        box.setObjectName("batchDecisionBox")
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda answer: then() if answer == QMessageBox.StandardButton.Yes
                             else None)
        self.confirm_box = box
        box.open()

    def _write(self, groups: dict[str, list[str]], reason: str, note: str,
               reference: str) -> None:
        decided: list[str] = []
        for decision, ids in groups.items():
            if ids and self.desk.decisions.decide(ids, decision, reason, note, reference):
                decided += ids
        if not decided or self.views.active == HISTORY:
            return  # History stays on the record decided: its row shows the new decision
        if not self.views.select_next(tuple(decided)) and self.views.active == QUEUE:
            self.status().showMessage(self.tr("Every checked photo has a decision."), 5000)

    def next_item(self) -> None:
        if not self.views.select_next():
            self.status().showMessage(self.tr("Every checked photo has a decision.")
                                      if self.views.active == QUEUE
                                      else self.tr("Nothing else waits for a decision."), 5000)

    def _refused(self, check_id: str, text: str) -> None:
        """The core's answer, where the operator decides; a queue row comes back into view."""
        if self.views.active == QUEUE:
            for item in self.desk.model.items():
                if item.record_id == check_id and (row := self.desk.model.row_of(item.id)) \
                        is not None:
                    self.views.queue_view.select_only(row)
                    break
        self.area.show_problem(text)
        self.status().showMessage(text, 10_000)

    def _recorded(self, records: list[Record]) -> None:
        if not records:
            return
        kind, lang = records[0].kind, self.desk.lang
        if kind == Kind.WITHDRAWAL:
            text = self.tr("Withdrawn: your decision on %1.").replace("%1", records[0].source)
        elif kind == Kind.APPROVAL:
            text = (self.tr("Approved: %1.") if records[0].decision == "approve"
                    else self.tr("Refused: %1 is open again.")).replace("%1", records[0].source)
        elif records[0].problem_key == "awaiting_approval":
            text = self.tr("%n decision(s) recorded, awaiting another operator's approval.",
                           "", len(records))
        else:
            text = self.tr("%n decision(s) recorded: %1.", "", len(records)).replace(
                "%1", decision_word(records[0].decision or "", lang))
        self.status().showMessage(text, 8000)
