"""What one check produced: the record that crosses from the core to the CLI, GUI and history."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from livedetect_gui.core.names import visible
from livedetect_gui.core.verdict import Outcome, Verdict, judge, outcome

if TYPE_CHECKING:
    from livedetect_gui.core.errors import Audience, Problem


@dataclass(frozen=True)
class PreparedInfo:
    width: int
    height: int
    bytes: int


@dataclass(frozen=True)
class CheckResult:
    source: str
    threshold: float
    # 0..100: an integer from the legacy API, a float from API 3.0.
    score: float | None = None
    # The service's code when it answered one; None for local problems (network, refusal).
    # An int from the legacy API (0 is success), a string from API 3.0 ("AuthFailure...").
    code: int | str | None = None
    # Catalogue key of a local problem ("timeout", "animated", ...); None when the service spoke.
    problem_key: str | None = None
    # Extra words for the message: the service's own message, an exception summary.
    # Never a secret: built only from server text and exception class names/messages.
    detail: str = ""
    attempts: int = 0
    elapsed_ms: int = 0
    prepared: PreparedInfo | None = None
    # SHA-256 of the bytes sent; ``source_sha256`` of the original file's content (they differ
    # when preparation re-encoded the photo). Either identifies an earlier judgement to reuse.
    sha256: str | None = None
    source_sha256: str | None = None
    endpoint: str = ""
    # Which service generation answered: "legacy" (/face/livedetectpicture) or "tc3" (API 3.0).
    api: str = "legacy"
    # The provider's RequestId (API 3.0), kept because the provider's support asks for it.
    request_id: str | None = None
    # True when the answer came from the sandbox: a simulated score, never a real judgement.
    simulated: bool = False
    # When this result reuses an earlier judgement of the same photo instead of a new call:
    # the earlier check's time (unix seconds). None for a result from a call made now.
    reused_from: float | None = None
    # True when a retry followed a failure after which the service may already have
    # processed (and billed) the request: this item may have been billed more than once.
    maybe_billed_twice: bool = False
    checked_at: float = field(default_factory=time.time)

    @property
    def verdict(self) -> Verdict:
        if self.problem_key is not None or (self.code not in (None, 0)):
            return Verdict.ERROR
        return judge(self.score, self.threshold)

    @property
    def problem(self) -> Problem | None:
        # The bilingual catalogue is imported when first needed: `livedetect prepare` of a
        # good photo never needs it (start-up time).
        from livedetect_gui.core.errors import local_problem, service_problem

        if self.problem_key is not None:
            return local_problem(self.problem_key)
        if self.code not in (None, 0):
            return service_problem(self.code)
        return None

    @property
    def judged(self) -> bool:
        """The service gave a score: the only kind of result that may be reused."""
        return self.verdict is not Verdict.ERROR

    @property
    def credentials_rejected(self) -> bool:
        """The service refused the credentials or the account: a batch stops sending."""
        problem = self.problem
        return problem is not None and problem.rejects_credentials

    @property
    def retry_may_help(self) -> bool:
        """An error that sending again could cure (the desk's "Retry failed" sends only
        these); never a judged result, a refusal or a definitive answer from the service."""
        problem = self.problem
        return (self.verdict is Verdict.ERROR and problem is not None
                and problem.retry_may_help and not self.credentials_rejected)

    @property
    def refused(self) -> bool:
        """Refused before any call (unreadable, not an image...): never sent, never judged."""
        from livedetect_gui.core.errors import is_refusal

        return is_refusal(self.problem_key)

    @property
    def outcome(self) -> Outcome:
        """The verdict as shown: a refusal has its own look, apart from a service error."""
        return outcome(self.verdict, self.refused)

    @property
    def held(self) -> bool:
        """Held back by a pre-check: never sent, the operator may send it anyway."""
        problem = self.problem
        return problem is not None and problem.group == "held"

    def message(self, lang: str = "en") -> str:
        problem = self.problem
        if problem is None:
            # A judged result says its verdict: a FAIL is never "OK" (nor "成功").
            from livedetect_gui.core.verdict import verdict_word

            return verdict_word(self.verdict, lang)
        from livedetect_gui.core.errors import hold_summary
        from livedetect_gui.core.messages import detail_text

        text = problem.message(lang)
        if self.code not in (None, 0):
            text = f"{text} [code {self.code}]"
        if self.held:
            # Every hold, as the desk lists them (the first is the problem, the others lead
            # the detail by key), then what the pre-checks measured.
            parts = self.detail.split("; ") if self.detail else []
            holds = [p for p in parts if p.startswith("held_")]
            rest = "; ".join(p for p in parts if not p.startswith("held_"))
            text = hold_summary([self.problem_key or "", *holds], lang)
            return f"{text} ({detail_text(rest, lang)})" if rest else text
        return f"{text}: {detail_text(self.detail, lang)}" if self.detail else text

    def hint(self, lang: str = "en", audience: Audience | None = None) -> str:
        """What to do about the problem, for the operator unless ``audience`` says the CLI."""
        from livedetect_gui.core.errors import Audience

        problem = self.problem
        return problem.hint(lang, audience or Audience.OPERATOR) if problem else ""

    def with_threshold(self, threshold: float) -> CheckResult:
        """The same check judged against another threshold: no new call to the service."""
        return dataclasses.replace(self, threshold=threshold)

    def to_json(self) -> dict[str, Any]:
        from livedetect_gui.core.errors import Audience  # JSON lines are the CLI's output

        return {
            "source": visible(self.source),
            "verdict": self.verdict.value,
            "score": self.score,
            "threshold": self.threshold,
            "code": self.code,
            "message": visible(self.message("en")),
            "hint": self.hint("en", Audience.CLI),
            "attempts": self.attempts,
            "elapsed_ms": self.elapsed_ms,
            "prepared": dataclasses.asdict(self.prepared) if self.prepared else None,
            "maybe_billed_twice": self.maybe_billed_twice,
            "api": self.api,
            "request_id": self.request_id,
            "simulated": self.simulated,
            "reused": self.reused_from is not None,
            # The original check's time (UTC, ISO 8601) when this result reuses it.
            "reused_from": _iso(self.reused_from) if self.reused_from is not None else None,
            "held": self.held,
            "checked_at": _iso(self.checked_at),
        }


def _iso(moment: float) -> str:
    from datetime import UTC, datetime  # not at import: `livedetect prepare` never needs it

    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="seconds")
