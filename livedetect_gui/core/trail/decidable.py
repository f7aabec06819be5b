"""Which checks are results to decide, which decisions still count, which photos are held: the
one rule, as SQL on a row of ``records`` (an alias or the table's name), so the worklist, the
history's filters and ``livedetect history --state`` can never disagree.

API::

    voided(decision) -> str      a record voids this decision (withdrawn, approval refused)
    decidable(check) -> str      a result to decide: judged (PASS/FAIL), not superseded
    superseded(check) -> str     taken off the desk, or judged again after a re-check
    undecided(check) -> str      decidable, and no decision that counts
    held(check) -> str           held by the pre-checks and never sent since

Only a judgement is something to decide: a photo refused before sending, held by a pre-check,
taken off the desk or checked again on request was never judged (or no longer stands). A check
someone did decide (an escalated service error, say) stays in the worklist with its decision.
"""

from __future__ import annotations

from livedetect_gui.core.trail.chain import Kind

JUDGED = "('pass', 'fail')"


def voided(decision: str) -> str:
    """SQL: a record voids the decision row ``decision`` (a table name or alias): it was
    withdrawn, or its approval refused. Such a decision no longer counts anywhere."""
    return (f"SELECT 1 FROM records v WHERE v.check_id = {decision}.check_id "
            f"AND v.detail = {decision}.id AND (v.kind = '{Kind.WITHDRAWAL.value}' OR "
            f"(v.kind = '{Kind.APPROVAL.value}' AND v.decision = 'refuse'))")


def same_photo(other: str, check: str) -> str:
    """SQL: record ``other`` is of the same photo as ``check`` (its content, else its name)."""
    return (f"({other}.source_sha256 = {check}.source_sha256 OR ({check}.source_sha256 IS NULL "
            f"AND {other}.source_sha256 IS NULL AND {other}.source = {check}.source))")


def superseded(check: str) -> str:
    """SQL: the check's photo was taken off the desk, or checked again on request and judged
    again since (a re-check that failed or was stopped leaves the first judgement standing)."""
    judged_again = (f"EXISTS (SELECT 1 FROM records s WHERE s.seq > e.seq "
                    f"AND s.kind = '{Kind.CHECK.value}' AND s.verdict IN {JUDGED} "
                    f"AND {same_photo('s', check)})")
    return (f"EXISTS (SELECT 1 FROM records e WHERE e.check_id = {check}.id AND "
            f"(e.kind = '{Kind.REMOVED.value}' OR (e.kind = '{Kind.RECHECK.value}' "
            f"AND {judged_again})))")


def counting_decision(check: str) -> str:
    """SQL: a decision on the check that still counts."""
    return (f"EXISTS (SELECT 1 FROM records d WHERE d.check_id = {check}.id "
            f"AND d.kind = '{Kind.DECISION.value}' AND NOT EXISTS ({voided('d')}))")


def decidable(check: str) -> str:
    return (f"({check}.kind = '{Kind.CHECK.value}' AND {check}.verdict IN {JUDGED} "
            f"AND NOT {superseded(check)})")


def undecided(check: str) -> str:
    return f"({decidable(check)} AND NOT {counting_decision(check)})"


def held(check: str) -> str:
    """SQL: a check record of a photo the pre-checks held, with no later send of the same
    content (sent anyway, or judged since)."""
    return (f"({check}.kind = '{Kind.CHECK.value}' AND {check}.problem_key LIKE 'held%' "
            f"AND NOT EXISTS (SELECT 1 FROM records s WHERE s.seq > {check}.seq "
            f"AND {same_photo('s', check)} "
            f"AND (s.kind = '{Kind.SENT_ANYWAY.value}' OR (s.kind = '{Kind.CHECK.value}' "
            f"AND s.verdict IN {JUDGED}))))")
