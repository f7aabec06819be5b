"""A local, protocol-faithful emulator of the liveness service.

It verifies real signatures, enforces the real limits and answers with the real error codes,
so every part of the desk can be exercised with no cloud account. Scores are SIMULATED:
derived from a hash of the decoded pixels (the same photo always gets the same score); they
say nothing about liveness. Optional, seeded fault injection serves tests and training.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import random
import re
import secrets
import socket
import ssl
import struct
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from PIL import Image, ImageStat

from . import sandbox_tc3
from .backend_legacy import API_PATH
from .imaging import SERVICE_BODY_LIMIT
from .signing import Account, SignatureError, verify

log = logging.getLogger(__name__)

URL_DOWNLOAD_TIMEOUT = 10.0
SIMULATED_NOTE = "sandbox: simulated score, not a liveness judgement"


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
    sandbox: Sandbox


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
        self._server = _Server((self.config.host, self.config.port), _Handler)
        self._server.sandbox = self
        self.scheme = "http"
        if self.config.tls_cert:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(self.config.tls_cert, self.config.tls_key)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            self.scheme = "https"
        self._thread: threading.Thread | None = None

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


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real service offers
    # Headers and body go out in two writes; with Nagle on, the second waits for the client's
    # delayed ACK (~40 ms per request on a kept-alive connection).
    disable_nagle_algorithm = True
    server: _Server
    server_version = "LiveDetectSandbox"

    def setup(self) -> None:
        super().setup()
        self.server.sandbox.count("connections")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        log.debug("%s %s", self.address_string(), format % args)

    # -- plumbing -----------------------------------------------------------------------------

    def _reply(self, payload: dict | None = None, status: int = 200, raw: bytes | None = None,
               content_type: str = "application/json", close: bool = False) -> None:
        body = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Sandbox", "simulated")
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def _code(self, code: int, message: str, close: bool = False) -> None:
        self.server.sandbox.count(f"code:{code}")
        self._reply({"code": code, "message": message, "data": {}}, close=close)

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
            self._serve_check()
        finally:
            self.server.sandbox.leave()

    def _serve_check(self) -> None:
        sandbox = self.server.sandbox
        sandbox.count("requests")
        # A proxy's absolute-form target ("POST http://host/face/...") names the same path.
        if self.path.startswith(("http://", "https://")):
            sandbox.count("proxied")
        if urlsplit(self.path).path == "/":  # API 3.0 lives at the root, in its own module
            sandbox_tc3.serve(self)
            return
        if urlsplit(self.path).path.rstrip("/") != API_PATH:
            self._reply({"code": 21, "message": "no such API"}, status=404)
            return
        length_header = self.headers.get("Content-Length")
        if length_header is None or not length_header.isdigit():
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
        body = self.rfile.read(length)

        fault = self.inject_fault()
        if fault == "answered":
            return

        try:
            appid, image_bytes, url = self._parse_body(body)
        except ValueError as exc:
            self._code(21, f"invalid parameters: {exc}")
            return
        try:
            verify(self.headers.get("Authorization"), sandbox.accounts, target_appid=appid)
        except SignatureError as exc:
            self._code(exc.code, exc.reason)
            return
        if fault == "throttle" or not sandbox.limiter.allow(appid):
            self._code(15, "operation too frequent, throttled")
            return

        if url is not None:
            try:
                image_bytes = _download(url, sandbox.config.max_body_bytes)
            except ValueError as exc:
                self._code(-5805, f"url download failed: {exc}")
                return
        if not image_bytes:
            self._code(-5805, "no image or url")
            return
        try:
            with Image.open(io.BytesIO(image_bytes)) as im:
                if getattr(im, "is_animated", False):
                    raise ValueError("animated image")
                score = simulated_score(im)
        except Exception as exc:  # any decoder failure is the service's -4016
            self._code(-4016, f"image decode failed ({type(exc).__name__})")
            return
        if score is None:
            self._code(-4015, "face detection failed")
            return
        sandbox.count("billed")
        self._reply({"code": 0, "message": "OK", "data": {"score": score},
                     "sandbox": SIMULATED_NOTE})

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

    def _parse_body(self, body: bytes) -> tuple[str, bytes | None, str | None]:
        content_type = self.headers.get("Content-Type", "")
        if content_type.startswith("application/json"):
            try:
                data = json.loads(body)
            except ValueError:
                raise ValueError("body is not JSON") from None
            if not isinstance(data, dict):
                raise ValueError("body is not a JSON object")
            appid, url = data.get("appid"), data.get("url")
            if not isinstance(appid, str | int) or not str(appid):
                raise ValueError("appid missing")
            if url is not None and not isinstance(url, str):
                raise ValueError("url must be a string")
            return str(appid), None, url or None
        if content_type.startswith("multipart/form-data"):
            fields = _multipart_fields(body, content_type)
            appid = fields.get("appid", b"").decode("utf-8", "replace").strip()
            if not appid:
                raise ValueError("appid missing")
            url = fields.get("url", b"").decode("utf-8", "replace").strip() or None
            # If both are present the service uses url.
            return appid, (None if url else fields.get("image")), url
        raise ValueError("Content-Type must be application/json or multipart/form-data")


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
    delimiter = b"--" + match.group(1).encode("latin-1")
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


def _download(url: str, cap: int) -> bytes:
    if not url.startswith(("http://", "https://")):
        raise ValueError("only http and https urls")
    try:
        with urllib.request.urlopen(url, timeout=URL_DOWNLOAD_TIMEOUT) as response:  # noqa: S310
            data = response.read(cap + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise ValueError(type(exc).__name__) from None
    if len(data) > cap:
        raise ValueError("image at url is too large")
    return data
