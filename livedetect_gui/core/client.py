"""The signing HTTP client for ``POST /face/livedetectpicture``.

One keep-alive session shared by all workers, a signature reused until shortly before it
expires, bounded retries with backoff, and every answer validated into a CheckResult.

Why each retry is safe with a billed API:
- Connection refused / connect timeout / proxy unreachable: the request never reached the
  service, so it cannot have been processed or billed.
- Code 15 (throttled) and code 9 (signature expired): the service refused the request before
  doing any work; nothing was billed.
- HTTP 5xx, a connection dropped after sending, a read timeout: the service *may* have
  processed the request before failing. We retry (the operator wants an answer), but the
  result then says ``maybe_billed_twice`` so the desk can account for it.
- Anything else (a valid answer, a bad score, a non-JSON body, a business error code) is never
  retried: the call was processed and a repeat would be billed again.
"""

from __future__ import annotations

import json
import logging
import math
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter

from .credentials import Credentials
from .errors import SERVICE_CODES
from .imaging import SERVICE_BODY_LIMIT, PreparedImage
from .pacing import Pacer
from .result import CheckResult
from .signing import SignatureCache
from .verdict import DEFAULT_THRESHOLD

log = logging.getLogger(__name__)

API_PATH = "/face/livedetectpicture"
CURRENT_HOST = "https://recognition.image.myqcloud.com"
OLD_HOST = "https://service.image.myqcloud.com"
# The file name the service sees: a fixed one, so local file names (often a person's name)
# never leave the desk.
UPLOAD_NAME = "image.jpg"


ENDPOINT_ALIASES = {"current": CURRENT_HOST, "old": OLD_HOST}
# Issue 12: after a renewed signature expired too, other workers skip their renewal this long.
RENEWAL_FAILURE_MEMORY = 30.0


class BadEndpoint(ValueError):
    pass


def resolve_endpoint(value: str | None) -> str:
    """'current', 'old', a base URL, or nothing (the current host)."""
    if not value:
        return CURRENT_HOST
    return ENDPOINT_ALIASES.get(value.strip().lower(), value.strip())


def endpoint_url(base: str) -> str:
    """The full API URL for a base such as the current host, the old one or a sandbox."""
    base = base.strip()
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadEndpoint(f"not an http(s) address: {base!r}")
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise BadEndpoint(f"bad port in {base!r}") from None
    path = parts.path.rstrip("/")
    if not path.endswith(API_PATH):
        path += API_PATH
    return f"{parts.scheme}://{parts.netloc}{path}"


@dataclass(frozen=True)
class ClientConfig:
    endpoint: str = CURRENT_HOST
    # True (system CAs), False (no check: only for a lab), or the path of a CA bundle.
    verify: bool | str = True
    proxy: str | None = None
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    concurrency: int = 4
    signature_validity: int = 600
    max_attempts: int = 4
    # No retry starts after this many seconds since the first attempt.
    max_retry_seconds: float = 30.0
    backoff_base: float = 0.5
    backoff_cap: float = 8.0


@dataclass(frozen=True)
class _Outcome:
    """One attempt: what came back, and whether another attempt makes sense."""

    code: int | None = None
    score: int | None = None
    problem_key: str | None = None
    detail: str = ""
    retry: bool = False
    # The service may have processed this attempt although we got no answer.
    ambiguous: bool = False
    retry_after: float | None = None


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
        self.credentials = credentials
        # Shared by every worker using this account (issue 12); None sends unpaced.
        self.pacer = pacer
        self._renewal_lock = threading.Lock()
        self._renewal_failed_at = -math.inf
        self.config = config
        self.url = endpoint_url(resolve_endpoint(config.endpoint))
        self._signatures = SignatureCache(
            credentials.appid,
            credentials.secret_id,
            credentials.secret_key,
            bucket=credentials.bucket,
            validity=config.signature_validity,
            clock=clock,
        )
        self._rng = rng or random.Random()
        self._rng_lock = threading.Lock()
        self.session = requests.Session()
        # One pool slot per worker so keep-alive connections are reused, never thrown away.
        adapter = HTTPAdapter(
            pool_connections=2, pool_maxsize=max(1, config.concurrency), max_retries=0
        )
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        # Passed with every request, not set on the session: requests lets REQUESTS_CA_BUNDLE
        # and friends override a session's own verify setting.
        self._proxies = {"http": config.proxy, "https": config.proxy} if config.proxy else None
        self.session.headers["User-Agent"] = "LiveDetectDesk"

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
        threshold: float = DEFAULT_THRESHOLD,
        cancel: threading.Event | None = None,
    ) -> CheckResult:
        body, content_type = urllib3.encode_multipart_formdata(
            [("appid", self.credentials.appid),
             ("image", (UPLOAD_NAME, prepared.data, prepared.content_type))]
        )
        base = CheckResult(
            source=source,
            threshold=threshold,
            prepared=prepared.info,
            sha256=prepared.sha256,
            endpoint=self.url,
        )
        if len(body) > SERVICE_BODY_LIMIT:
            return replace(base, problem_key="body_too_large",
                           detail=f"{len(body):,} bytes")
        return self._send(base, body, content_type, cancel)

    def check_url(
        self,
        url: str,
        source: str | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        cancel: threading.Event | None = None,
    ) -> CheckResult:
        base = CheckResult(source=source or url, threshold=threshold, endpoint=self.url)
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return replace(base, problem_key="bad_url", detail=url)
        body = json.dumps({"appid": self.credentials.appid, "url": url.strip()}).encode()
        return self._send(base, body, "application/json", cancel)

    # -- the attempt loop ---------------------------------------------------------------------

    def _send(
        self,
        base: CheckResult,
        body: bytes,
        content_type: str,
        cancel: threading.Event | None,
    ) -> CheckResult:
        cfg = self.config
        started = time.monotonic()
        attempts = 0
        renewed = False
        maybe_twice = False
        ambiguous_before = False
        signature = self._signatures.get()
        while True:
            if cancel is not None and cancel.is_set():
                if attempts == 0:  # after a real answer, keep it: the operator sees why
                    outcome = _Outcome(problem_key="cancelled")
                break
            # -- pacing hook (issue 12): the account's pacer before every attempt -------------
            if self.pacer is not None and not self.pacer.acquire(cancel):
                outcome = _Outcome(problem_key="cancelled")
                break
            # -- end pacing hook ---------------------------------------------------------------
            attempts += 1
            if ambiguous_before:
                maybe_twice = True
            outcome = self._attempt(signature, body, content_type)
            self._pace(outcome)  # pacing hook (issue 12)
            # Never the signature or the key: only what an operator can act on.
            log.info("%s attempt %d: code=%s problem=%s %s", base.source, attempts,
                     outcome.code, outcome.problem_key, outcome.detail)
            if outcome.code == 9 and not renewed:
                # Expired (clock skew, or a long pause): the service did no work; renew once.
                renewed = True
                # -- issue 12: one renewal probe at a time (see _renewed_attempt) ---------------
                probe = self._renewed_attempt(signature, body, content_type, cancel)
                if probe is None:
                    break  # a renewed signature expired too: keep code 9, spend nothing more
                signature, outcome = probe
                attempts += 1
                log.info("%s attempt %d (renewed): code=%s problem=%s", base.source, attempts,
                         outcome.code, outcome.problem_key)
                # -- end issue 12 ------------------------------------------------------------------
            if not outcome.retry or attempts >= cfg.max_attempts:
                break
            delay = self._backoff(attempts, outcome.retry_after)
            if time.monotonic() - started + delay > cfg.max_retry_seconds:
                break
            ambiguous_before = ambiguous_before or outcome.ambiguous
            if cancel is not None:
                if cancel.wait(delay):
                    break  # keep the last real outcome: the operator sees why it stopped
            else:
                time.sleep(delay)
        return replace(
            base,
            code=outcome.code,
            score=outcome.score,
            problem_key=outcome.problem_key,
            detail=outcome.detail,
            attempts=attempts,
            elapsed_ms=round((time.monotonic() - started) * 1000),
            maybe_billed_twice=maybe_twice,
        )

    # -- issue 12 (engineer bill): pacing and bounded renewal ---------------------------------

    def _pace(self, outcome: _Outcome) -> None:
        """Tell the pacer how an answered attempt went (no answer: nothing learned)."""
        if self.pacer is not None and outcome.code is not None:
            if outcome.code == 15:
                self.pacer.throttled(outcome.retry_after)
            else:
                self.pacer.succeeded()

    def _renewed_attempt(self, stale: str, body: bytes, content_type: str,
                         cancel: threading.Event | None) -> tuple[str, _Outcome] | None:
        """After code 9, try once more with a renewed signature, one worker at a time. If a
        renewed signature has just expired too (this computer's clock is wrong), the other
        workers give up at once instead of each paying one more refused call: a batch of any
        size then reaches the service at most concurrency + 1 times. None: do not try."""
        with self._renewal_lock:
            if (time.monotonic() - self._renewal_failed_at < RENEWAL_FAILURE_MEMORY
                    or (cancel is not None and cancel.is_set())):
                return None
            signature = self._signatures.renew(stale)
            if self.pacer is not None and not self.pacer.acquire(cancel):
                return None
            outcome = self._attempt(signature, body, content_type)
            self._pace(outcome)
            if outcome.code == 9:
                self._renewal_failed_at = time.monotonic()
            return signature, outcome

    # -- end issue 12 --------------------------------------------------------------------------

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        ceiling = min(self.config.backoff_cap, self.config.backoff_base * 2 ** (attempt - 1))
        with self._rng_lock:
            # "Equal jitter": never less than half the ceiling, spread so workers de-synchronise.
            delay = ceiling / 2 + self._rng.uniform(0, ceiling / 2)
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.config.backoff_cap))
        return delay

    def _attempt(self, signature: str, body: bytes, content_type: str) -> _Outcome:
        cfg = self.config
        headers = {"Authorization": signature, "Content-Type": content_type}
        try:
            response = self.session.post(
                self.url, data=body, headers=headers,
                timeout=(cfg.connect_timeout, cfg.read_timeout),
                verify=cfg.verify, proxies=self._proxies,
            )
        except requests.exceptions.SSLError as exc:
            return _Outcome(problem_key="tls", detail=_short(exc))
        except requests.exceptions.ProxyError as exc:
            return _Outcome(problem_key="proxy", detail=_short(exc), retry=True)
        except requests.exceptions.ConnectTimeout:
            return _Outcome(problem_key="connect_timeout", retry=True)
        except requests.exceptions.ReadTimeout:
            return _Outcome(problem_key="timeout", retry=True, ambiguous=True)
        except requests.exceptions.ConnectionError as exc:
            return _connection_outcome(exc)
        except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                requests.exceptions.InvalidSchema) as exc:
            return _Outcome(problem_key="bad_url", detail=_short(exc))
        except requests.exceptions.RequestException as exc:
            return _Outcome(problem_key="connection", detail=_short(exc))
        with response:
            return _read_answer(response)


def _read_answer(response: requests.Response) -> _Outcome:
    status = response.status_code
    try:
        payload = response.json()
    except ValueError:
        payload = None
    code = payload.get("code") if isinstance(payload, dict) else None
    if isinstance(code, int) and not isinstance(code, bool):
        message = str(payload.get("message", ""))[:300]
        if code == 0:
            data = payload.get("data")
            score = data.get("score") if isinstance(data, dict) else None
            if isinstance(score, float) and score.is_integer():
                score = int(score)
            if not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= 100:
                return _Outcome(problem_key="bad_score", detail=f"score={score!r}")
            return _Outcome(code=0, score=score)
        if code == 15:
            return _Outcome(code=15, detail=message, retry=True,
                            retry_after=_retry_after(response))
        if code not in SERVICE_CODES:
            return _Outcome(code=code, detail=message or "unknown code")
        return _Outcome(code=code, detail=message)
    if status >= 500:
        return _Outcome(problem_key="http_error", detail=f"HTTP {status} {response.reason}",
                        retry=True, ambiguous=True, retry_after=_retry_after(response))
    if status != 200:
        return _Outcome(problem_key="http_error", detail=f"HTTP {status} {response.reason}")
    return _Outcome(problem_key="bad_json", detail=_snippet(response.content))


def _connection_outcome(exc: requests.exceptions.ConnectionError) -> _Outcome:
    chain = _causes(exc)
    names = " ".join(type(e).__name__ for e in chain)
    text = " ".join(str(e) for e in chain)
    if "NameResolutionError" in names or "gaierror" in names or "Name or service not known" in text:
        # A host that does not resolve will not resolve a second later: say so at once.
        return _Outcome(problem_key="dns", detail=_short(exc))
    if "NewConnectionError" in names or "ConnectionRefusedError" in names:
        return _Outcome(problem_key="connection", detail=_short(exc), retry=True)
    # Dropped after the request went out: the service may have processed it.
    return _Outcome(problem_key="connection_lost", detail=_short(exc), retry=True, ambiguous=True)


def _causes(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    stack: list[BaseException | None] = [exc]
    while stack:
        current = stack.pop()
        if current is None or current in seen or len(seen) > 10:
            continue
        seen.append(current)
        stack += [current.__cause__, current.__context__, getattr(current, "reason", None)]
        stack += [a for a in getattr(current, "args", ()) if isinstance(a, BaseException)]
    return seen


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _short(exc: BaseException) -> str:
    """An exception summary for messages: the class and a bounded text (URLs, no secrets)."""
    text = str(exc).replace("\n", " ")
    return f"{type(exc).__name__}: {text[:200]}"


def _snippet(content: bytes) -> str:
    text = content[:80].decode("utf-8", "replace").replace("\n", " ").strip()
    return f"body starts {text!r}" if text else "empty body"
