"""API 3.0 authentication in the sandbox, tested with what the provider's clients send: the
official Python SDK (tencentcloud-sdk-python-iai, every signing mode it offers), the provider's
signature demo, and requests the service refuses. Real HTTP against a sandbox on 127.0.0.1."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.iai.v20200303 import iai_client, models

from livedetect_gui.core.service import signing_tc3
from livedetect_gui.sandbox.server import Sandbox
from livedetect_gui.sandbox.tc3_auth import authenticate
from tests.conftest import make_photo
from tests.sandbox.wire import exchange

REGION = "ap-guangzhou"
ACTION, VERSION = "DetectLiveFaceAccurate", "2020-03-03"
# Requests captured from the official Python SDK with its clock fixed (copied from the
# shared signing vectors).
VECTORS = json.loads((Path(__file__).parents[1] / "core" / "service" / "vectors"
                      / "tc3_signature.json").read_text())["vectors"]


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: str(v["timestamp"]))
def test_the_sdks_captured_requests_authenticate(vector: dict) -> None:
    body, keys = vector["body"].encode(), {vector["secret_id"]: vector["secret_key"]}
    call = authenticate("POST", "/", vector["headers"], body, keys, now=vector["timestamp"])
    assert (call.secret_id, call.action, call.version, call.region) == (
        vector["secret_id"], vector["action"], vector["version"], vector["region"])
    assert call.params == json.loads(body)
    with pytest.raises(signing_tc3.Tc3Error) as refused:  # a body other than the one signed
        authenticate("POST", "/", vector["headers"], body + b" ", keys, now=vector["timestamp"])
    assert refused.value.code == "AuthFailure.SignatureFailure"
    with pytest.raises(signing_tc3.Tc3Error) as refused:  # the same, sent as a GET
        authenticate("GET", "/", vector["headers"], body, keys, now=vector["timestamp"])
    assert refused.value.code == "AuthFailure.SignatureFailure"


@pytest.fixture
def box(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    # The SDK reads HTTP(S)_PROXY itself: loopback must stay loopback.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    with Sandbox() as sandbox:
        yield sandbox


def small_jpeg(seed: int = 5) -> bytes:
    # Small enough for a GET (the provider takes GETs up to 32 kB).
    buf = io.BytesIO()
    make_photo(seed, (160, 120)).save(buf, "JPEG", quality=70)
    return buf.getvalue()


def sdk_client(sandbox: Sandbox, *, sign_method: str = "TC3-HMAC-SHA256",
               method: str = "POST", unsigned: bool = False,
               key: str | None = None) -> iai_client.IaiClient:
    http = HttpProfile(protocol="http", endpoint=sandbox.url.removeprefix("http://"),
                       reqMethod=method, reqTimeout=30)
    profile = ClientProfile(signMethod=sign_method, httpProfile=http)
    profile.unsignedPayload = unsigned
    cred = credential.Credential(sandbox.account.secret_id, key or sandbox.account.secret_key)
    return iai_client.IaiClient(cred, REGION, profile)


def sdk_detect(client: iai_client.IaiClient, image: bytes) -> float:
    request = models.DetectLiveFaceAccurateRequest()
    request.Image = base64.b64encode(image).decode()
    request.FaceModelVersion = "3.0"
    return client.DetectLiveFaceAccurate(request).Score


SDK_MODES = [
    pytest.param("TC3-HMAC-SHA256", "POST", False, id="tc3-post"),
    pytest.param("TC3-HMAC-SHA256", "POST", True, id="tc3-post-unsigned-payload"),
    pytest.param("TC3-HMAC-SHA256", "GET", False, id="tc3-get"),
    pytest.param("TC3-HMAC-SHA256", "GET", True, id="tc3-get-unsigned-payload"),
    pytest.param("HmacSHA1", "POST", False, id="v1-sha1-post"),
    pytest.param("HmacSHA256", "POST", False, id="v1-sha256-post"),
    pytest.param("HmacSHA1", "GET", False, id="v1-sha1-get"),
    pytest.param("HmacSHA256", "GET", False, id="v1-sha256-get"),
]


@pytest.mark.parametrize(("sign_method", "method", "unsigned"), SDK_MODES)
def test_the_official_sdk_is_served_in_every_signing_mode(box, sign_method, method,
                                                          unsigned) -> None:
    image = small_jpeg()
    reference = sdk_detect(sdk_client(box), image)  # TC3 over POST, the SDK's default
    client = sdk_client(box, sign_method=sign_method, method=method, unsigned=unsigned)
    assert sdk_detect(client, image) == reference  # same photo, same simulated score
    assert box.stats["billed:tc3"] == 2
    wrong = sdk_client(box, sign_method=sign_method, method=method, unsigned=unsigned,
                       key="not-the-key")
    with pytest.raises(TencentCloudSDKException) as refused:
        sdk_detect(wrong, image)
    assert refused.value.get_code() == "AuthFailure.SignatureFailure"
    assert box.stats["billed:tc3"] == 2


def _canonical(method: str, query: str, headers: dict[str, str], signed: list[str],
               payload_hash: str) -> str:
    lines = "".join(f"{name}:{headers[name]}\n" for name in signed)
    return f"{method}\n/\n{query}\n{lines}\n{';'.join(signed)}\n{payload_hash}"


def demo_request(sandbox: Sandbox, body: bytes, *, content_type: str, lower_values: bool,
                 timestamp: int | None = None) -> dict:
    """Signed the way the provider's signature demo signs: x-tc-action among the signed
    headers, each value lower-cased in the canonical request (when ``lower_values``)."""
    host = sandbox.url.removeprefix("http://")
    timestamp = int(time.time()) if timestamp is None else timestamp
    sent = {"content-type": content_type, "host": host, "x-tc-action": ACTION}
    canonical_values = {k: (v.lower() if lower_values else v) for k, v in sent.items()}
    signed = ["content-type", "host", "x-tc-action"]
    canonical = _canonical("POST", "", canonical_values, signed,
                           hashlib.sha256(body).hexdigest())
    text = signing_tc3.string_to_sign(canonical, timestamp)
    acc = sandbox.account
    signature = signing_tc3.signature(acc.secret_key, text, timestamp)
    scope = f"{signing_tc3.utc_date(timestamp)}/iai/tc3_request"
    headers = {
        "Content-Type": content_type, "Host": host, "X-TC-Action": ACTION,
        "X-TC-Version": VERSION, "X-TC-Region": REGION, "X-TC-Timestamp": str(timestamp),
        "Authorization": f"TC3-HMAC-SHA256 Credential={acc.secret_id}/{scope}, "
                         f"SignedHeaders={';'.join(signed)}, Signature={signature}",
    }
    answer = requests.post(sandbox.url + "/", data=body, headers=headers, timeout=30)
    assert answer.status_code == 200
    return answer.json()["Response"]


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8",
                                          "application/json; charset=UTF-8"])
def test_the_providers_demo_signature_lower_cases_header_values(box, content_type) -> None:
    body = json.dumps({"Image": base64.b64encode(small_jpeg()).decode()}).encode()
    served = demo_request(box, body, content_type=content_type, lower_values=True)
    assert isinstance(served.get("Score"), float), served
    # The provider lower-cases before it compares: a signature over "DetectLiveFaceAccurate"
    # (or "charset=UTF-8") as sent does not match.
    refused = demo_request(box, body, content_type="application/json; charset=UTF-8",
                           lower_values=False)
    assert refused["Error"]["Code"] == "AuthFailure.SignatureFailure"


def test_a_timestamp_that_is_not_a_number_gets_an_answer(box) -> None:
    body = b'{"Image": "AAAA"}'
    headers = signing_tc3.request_headers(
        box.account.secret_id, box.account.secret_key, body=body,
        host=box.url.removeprefix("http://"), action=ACTION, version=VERSION, region=REGION)
    # Superscripts are "digits" to str.isdigit(), not to int(); header bytes read as Latin-1.
    for stamp in ("\u00b2", "1\u00b3", "12a"):
        headers["X-TC-Timestamp"] = stamp
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        status, answer = exchange(box, (f"POST / HTTP/1.1\r\n{head}Content-Length: {len(body)}"
                                        "\r\nConnection: close\r\n\r\n").encode("latin-1") + body)
        assert status == 200 and isinstance(answer, dict), answer
        response = answer["Response"]
        assert response["Error"]["Code"] == "AuthFailure.SignatureFailure"
        assert "X-TC-Timestamp" in response["Error"]["Message"] and response["RequestId"]
    assert box.stats["internal"] == 0


def test_a_get_without_parameters_is_answered_as_api3_does(box) -> None:
    answer = requests.get(box.url + "/", timeout=10)
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/json"
    response = answer.json()["Response"]
    assert response["Error"] == {
        "Code": "MissingParameter",
        "Message": "The request is missing a required parameter `Action`.",
    }
    assert response["RequestId"]
    # The legacy API keeps its own answer to a GET.
    legacy = requests.get(box.url + "/face/livedetectpicture", timeout=10)
    assert legacy.status_code == 405 and legacy.json()["code"] == 21


def _v1_form(sandbox: Sandbox, method: str, **overrides: str) -> dict[str, str]:
    params = {"Action": ACTION, "Version": VERSION, "Region": REGION,
              "Timestamp": str(int(time.time())), "Nonce": "4242",
              "SecretId": sandbox.account.secret_id, "SignatureMethod": "HmacSHA256",
              "Image": base64.b64encode(small_jpeg()).decode()}
    params.update(overrides)
    host = sandbox.url.removeprefix("http://")
    text = f"{method}{host}/?" + "&".join(f"{k}={params[k]}" for k in sorted(params))
    key = sandbox.account.secret_key.encode()
    digest = hashlib.sha256 if params.get("SignatureMethod") == "HmacSHA256" else hashlib.sha1
    params["Signature"] = base64.b64encode(hmac.new(key, text.encode(), digest).digest()).decode()
    return params


def test_v1_signatures_are_refused_as_the_service_refuses_them(box) -> None:
    def post(params: dict[str, str]) -> dict:
        return requests.post(box.url + "/", data=params, timeout=10).json()["Response"]

    assert isinstance(post(_v1_form(box, "POST"))["Score"], float)
    assert isinstance(post(_v1_form(box, "POST", SignatureMethod="HmacSHA1"))["Score"], float)
    stale = _v1_form(box, "POST", Timestamp=str(int(time.time()) - 400))
    assert post(stale)["Error"]["Code"] == "AuthFailure.SignatureExpire"
    assert post(_v1_form(box, "POST", SecretId="AKIDnobody"))["Error"]["Code"] == (
        "AuthFailure.SecretIdNotFound")
    signed_for_get = _v1_form(box, "GET")  # the method is part of the signed text
    assert post(signed_for_get)["Error"]["Code"] == "AuthFailure.SignatureFailure"
    bad_method = _v1_form(box, "POST", SignatureMethod="HmacMD5")
    assert post(bad_method)["Error"]["Code"] == "AuthFailure.SignatureFailure"
    no_nonce = _v1_form(box, "POST")
    del no_nonce["Nonce"]
    assert post(no_nonce)["Error"]["Code"] == "MissingParameter"
    # Over 1 MB, a v1-signed POST is refused before its signature is read.
    big = _v1_form(box, "POST", Image="A" * (1024 * 1024))
    assert post(big)["Error"]["Code"] == "RequestSizeLimitExceeded"
    assert box.stats["billed:tc3"] == 2
