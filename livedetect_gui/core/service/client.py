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

import logging
import math
import os
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Protocol
from urllib.parse import urlsplit

import requests

from livedetect_gui.core import defaults
from livedetect_gui.core.imaging.prechecks import PrecheckPolicy, policy_for
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
from livedetect_gui.core.service.transport import (
    MAX_ANSWER_BYTES,
    AttemptDeadline,
    BadAnswer,
    WatchedAdapter,
    failure_outcome,
    printable,
    read_capped,
    watch,
)
from livedetect_gui.core.verdict import default_threshold

__all__ = ["API_PATH", "CURRENT_HOST", "MAX_ANSWER_BYTES", "OLD_HOST", "BadEndpoint", "BadSetting",
           "ClientConfig", "LiveDetectClient", "Pacer", "check_settings",
           "endpoint_url", "resolve_endpoint", "validate_image_url"]

log = logging.getLogger(__name__)

BACKENDS: dict[Api, Callable[..., Backend]] = {Api.LEGACY: LegacyBackend, Api.TC3: Tc3Backend}


def precheck_policy(api: Api | str, base: PrecheckPolicy | None = None) -> PrecheckPolicy:
    """The pre-checks for a generation of the service, with that service's own face-size rule
    (API 3.0: 100 px): the CLI and the desk both ask here."""
    limits = {Api.LEGACY: LegacyBackend.limits, Api.TC3: Tc3Backend.limits}[Api(api)]
    return policy_for(limits.min_face_px, base)

# Longer URLs are refused before any call: no browser or CDN link needs more.
MAX_URL_LENGTH = 2048
_REDIRECTS = (301, 302, 303, 307, 308)
# After a renewed signature expired too, other workers skip their renewal this long: a clock
# this far off would make every renewal another paid refusal.
RENEWAL_FAILURE_MEMORY = 30.0


class Pacer(Protocol):
    """Paces attempts across workers (core/service/pacing.py implements it)."""

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
    connect_timeout: float = defaults.CONNECT_TIMEOUT
    # Silence allowed between two pieces of the answer.
    read_timeout: float = defaults.READ_TIMEOUT
    # Whole attempt (connect + send + the whole answer) and whole check (every attempt and
    # backoff): a server dripping one byte a second can no longer hold a check for minutes.
    attempt_deadline: float = 45.0
    check_deadline: float = defaults.CHECK_DEADLINE
    concurrency: int = defaults.CONCURRENCY
    signature_validity: int = defaults.SIGNATURE_VALIDITY
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
        # One renewal probe at a time after an expired signature (see _renewal_turn).
        self._renewal_lock = threading.Lock()
        self._renewal_failed_at = -math.inf
        self._rng = rng or random.Random()
        self._rng_lock = threading.Lock()
        self.session = requests.Session()
        # One pool slot per worker so keep-alive connections are reused, never thrown away.
        adapter = WatchedAdapter(
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
        probing = False  # this worker holds the renewal turn
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
            if probing:  # this worker's renewed attempt ended: free the turn
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
                # -- one worker at a time tries a renewed signature: one paid refusal at most --
                if not self._renewal_turn():
                    break  # a renewed signature expired too: keep this answer, pay no more
                probing = True
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
        if probing:  # left before the renewed attempt (cancelled, deadline)
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

    # -- a bounded renewal after an expired signature ----------------------------------------

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
        deadline = AttemptDeadline(seconds)
        watch.deadline = deadline
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
                                          f"{printable(where)[:200] or '(no Location)'}")
                content = read_capped(response, deadline)
                if deadline.fired:  # a cut socket can look like the end of a short answer
                    raise TimeoutError("deadline")
                outcome = self.backend.read_answer(response.status_code, response.headers,
                                                   content)
                # Our own sandbox says so on every answer, also when it runs as its own
                # process behind LIVEDETECT_ENDPOINT: its scores must never count as real.
                if response.headers.get(SANDBOX_HEADER, "").lower() == "simulated":
                    outcome = replace(outcome, simulated=True)
                return outcome
        except BadAnswer as exc:
            return Outcome(problem_key=exc.key, detail=exc.detail, answered=True)
        except Exception as exc:  # every failure of the exchange becomes an outcome
            if deadline.fired:
                return Outcome(problem_key="timeout",
                               detail=f"no complete answer within {seconds:.1f} s",
                               retry=True, ambiguous=True)
            return failure_outcome(exc, deadline.connected)
        finally:
            deadline.cancel()
            watch.deadline = None


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
