"""The seam between the shared client and one generation of the service.

The client (``client.py``) owns what every generation shares: the session and its pool,
deadlines, the streamed and capped answer, redirects refused, retries with backoff, pacing,
and the CheckResult. A backend owns what differs: the endpoint's form, the request body,
the headers and signature, how an answer is read, which codes are safe to retry, and the
limits a photo must be prepared within.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import Protocol
from urllib.parse import urlsplit

from livedetect_gui.core.imaging.prepare import Limits, PreparedImage
from livedetect_gui.core.service.credentials import Api


class BadSetting(ValueError):
    """A connection setting that cannot work (endpoint, CA bundle, proxy, credentials)."""


class BadEndpoint(BadSetting):
    pass


@dataclass(frozen=True)
class Body:
    """What one check sends, the same bytes on every attempt."""

    data: bytes
    content_type: str


# Every answer of our sandbox carries this header with the value "simulated".
SANDBOX_HEADER = "X-Sandbox"


@dataclass(frozen=True)
class Outcome:
    """One attempt: what came back, and whether another attempt makes sense."""

    code: int | str | None = None
    score: float | None = None
    problem_key: str | None = None
    detail: str = ""
    retry: bool = False
    # The service may have processed this attempt although we got no usable answer.
    ambiguous: bool = False
    retry_after: float | None = None
    # The service answered "too many requests" (the pacer slows down).
    throttled: bool = False
    # The service answered at all (the pacer hears of it); False for network failures.
    answered: bool = False
    # Refused for an expired signature that a new one would fix (legacy code 9): one renewal.
    resign: bool = False
    request_id: str | None = None
    # The answer said it came from our sandbox (header ``X-Sandbox: simulated``).
    simulated: bool = False


@dataclass(frozen=True)
class ServiceLimits:
    """What the service accepts of the photo we send (always a JPEG after preparation)."""

    max_long_side: int | None
    # The photo's own bytes, before any envelope (multipart, base64, JSON).
    max_image_bytes: int
    # The smallest face the service accepts (the shorter side of its box, in the pixels
    # sent); None: no rule. The pre-checks hold a photo whose face is smaller.
    min_face_px: int | None = None

    def apply(self, limits: Limits) -> Limits:
        """The operator's preparation settings, never beyond what this service accepts."""
        long_cap = self.max_long_side or limits.max_long_side
        return replace(
            limits,
            max_long_side=min(limits.max_long_side, long_cap),
            max_short_side=min(limits.max_short_side, long_cap),
            max_body_bytes=min(limits.max_image_bytes, self.max_image_bytes),
            envelope_reserve=0,
        )


class Backend(Protocol):
    api: Api
    url: str
    limits: ServiceLimits

    def image_body(self, prepared: PreparedImage) -> Body | Outcome:
        """The body for a prepared photo, or an Outcome refusing it before any call."""

    def url_body(self, url: str) -> Body: ...

    def headers(self, body: Body, stale: Mapping[str, str] | None = None) -> dict[str, str]:
        """Headers for one attempt; ``stale`` is the last attempt's when it needs re-signing."""

    def read_answer(self, status: int, headers: Mapping[str, str], content: bytes) -> Outcome: ...


def split_base(base: str) -> tuple[str, str, str]:
    """(scheme, netloc, path) of an http(s) base URL; BadEndpoint when it is not one."""
    base = base.strip()
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in base):
        raise BadEndpoint(f"spaces or control characters in {base!r}")
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadEndpoint(f"not an http(s) address: {base!r}")
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise BadEndpoint(f"bad port in {base!r}") from None
    if parts.query or parts.fragment:
        raise BadEndpoint(f"a query or fragment has no place in an endpoint: {base!r}")
    return parts.scheme, parts.netloc, parts.path


def parse_json(content: bytes) -> object | None:
    """The JSON value of an answer, or None; deep nesting is "not JSON", never a RecursionError."""
    try:
        return json.loads(content)
    except (ValueError, RecursionError):
        return None


def http_error(status: int, headers: Mapping[str, str], content: bytes) -> Outcome:
    """An answer no backend could read: 5xx may be retried (maybe processed), others not."""
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = ""
    detail = f"HTTP {status} {reason}".strip()
    if status >= 500:
        return Outcome(problem_key="http_error", detail=detail, retry=True, ambiguous=True,
                       retry_after=retry_after(headers), answered=True)
    if status != 200:
        return Outcome(problem_key="http_error", detail=detail, answered=True)
    return Outcome(problem_key="bad_json", detail=snippet(content), answered=True)


def retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("Retry-After", "")
    try:
        seconds = float(value)
    except ValueError:
        return None
    return max(0.0, seconds) if seconds == seconds else None  # NaN is no advice


@dataclass(frozen=True)
class ClockOffset:
    """How far this computer's clock is from the service's, from an answer's ``Date``."""

    seconds: float

    @property
    def minutes(self) -> int:
        return round(abs(self.seconds) / 60)

    def describe(self, lang: str = "en") -> str:
        ahead = self.seconds > 0
        if lang.startswith("zh"):
            return f"本机时钟比服务{'快' if ahead else '慢'}了约 {self.minutes} 分钟"
        return (f"this computer's clock is {self.minutes} minutes off "
                f"({'ahead of' if ahead else 'behind'} the service's)")


def clock_offset(headers: Mapping[str, str], clock: Callable[[], float], lang: str) -> str:
    """"this computer's clock is N minutes off", measured against the answer's ``Date``;
    empty when the answer has no usable Date."""
    try:
        served = parsedate_to_datetime(headers.get("Date", "")).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return ""
    return ClockOffset(clock() - served).describe(lang)


def snippet(content: bytes) -> str:
    text = content[:80].decode("utf-8", "replace").replace("\n", " ").strip()
    return f"body starts {text!r}" if text else "empty body"


def provider_text(value: object) -> str:
    """A provider message for display: a bounded single line."""
    return str(value).replace("\n", " ")[:300]
