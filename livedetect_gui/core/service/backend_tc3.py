"""API 3.0: ``DetectLiveFaceAccurate`` (service iai, version 2020-03-03) signed with TC3.

Every request gets a fresh signature (TC3 signatures carry their timestamp; there is no
multi-use signature to reuse). Errors come back as HTTP 200 with a string code. Retried:
``RequestLimitExceeded*`` (refused before any work), and ``FailedOperation.RequestTimeout`` /
``ServerError`` (the service may have processed it: flagged maybe billed twice) — what the
official SDKs' retryer does, plus the two service failures an operator wants an answer for.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Mapping

from livedetect_gui.core.imaging.prepare import PreparedImage
from livedetect_gui.core.service.backend import (
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
from livedetect_gui.core.service.signing_tc3 import request_headers

ACTION = "DetectLiveFaceAccurate"
VERSION = "2020-03-03"
FACE_MODEL_VERSION = "3.0"
DEFAULT_HOST = "https://iai.tencentcloudapi.com"
INTERNATIONAL_HOST = "https://iai.intl.tencentcloudapi.com"
ENDPOINT_ALIASES = {"default": DEFAULT_HOST, "current": DEFAULT_HOST, "intl": INTERNATIONAL_HOST,
                    "international": INTERNATIONAL_HOST}

# The service takes the base64 Image up to 5 MB (read as decimal to stay on the safe side):
# 3.75 MB of photo, less 50 kB of margin. JPEG long side at most 4000 px (we always send JPEG).
IMAGE_BASE64_LIMIT = 5_000_000
LIMITS = ServiceLimits(max_long_side=4000, max_image_bytes=IMAGE_BASE64_LIMIT * 3 // 4 - 50_000,
                       min_face_px=100)  # "the face must be larger than 100x100 px"

_THROTTLE = ("RequestLimitExceeded", "FailedOperation.RequestLimitExceeded")
_MAYBE_PROCESSED = ("FailedOperation.RequestTimeout", "FailedOperation.ServerError")
_CLOCK = "AuthFailure.SignatureExpire"
_LANGUAGE = {"en": "en-US", "zh": "zh-CN"}


def resolve_endpoint(value: str | None) -> str:
    """'default', 'intl', a base URL, or nothing (the default host)."""
    if not value:
        return DEFAULT_HOST
    return ENDPOINT_ALIASES.get(value.strip().lower(), value.strip())


class Tc3Backend:
    api = Api.TC3
    limits = LIMITS

    def __init__(self, credentials: Credentials, *, endpoint: str | None, signature_validity: int,
                 clock: Callable[[], float] = time.time, language: str = "en") -> None:
        scheme, netloc, path = split_base(resolve_endpoint(endpoint))
        self._path = path or "/"
        self.url = f"{scheme}://{netloc}{self._path}"
        # The Host signed is the one sent: the URL's, without any user info.
        self._host = netloc.rpartition("@")[2]
        self._credentials = credentials
        self._clock = clock
        self._language = language
        del signature_validity  # each TC3 signature is made for one request

    def image_body(self, prepared: PreparedImage) -> Body | Outcome:
        encoded = base64.b64encode(prepared.data)
        if len(encoded) > IMAGE_BASE64_LIMIT:
            return Outcome(problem_key="body_too_large",
                           detail=f"{len(encoded):,} bytes of base64, over {IMAGE_BASE64_LIMIT:,}")
        # Assembled around the base64 bytes: json.dumps of a 5 MB str would copy it twice more.
        data = (b'{"Image": "' + encoded + b'", "FaceModelVersion": "'
                + FACE_MODEL_VERSION.encode() + b'"}')
        return Body(data, "application/json")

    def url_body(self, url: str) -> Body:
        payload = {"Url": url, "FaceModelVersion": FACE_MODEL_VERSION}
        return Body(json.dumps(payload).encode(), "application/json")

    def headers(self, body: Body, stale: Mapping[str, str] | None = None) -> dict[str, str]:
        creds = self._credentials
        language = _LANGUAGE["zh" if self._language.startswith("zh") else "en"]
        return request_headers(creds.secret_id, creds.secret_key, body=body.data, host=self._host,
                               action=ACTION, version=VERSION, region=creds.region,
                               language=language, path=self._path, clock=self._clock)

    def read_answer(self, status: int, headers: Mapping[str, str], content: bytes) -> Outcome:
        payload = parse_json(content)
        response = payload.get("Response") if isinstance(payload, dict) else None
        if status != 200 or not isinstance(response, dict):
            return http_error(status, headers, content)
        request_id = response.get("RequestId")
        request_id = provider_text(request_id)[:80] if isinstance(request_id, str) else None
        error = response.get("Error")
        if error is not None:
            code = error.get("Code") if isinstance(error, dict) else None
            if not isinstance(code, str) or not code:
                return Outcome(problem_key="bad_json", detail="error without a code",
                               answered=True, request_id=request_id)
            code = provider_text(code)[:100]
            message = provider_text(error.get("Message", ""))
            if code.startswith(_THROTTLE):
                return Outcome(code=code, detail=message, retry=True, throttled=True,
                               retry_after=retry_after(headers), answered=True,
                               request_id=request_id)
            if code in _MAYBE_PROCESSED:
                return Outcome(code=code, detail=message, retry=True, ambiguous=True,
                               answered=True, request_id=request_id)
            if code == _CLOCK:
                message = clock_offset(headers, self._clock, self._language) or message
            return Outcome(code=code, detail=message, answered=True, request_id=request_id)
        score = response.get("Score")
        if isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 100:
            return Outcome(problem_key="bad_score", detail=f"score={score!r}", answered=True,
                           request_id=request_id)
        return Outcome(score=float(score), answered=True, request_id=request_id)
