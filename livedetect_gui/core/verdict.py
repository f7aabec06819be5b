"""Pass or fail: a score judged against a threshold."""

from __future__ import annotations

from enum import StrEnum

# The provider recommends treating a score above 87 as a live person (legacy API).
DEFAULT_THRESHOLD = 87
# API 3.0 scores on another scale: the provider offers these levels and recommends 40.
TC3_THRESHOLD_PRESETS: tuple[float, ...] = (5, 10, 40, 70, 90)
TC3_DEFAULT_THRESHOLD = 40
_DEFAULTS = {"legacy": DEFAULT_THRESHOLD, "tc3": TC3_DEFAULT_THRESHOLD}
_PRESETS: dict[str, tuple[float, ...]] = {"legacy": (DEFAULT_THRESHOLD,),
                                         "tc3": TC3_THRESHOLD_PRESETS}


def default_threshold(api: str) -> float:
    """The threshold a check uses unless the operator chose one, per service generation."""
    return _DEFAULTS[str(api)]


def threshold_presets(api: str) -> tuple[float, ...]:
    """The levels the threshold control offers as presets (any value is still allowed)."""
    return _PRESETS[str(api)]


class Verdict(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"


def judge(score: float | None, threshold: float) -> Verdict:
    """PASS when the score is strictly above the threshold ("大于 87" on the provider's page)."""
    if score is None:
        return Verdict.ERROR
    return Verdict.PASS if score > threshold else Verdict.FAIL
