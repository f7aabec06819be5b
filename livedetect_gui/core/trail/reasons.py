"""The words of a decision: the configured reasons (a centre's own list, or the default one)
and how a decision reads in either language."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Not typing's: the command line builds its --help from this list and never imports typing
# (every start would pay for it).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from livedetect_gui.core.trail.chain import Record


@dataclass(frozen=True)
class Reason:
    key: str
    en: str
    zh: str

    def label(self, lang: str = "en") -> str:
        return self.zh if lang.startswith("zh") else self.en


# The default list; a centre configures its own (the desk's settings pass it to ``decide``).
DEFAULT_REASONS: tuple[Reason, ...] = (
    Reason("document_verified", "Identity confirmed by document", "已凭证件核实身份"),
    Reason("in_person", "Verified in person", "已当面核实"),
    Reason("poor_photo", "Photo quality too poor to judge", "照片质量太差，无法判断"),
    Reason("suspected_spoof", "Suspected re-shot photo, print or screen", "疑似翻拍、打印或屏幕"),
    Reason("service_error", "Service error: judged manually", "服务出错，人工判断"),
    Reason("other", "Other (see note)", "其他（见备注）"),
)


DECISION_WORDS: dict[str, tuple[str, str]] = {
    "accept": ("Accept", "接受"), "reject": ("Reject", "拒绝"), "escalate": ("Escalate", "上报")}


def decision_word(decision: str, lang: str = "en") -> str:
    en, zh = DECISION_WORDS.get(decision, (decision, decision))
    return zh if lang.lower().startswith("zh") else en


def reasons_from_lines(text: str) -> tuple[Reason, ...]:
    """A centre's reason list, one reason a line (the desk's Settings); empty: the default
    list. A line naming a default reason (key or label) keeps its two languages; any other
    line is a reason of its own, shown as written."""
    known = {name.casefold(): r for r in DEFAULT_REASONS for name in (r.key, r.en, r.zh)}
    reasons: dict[str, Reason] = {}
    for line in text.splitlines():
        name = line.strip()[:200]
        if name:
            reason = known.get(name.casefold(), Reason(name, name, name))
            reasons.setdefault(reason.key, reason)
    return tuple(reasons.values()) or DEFAULT_REASONS


def reason_label(key: str | None, lang: str = "en",
                 reasons: Iterable[Reason] = DEFAULT_REASONS) -> str:
    """A reason's label in ``lang``; a reason no longer configured, as it was written."""
    for reason in (*reasons, *DEFAULT_REASONS):
        if reason.key == key:
            return reason.label(lang)
    return key or ""


def decision_summary(record: Record | None, lang: str = "en",
                     reasons: Iterable[Reason] = DEFAULT_REASONS, brief: bool = False) -> str:
    """"⚠ Accept · reason": a decision in a line (the desk's preview; ``brief``, without the
    reason, for a narrow column); ⚠ marks a decision against the machine's verdict."""
    if record is None or not record.decision:
        return ""
    text = ("⚠ " if record.override else "") + decision_word(record.decision, lang)
    if record.reason and not brief:
        text += " · " + reason_label(record.reason, lang, reasons)
    return text
