"""The legacy static-photo API: ``POST /face/livedetectpicture`` with the multi-use signature.

Why each retry is safe with a billed API:
- Code 15 (throttled) and code 9 (signature expired): the service refused the request before
  doing any work; nothing was billed (code 9 is answered once with a fresh signature).
- HTTP 5xx: the service *may* have processed the request; retried, flagged maybe billed twice.
- A valid answer, a bad score, a non-JSON body, a business error code: never retried, the
  call was processed and a repeat would be billed again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping

import urllib3

from livedetect_gui.core.errors import SERVICE_CODES
from livedetect_gui.core.imaging.prepare import SERVICE_BODY_LIMIT, PreparedImage
from livedetect_gui.core.service.backend import (
    BadEndpoint,
    Body,
    Outcome,
    ServiceLimits,
    clock_offset,
    http_error,
    parse_json,
    provider_text,
    retry_after,
    split_base,
)
from livedetect_gui.core.service.credentials import Api, Credentials
from livedetect_gui.core.service.signing_legacy import SignatureCache

API_PATH = "/face/livedetectpicture"
CURRENT_HOST = "https://recognition.image.myqcloud.com"
OLD_HOST = "https://service.image.myqcloud.com"
ENDPOINT_ALIASES = {"current": CURRENT_HOST, "old": OLD_HOST}
# The file name the service sees: a fixed one, so local file names (often a person's name)
# never leave the desk.
UPLOAD_NAME = "image.jpg"
# The whole request body at most 6 MB; 1 kB is left for the multipart envelope.
MULTIPART_RESERVE = 1024
LIMITS = ServiceLimits(max_long_side=None, max_image_bytes=SERVICE_BODY_LIMIT - MULTIPART_RESERVE)

THROTTLED = 15
SIGNATURE_EXPIRED = 9


def resolve_endpoint(value: str | None) -> str:
    """'current', 'old', a base URL, or nothing (the current host)."""
    if not value:
        return CURRENT_HOST
    return ENDPOINT_ALIASES.get(value.strip().lower(), value.strip())


def endpoint_url(base: str) -> str:
    """The full API URL for a base such as the current host, the old one or a sandbox."""
    scheme, netloc, path = split_base(base)
    path = path.rstrip("/")
    if not path.endswith(API_PATH):
        path += API_PATH
    return f"{scheme}://{netloc}{path}"


class LegacyBackend:
    api = Api.LEGACY
    limits = LIMITS

    def __init__(self, credentials: Credentials, *, endpoint: str | None, signature_validity: int,
                 clock: Callable[[], float] = time.time, language: str = "en") -> None:
        if not credentials.appid:
            raise BadEndpoint("the legacy API needs an appid")
        self.url = endpoint_url(resolve_endpoint(endpoint))
        self._appid = credentials.appid
        self._clock = clock
        self._language = language
        self._signatures = SignatureCache(
            credentials.appid, credentials.secret_id, credentials.secret_key,
            bucket=credentials.bucket, validity=signature_validity, clock=clock,
        )

    def image_body(self, prepared: PreparedImage) -> Body | Outcome:
        data, content_type = urllib3.encode_multipart_formdata(
            [("appid", self._appid),
             ("image", (UPLOAD_NAME, prepared.data, prepared.content_type))]
        )
        if len(data) > SERVICE_BODY_LIMIT:
            return Outcome(problem_key="body_too_large",
                           detail=f"{len(data):,} bytes, over {SERVICE_BODY_LIMIT:,}")
        return Body(data, content_type)

    def url_body(self, url: str) -> Body:
        return Body(json.dumps({"appid": self._appid, "url": url}).encode(), "application/json")

    def headers(self, body: Body, stale: Mapping[str, str] | None = None) -> dict[str, str]:
        # One multi-use signature serves every request until shortly before it expires.
        signature = (self._signatures.renew(stale.get("Authorization")) if stale
                     else self._signatures.get())
        return {"Authorization": signature, "Content-Type": body.content_type}

    def read_answer(self, status: int, headers: Mapping[str, str], content: bytes) -> Outcome:
        payload = parse_json(content)
        code = payload.get("code") if isinstance(payload, dict) else None
        if not isinstance(code, int) or isinstance(code, bool):
            return http_error(status, headers, content)
        assert isinstance(payload, dict)
        message = provider_text(payload.get("message", ""))
        if code == 0:
            data = payload.get("data")
            score = data.get("score") if isinstance(data, dict) else None
            if isinstance(score, float) and score.is_integer():
                score = int(score)
            if not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= 100:
                return Outcome(problem_key="bad_score", detail=f"score={score!r}", answered=True)
            return Outcome(code=0, score=score, answered=True)
        if code == THROTTLED:
            return Outcome(code=code, detail=message, retry=True, throttled=True,
                           retry_after=retry_after(headers), answered=True)
        if code == SIGNATURE_EXPIRED:
            # Renewed once; if the renewed one expires too, the clock is the likely cause.
            offset = clock_offset(headers, self._clock, self._language)
            return Outcome(code=code, detail=f"{message}; {offset}" if offset else message,
                           resign=True, answered=True)
        if code not in SERVICE_CODES:
            return Outcome(code=code, detail=message or "unknown code", answered=True)
        return Outcome(code=code, detail=message, answered=True)
