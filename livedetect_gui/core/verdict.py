"""Pass or fail: a score judged against a threshold."""

from __future__ import annotations

from enum import StrEnum

# The provider recommends treating a score above 87 as a live person.
DEFAULT_THRESHOLD = 87


class Verdict(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"


def judge(score: int | None, threshold: float) -> Verdict:
    """PASS when the score is strictly above the threshold ("大于 87" on the provider's page)."""
    if score is None:
        return Verdict.ERROR
    return Verdict.PASS if score > threshold else Verdict.FAIL
