"""The rules of one decision, shared by ``History.decide`` and ``Review``: a reason when the
decision goes against the machine's verdict, a configured reason, four-eyes pending. Kept apart
from both so neither imports the other."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from livedetect_gui.core.trail.chain import (
    DECISION_PROBLEMS,
    Decision,
    DecisionError,
    Kind,
    Record,
    is_override,
    new_id,
)
from livedetect_gui.core.trail.reasons import DEFAULT_REASONS, Reason

PENDING = "awaiting_approval"  # the problem_key of a decision waiting for a second operator

class Actor(Protocol):
    """Who records a decision (a History: its operator, OS login and desk)."""

    operator: str
    os_user: str
    desk: str


DECISION_PROBLEMS.update({
    "operator_required": ("Four-eyes review needs to know who decides: identify yourself first "
                          "(the desk's sign-in, or $LIVEDETECT_OPERATOR).",
                          "四眼复核需要知道是谁在决定：请先表明身份（登录本软件，或设置 "
                          "$LIVEDETECT_OPERATOR）。"),
    "own_approval": ("You made this decision: another operator must approve or refuse it.",
                     "此决定是您做出的：须由另一位操作员批准或驳回。"),
    "not_pending": ("Record {detail} is not a decision awaiting approval.",
                    "记录 {detail} 不是待复核的决定。"),
    "unknown_record": ("No record {detail} in the audit trail.", "审计记录中没有记录 {detail}。"),
    "nothing_to_withdraw": ("You have no decision to withdraw{detail}.",
                            "您没有可撤回的决定{detail}。"),
    "approved_final": ("This decision was approved by a second operator: it cannot be "
                       "withdrawn, decide again instead.",
                       "此决定已由另一位操作员批准，不能撤回；请重新决定。"),
    "no_checks": ("No checks were given to decide.", "没有指定要决定的检测。"),
})


@dataclass(frozen=True)
class ReviewPolicy:
    """The centre's review rules (the desk's settings, the CLI's environment)."""

    four_eyes: bool = False
    reasons: tuple[Reason, ...] = DEFAULT_REASONS


def needs_approval(policy: ReviewPolicy, decision: Decision, override: bool) -> bool:
    """Four eyes: a decision against the machine's verdict, and every escalation."""
    return policy.four_eyes and (override or decision is Decision.ESCALATE)


def checked_reason(reason: str | None, reasons: Sequence[Reason] = DEFAULT_REASONS
                   ) -> str | None:
    """A reason as recorded (a decision's, or why photos were sent though held): one of the
    configured keys, or none; else DecisionError ``unknown_reason``."""
    if reason is not None and reason not in {r.key for r in reasons}:
        raise DecisionError("unknown_reason", reason)
    return reason


def decision_record(history: Actor, check: Record, decision: Decision,
                    reason: str | None, note: str, reference: str,
                    reasons: Sequence[Reason], four_eyes: bool = False) -> Record:
    """A decision on ``check`` as a record (not yet stored), or DecisionError."""
    if check.kind != Kind.CHECK:
        raise DecisionError("unknown_check", check.id)
    checked_reason(reason, reasons)
    override = is_override(decision, check.verdict)
    if override and not reason:
        raise DecisionError("reason_required", check.verdict)
    pending = needs_approval(ReviewPolicy(four_eyes), decision, override)
    if pending and not history.operator:
        raise DecisionError("operator_required")
    return Record(
        id=new_id(), kind=Kind.DECISION.value, at=time.time(), operator=history.operator,
        os_user=history.os_user, desk=history.desk, source=check.source, sha256=check.sha256,
        verdict=check.verdict, score=check.score, threshold=check.threshold,
        simulated=check.simulated, endpoint=check.endpoint, api=check.api,
        check_id=check.id, decision=decision.value, reason=reason, note=note.strip(),
        reference=(reference.strip() or check.reference), override=override,
        problem_key=PENDING if pending else None,
    )


