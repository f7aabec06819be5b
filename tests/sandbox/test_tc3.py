"""The sandbox's API 3.0 side over real HTTP on 127.0.0.1: every reference error code, the
rate limit, and scores on both sides of the default threshold."""

from __future__ import annotations

import base64
import io
import json
import time

import requests
from PIL import Image

from livedetect_gui.core.service import signing_tc3
from livedetect_gui.core.service.backend_tc3 import IMAGE_BASE64_LIMIT
from livedetect_gui.sandbox.scoring import simulated_score_api3 as simulated_score
from livedetect_gui.sandbox.server import Sandbox
from tests.conftest import make_photo
from tests.core.service.test_client_tc3 import REGION


def jpeg(seed: int = 0, size: tuple[int, int] = (640, 480), fmt: str = "JPEG") -> bytes:
    buf = io.BytesIO()
    make_photo(seed, size).save(buf, fmt)
    return buf.getvalue()


def post(sandbox: Sandbox, payload: dict | bytes, *, key: str | None = None,
         secret_id: str | None = None, clock: float | None = None, **overrides: str) -> dict:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    host = sandbox.url.split("://", 1)[1]
    headers = signing_tc3.request_headers(
        secret_id or sandbox.account.secret_id, key or sandbox.account.secret_key, body=body,
        host=host, action=overrides.pop("action", "DetectLiveFaceAccurate"),
        version=overrides.pop("version", "2020-03-03"), region=overrides.pop("region", REGION),
        clock=(lambda: clock) if clock is not None else time.time)
    answer = requests.post(sandbox.url + "/", data=body, headers=headers, timeout=30)
    assert answer.status_code == 200  # API 3.0 answers errors with HTTP 200
    response = answer.json()["Response"]
    assert response["RequestId"]
    return response


def code_of(response: dict) -> str | None:
    return response.get("Error", {}).get("Code")


def _blank_png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (300, 300), (200, 200, 200)).save(buf, "PNG")
    return buf.getvalue()


def test_sandbox_answers_every_reference_code(sandbox, tmp_path) -> None:
    image = base64.b64encode(jpeg()).decode()
    good = {"Image": image, "FaceModelVersion": "3.0"}
    ok = post(sandbox, good)
    assert isinstance(ok["Score"], float) and ok["FaceModelVersion"] == "3.0"
    cases = {
        "AuthFailure.SignatureFailure": post(sandbox, good, key="wrong"),
        "AuthFailure.SignatureExpire": post(sandbox, good, clock=time.time() - 400),
        "AuthFailure.SecretIdNotFound": post(sandbox, good, secret_id="AKIDnobody"),
        "InvalidAction": post(sandbox, good, action="DetectLiveFace"),
        "NoSuchVersion": post(sandbox, good, version="2018-03-01"),
        "UnsupportedRegion": post(sandbox, good, region="eu-frankfurt"),
        "InvalidParameterValue.ImageEmpty": post(sandbox, {"FaceModelVersion": "3.0"}),
        "FailedOperation.ImageDecodeFailed": post(sandbox, {"Image": "bm90IGFuIGltYWdl"}),
        "FailedOperation.ImageSizeExceed": post(sandbox, {"Image": "A" * (IMAGE_BASE64_LIMIT + 4)}),
        "FailedOperation.ImageResolutionExceed": post(
            sandbox, {"Image": base64.b64encode(jpeg(1, (4001, 300))).decode()}),
        "InvalidParameterValue.NoFaceInPhoto": post(
            sandbox, {"Image": base64.b64encode(_blank_png()).decode()}),
        "InvalidParameterValue.FaceModelVersionIllegal": post(
            sandbox, {"Image": image, "FaceModelVersion": "2.0"}),
        "FailedOperation.ImageDownloadError": post(
            sandbox, {"Url": "http://127.0.0.1:9/none.jpg", "Image": image}),
    }
    for expected, response in cases.items():
        assert code_of(response) == expected, (expected, response)
    # JPEG up to 4000 px is accepted; other formats only up to 2000.
    assert "Score" in post(sandbox, {"Image": base64.b64encode(jpeg(2, (4000, 300))).decode()})
    png = base64.b64encode(jpeg(3, (2001, 200), "PNG")).decode()
    assert code_of(post(sandbox, {"Image": png})) == "FailedOperation.ImageResolutionExceed"
    # The signature binds Host: the same request sent to another Host spelling is refused.
    body = json.dumps(good).encode()
    headers = signing_tc3.request_headers(sandbox.account.secret_id, sandbox.account.secret_key,
                                          body=body, host="iai.tencentcloudapi.com",
                                          action="DetectLiveFaceAccurate", version="2020-03-03",
                                          region=REGION)
    del headers["Host"]  # sent with the sandbox's own Host, not the one signed
    answer = requests.post(sandbox.url + "/", data=body, headers=headers, timeout=30).json()
    assert code_of(answer["Response"]) == "AuthFailure.SignatureFailure"


def test_sandbox_rate_limit_and_scores_on_both_sides_of_40(start_sandbox) -> None:
    sandbox = start_sandbox(rate_limit=2)
    codes = [code_of(post(sandbox, {"Image": base64.b64encode(jpeg(i)).decode()}))
             for i in range(4)]
    assert "RequestLimitExceeded" in codes
    scores = []
    for seed in range(30):
        with Image.open(io.BytesIO(jpeg(seed))) as im:
            scores.append(simulated_score(im))
    assert any(s < 40 for s in scores) and any(s > 40 for s in scores)
    with Image.open(io.BytesIO(jpeg(5))) as a, Image.open(io.BytesIO(jpeg(5))) as b:
        assert simulated_score(a) == simulated_score(b)  # deterministic per image
