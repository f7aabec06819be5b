"""TC3-HMAC-SHA256, the signature of API 3.0: making it, and checking it (for the sandbox).

    CanonicalRequest = "POST\\n/\\n\\n" + "content-type:<ct>\\nhost:<host>\\n\\n"
                     + "content-type;host\\n" + hex(SHA256(body))
    StringToSign     = "TC3-HMAC-SHA256\\n<timestamp>\\n<date>/<service>/tc3_request\\n"
                     + hex(SHA256(CanonicalRequest))
    kSigning         = HMAC(HMAC(HMAC("TC3" + key, date), service), "tc3_request")

The date is the UTC date of the timestamp: a local date breaks every signature made between
midnight local time and midnight UTC (eight hours a day in UTC+8).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Callable, Mapping

ALGORITHM = "TC3-HMAC-SHA256"
SERVICE = "iai"
CONTENT_TYPE = "application/json"
SIGNED_HEADERS = "content-type;host"
# X-TC-Content-SHA256's value for a request whose body is not signed.
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
# The service refuses a timestamp more than five minutes off its own clock.
MAX_CLOCK_SKEW = 300


def utc_date(timestamp: int) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(timestamp))


def canonical_request(body: bytes, host: str, content_type: str = CONTENT_TYPE,
                      path: str = "/") -> str:
    return (
        f"POST\n{path}\n\ncontent-type:{content_type}\nhost:{host}\n\n{SIGNED_HEADERS}\n"
        + hashlib.sha256(body).hexdigest()
    )


def string_to_sign(canonical: str, timestamp: int, service: str = SERVICE) -> str:
    scope = f"{utc_date(timestamp)}/{service}/tc3_request"
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return f"{ALGORITHM}\n{timestamp}\n{scope}\n{digest}"


def signature(secret_key: str, text: str, timestamp: int, service: str = SERVICE) -> str:
    def mac(key: bytes, msg: str) -> bytes:
        return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()

    k_date = mac(("TC3" + secret_key).encode("utf-8"), utc_date(timestamp))
    k_signing = mac(mac(k_date, service), "tc3_request")
    return hmac.new(k_signing, text.encode("utf-8"), hashlib.sha256).hexdigest()


def authorization(
    secret_id: str,
    secret_key: str,
    *,
    body: bytes,
    host: str,
    timestamp: int,
    content_type: str = CONTENT_TYPE,
    path: str = "/",
    service: str = SERVICE,
) -> str:
    """The ``Authorization`` header value for one request."""
    text = string_to_sign(canonical_request(body, host, content_type, path), timestamp, service)
    scope = f"{utc_date(timestamp)}/{service}/tc3_request"
    return (f"{ALGORITHM} Credential={secret_id}/{scope}, SignedHeaders={SIGNED_HEADERS}, "
            f"Signature={signature(secret_key, text, timestamp, service)}")


def request_headers(
    secret_id: str,
    secret_key: str,
    *,
    body: bytes,
    host: str,
    action: str,
    version: str,
    region: str,
    language: str | None = None,
    path: str = "/",
    clock: Callable[[], float] = time.time,
) -> dict[str, str]:
    """Every header of an API 3.0 call, with a signature made now (one per request)."""
    timestamp = int(clock())
    headers = {
        "Content-Type": CONTENT_TYPE,
        "Host": host,
        "X-TC-Action": action,
        "X-TC-Version": version,
        "X-TC-Timestamp": str(timestamp),
    }
    if region:
        headers["X-TC-Region"] = region
    if language:
        headers["X-TC-Language"] = language
    headers["Authorization"] = authorization(secret_id, secret_key, body=body, host=host,
                                             timestamp=timestamp, path=path)
    return headers


# -- checking (the sandbox) ---------------------------------------------------------------------

_AUTH = re.compile(
    r"^TC3-HMAC-SHA256 Credential=(?P<id>[^/\s]+)/(?P<date>\d{4}-\d{2}-\d{2})/(?P<service>[^/\s]+)"
    r"/tc3_request, ?SignedHeaders=(?P<signed>[a-z0-9;-]+), ?Signature=(?P<sig>[0-9a-f]{64})$"
)
# Bounded so a hostile header costs nothing to examine.
MAX_AUTHORIZATION = 1024


class Tc3Error(Exception):
    """A request the service would refuse; ``code`` is API 3.0's error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def verify(
    headers: Mapping[str, str],
    body: bytes,
    secret_keys: Mapping[str, str],
    *,
    method: str = "POST",
    path: str = "/",
    query: str = "",
    now: float | None = None,
    service: str = SERVICE,
) -> str:
    """Check a request's signature as the service does; returns the secret id.

    ``headers`` are the request's, any case; ``query`` the query string as sent (a GET's
    parameters); ``secret_keys`` maps secret id to secret key. As the provider documents it,
    the signed headers' names and values are lower-cased and trimmed (its own demo signs
    ``x-tc-action:describeinstances``), and ``X-TC-Content-SHA256: UNSIGNED-PAYLOAD`` signs
    that word in place of the body's hash (what the official SDKs send for an unsigned body).
    Raises Tc3Error with AuthFailure.SignatureFailure, .SignatureExpire or .SecretIdNotFound.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    auth = (lowered.get("authorization") or "").strip()
    if not auth or len(auth) > MAX_AUTHORIZATION:
        raise Tc3Error("AuthFailure.SignatureFailure", "The Authorization header is missing or "
                       "malformed.")
    match = _AUTH.match(auth)
    if match is None:
        raise Tc3Error("AuthFailure.SignatureFailure", "The Authorization header is malformed.")
    stamp = (lowered.get("x-tc-timestamp") or "").strip()
    # isascii: "²" is a digit to str.isdigit() and not a number to int().
    if not (stamp.isascii() and stamp.isdigit()) or len(stamp) > 12:
        raise Tc3Error("AuthFailure.SignatureFailure", "X-TC-Timestamp is missing or invalid.")
    timestamp = int(stamp)
    now = time.time() if now is None else now
    if abs(now - timestamp) > MAX_CLOCK_SKEW:
        raise Tc3Error("AuthFailure.SignatureExpire",
                       "Signature expired: the timestamp is more than 5 minutes off the "
                       "server's time.")
    secret_key = secret_keys.get(match["id"])
    if secret_key is None:
        raise Tc3Error("AuthFailure.SecretIdNotFound", "The SecretId is not found.")
    signed = match["signed"].split(";")
    if "host" not in signed or "content-type" not in signed:
        raise Tc3Error("AuthFailure.SignatureFailure", "SignedHeaders must include "
                       "content-type and host.")
    if match["date"] != utc_date(timestamp) or match["service"] != service:
        raise Tc3Error("AuthFailure.SignatureFailure", "The credential scope does not match "
                       "the timestamp or service.")
    canonical_headers = "".join(f"{name}:{(lowered.get(name) or '').strip().lower()}\n"
                                for name in signed)
    unsigned = (lowered.get("x-tc-content-sha256") or "").strip() == UNSIGNED_PAYLOAD
    payload = UNSIGNED_PAYLOAD.encode() if unsigned else body
    canonical = (f"{method}\n{path}\n{query}\n{canonical_headers}\n{match['signed']}\n"
                 + hashlib.sha256(payload).hexdigest())
    expected = signature(secret_key, string_to_sign(canonical, timestamp, service), timestamp,
                         service)
    if not hmac.compare_digest(expected, match["sig"]):
        raise Tc3Error("AuthFailure.SignatureFailure", "The signature does not match.")
    return match["id"]
