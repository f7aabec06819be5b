"""What goes into the audit trail, decided once for the CLI and the desk.

- A check that was cancelled before it was sent is not a check: it is never recorded; nor is
  a photo a stopped batch never sent.
- Everything else that ends is recorded once, as it ends: a judgement, a service error, a
  network failure, and a photo refused at preparation (refused when the operator ran it: the
  audit shows every photo the operator asked to check, billed or not).
- An unexpected exception becomes an "internal" result for that one item (recorded too).
"""

from __future__ import annotations

from livedetect_gui.core.result import CheckResult

# A photo a stopped batch never sent (interrupted, credentials rejected) is no more
# a check than a cancelled one. A photo held by the pre-checks is recorded, like a refusal.
NOT_CHECKS = frozenset({"cancelled", "not_sent_interrupted", "not_sent_credentials"})


def should_record(result: CheckResult) -> bool:
    return result.problem_key not in NOT_CHECKS


def internal_error(source: str, threshold: float, exc: BaseException,
                   endpoint: str = "") -> CheckResult:
    """The result of a check that stopped on a bug: the class name only (never its text,
    which may quote data), so it costs one item and says so."""
    return CheckResult(source=source, threshold=threshold, problem_key="internal",
                       detail=type(exc).__name__, endpoint=endpoint)
