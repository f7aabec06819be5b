"""Who sent an API 3.0 request, and what it asks: both signatures the service accepts.

- TC3-HMAC-SHA256 (``Authorization`` header), over POST (JSON body) or GET (parameters in the
  query string), checked by the core's ``signing_tc3.verify``;
- the older v1 signature, HmacSHA1 or HmacSHA256 over the sorted parameters, which travel in
  the query (GET) or an ``application/x-www-form-urlencoded`` body (POST) together with
  Action, Version, Region, Timestamp, Nonce and SecretId. The sandbox checks it here: our own
  client never makes one, but the official SDKs still offer it and the service accepts it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from livedetect_gui.core.service.backend import parse_json
from livedetect_gui.core.service.signing_tc3 import MAX_CLOCK_SKEW, Tc3Error, verify

FORM = "application/x-www-form-urlencoded"
# The provider's limit on a v1-signed POST (a TC3 POST may carry 10 MB).
V1_BODY_LIMIT = 1024 * 1024
V1_METHODS = {"HmacSHA1": hashlib.sha1, "HmacSHA256": hashlib.sha256}
# Checked in this order, so a bare GET is told the first thing it lacks.
V1_REQUIRED = ("Action", "Timestamp", "Nonce", "SecretId", "Signature")


@dataclass(frozen=True)
class Api3Call:
    """An authenticated request: its caller, its common parameters (None when absent) and its
    own parameters (None when the body is not a JSON object)."""

    secret_id: str
    action: str | None
    version: str | None
    region: str | None
    params: dict[str, object] | None


def authenticate(method: str, target: str, headers: Mapping[str, str], body: bytes,
                 secret_keys: Mapping[str, str], *, now: float | None = None) -> Api3Call:
    """The request's caller and parameters, or Tc3Error with the code the service answers."""
    lowered = {k.lower(): v for k, v in headers.items()}
    query = urlsplit(target).query
    if (lowered.get("authorization") or "").strip():
        secret_id = verify(headers, body, secret_keys, method=method, path="/", query=query,
                           now=now)
        params: dict[str, object] | None
        if method == "GET":
            params = dict(parse_qsl(query, keep_blank_values=True))
        else:
            data = parse_json(body)
            params = data if isinstance(data, dict) else None
        return Api3Call(secret_id, lowered.get("x-tc-action"), lowered.get("x-tc-version"),
                        lowered.get("x-tc-region"), params)
    content_type = (lowered.get("content-type") or "").split(";", 1)[0].strip().lower()
    if method == "POST" and content_type != FORM:
        raise Tc3Error("AuthFailure.SignatureFailure",
                       "The Authorization header is missing or malformed.")
    if method == "POST" and len(body) > V1_BODY_LIMIT:
        raise Tc3Error("RequestSizeLimitExceeded",
                       "A request signed with HmacSHA1/HmacSHA256 is over 1 MB.")
    text = query if method == "GET" else body.decode("utf-8", "replace")
    form = dict(parse_qsl(text, keep_blank_values=True))
    host = (lowered.get("host") or "").strip()
    secret_id = verify_v1(method, host, form, secret_keys, now=now)
    common = {"Action", "Version", "Region", "Timestamp", "Nonce", "SecretId", "Signature",
              "SignatureMethod", "Token", "Language", "RequestClient"}
    own: dict[str, object] = {k: v for k, v in form.items() if k not in common}
    return Api3Call(secret_id, form.get("Action"), form.get("Version"), form.get("Region"), own)


def v1_string_to_sign(method: str, host: str, params: Mapping[str, str], path: str = "/") -> str:
    """``<METHOD><host><path>?k=v&...``: every parameter but Signature, names sorted (an
    underscore in a name reads as a dot), values as they were before URL encoding."""
    named = {k.replace("_", "."): v for k, v in params.items() if k != "Signature"}
    return f"{method}{host}{path}?" + "&".join(f"{k}={named[k]}" for k in sorted(named))


def verify_v1(method: str, host: str, params: Mapping[str, str],
              secret_keys: Mapping[str, str], *, now: float | None = None) -> str:
    """Check a v1 signature as the service does; returns the secret id."""
    for name in V1_REQUIRED:
        if not params.get(name):
            raise Tc3Error("MissingParameter",
                           f"The request is missing a required parameter `{name}`.")
    stamp = params["Timestamp"]
    if not (stamp.isascii() and stamp.isdigit()) or len(stamp) > 12:
        raise Tc3Error("AuthFailure.SignatureFailure", "Timestamp is invalid.")
    now = time.time() if now is None else now
    if abs(now - int(stamp)) > MAX_CLOCK_SKEW:
        raise Tc3Error("AuthFailure.SignatureExpire",
                       "Signature expired: the timestamp is more than 5 minutes off the "
                       "server's time.")
    digest = V1_METHODS.get(params.get("SignatureMethod") or "HmacSHA1")
    if digest is None:
        raise Tc3Error("AuthFailure.SignatureFailure",
                       "SignatureMethod must be HmacSHA1 or HmacSHA256.")
    secret_key = secret_keys.get(params["SecretId"])
    if secret_key is None:
        raise Tc3Error("AuthFailure.SecretIdNotFound", "The SecretId is not found.")
    text = v1_string_to_sign(method, host, params)
    expected = base64.b64encode(
        hmac.new(secret_key.encode("utf-8"), text.encode("utf-8"), digest).digest()).decode()
    if not hmac.compare_digest(expected.encode(), params["Signature"].encode("utf-8")):
        raise Tc3Error("AuthFailure.SignatureFailure", "The signature does not match.")
    return params["SecretId"]
