"""Operators' decisions on checks: decide (one check or many), four-eyes approval, undo.

API (the desk and ``livedetect decide`` call only this)::

    ReviewPolicy(four_eyes=False, reasons=DEFAULT_REASONS)   the centre's settings
    Review(history, policy)
        .decide(check_id, decision, reason=None, note="", reference="") -> Record
        .decide_many(check_ids, decision, reason=None, note="", reference="") -> list[Record]
        .approve(decision_id, note="") -> Record        a second operator's yes (the id of
                                                        the decision, or of its check)
        .refuse(decision_id, note="", reason=None) -> Record   ... or no (the check is open again)
        .withdraw(check_id=None) -> Record              undo the operator's newest decision
    DecisionError(key, detail).message(lang)            every refusal, EN and ZH

Every step is a new record; nothing is ever edited. With ``four_eyes`` on, a decision against
the machine's verdict and every escalation are written *pending*
(``problem_key = "awaiting_approval"``) and count only once another operator approves them.
The maker can never approve or refuse their own: the core refuses, whatever the front end
shows. Refusing a pending decision voids it (the check is undecided again); withdrawing one's
own decision voids it too (a ``withdrawal`` record naming it).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from livedetect_gui.core.trail.chain import (
    Decision,
    DecisionError,
    Kind,
    Record,
    new_id,
)
from livedetect_gui.core.trail.decision_rules import (
    ReviewPolicy,
    checked_reason,
    decision_record,
)
from livedetect_gui.core.trail.worklist import PENDING, WorkItem, Worklist, WorkState

if TYPE_CHECKING:
    from livedetect_gui.core.trail.history import History

class Review:
    def __init__(self, history: History, policy: ReviewPolicy = ReviewPolicy()) -> None:  # noqa: B008 - frozen
        self.history = history
        self.policy = policy
        self.worklist = Worklist(history)

    def decide(self, check_id: str, decision: Decision | str, reason: str | None = None,
               note: str = "", reference: str = "") -> Record:
        return self.decide_many([check_id], decision, reason, note, reference)[0]

    def decide_many(self, check_ids: Sequence[str], decision: Decision | str,
                    reason: str | None = None, note: str = "",
                    reference: str = "") -> list[Record]:
        """One record per check, written together: all or none (any refusal raises before
        anything is written)."""
        decision = Decision(decision)
        ids = list(dict.fromkeys(check_ids))
        if not ids:
            raise DecisionError("no_checks")
        records = []
        for check_id in ids:
            check = self.history.get(check_id)
            if check is None:
                raise DecisionError("unknown_check", check_id)
            records.append(decision_record(self.history, check, decision, reason, note,
                                           reference, self.policy.reasons,
                                           self.policy.four_eyes))
        return self._append(records)

    def approve(self, decision_id: str, note: str = "") -> Record:
        return self._review(decision_id, "approve", note, None)

    def refuse(self, decision_id: str, note: str = "", reason: str | None = None) -> Record:
        return self._review(decision_id, "refuse", note, reason)

    def _review(self, decision_id: str, verb: str, note: str, reason: str | None) -> Record:
        """The checker's step on a pending decision: never the maker's own."""
        checked_reason(reason, self.policy.reasons)
        pending = self._pending(decision_id)
        if not self.history.operator:
            raise DecisionError("operator_required")
        if pending.operator == self.history.operator:
            raise DecisionError("own_approval", decision_id)
        return self._append([self._follow_up(pending, Kind.APPROVAL, verb, note, reason)])[0]

    def _pending(self, decision_id: str) -> Record:
        """The pending decision ``decision_id`` names (or the pending decision on the check
        it names: the worklist shows either)."""
        record = self.history.get(decision_id)
        if record is None:
            raise DecisionError("unknown_record", decision_id)
        if record.kind == Kind.CHECK:
            item = self.worklist.states([record.id]).get(record.id)
            if item is None or item.state is not WorkState.AWAITING_APPROVAL:
                raise DecisionError("not_pending", decision_id)
            record = self.history.get(item.decision_id or "") or record
        item = self.worklist.states([record.check_id or ""]).get(record.check_id or "")
        if (record.kind != Kind.DECISION or item is None
                or item.state is not WorkState.AWAITING_APPROVAL
                or item.decision_id != record.id):
            raise DecisionError("not_pending", decision_id)
        return record

    def withdraw(self, check_id: str | None = None) -> Record:
        """Undo: the operator's newest decision that still counts (on ``check_id``, or on
        any check) is withdrawn by a superseding record. An approved decision is final."""
        item = self._own_newest(check_id)
        if item is None or item.decision_id is None:
            raise DecisionError("nothing_to_withdraw", f" ({check_id})" if check_id else "")
        decision = self.history.get(item.decision_id)
        assert decision is not None  # the worklist just named it
        if decision.problem_key == PENDING and item.state is not WorkState.AWAITING_APPROVAL:
            raise DecisionError("approved_final")
        return self._append([self._follow_up(decision, Kind.WITHDRAWAL, "", "", None)])[0]

    def _own_newest(self, check_id: str | None) -> WorkItem | None:
        operator = self.history.operator
        if check_id is not None:
            item = self.worklist.states([check_id]).get(check_id)
            return item if item is not None and item.maker == operator else None
        # The operator's newest decisions, newest first: the first that still counts.
        rows = self.history.store.select_rows(
            "SELECT check_id FROM records WHERE kind = ? AND operator = ? "
            "ORDER BY seq DESC LIMIT 50", [Kind.DECISION.value, operator])
        ids = [row["check_id"] for row in rows if row["check_id"]]
        states = self.worklist.states(ids)
        for cid in ids:
            item = states.get(cid)
            if item is not None and item.decision_id and item.maker == operator:
                return item
        return None

    def _follow_up(self, decision: Record, kind: Kind, verb: str, note: str,
                   reason: str | None) -> Record:
        history = self.history
        return Record(
            id=new_id(), kind=kind.value, at=time.time(), operator=history.operator,
            os_user=history.os_user, desk=history.desk, source=decision.source,
            sha256=decision.sha256, verdict=decision.verdict, simulated=decision.simulated,
            check_id=decision.check_id, decision=verb or None, reason=reason,
            note=note.strip(), reference=decision.reference, detail=decision.id)

    def _append(self, records: list[Record]) -> list[Record]:
        return self.history.store.append(records)
