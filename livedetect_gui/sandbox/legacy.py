"""The legacy static-photo API: ``POST /face/livedetectpicture`` answered as the service does.

Reads the body within the size limit, checks the multi-use signature (fields read by name: the
official Java and C++ SDKs sign without ``r`` and ``f``), the appid and the signature's times,
then scores the uploaded or fetched image. Answers ``{"code", "message", "data"}``.
"""

from __future__ import annotations

import json
import re
import time
from urllib.parse import urlsplit

from livedetect_gui.core.service.backend_legacy import API_PATH
from livedetect_gui.core.service.signing_legacy import SignatureError, verify
from livedetect_gui.sandbox.config import MAX_ECHO_CHARS
from livedetect_gui.sandbox.exchange import Exchange
from livedetect_gui.sandbox.faults import ANSWERED
from livedetect_gui.sandbox.fetch import fetch_image
from livedetect_gui.sandbox.scoring import ImageProblem, score_image

SIMULATED_NOTE = "sandbox: simulated score, not a liveness judgement"
# A legacy signature is ~200 characters.
MAX_AUTHORIZATION_CHARS = 2048
# Signatures: issued no further in the future than the provider's 5 minutes of clock skew,
# and valid for at most 30 days (our desk offers up to 7; the SDKs default to 30 s or 300 s).
MAX_CLOCK_SKEW = 300
MAX_SIGNATURE_VALIDITY = 30 * 86400

_CONTENT_LENGTH = re.compile(r"[0-9]{1,10}")


def answer(exchange: Exchange, code: int, message: str, close: bool = False) -> None:
    """The protocol's answer for ``code`` (0 is success), always HTTP 200."""
    exchange.service.count(f"code:{code}")
    exchange.reply({"code": code, "message": message[:MAX_ECHO_CHARS], "data": {}}, close=close)


def serve_get(exchange: Exchange) -> None:
    exchange.reply({"code": 21, "message": "use POST " + API_PATH}, status=405, close=True)


def serve(exchange: Exchange) -> None:
    """One POST outside API 3.0's root: the legacy API's path, or a 404 in its shape."""
    service = exchange.service
    if urlsplit(exchange.path).path.rstrip("/") != API_PATH:
        exchange.reply({"code": 21, "message": "no such API"}, status=404)
        return
    length_header = (exchange.headers.get("Content-Length") or "").strip()
    if _CONTENT_LENGTH.fullmatch(length_header) is None:
        answer(exchange, 21, "Content-Length required", close=True)
        return
    length = int(length_header)
    if length > service.config.max_body_bytes:
        # Read and drop what is cheap to drop so the client sees the answer, not a reset.
        if length <= 8 * service.config.max_body_bytes:
            _discard(exchange, length)
            answer(exchange, 23, "request body too large")
        else:
            answer(exchange, 23, "request body too large", close=True)
        return
    with service.bodies.reserve(length):
        body = exchange.rfile.read(length)
        if len(body) < length:  # the client went away mid-body: nobody to answer
            exchange.close_connection = True
            service.count("dropped")
            return
        fault = exchange.inject_fault()
        if fault != ANSWERED:
            _serve_body(exchange, body, fault)


def _discard(exchange: Exchange, length: int) -> None:
    remaining = length
    while remaining > 0:
        chunk = exchange.rfile.read(min(remaining, 1 << 16))
        if not chunk:
            break
        remaining -= len(chunk)


def _serve_body(exchange: Exchange, body: bytes, fault: str | None) -> None:
    service = exchange.service
    try:
        appid, image_bytes, url = parse_body(body, exchange.headers.get("Content-Type", ""))
    except ValueError as exc:
        answer(exchange, 21, f"invalid parameters: {exc}")
        return
    authorization = exchange.headers.get("Authorization")
    if authorization is not None and len(authorization) > MAX_AUTHORIZATION_CHARS:
        answer(exchange, 5, "signature is too long")
        return
    try:
        fields = verify(authorization, service.accounts, target_appid=appid)
        check_validity(fields.now, fields.expires_at)
    except SignatureError as exc:
        answer(exchange, exc.code, exc.reason)
        return
    if fault == "throttle" or not service.limiter.allow(appid):
        answer(exchange, 15, "operation too frequent, throttled")
        return

    if url is not None:
        try:
            image_bytes = fetch_image(url, service.config.max_body_bytes,
                                      allow_loopback=service.config.allow_loopback_urls)
        except ValueError as exc:
            answer(exchange, -5805, f"url download failed: {exc}")
            return
    if not image_bytes:
        answer(exchange, -5805, "no image or url")
        return
    try:
        score = score_image(image_bytes)
    except ImageProblem as exc:
        answer(exchange, exc.code, exc.message)
        return
    if score is None:
        answer(exchange, -4015, "face detection failed")
        return
    service.count("billed")
    exchange.reply({"code": 0, "message": "OK", "data": {"score": score},
                    "sandbox": SIMULATED_NOTE})


def parse_body(body: bytes, content_type: str) -> tuple[str, bytes | None, str | None]:
    """(appid, image bytes, url) of a request body; ValueError says what is wrong."""
    if content_type.startswith("application/json"):
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            raise ValueError("body is not JSON") from None
        if not isinstance(data, dict):
            raise ValueError("body is not a JSON object")
        appid, url = data.get("appid"), data.get("url")
        if not isinstance(appid, str | int) or isinstance(appid, bool) or not str(appid):
            raise ValueError("appid missing")
        if url is not None and not isinstance(url, str):
            raise ValueError("url must be a string")
        return str(appid)[:MAX_ECHO_CHARS], None, url or None
    if content_type.startswith("multipart/form-data"):
        fields = multipart_fields(body, content_type)
        appid = fields.get("appid", b"").decode("utf-8", "replace").strip()
        if not appid:
            raise ValueError("appid missing")
        url = fields.get("url", b"").decode("utf-8", "replace").strip() or None
        # If both are present the service uses url.
        return appid[:MAX_ECHO_CHARS], (None if url else fields.get("image")), url
    raise ValueError("Content-Type must be application/json or multipart/form-data")


def check_validity(issued: int, expires: int, now: float | None = None) -> None:
    """The provider's plausibility bounds on a signature's times (code 9: expired/out of time,
    code 5: malformed)."""
    now = time.time() if now is None else now
    if issued > now + MAX_CLOCK_SKEW:
        raise SignatureError(9, "signature issued in the future (check the clock)")
    if expires - issued > MAX_SIGNATURE_VALIDITY:
        raise SignatureError(5, "signature validity is longer than 30 days")


_BOUNDARY = re.compile(r'boundary="?([^";]+)"?')
_FIELD_NAME = re.compile(rb'name="([^"]*)"')


def multipart_fields(body: bytes, content_type: str) -> dict[str, bytes]:
    """The named parts of a multipart/form-data body.

    Split with bytes operations rather than the email package: this runs in the desk's own
    process in sandbox mode, and a pure-Python parse of every photo would compete with the
    GUI thread for the GIL.
    """
    match = _BOUNDARY.search(content_type)
    if match is None:
        raise ValueError("multipart boundary missing")
    delimiter = b"--" + match.group(1).encode("latin-1", "replace")
    sections = body.split(delimiter)
    if len(sections) < 3 or not sections[-1].startswith(b"--"):
        raise ValueError("malformed multipart body")
    fields: dict[str, bytes] = {}
    for section in sections[1:-1]:
        head, sep, content = section.partition(b"\r\n\r\n")
        name = _FIELD_NAME.search(head)
        if not sep or name is None:
            raise ValueError("malformed multipart part")
        # Each part's content ends with the CRLF that precedes the next delimiter.
        fields[name.group(1).decode("utf-8", "replace")] = content.removesuffix(b"\r\n")
    return fields
