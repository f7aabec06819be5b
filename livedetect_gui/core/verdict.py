"""Pass or fail: a score judged against a threshold, and the words for each verdict."""

from __future__ import annotations

from enum import StrEnum

# The provider recommends treating a score above 87 as a live person (legacy API). The one
# place the default comes from: per-backend defaults (API 3.0: 40) belong here too.
DEFAULT_THRESHOLD = 87


def default_threshold(api: str = "legacy") -> float:
    """The default threshold for a service generation; one place, so it can differ per API."""
    return float(DEFAULT_THRESHOLD)


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
