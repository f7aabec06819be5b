"""API 3.0's side of the client (core/service/backend_tc3.py): endpoints, the JSON body with
the base64 photo, a fresh TC3 signature per request, and how each answer is read and retried."""

from __future__ import annotations

import base64
import dataclasses
import email.utils
import io
import json

import pytest

from livedetect_gui.core.imaging.prepare import prepare_bytes
from livedetect_gui.core.service.backend import BadEndpoint
from livedetect_gui.core.service.backend_tc3 import (
    ACTION,
    DEFAULT_HOST,
    FACE_MODEL_VERSION,
    IMAGE_BASE64_LIMIT,
    INTERNATIONAL_HOST,
    VERSION,
    Tc3Backend,
)
from livedetect_gui.core.service.credentials import Api, Credentials
from tests.conftest import make_photo

NOW = 1_700_000_000.0


def backend(endpoint: str | None = None, language: str = "en", clock=lambda: NOW) -> Tc3Backend:
    creds = Credentials("", "AKIDtc3", "tc3-key", api=Api.TC3, region="ap-guangzhou")
    return Tc3Backend(creds, endpoint=endpoint, signature_validity=600, clock=clock,
                      language=language)


def answer(response: dict, status: int = 200, **headers: str):
    return backend().read_answer(status, headers, json.dumps({"Response": response}).encode())


@pytest.fixture(scope="module")
def prepared():
    out = io.BytesIO()
    make_photo(4, (320, 240)).save(out, "JPEG", quality=90)
    return prepare_bytes(out.getvalue())


def test_endpoints_and_aliases() -> None:
    assert backend().url == DEFAULT_HOST + "/"
    assert backend("intl").url == INTERNATIONAL_HOST + "/"
    assert backend("http://127.0.0.1:8765").url == "http://127.0.0.1:8765/"
    assert backend("http://127.0.0.1:8765/api").url == "http://127.0.0.1:8765/api"
    with pytest.raises(BadEndpoint):
        backend("ftp://iai.tencentcloudapi.com")


def test_the_body_carries_the_photo_in_base64(prepared) -> None:
    body = backend().image_body(prepared)
    assert body.content_type == "application/json"
    payload = json.loads(body.data)
    assert base64.b64decode(payload["Image"]) == prepared.data
    assert payload["FaceModelVersion"] == FACE_MODEL_VERSION
    url_body = json.loads(backend().url_body("https://example.com/p.jpg").data)
    assert url_body == {"Url": "https://example.com/p.jpg", "FaceModelVersion": FACE_MODEL_VERSION}


def test_a_photo_over_the_base64_limit_is_refused_before_any_call(prepared) -> None:
    huge = dataclasses.replace(prepared, data=b"\xff" * (IMAGE_BASE64_LIMIT * 3 // 4 + 3))
    refused = backend().image_body(huge)
    assert refused.problem_key == "body_too_large" and "base64" in refused.detail


def test_every_request_is_signed_for_itself_in_the_operators_language(prepared) -> None:
    now = [NOW]
    tc3 = backend("https://user@iai.tencentcloudapi.com", clock=lambda: now[0])
    body = tc3.image_body(prepared)
    headers = tc3.headers(body)
    assert headers["Authorization"].startswith("TC3-HMAC-SHA256 Credential=AKIDtc3/")
    assert headers["X-TC-Action"] == ACTION and headers["X-TC-Version"] == VERSION
    assert headers["X-TC-Region"] == "ap-guangzhou" and headers["X-TC-Language"] == "en-US"
    assert headers["X-TC-Timestamp"] == str(int(NOW))
    assert headers["Host"] == "iai.tencentcloudapi.com"  # the Host signed is the one sent
    now[0] += 1
    assert tc3.headers(body)["Authorization"] != headers["Authorization"]
    assert backend(language="zh_CN").headers(body)["X-TC-Language"] == "zh-CN"


def test_a_score_with_its_request_id() -> None:
    judged = answer({"Score": 73.5, "RequestId": "req-1"})
    assert judged.score == 73.5 and judged.request_id == "req-1" and judged.answered
    for bad in (101, -0.5, "73", True, None):
        outcome = answer({"Score": bad, "RequestId": "req-2"})
        assert outcome.problem_key == "bad_score" and outcome.request_id == "req-2", bad


def test_throttling_and_service_failures_are_retried_the_rest_is_final() -> None:
    throttled = answer({"Error": {"Code": "RequestLimitExceeded.UserFrequency"}},
                       **{"Retry-After": "1"})
    assert throttled.retry and throttled.throttled and not throttled.ambiguous
    assert throttled.retry_after == 1.0
    for code in ("FailedOperation.RequestTimeout", "FailedOperation.ServerError"):
        maybe = answer({"Error": {"Code": code, "Message": "busy"}})
        assert maybe.retry and maybe.ambiguous and maybe.code == code  # maybe billed twice
    final = answer({"Error": {"Code": "FailedOperation.ImageDecodeFailed", "Message": "m"}})
    assert not final.retry and final.code == "FailedOperation.ImageDecodeFailed"
    assert final.detail == "m"


def test_an_expired_signature_names_the_clock() -> None:
    date = email.utils.formatdate(NOW + 900, usegmt=True)
    expired = answer({"Error": {"Code": "AuthFailure.SignatureExpire", "Message": "expired"}},
                     Date=date)
    assert not expired.retry and "15 minutes off (behind the service's)" in expired.detail


def test_malformed_answers() -> None:
    assert answer({"Error": {"Message": "no code"}}).problem_key == "bad_json"
    assert answer({"Error": "flat"}).problem_key == "bad_json"
    server_error = backend().read_answer(500, {}, b"{}")
    assert server_error.retry and server_error.ambiguous
    assert backend().read_answer(200, {}, b'{"NoResponse": 1}').problem_key == "bad_json"
    long_code = answer({"Error": {"Code": "X" * 500}})
    assert len(long_code.code) == 100
