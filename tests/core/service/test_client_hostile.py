"""The client against hostile servers on 127.0.0.1: endless and compressed-bomb answers, drip-fed
answers, redirects, absurd JSON; and settings that cannot work, refused before any call."""

from __future__ import annotations

import gzip
import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

import pytest

from livedetect_gui.core.imaging.prepare import prepare_file
from livedetect_gui.core.service.client import (
    MAX_ANSWER_BYTES,
    BadSetting,
    ClientConfig,
    LiveDetectClient,
)
from livedetect_gui.core.service.credentials import Api, Credentials
from tests.conftest import FAST

LEGACY = Credentials("1000001", "AKIDhostile", "key")
TC3 = Credentials("", "AKIDhostile", "key", api=Api.TC3, region="ap-guangzhou")


@contextmanager
def raw_server(serve: Callable[[socket.socket], None],
               read_request: bool = True) -> Iterator[tuple[str, list[int]]]:
    """A TCP server whose every connection is handed to ``serve`` after the request was read.

    Yields (base URL, connection count)."""
    connections: list[int] = []

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            connections.append(1)
            conn: socket.socket = self.request
            conn.settimeout(10)
            with suppress(OSError):
                if read_request:
                    _read_request(conn)
                serve(conn)

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", connections
    finally:
        server.shutdown()
        server.server_close()


def _read_request(conn: socket.socket) -> None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return
        rest += chunk


def _client(url: str, credentials: Credentials = LEGACY, **config: object) -> LiveDetectClient:
    return LiveDetectClient(credentials, ClientConfig(**{**FAST, "endpoint": url, **config}))


@pytest.fixture
def prepared(photo):
    return prepare_file(photo())


# -- item 1: answers are read streamed under a cap ---------------------------------------------


def test_endless_answer_stops_at_the_cap(prepared) -> None:
    def endless(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n")
        block = b" " * 65536
        while True:
            conn.sendall(block)

    with raw_server(endless) as (url, _), _client(url) as client:
        started = time.monotonic()
        result = client.check_image(prepared, "p")
    assert result.problem_key == "answer_too_large" and result.attempts == 1
    assert f"{MAX_ANSWER_BYTES:,}" in result.detail
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("credentials", [LEGACY, TC3], ids=["legacy", "tc3"])
def test_gzip_bomb_counts_decompressed_bytes(prepared, credentials) -> None:
    bomb = gzip.compress(b" " * (256 << 20), compresslevel=9)  # 256 MiB in about 256 kB

    def serve(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Content-Encoding: gzip\r\nContent-Length: "
                     + str(len(bomb)).encode() + b"\r\n\r\n" + bomb)

    with raw_server(serve) as (url, _), _client(url, credentials) as client:
        result = client.check_image(prepared, "p")
    assert result.problem_key == "answer_too_large" and "decompressed" in result.detail


def test_a_small_gzip_answer_is_still_read(prepared) -> None:
    body = gzip.compress(b'{"code": 0, "message": "OK", "data": {"score": 91}}')

    def serve(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: "
                     + str(len(body)).encode() + b"\r\n\r\n" + body)

    with raw_server(serve) as (url, _), _client(url) as client:
        assert client.check_image(prepared, "p").score == 91


# -- item 2: a deadline per attempt and per check ----------------------------------------------


def _drip(prefix: bytes, then: bytes) -> Callable[[socket.socket], None]:
    def serve(conn: socket.socket) -> None:
        conn.sendall(prefix)
        for byte in then:
            conn.sendall(bytes([byte]))
            time.sleep(0.1)  # well inside any read timeout: only a deadline stops it

    return serve


@pytest.mark.parametrize("where", ["headers", "body"])
def test_a_dripping_server_meets_the_deadline(prepared, where) -> None:
    if where == "body":
        serve = _drip(b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n", b" " * 5000)
    else:
        serve = _drip(b"HTTP/1.1 200 OK\r\n", b"X-Slow: " + b"a" * 5000)
    with raw_server(serve) as (url, connections), \
            _client(url, attempt_deadline=1.0, check_deadline=2.5) as client:
        started = time.monotonic()
        result = client.check_image(prepared, "p")
        elapsed = time.monotonic() - started
    assert result.problem_key == "timeout" and "too slowly" in result.message()
    assert elapsed < 4.5, elapsed  # the check's deadline, plus scheduling slack
    # Retried within the check's deadline, and flagged: the service may have processed it.
    assert 2 <= result.attempts <= 3 and result.maybe_billed_twice
    assert len(connections) == result.attempts


# -- item 3: redirects are never followed ---------------------------------------------------------


def test_redirects_are_errors_naming_the_target(prepared) -> None:
    def elsewhere(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 51\r\n\r\n"
                     b'{"code": 0, "message": "OK", "data": {"score": 99}}')

    with raw_server(elsewhere) as (target, stolen):
        for status in (301, 302, 307, 308):
            def redirect(conn: socket.socket, status: int = status) -> None:
                conn.sendall(f"HTTP/1.1 {status} Moved\r\nLocation: {target}/steal\r\n"
                             "Content-Length: 0\r\n\r\n".encode())

            with raw_server(redirect) as (url, _), _client(url) as client:
                result = client.check_image(prepared, "p")
            assert result.problem_key == "redirected" and result.score is None
            assert f"{target}/steal" in result.detail and result.attempts == 1
    assert stolen == []  # the photo never reached the redirect's target


# -- item 4: absurd answers and unusable settings -------------------------------------------------


@pytest.mark.parametrize("credentials", [LEGACY, TC3], ids=["legacy", "tc3"])
def test_deeply_nested_json_is_a_bad_answer(prepared, credentials) -> None:
    nested = b'{"Response": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"

    def serve(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: " + str(len(nested)).encode()
                     + b"\r\n\r\n" + nested)

    with raw_server(serve) as (url, _), _client(url, credentials) as client:
        result = client.check_image(prepared, "p")
    assert result.problem_key == "bad_json" and result.attempts == 1


def test_unusable_credentials_and_paths_are_refused_up_front(tmp_path) -> None:
    with pytest.raises(BadSetting, match="printable ASCII"):
        LiveDetectClient(Credentials("1", "AKIDx", "s\udcffcret"), ClientConfig())
    with pytest.raises(BadSetting, match="spaces around"):
        LiveDetectClient(Credentials("1", "AKIDx", "secret\n"), ClientConfig())
    with pytest.raises(BadSetting, match="CA bundle not found: /nonexistent"):
        LiveDetectClient(LEGACY, ClientConfig(verify="/nonexistent"))
    with pytest.raises(BadSetting, match="proxy"):
        LiveDetectClient(LEGACY, ClientConfig(proxy="not a url"))


# -- item 5: URLs validated before any call ------------------------------------------------------


@pytest.mark.parametrize("bad", ["http://127.0.0.1:1/a b.jpg", "http://127.0.0.1/a\r\nX: y",
                                 "http://127.0.0.1/\x00.jpg", "ftp://127.0.0.1/a.jpg",
                                 "http:///nohost.jpg", "http://127.0.0.1:99999/a.jpg",
                                 "http://127.0.0.1/" + "a" * 3000])
def test_bad_image_urls_cost_no_call(bad) -> None:
    with raw_server(lambda conn: None) as (url, connections), _client(url) as client:
        result = client.check_url(bad)
    assert result.problem_key == "bad_url" and result.attempts == 0
    assert not result.maybe_billed_twice and connections == []


# -- TLS against plain HTTP, and connected-but-slow ------------------------------------------------


def test_https_to_a_plain_http_server_says_so(prepared) -> None:
    def plain(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    # The TLS ClientHello is no HTTP request: answer it at once, as nginx or a sandbox would.
    with raw_server(plain, read_request=False) as (url, _):
        client = _client(url.replace("http://", "https://"))
        result = client.check_image(prepared, "p")
        client.close()
    assert result.problem_key == "tls_plain_http", result.detail
    assert "plain HTTP" in result.message() and "certificate" not in result.message()


def test_connected_but_silent_is_too_slow_not_unreachable(prepared) -> None:
    def silent(conn: socket.socket) -> None:
        time.sleep(3)

    with raw_server(silent) as (url, _), _client(url, read_timeout=0.5, max_attempts=1) as client:
        result = client.check_image(prepared, "p")
    assert result.problem_key == "timeout" and "too slowly" in result.message()
    assert "could not connect" not in result.message().lower()


def test_the_deadline_also_bounds_a_dripping_tls_handshake(prepared) -> None:
    # A handshake record announced 16 kB long, then fed a byte at a time: each read returns
    # within any socket timeout, so only a deadline stops it.
    stall = _drip(b"\x16\x03\x03\x40\x00", b"\x00" * 16000)

    with raw_server(stall, read_request=False) as (url, _):
        client = _client(url.replace("http://", "https://"), connect_timeout=4.0,
                         read_timeout=4.0, attempt_deadline=0.5, check_deadline=0.8)
        started = time.monotonic()
        result = client.check_image(prepared, "p")
        elapsed = time.monotonic() - started
        client.close()
    assert result.problem_key == "timeout" and elapsed < 2.5, (result.problem_key, elapsed)
