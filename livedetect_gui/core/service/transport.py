"""The HTTP exchange of one attempt, bounded and read safely: a deadline that cuts the
connection wherever it is blocked, an answer read under a size cap (compressed or not), and
failures sorted into the problems the client reports (retry or not, maybe billed or not).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import zlib
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from livedetect_gui.core.service.backend import Outcome

# A real answer is a few hundred bytes; 1 MiB is generous and still bounds a hostile one.
MAX_ANSWER_BYTES = 1 << 20
# Read in small pieces so one piece of a compressed answer cannot inflate far past the cap.
_CHUNK = 16 * 1024


# -- deadlines ------------------------------------------------------------------------------------

watch = threading.local()


class AttemptDeadline:
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

    def fire_now(self) -> None:
        self._timer.cancel()
        self._fire()

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
        adapter = WatchedAdapter(max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self._deadline: AttemptDeadline | None = None

    @property
    def fired(self) -> bool:
        return self._deadline is not None and self._deadline.fired

    def __enter__(self) -> DownloadDeadline:
        self._deadline = AttemptDeadline(self.seconds)
        watch.deadline = self._deadline
        with _downloads_lock:
            _downloads.add(self._deadline)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            with _downloads_lock:
                _downloads.discard(self._deadline)
        watch.deadline = None
        self.session.close()


# The downloads under way, so a closing desk can end them now rather than wait out their
# deadlines (a stalled server would hold the window's close for that long).
_downloads: set[AttemptDeadline] = set()
_downloads_lock = threading.Lock()


def cut_downloads() -> int:
    """Ends every download under way (each raises as if its deadline had passed); how many."""
    with _downloads_lock:
        running = list(_downloads)
    for deadline in running:
        deadline.fire_now()
    return len(running)


class _WatchedMixin:
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()  # type: ignore[misc]
        self._ld_raw_sock = sock
        deadline = getattr(watch, "deadline", None)
        if deadline is not None:
            deadline.attach(self)  # type: ignore[arg-type]
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        deadline = getattr(watch, "deadline", None)
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


class WatchedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if hasattr(manager, "pool_classes_by_scheme"):  # not the SOCKS manager
            manager.pool_classes_by_scheme = _POOLS
        return manager


# -- reading the answer ---------------------------------------------------------------------------


class BadAnswer(Exception):
    def __init__(self, detail: str, key: str = "answer_too_large") -> None:
        super().__init__(detail)
        self.key = key
        self.detail = detail


def read_capped(response: requests.Response, deadline: AttemptDeadline) -> bytes:
    """The answer's body, decompressed, at most MAX_ANSWER_BYTES (decompressed bytes count)."""
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    if encoding in ("", "identity"):
        decoder = None
    elif encoding in ("gzip", "x-gzip", "deflate"):
        decoder = zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib, detected
    else:
        raise BadAnswer(f"unsupported Content-Encoding {printable(encoding)[:40]!r}", "bad_json")
    declared = response.headers.get("Content-Length", "")
    if decoder is None and declared.isdigit() and int(declared) > MAX_ANSWER_BYTES:
        raise BadAnswer(f"{int(declared):,} bytes announced, over {MAX_ANSWER_BYTES:,}")
    out = bytearray()
    for chunk in response.raw.stream(_CHUNK, decode_content=False):
        if decoder is not None:
            chunk = decoder.decompress(chunk, MAX_ANSWER_BYTES + 1 - len(out))
            if decoder.unconsumed_tail:
                raise BadAnswer(f"over {MAX_ANSWER_BYTES:,} bytes once decompressed")
        out += chunk
        if len(out) > MAX_ANSWER_BYTES:
            raise BadAnswer(f"over {MAX_ANSWER_BYTES:,} bytes")
        if deadline.fired:
            raise TimeoutError("deadline")
    if decoder is not None:
        out += decoder.flush()
        if len(out) > MAX_ANSWER_BYTES:
            raise BadAnswer(f"over {MAX_ANSWER_BYTES:,} bytes once decompressed")
    return bytes(out)


# -- classifying failures -------------------------------------------------------------------------


def failure_outcome(exc: Exception, connected: bool) -> Outcome:
    chain = _causes(exc)
    names = " ".join(type(e).__name__ for e in chain)
    text = " ".join(str(e) for e in chain)
    if isinstance(exc, requests.exceptions.SSLError) or "SSLError" in names:
        upper = text.upper()
        if "WRONG_VERSION_NUMBER" in upper or "HTTP_REQUEST" in upper or \
                "PACKET_LENGTH_TOO_LONG" in upper or "RECORD_LAYER_FAILURE" in upper:
            # An https URL pointed at a plain-HTTP server: its "HTTP/1.1 400" is no TLS record.
            return Outcome(problem_key="tls_plain_http", detail=short(exc))
        if "CERTIFICATE_VERIFY_FAILED" in upper or "CERTIFICATE" in upper:
            return Outcome(problem_key="tls", detail=short(exc))
        return Outcome(problem_key="tls_failed", detail=short(exc))
    if isinstance(exc, requests.exceptions.ProxyError):
        return Outcome(problem_key="proxy", detail=short(exc), retry=True)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return Outcome(problem_key="connect_timeout", retry=True)
    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                        requests.exceptions.InvalidSchema, requests.exceptions.InvalidHeader)):
        return Outcome(problem_key="bad_url", detail=short(exc))
    if connected and ("ReadTimeout" in names or "TimeoutError" in names):
        # Connected and sent, then too slow: not "could not connect".
        return Outcome(problem_key="timeout", detail=short(exc), retry=True, ambiguous=True)
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return Outcome(problem_key="timeout", detail=short(exc), retry=True, ambiguous=True)
    if "NameResolutionError" in names or "gaierror" in names or "Name or service not known" in text:
        # A host that does not resolve will not resolve a second later: say so at once.
        return Outcome(problem_key="dns", detail=short(exc))
    if not connected and ("NewConnectionError" in names or "ConnectionRefusedError" in names):
        return Outcome(problem_key="connection", detail=short(exc), retry=True)
    if isinstance(exc, (requests.exceptions.RequestException, OSError)) or \
            "ProtocolError" in names or "IncompleteRead" in names:
        # Dropped after the request went out: the service may have processed it.
        return Outcome(problem_key="connection_lost", detail=short(exc), retry=True,
                       ambiguous=True)
    return Outcome(problem_key="internal", detail=short(exc))


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


def printable(text: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in text)


def short(exc: BaseException) -> str:
    """An exception summary for messages: the class and a bounded text (URLs, no secrets)."""
    text = str(exc).replace("\n", " ")
    return f"{type(exc).__name__}: {text[:200]}"
