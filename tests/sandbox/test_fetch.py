"""URL mode: the sandbox fetches within its cap and never from an internal address."""

from __future__ import annotations

import threading
import time

from tests.conftest import make_photo
from tests.sandbox.wire import exchange, signed_request


def test_url_download_is_capped(tmp_path, start_sandbox, make_client) -> None:
    from tests.core.servers import file_server

    (tmp_path / "big.jpg").write_bytes(b"\xff" * 200_000)
    sandbox = start_sandbox(max_body_bytes=100_000, allow_loopback_urls=True)
    with file_server(tmp_path) as base:
        result = make_client(sandbox).check_url(f"{base}/big.jpg")
    assert result.code == -5805 and "too large" in result.message()


def test_url_mode_refuses_internal_destinations_by_any_spelling(start_sandbox, tmp_path) -> None:
    from tests.core.servers import file_server

    make_photo(4).save(tmp_path / "face.jpg")
    sandbox = start_sandbox()  # the default: loopback is not allowed
    with file_server(tmp_path) as base:
        port = base.rsplit(":", 1)[1]
        for url in (f"{base}/face.jpg", f"http://localhost:{port}/face.jpg",
                    f"http://0:{port}/face.jpg", f"http://2130706433:{port}/face.jpg",
                    f"http://[::1]:{port}/face.jpg", f"http://127.1:{port}/face.jpg",
                    "http://10.0.0.1/face.jpg", "http://169.254.169.254/latest/meta-data",
                    "http://192.168.1.1/face.jpg", "http://[fe80::1]/face.jpg"):
            answer = exchange(sandbox, signed_request(sandbox, url=url))[1]
            assert answer["code"] == -5805, url
            assert "local or private address" in answer["message"], url
        answer = exchange(sandbox, signed_request(sandbox, url="ftp://example.com/a.jpg"))[1]
        assert answer["code"] == -5805 and "only http and https" in answer["message"]
        # Allowed for local testing, loopback only: still never private or link-local.
        local = start_sandbox(allow_loopback_urls=True)
        assert exchange(local, signed_request(local, url=f"{base}/face.jpg"))[1]["code"] == 0
        answer = exchange(local, signed_request(local, url="http://10.0.0.1/x.jpg"))[1]
        assert "local or private address" in answer["message"]


def test_url_redirects_are_checked_like_the_first_url(start_sandbox) -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    targets = ["http://10.1.2.3/face.jpg", "ftp://127.0.0.1/face.jpg",
               "http://169.254.169.254/latest/"]

    class Redirect(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            self.send_response(302)
            self.send_header("Location", targets[int(self.path.strip("/"))])
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sandbox = start_sandbox(allow_loopback_urls=True)
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        started = time.monotonic()
        messages = [exchange(sandbox, signed_request(sandbox, url=f"{base}/{i}"))[1]["message"]
                    for i in range(len(targets))]
        assert time.monotonic() - started < 5  # no 10 s hang on ftp://
    finally:
        server.shutdown()
        server.server_close()
    assert "local or private address" in messages[0]
    assert "only http and https" in messages[1]
    assert "local or private address" in messages[2]
