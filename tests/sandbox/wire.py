"""Raw HTTP to a sandbox on loopback, for tests that must send what no library would."""

from __future__ import annotations

import io
import json
import socket
import time
from collections.abc import Callable

from livedetect_gui.core.service.signing_legacy import sign
from livedetect_gui.sandbox.server import Sandbox
from tests.conftest import make_photo


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.01)


def jpeg_bytes(seed: int = 1, size: tuple[int, int] = (320, 240)) -> bytes:
    buf = io.BytesIO()
    make_photo(seed, size).save(buf, "JPEG", quality=85)
    return buf.getvalue()


def signed_request(sandbox: Sandbox, image: bytes | None = None, url: str | None = None,
                   signature: str | None = None, extra: bytes = b"") -> bytes:
    """A legacy request, signed for the sandbox's account, closing the connection after."""
    acc = sandbox.account
    signature = signature or sign(acc.appid, acc.secret_id, acc.secret_key, expires_in=600)
    if url is not None:
        body = json.dumps({"appid": acc.appid, "url": url}).encode()
        ctype = "application/json"
    else:
        boundary = "hostile-test-boundary"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"appid\"\r\n\r\n"
                f"{acc.appid}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; "
                f"filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").encode()
        body += (image or jpeg_bytes()) + f"\r\n--{boundary}--\r\n".encode()
        ctype = f"multipart/form-data; boundary={boundary}"
    head = (f"POST /face/livedetectpicture HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: {signature}\r\nContent-Type: {ctype}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n").encode()
    return head + extra + b"\r\n" + body


def exchange(sandbox: Sandbox, raw: bytes, timeout: float = 10.0) -> tuple[int, dict | bytes]:
    """Send raw bytes, read the whole answer (the server closes); (status, JSON or bytes)."""
    host, port = sandbox.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(raw)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    answer = b"".join(chunks)
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    try:
        return status, json.loads(body)
    except ValueError:
        return status, body
