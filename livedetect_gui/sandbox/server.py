"""A local, protocol-faithful emulator of the liveness service.

It verifies real signatures, enforces the real limits and answers with the real error codes,
so every part of the desk can be exercised with no cloud account. Scores are SIMULATED:
derived from a hash of the decoded pixels (the same photo always gets the same score); they
say nothing about liveness. Optional, seeded fault injection serves tests and training.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import io
import ipaddress
import json
import logging
import random
import re
import secrets
import socket
import ssl
import struct
import sys
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urljoin, urlsplit

from PIL import Image, ImageStat

from livedetect_gui.core.imaging.prepare import (
    PREPARATION_BUDGET,
    READ_FORMATS,
    SERVICE_BODY_LIMIT,
    MemoryBudget,
    working_bytes,
)
from livedetect_gui.core.service.backend import SANDBOX_HEADER
from livedetect_gui.core.service.backend_legacy import API_PATH
from livedetect_gui.core.service.signing_legacy import Account, SignatureError, verify
from livedetect_gui.sandbox import tc3 as sandbox_tc3

log = logging.getLogger(__name__)

SIMULATED_NOTE = "sandbox: simulated score, not a liveness judgement"

# -- server-layer limits: the sandbox runs inside the desk, so a hostile or broken client must
# -- cost it bounded memory, threads and time.
# Connections the kernel queues before accept: a burst of 1000 simultaneous requests waits
# instead of being reset (Linux caps it at net.core.somaxconn, 4096 by default).
LISTEN_BACKLOG = 1024
# Connections open at once (each has a thread, mostly blocked in a read); beyond it a clear
# 503 and close. Above the 1000-request burst the sandbox must serve, far below the file
# descriptors a process gets (the sandbox raises its soft limit to at least this plus room).
MAX_CONNECTIONS = 1100
# A kept-alive connection may wait this long for its next request (clients reuse within ms).
IDLE_TIMEOUT = 15.0
# One request, from its first byte to its last: a full 6 MB body at 1 Mbit/s takes 48 s.
REQUEST_DEADLINE = 60.0
# Longest silence within a request: a stalled client is dropped, not waited for.
READ_TIMEOUT = 10.0
# Request line plus headers: a real request's are under 1 kB; the stdlib alone would take
# 100 lines of 64 kB each.
MAX_HEADER_BYTES = 16 * 1024
# A legacy signature is ~200 characters, a TC3 Authorization header ~250.
MAX_AUTHORIZATION_CHARS = 2048
# Any text taken from a request and put in an answer or a log is cut to this.
MAX_ECHO_CHARS = 200
# Bodies held at once while read and decoded: ten full 6 MB bodies; others wait their turn
# with their connection open instead of multiplying memory.
BODY_MEMORY_BYTES = 64_000_000
# Signatures: issued no further in the future than the provider's 5 minutes of clock skew,
# and valid for at most 30 days (our desk offers up to 7; the SDKs default to 30 s).
MAX_CLOCK_SKEW = 300
MAX_SIGNATURE_VALIDITY = 30 * 86400
# Image dimensions the service decodes (API 3.0's documented limits; the legacy page only
# recommends 1280x720): JPEG long side at most 4000 px, other formats at most 2000 px.
MAX_JPEG_SIDE = 4000
MAX_OTHER_SIDE = 2000
# URL mode: one deadline for resolution, connection, redirects and body; a few redirects.
URL_DOWNLOAD_TIMEOUT = 10.0
MAX_URL_REDIRECTS = 3
MAX_URL_CHARS = 2048

_BUSY_BODY = b'{"code": -5802, "message": "sandbox busy: too many connections"}'
BUSY_ANSWER = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
    b"Retry-After: 1\r\nConnection: close\r\nContent-Length: "
    + str(len(_BUSY_BODY)).encode() + b"\r\n\r\n" + _BUSY_BODY
)


@dataclass
class Faults:
    latency_ms: int = 0
    fail_rate: float = 0.0  # HTTP 500/502/503
    reset_rate: float = 0.0  # connection dropped without an answer
    garbage_rate: float = 0.0  # HTTP 200 with a non-JSON body
    throttle_rate: float = 0.0  # code 15
    seed: int = 0


@dataclass
class SandboxConfig:
    host: str = "127.0.0.1"
    port: int = 0
    accounts: list[Account] = field(default_factory=list)
    faults: Faults = field(default_factory=Faults)
    # Requests per second per appid before code 15; 0 means no limit.
    rate_limit: float = 0.0
    max_body_bytes: int = SERVICE_BODY_LIMIT
    # PEM files to serve https (to exercise TLS verification and custom CA bundles).
    tls_cert: str | None = None
    tls_key: str | None = None
    # URL mode fetches from loopback (127.0.0.0/8, ::1) only when this is set: for local
    # testing. Private, link-local and other non-global addresses are always refused.
    allow_loopback_urls: bool = False
    max_connections: int = MAX_CONNECTIONS
    idle_timeout: float = IDLE_TIMEOUT
    request_deadline: float = REQUEST_DEADLINE
    read_timeout: float = READ_TIMEOUT

    @staticmethod
    def demo_account() -> Account:
        return Account(
            appid=str(1_000_000 + secrets.randbelow(9_000_000)),
            secret_id="AKIDsandbox" + secrets.token_hex(12),
            secret_key=secrets.token_urlsafe(24),
        )


def pixel_digest(image: Image.Image) -> bytes | None:
    """A digest of a small greyscale rendering, or None for a nearly uniform (blank) frame."""
    if image.format == "JPEG":
        image.draft("L", (64, 64))
    small = image.convert("L")
    small.thumbnail((64, 64))
    if ImageStat.Stat(small).stddev[0] < 2.0:
        return None
    return hashlib.sha256(small.tobytes()).digest()


def simulated_score(image: Image.Image) -> int | None:
    """A stable pseudo-score for the decoded pixels, or None when there is "no face" to find.

    A nearly uniform picture (a blank frame) gets -4015 like a photo without a face would.
    A JPEG is decoded at reduced scale (the whole stream is still read, so a corrupt one
    still fails): the sandbox runs inside the desk in sandbox mode and should cost little.
    """
    digest = pixel_digest(image)
    if digest is None:
        return None
    # 40..100: most photos fail a threshold of 87, a fair share pass.
    return 40 + int.from_bytes(digest[:4], "big") % 61


class ImageProblem(Exception):
    """The uploaded or fetched image cannot be scored: ``code`` is the service's answer."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def score_image(data: bytes) -> int | None:
    """The simulated score of image bytes, decoded the way the service would refuse them:
    over-limit dimensions and undecodable or animated files raise ImageProblem(-4016) from
    the header, before any pixels are decoded; the decode itself is reduced (JPEG 1/8) and
    counted in the process's preparation memory budget."""
    try:
        im = Image.open(io.BytesIO(data), formats=READ_FORMATS)
    except Exception as exc:  # any decoder failure is the service's -4016
        raise ImageProblem(-4016, f"image decode failed ({type(exc).__name__})") from None
    with im:
        width, height = im.size
        side = MAX_JPEG_SIDE if im.format in ("JPEG", "MPO") else MAX_OTHER_SIDE
        if max(width, height) > side:
            raise ImageProblem(-4016, f"image decode failed ({width}x{height}: {im.format} "
                                      f"long side over {side} px)")
        if im.format != "MPO" and getattr(im, "is_animated", False):
            raise ImageProblem(-4016, "image decode failed (animated image)")
        try:
            if im.format in ("JPEG", "MPO"):  # simulated_score decodes it at 1/8 scale
                nbytes = -(-width // 8) * -(-height // 8) * 4
            else:
                nbytes = working_bytes(im, side * side * 4)
            with PREPARATION_BUDGET.reserve(nbytes):
                return simulated_score(im)
        except Exception as exc:
            raise ImageProblem(-4016, f"image decode failed ({type(exc).__name__})") from None


class _Limiter:
    """Fixed one-second windows per appid: simple, and what "too frequent" means to an operator."""

    def __init__(self, per_second: float) -> None:
        self.per_second = per_second
        self._lock = threading.Lock()
        self._hits: dict[str, deque[float]] = {}

    def allow(self, appid: str) -> bool:
        if self.per_second <= 0:
            return True
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(appid, deque())
            while hits and now - hits[0] >= 1.0:
                hits.popleft()
            if len(hits) >= self.per_second:
                return False
            hits.append(now)
            return True


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
        self.limiter = _Limiter(self.config.rate_limit)
        self._rng = random.Random(self.config.faults.seed)
        self._rng_lock = threading.Lock()
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
        f = self.config.faults
        with self._rng_lock:
            roll = self._rng.random()
            status = self._rng.choice((500, 502, 503))
        for name, rate in (("reset", f.reset_rate), ("fail", f.fail_rate),
                           ("garbage", f.garbage_rate), ("throttle", f.throttle_rate)):
            if roll < rate:
                return f"fail:{status}" if name == "fail" else name
            roll -= rate
        return None


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


_CONTENT_LENGTH = re.compile(r"[0-9]{1,10}")


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

    # -- plumbing -----------------------------------------------------------------------------

    def _reply(self, payload: dict | None = None, status: int = 200, raw: bytes | None = None,
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

    def _code(self, code: int, message: str, close: bool = False) -> None:
        self.server.sandbox.count(f"code:{code}")
        self._reply({"code": code, "message": message[:MAX_ECHO_CHARS], "data": {}},
                    close=close)

    def _drop(self) -> None:
        """Drop the connection with a TCP reset, as a crashed front end would."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    def do_GET(self) -> None:  # noqa: N802
        self._reply({"code": 21, "message": "use POST " + API_PATH}, status=405, close=True)

    def do_POST(self) -> None:  # noqa: N802
        self.server.sandbox.enter()
        try:
            self._serve_post()
        finally:
            self.server.sandbox.leave()

    def _serve_post(self) -> None:
        sandbox = self.server.sandbox
        sandbox.count("requests")
        # A proxy's absolute-form target ("POST http://host/face/...") names the same path.
        if self.path.startswith(("http://", "https://")):
            sandbox.count("proxied")
        path = urlsplit(self.path).path
        length_header = self.headers.get("Content-Length") or ""
        valid_length = _CONTENT_LENGTH.fullmatch(length_header.strip()) is not None
        if path == "/":  # API 3.0 lives at the root, in its own module (it reads its body)
            # Bodies held at once stay within the budget here too.
            with sandbox.bodies.reserve(int(length_header) if valid_length else 0):
                sandbox_tc3.serve(self)
            return
        if path.rstrip("/") != API_PATH:
            self._reply({"code": 21, "message": "no such API"}, status=404)
            return
        if not valid_length:
            self._code(21, "Content-Length required", close=True)
            return
        length = int(length_header)
        if length > sandbox.config.max_body_bytes:
            # Read and drop what is cheap to drop so the client sees the answer, not a reset.
            if length <= 8 * sandbox.config.max_body_bytes:
                self._discard(length)
                self._code(23, "request body too large")
            else:
                self._code(23, "request body too large", close=True)
            return
        with sandbox.bodies.reserve(length):
            body = self.rfile.read(length)
            if len(body) < length:  # the client went away mid-body: nobody to answer
                self.close_connection = True
                sandbox.count("dropped")
                return
            fault = self.inject_fault()
            if fault != "answered":
                self.serve_legacy(body, fault)


    def inject_fault(self) -> str | None:
        """Latency, then one seeded fault draw: "answered" when a fault already answered (or
        dropped) the request, "throttle" for the protocol's own throttling answer, else None.
        Shared by both generations."""
        sandbox = self.server.sandbox
        if sandbox.config.faults.latency_ms:
            time.sleep(sandbox.config.faults.latency_ms / 1000)
        fault = sandbox.draw_fault()
        if fault == "reset":
            sandbox.count("fault:reset")
            self._drop()
            return "answered"
        if fault and fault.startswith("fail:"):
            status = int(fault[5:])
            sandbox.count(f"fault:{status}")
            self._reply(raw=b"<html><body>Server Error</body></html>", status=status,
                        content_type="text/html")
            return "answered"
        if fault == "garbage":
            sandbox.count("fault:garbage")
            self._reply(raw=b"<html>upstream says hello</html>", content_type="text/html")
            return "answered"
        return fault

    def _discard(self, length: int) -> None:
        remaining = length
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 1 << 16))
            if not chunk:
                break
            remaining -= len(chunk)

    # -- the legacy static-photo API ----------------------------------------------------------

    def serve_legacy(self, body: bytes, fault: str | None) -> None:
        sandbox = self.server.sandbox
        try:
            appid, image_bytes, url = self._parse_body(body)
        except ValueError as exc:
            self._code(21, f"invalid parameters: {exc}")
            return
        authorization = self.headers.get("Authorization")
        if authorization is not None and len(authorization) > MAX_AUTHORIZATION_CHARS:
            self._code(5, "signature is too long")
            return
        try:
            fields = verify(authorization, sandbox.accounts, target_appid=appid)
            _check_validity(fields.now, fields.expires_at)
        except SignatureError as exc:
            self._code(exc.code, exc.reason)
            return
        if fault == "throttle" or not sandbox.limiter.allow(appid):
            self._code(15, "operation too frequent, throttled")
            return

        if url is not None:
            try:
                image_bytes = fetch_image(url, sandbox.config.max_body_bytes,
                                          allow_loopback=sandbox.config.allow_loopback_urls)
            except ValueError as exc:
                self._code(-5805, f"url download failed: {exc}")
                return
        if not image_bytes:
            self._code(-5805, "no image or url")
            return
        try:
            score = score_image(image_bytes)
        except ImageProblem as exc:
            self._code(exc.code, exc.message)
            return
        if score is None:
            self._code(-4015, "face detection failed")
            return
        sandbox.count("billed")
        self._reply({"code": 0, "message": "OK", "data": {"score": score},
                     "sandbox": SIMULATED_NOTE})

    def _parse_body(self, body: bytes) -> tuple[str, bytes | None, str | None]:
        content_type = self.headers.get("Content-Type", "")
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
            fields = _multipart_fields(body, content_type)
            appid = fields.get("appid", b"").decode("utf-8", "replace").strip()
            if not appid:
                raise ValueError("appid missing")
            url = fields.get("url", b"").decode("utf-8", "replace").strip() or None
            # If both are present the service uses url.
            return appid[:MAX_ECHO_CHARS], (None if url else fields.get("image")), url
        raise ValueError("Content-Type must be application/json or multipart/form-data")


def _check_validity(issued: int, expires: int, now: float | None = None) -> None:
    """The provider's plausibility bounds on a signature's times (code 9: expired/out of time,
    code 5: malformed)."""
    now = time.time() if now is None else now
    if issued > now + MAX_CLOCK_SKEW:
        raise SignatureError(9, "signature issued in the future (check the clock)")
    if expires - issued > MAX_SIGNATURE_VALIDITY:
        raise SignatureError(5, "signature validity is longer than 30 days")


_BOUNDARY = re.compile(r'boundary="?([^";]+)"?')
_FIELD_NAME = re.compile(rb'name="([^"]*)"')


def _multipart_fields(body: bytes, content_type: str) -> dict[str, bytes]:
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


# -- URL mode: the sandbox fetches an image for the caller ------------------------------------


def _allowed_address(address: str, allow_loopback: bool) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return allow_loopback
    return ip.is_global and not ip.is_multicast


def _checked_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, target) of an http(s) URL, or ValueError saying what is wrong."""
    if len(url) > MAX_URL_CHARS:
        raise ValueError("url is too long")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise ValueError("url contains spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValueError("url is malformed") from None
    if parts.scheme not in ("http", "https"):
        raise ValueError("only http and https urls")
    if not parts.hostname:
        raise ValueError("url names no host")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), target


def _resolve(host: str, port: int, allow_loopback: bool, timeout: float) -> str:
    """One address for ``host``, refused unless every address it resolves to is public (or
    loopback, when allowed): the check is on what the name resolves to, so any spelling of an
    internal host (localhost, 0, 2130706433, a DNS name pointing inside) is refused."""
    result: list = []

    def lookup() -> None:
        try:
            result.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as exc:
            result.append(exc)

    worker = threading.Thread(target=lookup, daemon=True)  # getaddrinfo has no timeout
    worker.start()
    worker.join(timeout)
    if not result or isinstance(result[0], BaseException):
        raise ValueError("could not fetch the image")
    addresses = [info[4][0] for info in result[0]]
    if not addresses or not all(_allowed_address(a, allow_loopback) for a in addresses):
        raise ValueError("url points to a local or private address")
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the address already checked, not to whatever the name resolves to next."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def fetch_image(url: str, cap: int, *, allow_loopback: bool = False,
                timeout: float = URL_DOWNLOAD_TIMEOUT) -> bytes:
    """The bytes at an http(s) URL, at most ``cap`` of them, within ``timeout`` seconds in
    all, following a few redirects that are checked like the first URL. ValueError says what
    went wrong without telling a closed port from an open one."""
    deadline = time.monotonic() + timeout
    for _ in range(MAX_URL_REDIRECTS + 1):
        scheme, host, port, target = _checked_url(url)
        address = _resolve(host, port, allow_loopback, max(0.1, deadline - time.monotonic()))
        kind = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
        conn = kind(host, port, address, max(0.1, deadline - time.monotonic()))
        try:
            conn.request("GET", target, headers={"User-Agent": "LiveDetectSandbox",
                                                 "Accept-Encoding": "identity"})
            response = conn.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location") or ""
                url = urljoin(url, location[:MAX_URL_CHARS])
                continue
            if response.status != 200:
                raise ValueError("could not fetch the image")
            return _read_capped(conn, response, cap, deadline)
        except (OSError, http.client.HTTPException, ssl.SSLError):
            raise ValueError("could not fetch the image") from None
        finally:
            conn.close()
    raise ValueError("too many redirects")


def _read_capped(conn: http.client.HTTPConnection, response: http.client.HTTPResponse,
                 cap: int, deadline: float) -> bytes:
    data = bytearray()
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ValueError("the image server answered too slowly")
        if conn.sock is not None:
            conn.sock.settimeout(remaining)
        chunk = response.read1(65536) if hasattr(response, "read1") else response.read(65536)
        if not chunk:
            return bytes(data)
        data += chunk
        if len(data) > cap:
            raise ValueError("image at url is too large")
