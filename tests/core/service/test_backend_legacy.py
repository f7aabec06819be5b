"""The legacy generation's side of the client (core/service/backend_legacy.py): the endpoint,
the multipart body, the multi-use signature, and how each answer is read and retried."""

from __future__ import annotations

import dataclasses
import email.utils
import io
import json

import pytest

from livedetect_gui.core.imaging.prepare import SERVICE_BODY_LIMIT, prepare_bytes
from livedetect_gui.core.service.backend import BadEndpoint
from livedetect_gui.core.service.backend_legacy import (
    API_PATH,
    CURRENT_HOST,
    OLD_HOST,
    UPLOAD_NAME,
    LegacyBackend,
    endpoint_url,
)
from livedetect_gui.core.service.credentials import Credentials
from tests.conftest import make_photo

NOW = 1_700_000_000.0


def backend(endpoint: str | None = None, clock=lambda: NOW) -> LegacyBackend:
    return LegacyBackend(Credentials("1000001", "AKIDlegacy", "legacy-key"), endpoint=endpoint,
                         signature_validity=600, clock=clock)


def answer(payload: object, status: int = 200, **headers: str):
    return backend().read_answer(status, headers, json.dumps(payload).encode())


@pytest.fixture(scope="module")
def prepared():
    out = io.BytesIO()
    make_photo(3, (320, 240)).save(out, "JPEG", quality=90)
    return prepare_bytes(out.getvalue())


def test_endpoints_and_aliases() -> None:
    assert backend().url == CURRENT_HOST + API_PATH
    assert backend("old").url == OLD_HOST + API_PATH
    assert backend("http://127.0.0.1:8765").url == "http://127.0.0.1:8765" + API_PATH
    # A base that already names the API path is not given it twice.
    assert endpoint_url("http://127.0.0.1:8765" + API_PATH + "/") == (
        "http://127.0.0.1:8765" + API_PATH)
    with pytest.raises(BadEndpoint):
        backend("ftp://example.com")
    with pytest.raises(BadEndpoint):
        LegacyBackend(Credentials("", "AKID", "k"), endpoint=None, signature_validity=600)


def test_the_photo_goes_under_a_fixed_name_never_the_local_one(prepared) -> None:
    body = backend().image_body(prepared)
    assert body.content_type.startswith("multipart/form-data; boundary=")
    assert f'filename="{UPLOAD_NAME}"'.encode() in body.data
    assert prepared.data in body.data and b'name="appid"\r\n\r\n1000001' in body.data
    url_body = backend().url_body("https://example.com/p.jpg")
    assert json.loads(url_body.data) == {"appid": "1000001", "url": "https://example.com/p.jpg"}


def test_a_body_over_the_services_limit_is_refused_before_any_call(prepared) -> None:
    huge = dataclasses.replace(prepared, data=b"\xff" * SERVICE_BODY_LIMIT)
    refused = backend().image_body(huge)
    assert refused.problem_key == "body_too_large" and not refused.answered


def test_one_signature_serves_many_requests_until_renewed(prepared) -> None:
    now = [NOW]
    legacy = backend(clock=lambda: now[0])
    body = legacy.image_body(prepared)
    first = legacy.headers(body)
    assert first["Content-Type"] == body.content_type
    assert legacy.headers(body) == first  # multi-use: not signed again per request
    now[0] += 5
    renewed = legacy.headers(body, stale=first)  # the service said it expired
    assert renewed["Authorization"] != first["Authorization"]


def test_a_judgement_and_a_bad_score() -> None:
    judged = answer({"code": 0, "message": "OK", "data": {"score": 91.0}})
    assert judged.code == 0 and judged.score == 91 and isinstance(judged.score, int)
    assert not judged.retry
    for bad in (101, -1, "90", True, None, 90.5):
        outcome = answer({"code": 0, "data": {"score": bad}})
        assert outcome.problem_key == "bad_score" and outcome.score is None, bad


def test_throttling_is_retried_after_the_services_advice() -> None:
    throttled = answer({"code": 15, "message": "too frequent"}, **{"Retry-After": "2"})
    assert throttled.retry and throttled.throttled and throttled.retry_after == 2.0
    assert not throttled.ambiguous  # refused before any work: not billed


def test_an_expired_signature_is_renewed_once_and_names_the_clock() -> None:
    date = email.utils.formatdate(NOW - 1200, usegmt=True)
    expired = answer({"code": 9, "message": "signature expired"}, Date=date)
    assert expired.resign and not expired.retry
    assert "20 minutes off (ahead of the service's)" in expired.detail


def test_business_errors_are_final_and_unknown_codes_said() -> None:
    refused = answer({"code": -4015, "message": "no face"})
    assert refused.code == -4015 and refused.detail == "no face" and not refused.retry
    unknown = answer({"code": 123456})
    assert unknown.code == 123456 and unknown.detail == "unknown code" and not unknown.retry


def test_answers_without_a_code_fall_back_to_the_http_reading() -> None:
    assert answer({"code": "0"}).problem_key == "bad_json"
    assert answer({"code": True}).problem_key == "bad_json"
    server_error = answer({"no": "code"}, status=502)
    assert server_error.retry and server_error.ambiguous
