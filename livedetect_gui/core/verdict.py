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


# English and Simplified Chinese: every front end shows these, none spells them itself.
VERDICT_WORDS: dict[Verdict, tuple[str, str]] = {
    Verdict.PASS: ("PASS", "通过"),
    Verdict.FAIL: ("FAIL", "未通过"),
    Verdict.ERROR: ("ERROR", "错误"),
}


def verdict_word(verdict: Verdict, lang: str = "en") -> str:
    en, zh = VERDICT_WORDS[verdict]
    return zh if lang.lower().startswith("zh") else en


def judge(score: float | None, threshold: float) -> Verdict:
    """PASS when the score is strictly above the threshold ("大于 87" on the provider's page)."""
    if score is None:
        return Verdict.ERROR
    return Verdict.PASS if score > threshold else Verdict.FAIL


def relation(score: float, threshold: float) -> str:
    """The sign shown between score and threshold: the same rule as ``judge``."""
    return ">" if judge(score, threshold) is Verdict.PASS else "≤"
