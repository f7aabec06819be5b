"""The sandbox's server: HTTP plumbing in front of both protocols, started and stopped by the
CLI, the desk and the tests.

A local, protocol-faithful emulator of the liveness service: it verifies real signatures,
enforces the real limits and answers with the real error codes, so every part of the desk can be
exercised with no cloud account. Scores are SIMULATED (see scoring). This module bounds what a
client may cost (connections, head size, deadlines, bodies held at once) and routes each request:
API 3.0 lives at ``/`` (tc3), the legacy API at its own path (legacy).
"""

from __future__ import annotations

import contextlib
import io
import ipaddress
import json
import logging
import socket
import ssl
import struct
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from livedetect_gui.core.imaging.decode_memory import MemoryBudget
from livedetect_gui.core.service.backend import SANDBOX_HEADER
from livedetect_gui.core.service.signing_legacy import Account
from livedetect_gui.sandbox import legacy, tc3
from livedetect_gui.sandbox.config import (
    BODY_MEMORY_BYTES,
    LISTEN_BACKLOG,
    MAX_ECHO_CHARS,
    MAX_HEADER_BYTES,
    SandboxConfig,
)
from livedetect_gui.sandbox.faults import FaultDraws, Faults, inject
from livedetect_gui.sandbox.throttle import RateLimiter

# The CLI, the desk and the tests start a sandbox from here.
__all__ = ["SPARE_FILES", "Faults", "Sandbox", "SandboxConfig", "is_loopback_host"]

log = logging.getLogger(__name__)

_BUSY_BODY = b'{"code": -5802, "message": "sandbox busy: too many connections"}'
BUSY_ANSWER = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
    b"Retry-After: 1\r\nConnection: close\r\nContent-Length: "
    + str(len(_BUSY_BODY)).encode() + b"\r\n\r\n" + _BUSY_BODY
)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = LISTEN_BACKLOG
    sandbox: Sandbox

    def __init__(self, address: tuple[str, int], handler: type) -> None:
        super().__init__(address, handler)
        self._open = 0
        self._open_lock = threading.Lock()

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's FQDN (a DNS query, seconds when the
        # network is down); nothing here uses it.
        import socketserver

        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), port

    def process_request(self, request: socket.socket, client_address: object) -> None:
        with self._open_lock:
            full = self._open >= self.sandbox.max_connections
            if not full:
                self._open += 1
        if full:
            self.sandbox.count("refused:busy")
            _refuse_busy(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._closed()
            raise

    def process_request_thread(self, request: socket.socket, client_address: object) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._closed()

    @property
    def open_connections(self) -> int:
        with self._open_lock:
            return self._open

    def _closed(self) -> None:
        with self._open_lock:
            self._open -= 1

    def handle_error(self, request: object, client_address: object) -> None:
        # Never a traceback for what a client did: a dropped connection is routine and
        # anything else is one line in the log.
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError | ssl.SSLError | TimeoutError):
            self.sandbox.count("dropped")
            log.debug("sandbox: connection ended: %s", type(exc).__name__)
        else:
            self.sandbox.count("internal")
            log.warning("sandbox: request failed: %s", type(exc).__name__)


def _refuse_busy(request: socket.socket) -> None:
    """A clear 503 without a thread: one non-blocking send, then close."""
    try:
        if not isinstance(request, ssl.SSLSocket):  # TLS would need a handshake first
            request.setblocking(False)
            request.send(BUSY_ANSWER)
            request.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    finally:
        request.close()


# File descriptors kept for everything else in the process (history, images, the desk).
SPARE_FILES = 256


def _connection_limit(wanted: int) -> int:
    """Each open connection is a file descriptor: raise the process's soft limit to allow
    ``wanted`` of them if the hard limit lets us, and never allow more than fit. (Running out
    makes accept() fail at once, again and again: the audit's server spinning at 90% CPU.)"""
    try:
        import resource
    except ImportError:  # Windows: no such limit to mind
        return wanted
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = wanted + SPARE_FILES
        if soft != resource.RLIM_INFINITY and soft < want:
            soft = want if hard == resource.RLIM_INFINITY else min(want, hard)
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    except (ValueError, OSError):  # not allowed: live within what we have
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(1, min(wanted, soft - SPARE_FILES))


def is_loopback_host(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


class Sandbox:
    """Serves on a background thread from ``start()`` until ``stop()``."""

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        if not self.config.accounts:
            self.config.accounts = [SandboxConfig.demo_account()]
        self.accounts = {a.secret_id: a for a in self.config.accounts}
        self.limiter = RateLimiter(self.config.rate_limit)
        self.fault_draws = FaultDraws(self.config.faults)
        self.stats: Counter[str] = Counter()
        self._stats_lock = threading.Lock()
        self.bodies = MemoryBudget(BODY_MEMORY_BYTES)
        self.max_connections = _connection_limit(self.config.max_connections)
        self._server = _Server((self.config.host, self.config.port), _Handler)
        self._server.sandbox = self
        self.scheme = "http"
        if self.config.tls_cert:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(self.config.tls_cert, self.config.tls_key)
            # The handshake happens on the connection's own thread under its timeouts, not
            # in the accept loop where one silent client would stall every other.
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True,
                                                      do_handshake_on_connect=False)
            self.scheme = "https"
        self._thread: threading.Thread | None = None
        if self.exposed:
            log.warning("sandbox: listening on %s, reachable from other machines; it is a test "
                        "service with simulated scores", self.config.host)

    @property
    def exposed(self) -> bool:
        """Bound to an address other machines can reach (warn the operator loudly)."""
        return not is_loopback_host(self.config.host)

    @property
    def account(self) -> Account:
        return self.config.accounts[0]

    @property
    def open_connections(self) -> int:
        """Connections being served now (each on its own thread)."""
        return self._server.open_connections

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{self.scheme}://{host}:{port}"

    def start(self) -> Sandbox:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="sandbox", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:  # shutdown() would wait forever for a loop never started
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def count(self, key: str) -> None:
        with self._stats_lock:
            self.stats[key] += 1

    def enter(self) -> None:
        """A request is being served; stats["max_in_flight"] shows the concurrency reached."""
        with self._stats_lock:
            self.stats["in_flight"] += 1
            self.stats["max_in_flight"] = max(self.stats["max_in_flight"],
                                              self.stats["in_flight"])

    def leave(self) -> None:
        with self._stats_lock:
            self.stats["in_flight"] -= 1

    def draw_fault(self) -> str | None:
        """One seeded draw per request decides its fault, if any."""
        return self.fault_draws.draw()



class _DeadlineReader(io.RawIOBase):
    """The connection's reads, each bounded by the read timeout and by the deadline of the
    request (or of the idle wait before it). The first byte of a request starts its deadline."""

    def __init__(self, sock: socket.socket, config: SandboxConfig) -> None:
        self._sock = sock
        self._config = config
        self.deadline = 0.0
        self.waiting = True

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("request deadline passed")
        self._sock.settimeout(min(remaining, self._config.read_timeout))
        count = self._sock.recv_into(buffer)
        if self.waiting and count:
            self.waiting = False
            self.deadline = time.monotonic() + self._config.request_deadline
        return count

    def expect_request(self) -> None:
        self.waiting = True
        self.deadline = time.monotonic() + self._config.idle_timeout


class _HeadTooLarge(Exception):
    pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real service offers
    # Headers and body go out in two writes; with Nagle on, the second waits for the client's
    # delayed ACK (~40 ms per request on a kept-alive connection).
    disable_nagle_algorithm = True
    server: _Server
    server_version = "LiveDetectSandbox"

    def setup(self) -> None:
        self.connection = self.request
        if self.disable_nagle_algorithm:
            with contextlib.suppress(OSError):
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, True)
        self._reader = _DeadlineReader(self.connection, self.server.sandbox.config)
        self.rfile = io.BufferedReader(self._reader, 65536)
        # Buffered: an answer leaves in one piece when the request is done (and counted out).
        self.wfile = self.connection.makefile("wb", 65536)
        self.server.sandbox.count("connections")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        log.debug("%s %s", self.address_string(), (format % args)[:MAX_ECHO_CHARS])

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        # The stdlib quotes the request line back; keep what we echo short.
        self.close_connection = True
        with contextlib.suppress(OSError):
            super().send_error(code, (message or "")[:MAX_ECHO_CHARS] or None, explain)

    def handle_expect_100(self) -> bool:
        ok = super().handle_expect_100()
        self.wfile.flush()  # the client waits for this before it sends the body
        return ok

    # -- the server layer, in front of every route ------------------------------------------

    def handle_one_request(self) -> None:
        """The stdlib's loop body, with the request head read under a byte cap and deadlines;
        a client that goes quiet, disconnects or sends garbage gets a short answer or a
        quiet close, never a traceback."""
        try:
            self._handle_request()
        finally:
            if not self.wfile.closed:
                self.wfile.flush()  # after do_POST has counted the request out

    def _handle_request(self) -> None:
        self._reader.expect_request()
        try:
            head = self._read_head()
        except _HeadTooLarge:
            self.requestline, self.request_version, self.command = "", "HTTP/1.1", ""
            self.send_error(431, "request header fields too large")
            return
        except (TimeoutError, OSError, ValueError):
            self.close_connection = True
            return
        if not head:
            self.close_connection = True
            return
        first, _, rest = head.partition(b"\n")
        self.raw_requestline = first + b"\n"
        stream, self.rfile = self.rfile, io.BufferedReader(io.BytesIO(rest))  # type: ignore[assignment]
        try:
            parsed = self.parse_request()
        finally:
            self.rfile = stream
        if not parsed:
            return
        method = getattr(self, "do_" + self.command, None)
        if method is None:
            self.send_error(501, "unsupported method")
            return
        method()

    def _read_head(self) -> bytes:
        head = bytearray()
        while True:
            line = self.rfile.readline(MAX_HEADER_BYTES + 1 - len(head))
            if not line:
                if head:
                    raise ValueError("connection closed inside the request head")
                return b""
            head += line
            if len(head) > MAX_HEADER_BYTES:
                raise _HeadTooLarge
            if not line.endswith(b"\n"):
                raise _HeadTooLarge
            if line in (b"\r\n", b"\n") and len(head) > len(line):
                return bytes(head)
            if line in (b"\r\n", b"\n"):
                head.clear()  # stray blank lines before a request line are allowed

    # -- what the protocols use (exchange.Exchange) --------------------------------------------

    @property
    def service(self) -> Sandbox:
        return self.server.sandbox

    def reply(self, payload: dict | None = None, status: int = 200, raw: bytes | None = None,
               content_type: str = "application/json", close: bool = False) -> None:
        body = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header(SANDBOX_HEADER, "simulated")
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def drop(self) -> None:
        """Drop the connection with a TCP reset, as a crashed front end would."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    def inject_fault(self) -> str | None:
        """Latency, then one seeded fault draw (shared by both generations)."""
        return inject(self.server.sandbox.fault_draws, self, self.server.sandbox.count)

    # -- routes --------------------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802
        if urlsplit(self.path).path == "/":  # API 3.0 answers a GET too (query parameters)
            self._serve(tc3.serve)
        else:
            legacy.serve_get(self)

    def do_POST(self) -> None:  # noqa: N802
        # A proxy's absolute-form target ("POST http://host/face/...") names the same path.
        if self.path.startswith(("http://", "https://")):
            self.server.sandbox.count("proxied")
        self._serve(tc3.serve if urlsplit(self.path).path == "/" else legacy.serve)

    def _serve(self, protocol: Callable[[_Handler], None]) -> None:
        sandbox = self.server.sandbox
        sandbox.enter()
        try:
            sandbox.count("requests")
            protocol(self)
        finally:
            sandbox.leave()
