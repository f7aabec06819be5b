"""What goes into the audit trail, decided once for the CLI and the desk.

- A check that was cancelled before it was sent is not a check: it is never recorded; nor is
  a photo a stopped batch never sent.
- Everything else that ends is recorded once, as it ends: a judgement, a service error, a
  network failure, and a photo refused at preparation (refused when the operator ran it: the
  audit shows every photo the operator asked to check, billed or not).
- A refusal is recorded once per content and reason, a hold once per content and holds: the
  same photo refused or held again (the desk restarted with it queued, the file dropped
  twice, the CLI run again) adds nothing. The desk and the CLI record a hold alike, when the
  operator runs the photo; sent anyway later, the forced check and its event follow.
- A photo taken off the desk without a result (never checked, held, waiting, not sent) is a
  ``removed`` event; one with a result (a judgement, an error, a refusal) adds nothing.
- Everything from a sandbox run is simulated, refusals and holds included.
- A held photo is recorded with every hold; sent anyway, its check carries the override and
  the holds, with a ``sent_anyway`` event (who, when, why) written with it.
- An unexpected exception becomes an "internal" result for that one item (recorded too).

API::

    should_record(result) -> bool
    as_recorded(result, simulated) -> CheckResult
    is_refusal(result) -> bool
    removal_recorded(result) -> bool       taking this photo off the desk is an event
    record_result(target, result, *, simulated=False, reference="", holds=(),
                  forced=False, reason=None, note="") -> str | None   (the record id)

``target`` is a History, the CLI's Recorder or the desk's LazyHistory (each has
``trail()``, ``check_record`` and ``append_safely``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from livedetect_gui.core.result import CheckResult
from livedetect_gui.core.trail import events
from livedetect_gui.core.trail.events import Trail

# A photo a stopped batch never sent (interrupted, credentials rejected) is no more a check
# than a cancelled one. A photo held by the pre-checks is recorded, like a refusal.
NOT_CHECKS = frozenset({"cancelled", "not_sent_interrupted", "not_sent_credentials"})


def should_record(result: CheckResult) -> bool:
    return result.problem_key not in NOT_CHECKS


def as_recorded(result: CheckResult, simulated: bool) -> CheckResult:
    """The result as the trail keeps it: in a sandbox run everything is simulated, even a
    refusal or a hold that never reached the sandbox."""
    return dataclasses.replace(result, simulated=True) if simulated and not result.simulated \
        else result


def is_refusal(result: CheckResult) -> bool:
    """Refused before sending: a local image problem, never sent, not a hold."""
    return result.refused and result.attempts == 0 and result.reused_from is None


def removal_recorded(result: CheckResult | None) -> bool:
    """Taking a photo off the desk is recorded when it leaves without a result: never checked
    (None), held, or stopped before it was sent."""
    return result is None or result.held or not should_record(result)


def record_result(target: Trail, result: CheckResult, *, simulated: bool = False,
                  reference: str = "", holds: Sequence[str] = (), forced: bool = False,
                  reason: str | None = None, note: str = "") -> str | None:
    """Record one result by the rules above; the record id (a refusal recorded before: that
    record's id), or None when nothing was recorded (not a check, or neither stored nor
    spooled). ``holds``: the
    pre-checks that held it; ``forced``: it was sent anyway (``reason``/``note`` say why)."""
    if not should_record(result):
        return None
    result = as_recorded(result, simulated)
    history = target.trail()
    if (is_refusal(result) or result.held) and history is not None:
        from livedetect_gui.core.trail.store import HistoryError

        try:
            earlier = events.earlier_refusal(history, result, holds)
            if earlier is not None:
                return earlier  # the desk links the photo to the record already there
        except HistoryError:
            pass  # cannot look: recorded (or spooled) rather than lost
    check = target.check_record(result, reference=reference)
    if forced and holds:
        return target.append_safely(events.sent_anyway_records(check, holds, reason, note))
    if result.held:
        check = events.with_holds(check, holds or [result.problem_key or ""])
    return target.append_safely([check])


def internal_error(source: str, threshold: float, exc: BaseException,
                   endpoint: str = "") -> CheckResult:
    """The result of a check that stopped on a bug: the class name only (never its text,
    which may quote data), so it costs one item and says so."""
    return CheckResult(source=source, threshold=threshold, problem_key="internal",
                       detail=type(exc).__name__, endpoint=endpoint)
