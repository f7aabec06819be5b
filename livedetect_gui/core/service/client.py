"""The signing HTTP client: one session for every generation of the service.

What every backend shares lives here: one keep-alive session and pool for all workers, a
deadline per attempt and per check (connect + send + the whole answer), answers read
streamed under a byte cap (decompression counted), redirects refused, bounded retries with
backoff, the pacing hooks, and every answer turned into a CheckResult. What differs per
generation (request, signature, reading the answer, which codes are safe to retry, the
preparation limits) is the backend's: ``backend_legacy.py`` and ``backend_tc3.py``.

Why a network failure may be retried with a billed API:
- Connection refused / connect timeout / proxy unreachable: the request never reached the
  service, so it cannot have been processed or billed.
- A connection dropped after sending, no complete answer in time, HTTP 5xx: the service *may*
  have processed the request. We retry (the operator wants an answer), but the result then
  says ``maybe_billed_twice`` so the desk can account for it.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import random
import socket
import threading
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from livedetect_gui.core.imaging.prepare import Limits, PreparedImage
from livedetect_gui.core.messages import detail as detail_message
from livedetect_gui.core.result import CheckResult
from livedetect_gui.core.service.backend import (
    SANDBOX_HEADER,
    Backend,
    BadEndpoint,
    BadSetting,
    Body,
    Outcome,
)
from livedetect_gui.core.service.backend_legacy import (
    API_PATH,
    CURRENT_HOST,
    OLD_HOST,
    LegacyBackend,
    endpoint_url,
    resolve_endpoint,
)
from livedetect_gui.core.service.backend_tc3 import Tc3Backend
from livedetect_gui.core.service.credentials import Api, BadCredentials, Credentials
from livedetect_gui.core.verdict import default_threshold

__all__ = ["API_PATH", "CURRENT_HOST", "OLD_HOST", "BadEndpoint", "BadSetting", "ClientConfig",
           "LiveDetectClient", "Pacer", "check_settings", "endpoint_url", "resolve_endpoint",
           "validate_image_url"]

log = logging.getLogger(__name__)

BACKENDS: dict[Api, Callable[..., Backend]] = {Api.LEGACY: LegacyBackend, Api.TC3: Tc3Backend}

# A real answer is a few hundred bytes; 1 MiB is generous and still bounds a hostile one.
MAX_ANSWER_BYTES = 1 << 20
# Read in small pieces so one piece of a compressed answer cannot inflate far past the cap.
_CHUNK = 16 * 1024
# Longer URLs are refused before any call: no browser or CDN link needs more.
MAX_URL_LENGTH = 2048
_REDIRECTS = (301, 302, 303, 307, 308)
# Issue 12: after a renewed signature expired too, other workers skip their renewal this long.
RENEWAL_FAILURE_MEMORY = 30.0


class Pacer(Protocol):
    """Paces attempts across workers (engineer bill's pacer implements it)."""

    def acquire(self, cancel: threading.Event | None) -> bool:
        """Wait for a slot; False when cancelled while waiting."""

    def throttled(self, retry_after: float | None) -> None: ...

    def succeeded(self) -> None: ...


@dataclass(frozen=True)
class ClientConfig:
    endpoint: str | None = None
    # True (system CAs), False (no check: only for a lab), or the path of a CA bundle.
    verify: bool | str = True
    proxy: str | None = None
    connect_timeout: float = 5.0
    # Silence allowed between two pieces of the answer.
    read_timeout: float = 30.0
    # Whole attempt (connect + send + the whole answer) and whole check (every attempt and
    # backoff): a server dripping one byte a second can no longer hold a check for minutes.
    attempt_deadline: float = 45.0
    check_deadline: float = 120.0
    concurrency: int = 4
    signature_validity: int = 600
    max_attempts: int = 4
    # No retry starts after this many seconds since the first attempt.
    max_retry_seconds: float = 30.0
    backoff_base: float = 0.5
    backoff_cap: float = 8.0
    # The operator's language: API 3.0 answers its messages in it (X-TC-Language).
    language: str = "en"
    # Talking to the sandbox: every result is marked simulated, so the audit trail and the
    # reports never take an emulator's score for a real judgement. Set by the connection
    # policy (``Connection.configure``), never by hand.
    simulated: bool = False


def validate_image_url(url: str) -> str:
    """The URL stripped, or BadEndpoint naming why the service could never fetch it."""
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        raise BadEndpoint(detail_message("url_too_long", limit=MAX_URL_LENGTH))
    if any(ord(c) < 0x21 or ord(c) == 0x7F or c.isspace() for c in url):
        raise BadEndpoint(detail_message("url_spaces"))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadEndpoint(detail_message("not_http_url"))
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise BadEndpoint("bad port in the URL") from None
    return url


class LiveDetectClient:
    def __init__(
        self,
        credentials: Credentials,
        config: ClientConfig = ClientConfig(),
        *,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.time,
        pacer: Pacer | None = None,
    ) -> None:
        try:
            credentials.validate()
        except BadCredentials as exc:
            raise BadSetting(str(exc)) from None
        check_settings(config)
        self.credentials = credentials
        self.config = config
        self.backend: Backend = BACKENDS[credentials.api](
            credentials, endpoint=config.endpoint or credentials.endpoint,
            signature_validity=config.signature_validity, clock=clock, language=config.language,
        )
        self.url = self.backend.url
        self.pacer = pacer
        # Issue 12: one renewal probe at a time after an expired signature (see _renewal_turn).
        self._renewal_lock = threading.Lock()
        self._renewal_failed_at = -math.inf
        self._rng = rng or random.Random()
        self._rng_lock = threading.Lock()
        self.session = requests.Session()
        # One pool slot per worker so keep-alive connections are reused, never thrown away.
        adapter = _WatchedAdapter(
            pool_connections=2, pool_maxsize=max(1, config.concurrency), max_retries=0
        )
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        # Passed with every request, not set on the session: requests lets REQUESTS_CA_BUNDLE
        # and friends override a session's own verify setting.
        self._proxies = {"http": config.proxy, "https": config.proxy} if config.proxy else None
        self.session.headers["User-Agent"] = "LiveDetectDesk"
        # Only encodings we decompress ourselves, under the cap.
        self.session.headers["Accept-Encoding"] = "gzip, deflate"

    @property
    def api(self) -> Api:
        return self.backend.api

    def default_threshold(self) -> float:
        return default_threshold(self.backend.api)

    def preparation_limits(self, limits: Limits) -> Limits:
        """The operator's preparation settings within what this backend's service accepts."""
        return self.backend.limits.apply(limits)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> LiveDetectClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public checks ------------------------------------------------------------------------

    def check_image(
        self,
        prepared: PreparedImage,
        source: str,
        threshold: float | None = None,
        cancel: threading.Event | None = None,
    ) -> CheckResult:
        base = CheckResult(
            source=source,
            threshold=self.default_threshold() if threshold is None else threshold,
            prepared=prepared.info,
            sha256=prepared.sha256,
            endpoint=self.url,
            api=self.backend.api.value,
            simulated=self.config.simulated,
        )
        body = self.backend.image_body(prepared)
        if isinstance(body, Outcome):
            return replace(base, problem_key=body.problem_key, detail=body.detail)
        return self._send(base, body, cancel)

    def check_url(
        self,
        url: str,
        source: str | None = None,
        threshold: float | None = None,
        cancel: threading.Event | None = None,
    ) -> CheckResult:
        base = CheckResult(
            source=source or url,
            threshold=self.default_threshold() if threshold is None else threshold,
            endpoint=self.url,
            api=self.backend.api.value,
            simulated=self.config.simulated,
        )
        try:
            url = validate_image_url(url)
        except BadEndpoint as exc:
            return replace(base, problem_key="bad_url", detail=str(exc))
        return self._send(base, self.backend.url_body(url), cancel)

    # -- the attempt loop ---------------------------------------------------------------------

    def _send(self, base: CheckResult, body: Body, cancel: threading.Event | None) -> CheckResult:
        cfg = self.config
        started = time.monotonic()
        check_ends = started + cfg.check_deadline
        attempts = 0
        resigned = False
        maybe_twice = False
        ambiguous_before = False
        headers: dict[str, str] | None = None
        outcome = Outcome(problem_key="cancelled")
        probing = False  # issue 12: this worker holds the renewal turn
        while True:
            if cancel is not None and cancel.is_set():
                outcome = Outcome(problem_key="cancelled") if attempts == 0 else outcome
                break
            if self.pacer is not None and not self.pacer.acquire(cancel):
                outcome = Outcome(problem_key="cancelled") if attempts == 0 else outcome
                break
            remaining = check_ends - time.monotonic()
            if remaining <= 0:
                break
            attempts += 1
            if ambiguous_before:
                maybe_twice = True
            stale = headers if outcome.resign else None
            headers = self.backend.headers(body, stale)
            outcome = self._attempt(headers, body, min(cfg.attempt_deadline, remaining))
            if probing:  # issue 12
                probing = False
                self._renewal_done(failed=outcome.resign)
            if self.pacer is not None:
                if outcome.throttled:
                    self.pacer.throttled(outcome.retry_after)
                elif outcome.answered:
                    self.pacer.succeeded()
            # Never the signature or the key: only what an operator can act on.
            log.info("%s attempt %d: code=%s problem=%s %s", base.source, attempts,
                     outcome.code, outcome.problem_key, outcome.detail)
            if outcome.resign and not resigned:
                # Expired (clock skew, or a long pause): the service did no work; renew once.
                resigned = True
                # -- issue 12: one worker at a time tries a renewed signature -----------------
                if not self._renewal_turn():
                    break  # a renewed signature expired too: keep this answer, pay no more
                probing = True
                # -- end issue 12 ------------------------------------------------------------
                continue
            if not outcome.retry or attempts >= cfg.max_attempts:
                break
            delay = self._backoff(attempts, outcome.retry_after)
            elapsed = time.monotonic() - started
            if elapsed + delay > cfg.max_retry_seconds or elapsed + delay >= cfg.check_deadline:
                break
            ambiguous_before = ambiguous_before or outcome.ambiguous
            if cancel is not None:
                if cancel.wait(delay):
                    break  # keep the last real outcome: the operator sees why it stopped
            else:
                time.sleep(delay)
        if probing:  # issue 12: left before the renewed attempt (cancelled, deadline)
            self._renewal_done(failed=False)
        return replace(
            base,
            code=outcome.code,
            score=outcome.score,
            problem_key=outcome.problem_key,
            detail=outcome.detail,
            request_id=outcome.request_id,
            attempts=attempts,
            elapsed_ms=round((time.monotonic() - started) * 1000),
            maybe_billed_twice=maybe_twice,
            simulated=base.simulated or outcome.simulated,
        )

    # -- issue 12 (engineer bill): a bounded renewal after an expired signature --------------

    def _renewal_turn(self) -> bool:
        """Wait for this worker's turn to try a renewed signature. False when a renewed one
        has just expired too (this computer's clock is wrong): the other workers then give up
        at once instead of each paying one more refused call, so a batch of any size reaches
        the service at most concurrency + 1 times. True: call ``_renewal_done`` after."""
        self._renewal_lock.acquire()
        if time.monotonic() - self._renewal_failed_at < RENEWAL_FAILURE_MEMORY:
            self._renewal_lock.release()
            return False
        return True

    def _renewal_done(self, failed: bool) -> None:
        if failed:
            self._renewal_failed_at = time.monotonic()
        self._renewal_lock.release()

    # -- end issue 12 ----------------------------------------------------------------------------

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        ceiling = min(self.config.backoff_cap, self.config.backoff_base * 2 ** (attempt - 1))
        with self._rng_lock:
            # "Equal jitter": never less than half the ceiling, spread so workers de-synchronise.
            delay = ceiling / 2 + self._rng.uniform(0, ceiling / 2)
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.config.backoff_cap))
        return delay

    def _attempt(self, headers: Mapping[str, str], body: Body, seconds: float) -> Outcome:
        cfg = self.config
        deadline = _Deadline(seconds)
        _watch.deadline = deadline
        try:
            response = self.session.post(
                self.url, data=body.data, headers=headers,
                # The connect timeout also bounds the whole TLS handshake (CPython's ssl module
                # counts it as one operation), so capping it by the deadline bounds that phase.
                timeout=(min(cfg.connect_timeout, seconds), min(cfg.read_timeout, seconds)),
                verify=cfg.verify, proxies=self._proxies, allow_redirects=False, stream=True,
            )
            with response:
                if response.status_code in _REDIRECTS:
                    where = response.headers.get("Location", "")
                    return Outcome(problem_key="redirected",
                                   detail=f"HTTP {response.status_code} to "
                                          f"{_printable(where)[:200] or '(no Location)'}")
                content = _read_capped(response, deadline)
                if deadline.fired:  # a cut socket can look like the end of a short answer
                    raise TimeoutError("deadline")
                outcome = self.backend.read_answer(response.status_code, response.headers,
                                                   content)
                # Our own sandbox says so on every answer, also when it runs as its own
                # process behind LIVEDETECT_ENDPOINT: its scores must never count as real.
                if response.headers.get(SANDBOX_HEADER, "").lower() == "simulated":
                    outcome = replace(outcome, simulated=True)
                return outcome
        except _BadAnswer as exc:
            return Outcome(problem_key=exc.key, detail=exc.detail, answered=True)
        except Exception as exc:  # every failure of the exchange becomes an outcome
            if deadline.fired:
                return Outcome(problem_key="timeout",
                               detail=f"no complete answer within {seconds:.1f} s",
                               retry=True, ambiguous=True)
            return _failure_outcome(exc, deadline.connected)
        finally:
            deadline.cancel()
            _watch.deadline = None


def check_settings(config: ClientConfig) -> None:
    """Settings that cannot work are refused here, with a message, not deep in a request."""
    if isinstance(config.verify, str) and not os.path.isfile(config.verify):
        raise BadSetting(f"CA bundle not found: {config.verify} (give the path of a PEM file)")
    if config.proxy:
        parts = urlsplit(config.proxy.strip())
        if parts.scheme not in ("http", "https", "socks5", "socks5h") or not parts.hostname:
            raise BadSetting("the proxy must be a URL such as http://proxy.example:3128")
    for name in ("connect_timeout", "read_timeout", "attempt_deadline", "check_deadline"):
        if not getattr(config, name) > 0:
            raise BadSetting(f"{name.replace('_', ' ')} must be more than 0 seconds")


# -- deadlines ------------------------------------------------------------------------------------

_watch = threading.local()


class _Deadline:
    """Cuts the attempt's connection when its time is up, wherever the exchange is blocked.

    Socket timeouts bound each silence, not the whole: a server dripping a byte a second
    never trips them. The connection classes below attach themselves to the deadline of the
    attempt running on their thread; when it fires, their socket is shut down, which makes
    the blocked read return at once.
    """

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self.connected = False
        self._conn: HTTPConnection | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def attach(self, conn: HTTPConnection) -> None:
        with self._lock:
            self._conn = conn
            if self.fired:
                _cut(conn)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            if self._conn is not None:
                _cut(self._conn)

    def cancel(self) -> None:
        self._timer.cancel()


def _cut(conn: HTTPConnection) -> None:
    sock = getattr(conn, "sock", None) or getattr(conn, "_ld_raw_sock", None)
    if sock is None:
        return
    # The plain socket's shutdown, also for an SSLSocket: no TLS close_notify exchange,
    # just wake the blocked reader. (During the TLS handshake neither handle is usable; the
    # handshake is bounded as a whole by the connect timeout, capped by the deadline.)
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class DownloadDeadline:
    """One download bounded as a whole: ``session`` gets whatever the server sends, and its
    connection is cut when ``seconds`` have passed (``fired`` then says so), however slowly
    the server drips. For downloads that are not checks (the desk's URL preview). Use it as
    a context manager on the thread that downloads."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.session = requests.Session()
        adapter = _WatchedAdapter(max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self._deadline: _Deadline | None = None

    @property
    def fired(self) -> bool:
        return self._deadline is not None and self._deadline.fired

    def __enter__(self) -> DownloadDeadline:
        self._deadline = _Deadline(self.seconds)
        _watch.deadline = self._deadline
        return self

    def __exit__(self, *exc: object) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        _watch.deadline = None
        self.session.close()


class _WatchedMixin:
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()  # type: ignore[misc]
        self._ld_raw_sock = sock
        deadline = getattr(_watch, "deadline", None)
        if deadline is not None:
            deadline.attach(self)  # type: ignore[arg-type]
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        deadline = getattr(_watch, "deadline", None)
        if deadline is not None:
            deadline.attach(self)  # type: ignore[arg-type]
        super().request(*args, **kwargs)  # type: ignore[misc]
        if deadline is not None:
            deadline.connected = True


class _WatchedHTTPConnection(_WatchedMixin, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_WatchedMixin, HTTPSConnection):
    pass


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class _WatchedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if hasattr(manager, "pool_classes_by_scheme"):  # not the SOCKS manager
            manager.pool_classes_by_scheme = _POOLS
        return manager


# -- reading the answer ---------------------------------------------------------------------------


class _BadAnswer(Exception):
    def __init__(self, detail: str, key: str = "answer_too_large") -> None:
        super().__init__(detail)
        self.key = key
        self.detail = detail


def _read_capped(response: requests.Response, deadline: _Deadline) -> bytes:
    """The answer's body, decompressed, at most MAX_ANSWER_BYTES (decompressed bytes count)."""
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    if encoding in ("", "identity"):
        decoder = None
    elif encoding in ("gzip", "x-gzip", "deflate"):
        decoder = zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib, detected
    else:
        raise _BadAnswer(f"unsupported Content-Encoding {_printable(encoding)[:40]!r}", "bad_json")
    declared = response.headers.get("Content-Length", "")
    if decoder is None and declared.isdigit() and int(declared) > MAX_ANSWER_BYTES:
        raise _BadAnswer(f"{int(declared):,} bytes announced, over {MAX_ANSWER_BYTES:,}")
    out = bytearray()
    for chunk in response.raw.stream(_CHUNK, decode_content=False):
        if decoder is not None:
            chunk = decoder.decompress(chunk, MAX_ANSWER_BYTES + 1 - len(out))
            if decoder.unconsumed_tail:
                raise _BadAnswer(f"over {MAX_ANSWER_BYTES:,} bytes once decompressed")
        out += chunk
        if len(out) > MAX_ANSWER_BYTES:
            raise _BadAnswer(f"over {MAX_ANSWER_BYTES:,} bytes")
        if deadline.fired:
            raise TimeoutError("deadline")
    if decoder is not None:
        out += decoder.flush()
        if len(out) > MAX_ANSWER_BYTES:
            raise _BadAnswer(f"over {MAX_ANSWER_BYTES:,} bytes once decompressed")
    return bytes(out)


# -- classifying failures -------------------------------------------------------------------------


def _failure_outcome(exc: Exception, connected: bool) -> Outcome:
    chain = _causes(exc)
    names = " ".join(type(e).__name__ for e in chain)
    text = " ".join(str(e) for e in chain)
    if isinstance(exc, requests.exceptions.SSLError) or "SSLError" in names:
        upper = text.upper()
        if "WRONG_VERSION_NUMBER" in upper or "HTTP_REQUEST" in upper or \
                "PACKET_LENGTH_TOO_LONG" in upper or "RECORD_LAYER_FAILURE" in upper:
            # An https URL pointed at a plain-HTTP server: its "HTTP/1.1 400" is no TLS record.
            return Outcome(problem_key="tls_plain_http", detail=_short(exc))
        if "CERTIFICATE_VERIFY_FAILED" in upper or "CERTIFICATE" in upper:
            return Outcome(problem_key="tls", detail=_short(exc))
        return Outcome(problem_key="tls_failed", detail=_short(exc))
    if isinstance(exc, requests.exceptions.ProxyError):
        return Outcome(problem_key="proxy", detail=_short(exc), retry=True)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return Outcome(problem_key="connect_timeout", retry=True)
    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                        requests.exceptions.InvalidSchema, requests.exceptions.InvalidHeader)):
        return Outcome(problem_key="bad_url", detail=_short(exc))
    if connected and ("ReadTimeout" in names or "TimeoutError" in names):
        # Connected and sent, then too slow: not "could not connect".
        return Outcome(problem_key="timeout", detail=_short(exc), retry=True, ambiguous=True)
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return Outcome(problem_key="timeout", detail=_short(exc), retry=True, ambiguous=True)
    if "NameResolutionError" in names or "gaierror" in names or "Name or service not known" in text:
        # A host that does not resolve will not resolve a second later: say so at once.
        return Outcome(problem_key="dns", detail=_short(exc))
    if not connected and ("NewConnectionError" in names or "ConnectionRefusedError" in names):
        return Outcome(problem_key="connection", detail=_short(exc), retry=True)
    if isinstance(exc, (requests.exceptions.RequestException, OSError)) or \
            "ProtocolError" in names or "IncompleteRead" in names:
        # Dropped after the request went out: the service may have processed it.
        return Outcome(problem_key="connection_lost", detail=_short(exc), retry=True,
                       ambiguous=True)
    return Outcome(problem_key="internal", detail=_short(exc))


def _causes(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    stack: list[BaseException | None] = [exc]
    while stack:
        current = stack.pop()
        if current is None or current in seen or len(seen) > 10:
            continue
        seen.append(current)
        linked = [current.__cause__, current.__context__, getattr(current, "reason", None),
                  *getattr(current, "args", ())]
        stack += [e for e in linked if isinstance(e, BaseException)]
    return seen


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in text)


def _short(exc: BaseException) -> str:
    """An exception summary for messages: the class and a bounded text (URLs, no secrets)."""
    text = str(exc).replace("\n", " ")
    return f"{type(exc).__name__}: {text[:200]}"
