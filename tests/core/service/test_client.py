"""The signing client against a real sandbox over HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import threading

import pytest
import requests
import urllib3

from livedetect_gui.core.errors import SERVICE_CODES
from livedetect_gui.core.imaging.prepare import PreparedImage, prepare_file
from livedetect_gui.core.service.client import (
    BadEndpoint,
    ClientConfig,
    LiveDetectClient,
    endpoint_url,
    resolve_endpoint,
)
from livedetect_gui.core.service.credentials import Credentials
from livedetect_gui.core.service.signing_legacy import sign
from livedetect_gui.core.service.transport import failure_outcome
from livedetect_gui.core.verdict import Verdict
from tests.conftest import FAST, make_photo, photo_with_verdict, sandbox_credentials
from tests.core.servers import canned_server, file_server, self_signed_cert

# Every code in the provider's error table (livedetectpicture.zh.md).
PROVIDER_CODES = [
    3, 4, 5, 6, 9, 10, 11, 12, 13, 14, 15, 16, 21, 23, 107, 108, 213, -4006, -4007, -4009,
    -4010, -4015, -4016, -4017, -4018, -5001, -5002, -5005, -5007, -5008, -5009, -5010, -5011,
    -5012, -5013, -5014, -5015, -5801, -5802, -5803, -5804, -5805, -5806, -5807,
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_catalogue_covers_every_provider_code() -> None:
    assert set(PROVIDER_CODES) <= set(SERVICE_CODES)
    for problem in SERVICE_CODES.values():
        assert problem.message_en and problem.message_zh and problem.hint_en and problem.hint_zh


def test_endpoint_forms() -> None:
    assert endpoint_url("https://recognition.image.myqcloud.com") == (
        "https://recognition.image.myqcloud.com/face/livedetectpicture")
    assert endpoint_url("http://127.0.0.1:9/face/livedetectpicture/") == (
        "http://127.0.0.1:9/face/livedetectpicture")
    for bad in ("ftp://x", "recognition.image.myqcloud.com", "http://", "http://h:notaport"):
        with pytest.raises(BadEndpoint):
            endpoint_url(bad)
    assert resolve_endpoint("old") == "https://service.image.myqcloud.com"
    assert resolve_endpoint(None) == resolve_endpoint("current") == (
        "https://recognition.image.myqcloud.com")
    client = LiveDetectClient(Credentials("1", "k", "s"), ClientConfig(endpoint="old"))
    assert client.url == "https://service.image.myqcloud.com/face/livedetectpicture"
    client.close()


def test_pass_and_fail_over_multipart(tmp_path, sandbox, make_client) -> None:
    client = make_client(sandbox)
    for verdict in ("pass", "fail"):
        path = tmp_path / f"{verdict}.jpg"
        expected = photo_with_verdict(path, verdict)
        result = client.check_image(prepare_file(path), str(path))
        assert result.verdict.value == verdict and result.score == expected
        assert result.code == 0 and result.attempts == 1 and 0 <= result.score <= 100
        assert result.prepared.width == 640 and result.sha256
        # The verdict is re-judged from the stored score, without calling again.
        flipped = result.with_threshold(100 if verdict == "pass" else 0)
        assert flipped.verdict is not result.verdict


def test_same_photo_same_score_and_keep_alive(photo, sandbox, make_client) -> None:
    client = make_client(sandbox)
    prepared = prepare_file(photo(seed=11))
    scores = {client.check_image(prepared, "x").score for _ in range(5)}
    assert len(scores) == 1
    # Five calls, one connection: the session kept it alive.
    assert sandbox.stats["connections"] == 1
    assert sandbox.stats["requests"] == 5


def test_url_mode_and_download_failure(tmp_path, start_sandbox, make_client) -> None:
    sandbox = start_sandbox(allow_loopback_urls=True)  # the file server is on loopback
    make_photo(4).save(tmp_path / "face.jpg")
    client = make_client(sandbox)
    with file_server(tmp_path) as base:
        ok = client.check_url(f"{base}/face.jpg")
        missing = client.check_url(f"{base}/missing.jpg")
    assert ok.code == 0 and ok.score is not None and ok.prepared is None
    assert missing.code == -5805 and missing.verdict is Verdict.ERROR
    assert client.check_url("file:///etc/passwd").problem_key == "bad_url"


def test_wrong_secret_and_unknown_ids(photo, sandbox, make_client) -> None:
    prepared = prepare_file(photo())
    acc = sandbox.account
    cases = {
        14: Credentials(acc.appid, acc.secret_id, "wrong-secret-key"),
        10: Credentials("424242", acc.secret_id, acc.secret_key),
        11: Credentials(acc.appid, "AKIDunknown", acc.secret_key),
    }
    for code, credentials in cases.items():
        result = make_client(sandbox, credentials).check_image(prepared, "p")
        assert result.code == code and result.attempts == 1
        assert result.verdict is Verdict.ERROR
        assert "wrong-secret-key" not in result.message() + result.detail


def _raw(sandbox, body: bytes, content_type: str, signature: str | None) -> dict:
    headers = {"Content-Type": content_type}
    if signature is not None:
        headers["Authorization"] = signature
    response = requests.post(f"{sandbox.url}/face/livedetectpicture", data=body,
                             headers=headers, timeout=10)
    return response.json()


def test_sandbox_codes_for_bad_requests(sandbox) -> None:
    acc = sandbox.account
    good = sign(acc.appid, acc.secret_id, acc.secret_key)
    body, ctype = urllib3.encode_multipart_formdata(
        [("appid", acc.appid), ("image", ("a.jpg", b"garbage bytes", "image/jpeg"))])
    assert _raw(sandbox, body, ctype, None)["code"] == 4
    assert _raw(sandbox, body, ctype, "bm90IGEgc2lnbmF0dXJl")["code"] == 5
    assert _raw(sandbox, body, ctype, good)["code"] == -4016
    other = json.dumps({"appid": "999", "url": "http://127.0.0.1:9/x.jpg"}).encode()
    assert _raw(sandbox, other, "application/json", good)["code"] == 6
    no_url = json.dumps({"appid": acc.appid}).encode()
    assert _raw(sandbox, no_url, "application/json", good)["code"] == -5805
    no_appid = json.dumps({"url": "http://127.0.0.1:9/x.jpg"}).encode()
    assert _raw(sandbox, no_appid, "application/json", good)["code"] == 21
    assert _raw(sandbox, b"appid=1", "text/plain", good)["code"] == 21
    big, ctype = urllib3.encode_multipart_formdata(
        [("appid", acc.appid), ("image", ("a.jpg", b"\0" * 6_000_001, "image/jpeg"))])
    assert _raw(sandbox, big, ctype, good)["code"] == 23
    blank, ctype = urllib3.encode_multipart_formdata(
        [("appid", acc.appid), ("image", ("a.png", _png_blank(), "image/png"))])
    assert _raw(sandbox, blank, ctype, good)["code"] == -4015


def _png_blank() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (200, 200), (128, 128, 128)).save(buf, "PNG")
    return buf.getvalue()


def test_oversized_body_is_refused_before_any_call(sandbox, make_client) -> None:
    client = make_client(sandbox)
    huge = PreparedImage(b"\xff" * 6_000_000, 10, 10, 10, 10, 6_000_000, "JPEG", "RGB", ())
    result = client.check_image(huge, "huge")
    assert result.problem_key == "body_too_large" and result.attempts == 0
    assert sandbox.stats["requests"] == 0


def test_expired_signature_is_renewed_once(photo, sandbox, make_client) -> None:
    import time

    calls = {"n": 0}

    def clock() -> float:  # the first signature is made an hour ago, then the clock is right
        calls["n"] += 1
        return time.time() - (3600 if calls["n"] == 1 else 0)

    client = LiveDetectClient(sandbox_credentials(sandbox),
                              ClientConfig(endpoint=sandbox.url, **FAST), clock=clock)
    with client:
        result = client.check_image(prepare_file(photo()), "p")
    assert result.code == 0 and result.attempts == 2
    assert sandbox.stats["code:9"] == 1


def test_throttling_is_retried_with_backoff(photo, start_sandbox, make_client) -> None:
    sandbox = start_sandbox(rate_limit=1)
    prepared = prepare_file(photo())
    patient = make_client(sandbox, backoff_base=0.4, backoff_cap=1.0, max_attempts=5)
    results = [patient.check_image(prepared, "p") for _ in range(3)]
    assert all(r.code == 0 for r in results)
    assert sum(r.attempts for r in results) > 3  # some were throttled, then went through
    assert not any(r.maybe_billed_twice for r in results)  # code 15 is never billed
    impatient = make_client(sandbox, max_attempts=1)
    impatient.check_image(prepared, "p")
    second = impatient.check_image(prepared, "p")
    assert second.code == 15 and second.attempts == 1


def test_persistent_server_errors_are_bounded_and_flagged(photo, start_sandbox,
                                                          make_client) -> None:
    sandbox = start_sandbox(fail_rate=1.0)
    result = make_client(sandbox, max_attempts=3).check_image(prepare_file(photo()), "p")
    assert result.problem_key == "http_error" and result.attempts == 3
    assert result.maybe_billed_twice  # a 5xx may have been processed before it failed
    assert "HTTP 50" in result.message()
    assert sandbox.stats["requests"] == 3


def test_dropped_connections_and_garbage(photo, start_sandbox, make_client) -> None:
    prepared = prepare_file(photo())
    reset = make_client(start_sandbox(reset_rate=1.0), max_attempts=2).check_image(prepared, "p")
    assert reset.problem_key == "connection_lost" and reset.attempts == 2
    assert reset.maybe_billed_twice
    garbage_box = start_sandbox(garbage_rate=1.0)
    garbage = make_client(garbage_box).check_image(prepared, "p")
    # Non-JSON may have been billed: never retried.
    assert garbage.problem_key == "bad_json" and garbage.attempts == 1
    assert "upstream says hello" in garbage.message()


def test_connection_refused_is_retried_safely(photo, make_client, sandbox) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    result = make_client(sandbox, endpoint=dead, max_attempts=3).check_image(
        prepare_file(photo()), "p")
    assert result.problem_key == "connection" and result.attempts == 3
    assert not result.maybe_billed_twice  # never reached a server


def test_read_timeout(photo, start_sandbox, make_client) -> None:
    sandbox = start_sandbox(latency_ms=1500)
    result = make_client(sandbox, read_timeout=0.3, max_attempts=2).check_image(
        prepare_file(photo()), "p")
    assert result.problem_key == "timeout" and result.attempts == 2
    assert result.maybe_billed_twice


def test_dns_failure_is_not_retried() -> None:
    # Built from urllib3's real exception types; no lookup leaves this machine.
    pool = urllib3.HTTPConnectionPool("nowhere.invalid")
    conn = urllib3.connection.HTTPConnection("nowhere.invalid")
    failure = urllib3.exceptions.NameResolutionError("nowhere.invalid", conn,
                                                     socket.gaierror(-2, "Name or service"))
    exc = requests.exceptions.ConnectionError(
        urllib3.exceptions.MaxRetryError(pool, "/", failure))
    outcome = failure_outcome(exc, connected=False)
    assert outcome.problem_key == "dns" and not outcome.retry


@pytest.mark.parametrize(("answer", "key", "code"), [
    ((200, {"code": 0, "message": "OK", "data": {"score": 150}}), "bad_score", None),
    ((200, {"code": 0, "message": "OK", "data": {}}), "bad_score", None),
    ((200, {"code": 0, "message": "OK", "data": {"score": "high"}}), "bad_score", None),
    ((200, {"code": 777, "message": "surprise"}), None, 777),
    ((200, {"code": 3, "message": "account abnormal"}), None, 3),
    ((404, b"not found"), "http_error", None),
    ((200, b""), "bad_json", None),
    ((200, b"[1, 2]"), "bad_json", None),
])
def test_every_answer_is_validated(photo, answer, key, code) -> None:
    creds = Credentials("1", "AKID", "secret")
    with canned_server(answer) as (url, hits), LiveDetectClient(
            creds, ClientConfig(endpoint=url, **FAST)) as client:
        result = client.check_image(prepare_file(photo()), "p")
    assert (result.problem_key, result.code) == (key, code)
    assert result.verdict is Verdict.ERROR and result.attempts == 1 and len(hits) == 1
    assert result.message("en") and result.message("zh") and result.hint("zh")
    if code == 777:
        assert "777" in result.message() and "surprise" in result.message()


def test_float_score_with_integral_value_is_accepted(photo) -> None:
    creds = Credentials("1", "AKID", "secret")
    answer = (200, {"code": 0, "message": "OK", "data": {"score": 90.0}})
    with canned_server(answer) as (url, _), LiveDetectClient(
            creds, ClientConfig(endpoint=url, **FAST)) as client:
        result = client.check_image(prepare_file(photo()), "p")
    assert result.score == 90 and result.verdict is Verdict.PASS


def test_retry_after_a_5xx_then_success(photo) -> None:
    creds = Credentials("1", "AKID", "secret")
    answers = ((503, b"busy"), (200, {"code": 0, "message": "OK", "data": {"score": 50}}))
    with canned_server(*answers) as (url, hits), LiveDetectClient(
            creds, ClientConfig(endpoint=url, **FAST)) as client:
        result = client.check_image(prepare_file(photo()), "p")
    assert result.score == 50 and result.attempts == 2 and hits == [503, 200]
    assert result.maybe_billed_twice


def test_cancel_stops_retries_and_unsent_items(photo, start_sandbox, make_client) -> None:
    sandbox = start_sandbox(fail_rate=1.0)
    client = make_client(sandbox, backoff_base=5, backoff_cap=5, max_attempts=5,
                         max_retry_seconds=60)
    cancel = threading.Event()
    timer = threading.Timer(0.3, cancel.set)
    timer.start()
    result = client.check_image(prepare_file(photo()), "p", cancel=cancel)
    timer.join()
    assert result.attempts == 1 and result.elapsed_ms < 4000  # the 5 s backoff was cut short
    assert client.check_image(prepare_file(photo()), "p",
                              cancel=cancel).problem_key == "cancelled"


def test_tls_verified_by_default_and_custom_ca_bundle(tmp_path, photo, start_sandbox,
                                                      make_client) -> None:
    cert, key = self_signed_cert(tmp_path)
    sandbox = start_sandbox(tls_cert=str(cert), tls_key=str(key))
    assert sandbox.url.startswith("https://127.0.0.1:")
    prepared = prepare_file(photo())
    untrusted = make_client(sandbox).check_image(prepared, "p")
    assert untrusted.problem_key == "tls" and untrusted.attempts == 1
    trusted = make_client(sandbox, verify=str(cert)).check_image(prepared, "p")
    assert trusted.code == 0


def test_proxy_setting_is_honoured(photo, sandbox, make_client) -> None:
    # The endpoint names the real host, but every byte goes to the proxy on loopback
    # (the sandbox accepts the proxy's absolute-form request line).
    client = make_client(sandbox, endpoint="http://recognition.image.myqcloud.com",
                         proxy=sandbox.url)
    result = client.check_image(prepare_file(photo()), "p")
    assert result.code == 0
    assert sandbox.stats["proxied"] == 1
