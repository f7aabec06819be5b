"""What needs a decision: the checks of the trail with no final decision yet, oldest first.

API (the desk's views and ``livedetect worklist`` use only this)::

    WorkState                      undecided | awaiting_approval | escalated | decided
    WorkItem(check, state, decision_id, maker)   one check and where it stands
    Worklist(history)
        .page(offset=0, limit=100, viewer="", states=OPEN, simulated=None) -> list[WorkItem]
        .counts(viewer="", simulated=None) -> dict[WorkState, int]
        .states(check_ids) -> dict[str, WorkItem]          any checks, decided or not
    state_sql(check_filter) -> str                         the one rule, as SQL

A check's state is read from the records that follow it, in SQL (paged, the same text on
SQLite and PostgreSQL), so it holds across restarts and, on a shared store, across desks:

- a decision counts unless a withdrawal or a refused approval names it (``detail``);
- the newest counting decision is the check's; none: *undecided*;
- a decision marked ``problem_key = "awaiting_approval"`` (four-eyes) with no approval record
  naming it is *awaiting_approval*; an escalation otherwise is *escalated* (it waits for a
  supervisor's decision); any other decision is *decided*.

Only judgements are results to decide (core/trail/decidable.py, the rule the history's
"undecided" filter shares): a refusal, a hold or another error nobody decided is not; a check
repeated on request (``recheck``) or taken off the desk (``removed``) no longer stands.
Awaiting-approval items are never in their maker's own worklist (``viewer``): four eyes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from livedetect_gui.core.trail.chain import FIELDS, Kind, Record, from_row
from livedetect_gui.core.trail.decidable import JUDGED, superseded, voided
from livedetect_gui.core.trail.decision_rules import PENDING

if TYPE_CHECKING:
    from livedetect_gui.core.trail.history import History



class WorkState(StrEnum):
    UNDECIDED = "undecided"
    AWAITING_APPROVAL = "awaiting_approval"
    ESCALATED = "escalated"
    DECIDED = "decided"


OPEN: tuple[WorkState, ...] = (WorkState.UNDECIDED, WorkState.AWAITING_APPROVAL,
                               WorkState.ESCALATED)

STATE_WORDS: dict[WorkState, tuple[str, str]] = {
    WorkState.UNDECIDED: ("undecided", "待决定"),
    WorkState.AWAITING_APPROVAL: ("awaiting approval", "待复核"),
    WorkState.ESCALATED: ("escalated", "已上报"),
    WorkState.DECIDED: ("decided", "已决定"),
}


def state_word(state: WorkState, lang: str = "en") -> str:
    en, zh = STATE_WORDS[state]
    return zh if lang.lower().startswith("zh") else en


@dataclass(frozen=True)
class WorkItem:
    check: Record
    state: WorkState
    decision_id: str | None = None  # the decision that counts (None: undecided)
    maker: str = ""  # who made that decision

    @property
    def record_id(self) -> str:
        """The id ``decide`` takes: the check's (or, awaiting approval, the decision's)."""
        return self.decision_id if self.state is WorkState.AWAITING_APPROVAL and \
            self.decision_id else self.check.id


_VOIDED = voided("d")
_APPROVED = (f"SELECT 1 FROM records a WHERE a.check_id = l.check_id AND a.detail = l.id "
             f"AND a.kind = '{Kind.APPROVAL.value}' AND a.decision = 'approve'")


def state_sql(check_filter: str) -> str:
    """Every check matching ``check_filter`` (SQL on ``c``, the check's row) with its state
    (``work_state``), counting decision (``work_decision``) and its maker (``work_maker``)."""
    columns = ", ".join(f"c.{name}" for name in FIELDS)
    return (
        "WITH live AS (SELECT d.seq, d.id, d.check_id, d.decision, d.problem_key, d.operator "
        f"FROM records d WHERE d.kind = '{Kind.DECISION.value}' AND d.check_id IS NOT NULL "
        f"AND NOT EXISTS ({_VOIDED})), "
        "newest AS (SELECT check_id, MAX(seq) AS seq FROM live GROUP BY check_id) "
        f"SELECT {columns}, "
        "CASE WHEN l.seq IS NULL THEN 'undecided' "
        f"WHEN l.problem_key = '{PENDING}' AND NOT EXISTS ({_APPROVED}) "
        "THEN 'awaiting_approval' "
        "WHEN l.decision = 'escalate' THEN 'escalated' ELSE 'decided' END AS work_state, "
        "l.id AS work_decision, l.operator AS work_maker "
        "FROM records c LEFT JOIN newest n ON n.check_id = c.id "
        "LEFT JOIN live l ON l.seq = n.seq "
        f"WHERE c.kind = '{Kind.CHECK.value}' AND NOT {superseded('c')} "
        # A judgement to decide, or a check someone decided anyway (an escalated error).
        f"AND (c.verdict IN {JUDGED} OR l.seq IS NOT NULL) AND ({check_filter})")


def item_from_row(row: dict[str, Any]) -> WorkItem:
    return WorkItem(from_row(row), WorkState(row["work_state"]), row["work_decision"],
                    row["work_maker"] or "")


class Worklist:
    def __init__(self, history: History) -> None:
        self.store = history.store

    def _where(self, states: Sequence[WorkState], viewer: str,
               simulated: bool | None) -> tuple[str, list[Any]]:
        wanted = [WorkState(s).value for s in states]
        clauses = [f"w.work_state IN ({', '.join('?' * len(wanted))})" if wanted else "1 = 0"]
        params: list[Any] = list(wanted)
        if viewer:
            clauses.append("NOT (w.work_state = ? AND w.work_maker = ?)")
            params += [WorkState.AWAITING_APPROVAL.value, viewer]
        if simulated is not None:
            clauses.append("w.simulated = ?")
            params.append(int(simulated))
        return " WHERE " + " AND ".join(clauses), params

    def page(self, offset: int = 0, limit: int = 100, viewer: str = "",
             states: Sequence[WorkState] = OPEN,
             simulated: bool | None = None) -> list[WorkItem]:
        """Checks in ``states``, oldest first; ``viewer``'s own pending decisions left out."""
        where, params = self._where(states, viewer, simulated)
        sql = (f"SELECT * FROM ({state_sql('1 = 1')}) w{where} ORDER BY w.at ASC, w.seq ASC "
               f"LIMIT {max(0, int(limit))} OFFSET {max(0, int(offset))}")
        return [item_from_row(row) for row in self.store.select_rows(sql, params)]

    def counts(self, viewer: str = "", simulated: bool | None = None) -> dict[WorkState, int]:
        """How many checks are in each state (every state, zeros included)."""
        where, params = self._where(list(WorkState), viewer, simulated)
        sql = (f"SELECT w.work_state AS state, COUNT(*) AS n FROM ({state_sql('1 = 1')}) w"
               f"{where} GROUP BY w.work_state")
        found = {WorkState(row["state"]): int(row["n"])
                 for row in self.store.select_rows(sql, params)}
        return {state: found.get(state, 0) for state in WorkState}

    def states(self, check_ids: Sequence[str]) -> dict[str, WorkItem]:
        """Where each of these checks stands (ids that are no decidable check are absent)."""
        found: dict[str, WorkItem] = {}
        ids = list(dict.fromkeys(check_ids))
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            sql = state_sql(f"c.id IN ({', '.join('?' * len(part))})")
            for row in self.store.select_rows(sql, part):
                item = item_from_row(row)
                found[item.check.id] = item
        return found
