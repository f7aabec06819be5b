"""The legacy multi-use signature of the image API: making it, and checking it (for the sandbox).

    plain = "a=<appid>&b=<bucket>&k=<secret_id>&e=<expiry>&t=<now>&r=<rand>&f="
    sig   = base64(HMAC_SHA1(secret_key, plain) + plain)
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

DIGEST_SIZE = 20  # HMAC-SHA1
# The official Python SDK draws r from this range; any non-negative int is accepted.
RAND_MAX = 9_999_999_999


def plaintext(
    appid: str, secret_id: str, expires_at: int, now: int, rand: int, bucket: str = ""
) -> str:
    """The signed text in the official Python SDK's field order (a,b,k,e,t,r,f)."""
    return f"a={appid}&b={bucket}&k={secret_id}&e={expires_at}&t={now}&r={rand}&f="


def sign(
    appid: str,
    secret_id: str,
    secret_key: str,
    *,
    bucket: str = "",
    expires_in: int = 30,
    now: int | None = None,
    rand: int | None = None,
) -> str:
    """A multi-use signature valid for ``expires_in`` seconds from ``now``."""
    if now is None:
        now = int(time.time())
    if rand is None:
        # The signature is a bearer token; a guessable nonce would help nobody but it costs nothing.
        rand = secrets.randbelow(RAND_MAX + 1)
    plain = plaintext(appid, secret_id, now + expires_in, now, rand, bucket)
    return sign_plaintext(plain, secret_key)


def sign_plaintext(plain: str, secret_key: str) -> str:
    raw = plain.encode("utf-8")
    digest = hmac.new(secret_key.encode("utf-8"), raw, hashlib.sha1).digest()
    return base64.b64encode(digest + raw).decode("ascii")


@dataclass(frozen=True)
class SignatureFields:
    appid: str
    bucket: str
    secret_id: str
    expires_at: int
    now: int
    rand: str


class SignatureError(Exception):
    """A signature the service would refuse; ``code`` is the service's error code."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def parse(signature: str) -> tuple[bytes, bytes, SignatureFields]:
    """Split a signature into (digest, signed bytes, fields). Fields are read by name.

    Both official SDK orders (a,b,k,e,t,r,f and the Java and C++ SDKs' a,b,k,t,e, which have
    no ``r`` nor ``f``) and an extra ``u=`` parse: only a, k, e and t are required.
    Raises SignatureError(4) when empty and SignatureError(5) when malformed.
    """
    signature = signature.strip()
    if not signature:
        raise SignatureError(4, "signature is empty")
    try:
        blob = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError(5, "signature is not valid base64") from None
    if len(blob) <= DIGEST_SIZE:
        raise SignatureError(5, "signature is too short")
    digest, signed = blob[:DIGEST_SIZE], blob[DIGEST_SIZE:]
    try:
        text = signed.decode("utf-8")
    except UnicodeDecodeError:
        raise SignatureError(5, "signed text is not UTF-8") from None
    values: dict[str, str] = {}
    for part in text.split("&"):
        name, sep, value = part.partition("=")
        if not sep or name in values:
            raise SignatureError(5, f"malformed field {part!r}")
        values[name] = value
    missing = [k for k in ("a", "k", "e", "t") if k not in values]
    if missing:
        raise SignatureError(5, f"missing field(s) {','.join(missing)}")
    try:
        expires_at, now = int(values["e"]), int(values["t"])
    except ValueError:
        raise SignatureError(5, "e and t must be integers") from None
    fields = SignatureFields(
        appid=values["a"],
        bucket=values.get("b", ""),
        secret_id=values["k"],
        expires_at=expires_at,
        now=now,
        rand=values.get("r", ""),
    )
    return digest, signed, fields


@dataclass(frozen=True)
class Account:
    """One key pair the sandbox knows."""

    appid: str
    secret_id: str
    secret_key: str


def verify(
    signature: str | None,
    accounts: Mapping[str, Account],
    *,
    target_appid: str | None = None,
    now: int | None = None,
) -> SignatureFields:
    """Check a signature as the service does; raises SignatureError with the code that applies.

    ``accounts`` maps secret_id to Account. ``target_appid`` is the appid named in the request
    body (code 6 when the signature names another).
    """
    if not signature:
        raise SignatureError(4, "signature is empty")
    digest, signed, fields = parse(signature)
    known_appids = {a.appid for a in accounts.values()}
    if fields.appid not in known_appids:
        raise SignatureError(10, "appid does not exist")
    account = accounts.get(fields.secret_id)
    if account is None:
        raise SignatureError(11, "secret id does not exist")
    if account.appid != fields.appid:
        raise SignatureError(12, "appid and secret id do not match")
    expected = hmac.new(account.secret_key.encode("utf-8"), signed, hashlib.sha1).digest()
    if not hmac.compare_digest(expected, digest):
        raise SignatureError(14, "signature check failed")
    if now is None:
        now = int(time.time())
    if fields.expires_at < now:
        raise SignatureError(9, "signature expired")
    if target_appid is not None and target_appid != fields.appid:
        raise SignatureError(6, "appid in the signature does not match the request")
    return fields


class SignatureCache:
    """Hands out one signature until shortly before it expires, then makes a new one.

    Thread-safe: every worker of a batch shares it. ``renew()`` forces a new one (after code 9).
    """

    def __init__(
        self,
        appid: str,
        secret_id: str,
        secret_key: str,
        *,
        bucket: str = "",
        validity: int = 600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if validity < 2:
            raise ValueError("signature validity must be at least 2 seconds")
        self._args = (appid, secret_id, secret_key)
        self._bucket = bucket
        self._validity = validity
        # Renew with a tenth of the validity left (at least 1 s, at most 60 s) so that a request
        # never leaves with a signature that expires in flight.
        self._margin = min(60, max(1, validity // 10))
        self._clock = clock
        self._lock = threading.Lock()
        self._signature: str | None = None
        self._expires_at = 0.0

    def get(self) -> str:
        with self._lock:
            now = self._clock()
            if self._signature is None or now >= self._expires_at - self._margin:
                self._make(int(now))
            assert self._signature is not None
            return self._signature

    def renew(self, stale: str | None = None) -> str:
        """A fresh signature; when ``stale`` is given and already replaced, reuse the new one."""
        with self._lock:
            if stale is None or self._signature == stale:
                self._make(int(self._clock()))
            assert self._signature is not None
            return self._signature

    def _make(self, now: int) -> None:
        appid, secret_id, secret_key = self._args
        self._signature = sign(
            appid, secret_id, secret_key, bucket=self._bucket, expires_in=self._validity, now=now
        )
        self._expires_at = now + self._validity
