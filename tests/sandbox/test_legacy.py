"""The legacy API in the sandbox, tested with what the provider's own Java SDK sends.

image-java-sdk-v2.0's ``faceLiveDetectPicture`` (release 2.4.0, okhttp 2.7.5) is reproduced
byte for byte in Python: its signature (``Sign.appSign``: a,b,k,t,e, no ``r``, no ``f``,
300 s) and its three requests (multipart from a file, multipart from bytes, JSON with a url),
as captured from the real jar against a loopback listener. The real service accepts all of
them, so the sandbox must too. Real HTTP against a sandbox on 127.0.0.1.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import socket
import time
import uuid
from pathlib import Path

import pytest

from livedetect_gui.sandbox.legacy import multipart_fields
from livedetect_gui.sandbox.server import Sandbox
from tests.conftest import make_photo
from tests.core.servers import file_server

JAVA_USER_AGENT = "image-java-sdk-v2.3.0"  # what ClientConfig sends, whatever the release


def java_app_sign(appid: str, secret_id: str, secret_key: str, bucket: str = "",
                  expired: int = 300, now: int | None = None) -> str:
    """Sign.appSign: HMAC-SHA1 over "a=%s&b=%s&k=%s&t=%d&e=%d", then base64(digest + text)."""
    now = int(time.time()) if now is None else now
    plain = f"a={appid}&b={bucket}&k={secret_id}&t={now}&e={now + expired}".encode()
    return base64.b64encode(hmac.new(secret_key.encode(), plain, hashlib.sha1).digest()
                            + plain).decode()


def java_multipart(appid: str, image: bytes, filename: str) -> tuple[str, bytes]:
    """okhttp 2.7.5 MultipartBuilder as DefaultImageHttpClient uses it: a UUID boundary, the
    appid part with a Content-Length and no Content-Type, then the image part."""
    boundary = str(uuid.uuid4())
    value = appid.encode()
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"appid\"\r\n"
            f"Content-Length: {len(value)}\r\n\r\n").encode() + value + (
            f"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; "
            f"filename=\"{filename}\"\r\nContent-Type: image/jpg\r\n"
            f"Content-Length: {len(image)}\r\n\r\n").encode() + image + (
            f"\r\n--{boundary}--\r\n").encode()
    return f"multipart/form-data; boundary={boundary}", body


def java_json(appid: str, url: str) -> tuple[str, bytes]:
    """new JSONObject(params).toString() of {appid, url}: compact, appid first."""
    return ("application/json; charset=utf-8",
            json.dumps({"appid": appid, "url": url}, separators=(",", ":")).encode())


def send_as_java(sandbox: Sandbox, signature: str, content_type: str, body: bytes) -> dict:
    """The request as okhttp writes it (header order and all), over a raw socket."""
    host, port = sandbox.url.removeprefix("http://").split(":")
    head = (f"POST /face/livedetectpicture HTTP/1.1\r\nAuthorization: {signature}\r\n"
            f"User-Agent: {JAVA_USER_AGENT}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\nHost: {host}:{port}\r\n"
            "Connection: Keep-Alive\r\nAccept-Encoding: gzip\r\n\r\n").encode()
    with socket.create_connection((host, int(port)), timeout=15) as sock:
        sock.sendall(head + body)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            assert chunk, "the sandbox closed the connection without an answer"
            data += chunk
        answer_head, rest = data.split(b"\r\n\r\n", 1)
        assert answer_head.startswith(b"HTTP/1.1 200"), answer_head
        length = next(int(line.split(b":")[1]) for line in answer_head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        while len(rest) < length:
            chunk = sock.recv(65536)
            assert chunk
            rest += chunk
    return json.loads(rest)


@pytest.fixture
def photo_bytes() -> bytes:
    buf = io.BytesIO()
    make_photo(3, (320, 240)).save(buf, "JPEG")
    return buf.getvalue()


def test_the_official_java_sdks_four_requests(start_sandbox, tmp_path: Path,
                                              photo_bytes: bytes) -> None:
    sandbox = start_sandbox(allow_loopback_urls=True)
    acc = sandbox.account
    sign = java_app_sign(acc.appid, acc.secret_id, acc.secret_key)
    from_file = send_as_java(sandbox, sign, *java_multipart(acc.appid, photo_bytes, "face.jpg"))
    assert from_file["code"] == 0, from_file
    from_bytes = send_as_java(sandbox, sign, *java_multipart(
        acc.appid, photo_bytes, f"bytes{int(time.time() * 1000)}"))
    assert from_bytes == from_file  # same photo, same simulated score
    (tmp_path / "face.jpg").write_bytes(photo_bytes)
    with file_server(tmp_path) as base:
        by_url = send_as_java(sandbox, sign, *java_json(acc.appid, f"{base}/face.jpg"))
    assert by_url == from_file
    wrong_key = java_app_sign(acc.appid, acc.secret_id, "not-the-key")
    refused = send_as_java(sandbox, wrong_key, *java_multipart(acc.appid, photo_bytes,
                                                               "face.jpg"))
    assert refused["code"] == 14 and "data" in refused
    assert sandbox.stats["billed"] == 3


def test_a_java_signature_is_still_checked_for_time_and_appid(sandbox, photo_bytes) -> None:
    acc = sandbox.account
    multipart = java_multipart(acc.appid, photo_bytes, "face.jpg")
    expired = java_app_sign(acc.appid, acc.secret_id, acc.secret_key,
                            now=int(time.time()) - 400)
    assert send_as_java(sandbox, expired, *multipart)["code"] == 9
    month = java_app_sign(acc.appid, acc.secret_id, acc.secret_key, expired=31 * 86400)
    assert send_as_java(sandbox, month, *multipart)["code"] == 5
    other = java_app_sign("1234567", acc.secret_id, acc.secret_key)
    assert send_as_java(sandbox, other, *multipart)["code"] == 10
    assert sandbox.stats["billed"] == 0


def test_multipart_bodies_from_both_http_libraries() -> None:
    import requests
    import urllib3

    payload = b"\xff\xd8binary\r\n--not-a-boundary\r\n\r\nstill data\r\n"
    built = requests.Request("POST", "http://127.0.0.1/", data={"appid": "42"},
                             files={"image": ("a.jpg", payload, "image/jpeg")}).prepare()
    fields = multipart_fields(built.body, built.headers["Content-Type"])
    assert fields == {"appid": b"42", "image": payload}
    body, ctype = urllib3.encode_multipart_formdata([("appid", "42"), ("image", ("a", payload))])
    assert multipart_fields(body, ctype) == {"appid": b"42", "image": payload}
    for bad_body, bad_type in ((body, "multipart/form-data"), (body[:-10], ctype),
                               (b"--x\r\nno blank line--x--", "multipart/form-data; boundary=x")):
        try:
            multipart_fields(bad_body, bad_type)
        except ValueError:
            continue
        raise AssertionError(f"accepted {bad_type}")
