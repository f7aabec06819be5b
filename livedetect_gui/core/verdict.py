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


class Outcome(StrEnum):
    """How a check ended, as the front ends show it: the verdict, or a photo refused before any
    call (unreadable, not an image...). A refusal is no service error: nothing was sent, nothing
    judged, so there is nothing to accept or reject (the operator removes it)."""

    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"
    REFUSED = "refused"

    @property
    def decidable(self) -> bool:
        """The operator's decision applies: something was sent (a verdict or a service error)."""
        return self is not Outcome.REFUSED


def outcome(verdict: Verdict, refused: bool = False) -> Outcome:
    return Outcome.REFUSED if refused else Outcome(verdict.value)


# English and Simplified Chinese: every front end shows these, none spells them itself.
OUTCOME_WORDS: dict[Outcome, tuple[str, str]] = {
    Outcome.PASS: ("PASS", "通过"),
    Outcome.FAIL: ("FAIL", "未通过"),
    Outcome.ERROR: ("ERROR", "错误"),
    Outcome.REFUSED: ("Refused — not sent", "已拒收——未发送"),
}
VERDICT_WORDS: dict[Verdict, tuple[str, str]] = {v: OUTCOME_WORDS[Outcome(v.value)]
                                                  for v in Verdict}


def verdict_word(verdict: Verdict | Outcome, lang: str = "en") -> str:
    en, zh = OUTCOME_WORDS[Outcome(verdict.value)]
    return zh if lang.lower().startswith("zh") else en


def judge(score: float | None, threshold: float) -> Verdict:
    """PASS when the score is strictly above the threshold ("大于 87" on the provider's page)."""
    if score is None:
        return Verdict.ERROR
    return Verdict.PASS if score > threshold else Verdict.FAIL


def relation(score: float, threshold: float) -> str:
    """The sign shown between score and threshold: the same rule as ``judge``."""
    return ">" if judge(score, threshold) is Verdict.PASS else "≤"
