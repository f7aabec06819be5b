"""API 3.0 (DetectLiveFaceAccurate, TC3-HMAC-SHA256): signing vectors, the sandbox's answers over
real HTTP on 127.0.0.1, and the client's handling of each."""

from __future__ import annotations

import base64
import io
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from PIL import Image

from livedetect_gui.core.errors import LOCAL_PROBLEMS, TC3_CODES, service_problem
from livedetect_gui.core.imaging.prepare import Limits, prepare_file
from livedetect_gui.core.result import CheckResult
from livedetect_gui.core.service import signing_tc3
from livedetect_gui.core.service.backend_tc3 import IMAGE_BASE64_LIMIT
from livedetect_gui.core.service.client import BadSetting, ClientConfig, LiveDetectClient
from livedetect_gui.core.service.credentials import (
    TC3_REGIONS,
    Api,
    BadCredentials,
    Credentials,
    apply_choice,
    from_environment,
)
from livedetect_gui.core.verdict import Verdict, default_threshold, threshold_presets
from livedetect_gui.sandbox.scoring import simulated_score_api3 as simulated_score
from livedetect_gui.sandbox.server import Sandbox
from tests.conftest import FAST, make_photo
from tests.core.servers import canned_server

VECTORS = json.loads((Path(__file__).parent / "vectors" / "tc3_signature.json").read_text())
REGION = "ap-guangzhou"

# Every code the shared API reference lists for this action (../shared/api/README.md).
REFERENCE_CODES = [
    "AuthFailure.SignatureFailure", "AuthFailure.SignatureExpire", "AuthFailure.SecretIdNotFound",
    "AuthFailure.InvalidSecretId", "AuthFailure.MFAFailure", "AuthFailure.UnauthorizedOperation",
    "UnauthorizedOperation", "ResourceUnavailable.InArrears", "ResourceUnavailable.NotReady",
    "ResourceUnavailable.StopUsing", "UnsupportedRegion", "InvalidAction", "NoSuchVersion",
    "RequestLimitExceeded", "FailedOperation.RequestLimitExceeded",
    "FailedOperation.ImageDecodeFailed", "FailedOperation.ImageDownloadError",
    "FailedOperation.ImageFacedetectFailed", "FailedOperation.ImageResolutionExceed",
    "FailedOperation.ImageResolutionTooSmall", "FailedOperation.ImageSizeExceed",
    "InvalidParameterValue.ImageEmpty", "InvalidParameterValue.NoFaceInPhoto",
    "InvalidParameterValue.UrlIllegal", "InvalidParameterValue.FaceModelVersionIllegal",
    "MissingParameter.ErrorParameterEmpty", "FailedOperation.RequestTimeout",
    "FailedOperation.RpcFail", "FailedOperation.ServerError", "FailedOperation.UnKnowError",
    "InternalError",
]


# -- signing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("vector", VECTORS["vectors"], ids=lambda v: v["secret_id"])
def test_every_shared_vector_byte_for_byte(vector: dict) -> None:
    body = vector["body"].encode()
    assert signing_tc3.authorization(
        vector["secret_id"], vector["secret_key"], body=body, host=vector["host"],
        timestamp=vector["timestamp"]) == vector["authorization"]
    headers = signing_tc3.request_headers(
        vector["secret_id"], vector["secret_key"], body=body, host=vector["host"],
        action=vector["action"], version=vector["version"], region=vector["region"],
        language=vector["headers"].get("X-TC-Language"), clock=lambda: vector["timestamp"])
    assert headers == vector["headers"]
    # The sandbox's check accepts what the official SDK sent, and refuses a changed byte.
    assert signing_tc3.verify(headers, body, {vector["secret_id"]: vector["secret_key"]},
                              now=vector["timestamp"]) == vector["secret_id"]
    with pytest.raises(signing_tc3.Tc3Error) as refused:
        signing_tc3.verify(headers, body + b" ", {vector["secret_id"]: vector["secret_key"]},
                           now=vector["timestamp"])
    assert refused.value.code == "AuthFailure.SignatureFailure"


def test_the_date_is_utc_whatever_the_local_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    # 1700000000 is 22:13 UTC on 2023-11-14 but already the 15th in UTC+8.
    vector = next(v for v in VECTORS["vectors"] if v["timestamp"] == 1700000000)
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        assert time.strftime("%Y-%m-%d", time.localtime(1700000000)) == "2023-11-15"
        assert signing_tc3.authorization(
            vector["secret_id"], vector["secret_key"], body=vector["body"].encode(),
            host=vector["host"], timestamp=1700000000) == vector["authorization"]
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_sign_command_prints_the_authorization_only() -> None:
    from tests.test_cli import run

    vector = VECTORS["vectors"][0]
    proc = run("sign", "--api", "tc3", "--secret-id", vector["secret_id"], "--secret-key",
               vector["secret_key"], "--timestamp", str(vector["timestamp"]), "--region",
               vector["region"], "--host", vector["host"], "--action", vector["action"],
               "--version", vector["version"], "--body", vector["body"])
    assert proc.returncode == 0 and proc.stdout == vector["authorization"] + "\n"
    # Defaults: host iai.tencentcloudapi.com, empty region allowed, timestamp now.
    now = run("sign", "--api", "tc3", "--secret-id", "k", "--secret-key", "s", "--region", "")
    today = time.strftime("%Y-%m-%d", time.gmtime())
    assert now.returncode == 0 and f"Credential=k/{today}/iai/tc3_request" in now.stdout


# -- catalogue, thresholds, profiles ---------------------------------------------------------


def test_catalogue_covers_every_reference_code_in_both_languages() -> None:
    unknown = LOCAL_PROBLEMS["unknown_code"]
    for code in REFERENCE_CODES:
        problem = service_problem(code)
        assert problem is not unknown, code
        assert problem.message("en") and problem.hint("en"), code
        assert problem.message("zh") != problem.message("en") and problem.hint("zh"), code
    assert service_problem("ResourceUnavailable.SomethingNew") is TC3_CODES["ResourceUnavailable"]
    odd = CheckResult(source="x", threshold=40, code="FailedOperation.Brand.New", api="tc3",
                      detail="provider says hi")
    assert odd.problem is unknown and odd.verdict is Verdict.ERROR
    assert "FailedOperation.Brand.New" in odd.message() and "provider says hi" in odd.message()


def test_threshold_defaults_and_presets_per_backend() -> None:
    assert default_threshold("legacy") == 87 and default_threshold(Api.TC3) == 40
    assert threshold_presets("tc3") == (5, 10, 40, 70, 90)


def test_profile_kinds_validate_where_entered() -> None:
    tc3 = Credentials("", "AKIDx", "key", api=Api.TC3, region="ap-shanghai")
    assert tc3.validate() is tc3  # no appid needed for API 3.0
    with pytest.raises(BadCredentials, match="appid"):
        Credentials("", "AKIDx", "key").validate()
    with pytest.raises(BadCredentials, match="region"):
        Credentials("", "AKIDx", "key", api=Api.TC3, region="mars-1").validate()
    with pytest.raises(BadCredentials, match="spaces"):
        Credentials("1", "AKIDx", " key").validate()
    with pytest.raises(BadCredentials, match="printable ASCII"):
        Credentials("1", "AKIDx", "k\udcffey").validate()
    env = {"LIVEDETECT_SECRET_ID": "AKIDe", "LIVEDETECT_SECRET_KEY": "k",
           "LIVEDETECT_API": "tc3", "LIVEDETECT_REGION": "ap-beijing"}
    found = from_environment(env)
    assert found is not None and found.api is Api.TC3 and found.region == "ap-beijing"
    legacy = Credentials("1", "AKIDx", "key", endpoint="old")
    switched = apply_choice(legacy, api="tc3", region="ap-singapore", env={})
    # The legacy profile's endpoint is not carried over to the other generation.
    assert switched.api is Api.TC3 and switched.endpoint is None
    assert set(TC3_REGIONS) >= {"ap-guangzhou", "ap-singapore"}


# -- the sandbox over HTTP -------------------------------------------------------------------


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


def test_sandbox_answers_every_code_the_issue_lists(sandbox, tmp_path) -> None:
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


def _blank_png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (300, 300), (200, 200, 200)).save(buf, "PNG")
    return buf.getvalue()


# -- the client ------------------------------------------------------------------------------


def tc3_credentials(sandbox: Sandbox, **changes: object) -> Credentials:
    acc = sandbox.account
    values: dict = {"appid": "", "secret_id": acc.secret_id, "secret_key": acc.secret_key,
                    "api": Api.TC3, "region": REGION, **changes}
    return Credentials(**values)


@pytest.fixture
def tc3_client():
    clients: list[LiveDetectClient] = []

    def make(sandbox: Sandbox | None, url: str | None = None, clock=time.time,
             credentials: Credentials | None = None, **config: object) -> LiveDetectClient:
        settings = {**FAST, "endpoint": url or sandbox.url, **config}
        if credentials is None:
            credentials = (tc3_credentials(sandbox) if sandbox else
                           Credentials("", "AKIDcanned", "key", api=Api.TC3, region=REGION))
        client = LiveDetectClient(credentials,
                                  ClientConfig(**settings), clock=clock)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def _photo_scoring(tmp_path: Path, side: str) -> Path:
    """A photo whose simulated API 3.0 score is above (side="pass") or at most 40."""
    for seed in range(200):
        path = tmp_path / f"{side}{seed}.jpg"
        make_photo(seed).save(path, "JPEG", quality=90)
        with Image.open(io.BytesIO(prepare_file(path).data)) as sent:
            score = simulated_score(sent)
        if score is not None and (score > 40) == (side == "pass"):
            return path
    raise AssertionError("no photo found")


def test_pass_and_fail_with_request_id_and_default_threshold(tmp_path, sandbox,
                                                             tc3_client) -> None:
    client = tc3_client(sandbox)
    passed = client.check_image(prepare_file(_photo_scoring(tmp_path, "pass")), "a")
    failed = client.check_image(prepare_file(_photo_scoring(tmp_path, "fail")), "b")
    assert passed.verdict is Verdict.PASS and failed.verdict is Verdict.FAIL
    for result in (passed, failed):
        assert result.threshold == 40 and result.api == "tc3" and result.attempts == 1
        assert isinstance(result.score, float) and len(result.request_id or "") == 36
        assert result.to_json()["request_id"] == result.request_id
        assert result.to_json()["api"] == "tc3"
    assert sandbox.stats["billed:tc3"] == 2


def test_signature_failure_is_final_and_clock_offset_is_measured(photo, sandbox,
                                                                 tc3_client) -> None:
    wrong = tc3_client(sandbox, credentials=tc3_credentials(sandbox, secret_key="nope"))
    result = wrong.check_image(prepare_file(photo()), "p")
    assert result.code == "AuthFailure.SignatureFailure" and result.attempts == 1
    assert result.request_id
    # A clock 12 minutes behind: no retry (a new signature from the same clock would fail
    # again), and the operator is told by how much the clock is off.
    slow = tc3_client(sandbox, clock=lambda: time.time() - 12 * 60)
    result = slow.check_image(prepare_file(photo()), "p")
    assert result.code == "AuthFailure.SignatureExpire" and result.attempts == 1
    assert "this computer's clock is 12 minutes off (behind" in result.message("en")
    assert "system time" in result.hint("en")
    fast = tc3_client(sandbox, clock=lambda: time.time() + 7 * 60, language="zh")
    zh = fast.check_image(prepare_file(photo()), "p").message("zh")
    assert "本机时钟比服务快了约 7 分钟" in zh and "签名过期" in zh
    assert sandbox.stats["billed"] == 0


def test_throttling_is_retried_and_other_errors_are_not(photo, start_sandbox,
                                                        tc3_client) -> None:
    sandbox = start_sandbox(throttle_rate=1.0)
    result = tc3_client(sandbox, max_attempts=3).check_image(prepare_file(photo()), "p")
    assert result.code == "RequestLimitExceeded" and result.attempts == 3
    assert not result.maybe_billed_twice  # refused before any work: never billed
    blank = photo(name="blank.png", fmt="PNG")
    Image.new("RGB", (300, 300), "white").save(blank)
    plain = start_sandbox()
    result = tc3_client(plain).check_image(prepare_file(blank), "b")
    assert result.code == "InvalidParameterValue.NoFaceInPhoto" and result.attempts == 1


@contextmanager
def capture_server(*answers: dict) -> Iterator[tuple[str, list[dict]]]:
    """Answers each POST with the next API 3.0 payload (HTTP 200); records the request headers."""
    seen: list[dict] = []
    with canned_server(*[(200, a) for a in answers], headers=seen) as (url, _):
        yield url, seen


def _error(code: str) -> dict:
    return {"Response": {"Error": {"Code": code, "Message": f"{code} from the provider"},
                         "RequestId": "req-" + code}}


def test_service_failures_retried_flagged_and_language_header(photo, tc3_client) -> None:
    success = {"Response": {"Score": 55.5, "FaceModelVersion": "3.0", "RequestId": "req-ok"}}
    with capture_server(_error("FailedOperation.ServerError"), success) as (url, seen):
        result = tc3_client(None, url=url, language="zh").check_image(prepare_file(photo()), "p")
    assert result.score == 55.5 and result.request_id == "req-ok" and result.attempts == 2
    assert result.maybe_billed_twice  # the failed attempt may have been processed
    assert [h["X-TC-Language"] for h in seen] == ["zh-CN", "zh-CN"]
    # A fresh signature per request: each attempt is signed on its own.
    assert all(h["X-TC-Action"] == "DetectLiveFaceAccurate" and h["X-TC-Region"] == REGION
               for h in seen)
    with capture_server(_error("FailedOperation.RequestTimeout")) as (url, seen):
        result = tc3_client(None, url=url, max_attempts=2).check_image(prepare_file(photo()), "p")
    assert result.code == "FailedOperation.RequestTimeout" and result.attempts == 2
    assert seen[0]["X-TC-Language"] == "en-US"
    for final in ("InternalError", "FailedOperation.ImageDecodeFailed", "Weird.NewCode"):
        with capture_server(_error(final)) as (url, seen):
            result = tc3_client(None, url=url).check_image(prepare_file(photo()), "p")
        assert result.code == final and len(seen) == 1 and result.request_id == "req-" + final
    assert "Weird.NewCode from the provider" in result.message()


def test_url_mode_sends_url_and_download_failure(sandbox, tc3_client) -> None:
    result = tc3_client(sandbox).check_url("http://127.0.0.1:9/missing.jpg")
    assert result.code == "FailedOperation.ImageDownloadError" and result.attempts == 1


def test_preparation_for_api3_stays_within_its_limits(tmp_path, sandbox, tc3_client) -> None:
    # A 5000 px JPEG of noise (hard to compress), prepared with the operator's size limits
    # raised far past the service's: the backend's limits still hold.
    noise = Image.frombytes("RGB", (5000, 3000), os.urandom(5000 * 3000 * 3))
    noisy = Image.blend(make_photo(0, (5000, 3000)), noise, 0.5)
    path = tmp_path / "big.jpg"
    noisy.save(path, "JPEG", quality=95)
    assert path.stat().st_size > IMAGE_BASE64_LIMIT
    client = tc3_client(sandbox)
    operator = Limits(max_long_side=6000, max_short_side=6000)
    limits = client.preparation_limits(operator)
    prepared = prepare_file(path, limits)
    assert max(prepared.width, prepared.height) <= 4000
    assert len(base64.b64encode(prepared.data)) <= IMAGE_BASE64_LIMIT
    result = client.check_image(prepared, "big")
    assert result.verdict in (Verdict.PASS, Verdict.FAIL), result.message()
    # Our own default target (1280x720) is kept when it is the smaller one.
    assert client.preparation_limits(Limits()).max_long_side == 1280


def test_bad_settings_are_refused_before_any_call(sandbox) -> None:
    with pytest.raises(BadSetting, match="region"):
        LiveDetectClient(tc3_credentials(sandbox, region=""), ClientConfig(endpoint=sandbox.url))
    with pytest.raises(BadSetting, match="CA bundle not found"):
        LiveDetectClient(tc3_credentials(sandbox),
                         ClientConfig(endpoint=sandbox.url, verify="/nonexistent/ca.pem"))


def test_cli_check_api_tc3_json(tmp_path) -> None:
    from tests.test_cli import run

    path = tmp_path / "p.jpg"
    make_photo(1).save(path, "JPEG")
    proc = run("check", "--force", "--sandbox", "--api", "tc3", "--json", "--no-history", str(path))
    line = json.loads(proc.stdout.splitlines()[0])
    assert line["api"] == "tc3" and line["threshold"] == 40 and len(line["request_id"]) == 36
    assert isinstance(line["score"], float) and proc.returncode in (0, 1)
    env = {"LIVEDETECT_API": "tc3", "LIVEDETECT_REGION": "ap-mars",
           "LIVEDETECT_SECRET_ID": "AKIDx", "LIVEDETECT_SECRET_KEY": "k"}
    bad = run("check", str(path), "--no-history", env=env)
    assert bad.returncode == 64 and "unknown region" in bad.stderr


def test_fault_modes_on_the_api3_side(photo, start_sandbox, tc3_client) -> None:
    prepared = prepare_file(photo())
    failing = tc3_client(start_sandbox(fail_rate=1.0), max_attempts=2).check_image(prepared, "p")
    assert failing.problem_key == "http_error" and failing.attempts == 2
    assert failing.maybe_billed_twice
    garbage = tc3_client(start_sandbox(garbage_rate=1.0)).check_image(prepared, "p")
    assert garbage.problem_key == "bad_json" and garbage.attempts == 1
    reset = tc3_client(start_sandbox(reset_rate=1.0), max_attempts=2).check_image(prepared, "p")
    assert reset.problem_key == "connection_lost" and reset.attempts == 2


class RecordingPacer:
    """Records the client's pacing calls (bill's pacer implements the same three methods)."""

    def __init__(self, allow: bool = True) -> None:
        self.allow = allow
        self.calls: list[str] = []

    def acquire(self, cancel: threading.Event | None) -> bool:
        self.calls.append("acquire")
        return self.allow

    def throttled(self, retry_after: float | None) -> None:
        self.calls.append("throttled")

    def succeeded(self) -> None:
        self.calls.append("succeeded")


def test_pacing_hooks_around_every_attempt(photo, start_sandbox) -> None:
    prepared = prepare_file(photo())
    throttling = start_sandbox(throttle_rate=1.0)
    pacer = RecordingPacer()
    with LiveDetectClient(tc3_credentials(throttling),
                          ClientConfig(**{**FAST, "endpoint": throttling.url, "max_attempts": 2}),
                          pacer=pacer) as client:
        client.check_image(prepared, "p")
    assert pacer.calls == ["acquire", "throttled", "acquire", "throttled"]
    plain = start_sandbox()
    pacer = RecordingPacer()
    with LiveDetectClient(tc3_credentials(plain), ClientConfig(**{**FAST, "endpoint": plain.url}),
                          pacer=pacer) as client:
        assert client.check_image(prepared, "p").score is not None
        refused = LiveDetectClient(tc3_credentials(plain),
                                   ClientConfig(**{**FAST, "endpoint": plain.url}),
                                   pacer=RecordingPacer(allow=False))
        cancelled = refused.check_image(prepared, "p")
        refused.close()
    assert pacer.calls == ["acquire", "succeeded"]
    assert cancelled.problem_key == "cancelled" and cancelled.attempts == 0


def test_api3_profile_round_trip_in_the_keyring() -> None:
    from tests.core.test_credentials import _real_store

    store = _real_store()
    profile = Credentials("", "AKIDtc3", "tc3-key", endpoint="intl", api=Api.TC3,
                          region="ap-singapore")
    store.save(profile, "tc3-desk")
    try:
        assert store.load("tc3-desk") == profile
    finally:
        store.delete("tc3-desk")
    with pytest.raises(BadCredentials):
        store.save(Credentials("", "AKIDtc3", "k", api=Api.TC3), "tc3-bad")


def test_api3_endpoints() -> None:
    def url_for(endpoint: str | None) -> str:
        creds = Credentials("", "AKIDx", "k", api=Api.TC3, region=REGION, endpoint=endpoint)
        with LiveDetectClient(creds, ClientConfig()) as client:
            return client.url

    assert url_for(None) == "https://iai.tencentcloudapi.com/"
    assert url_for("intl") == "https://iai.intl.tencentcloudapi.com/"
    assert url_for("http://127.0.0.1:8765") == "http://127.0.0.1:8765/"
    with pytest.raises(BadSetting):
        url_for("ftp://iai.tencentcloudapi.com")


def test_cli_api3_profile_and_environment(tmp_path, start_sandbox) -> None:
    from livedetect_gui.core.service.credentials import CredentialStore
    from livedetect_gui.core.service.signing_legacy import Account
    from tests.test_cli import run

    sandbox = start_sandbox(accounts=[Account("1000001", "AKIDcli3", "cli3-secret")])
    path = tmp_path / "p.jpg"
    make_photo(4).save(path, "JPEG")
    common = ["--force", "--no-history", "--json", "--endpoint", sandbox.url, str(path)]
    # The environment chooses the generation and region; no appid is needed.
    env = {"LIVEDETECT_SECRET_ID": "AKIDcli3", "LIVEDETECT_SECRET_KEY": "cli3-secret",
           "LIVEDETECT_API": "tc3", "LIVEDETECT_REGION": "ap-chengdu"}
    line = json.loads(run("check", *common, env=env).stdout)
    assert line["api"] == "tc3" and line["request_id"] and line["threshold"] == 40
    # A flag overrides the environment: the same keys on the legacy API need the appid.
    line = json.loads(run("check", "--api", "legacy", *common,
                          env={**env, "LIVEDETECT_APPID": "1000001"}).stdout)
    assert line["api"] == "legacy" and line["request_id"] is None and line["threshold"] == 87
    if not CredentialStore().available():
        pytest.skip("no usable keyring backend (the README test command provides one)")
    profile = "cli-tc3-profile"
    proc = run("credentials", "set", "--profile", profile, "--api", "tc3", "--region",
               "ap-nanjing", "--secret-id", "AKIDcli3", stdin="cli3-secret\n")
    try:
        assert proc.returncode == 0, proc.stderr
        shown = run("credentials", "show", "--profile", profile).stdout
        assert "tc3 (ap-nanjing)" in shown and "cli3-secret" not in shown
        line = json.loads(run("check", "--profile", profile, *common).stdout)
        assert line["api"] == "tc3" and line["verdict"] in ("pass", "fail")
    finally:
        run("credentials", "delete", "--profile", profile)
    bad = run("credentials", "set", "--profile", profile, "--api", "tc3", "--region", "moon",
              "--secret-id", "AKIDcli3", stdin="cli3-secret\n")
    assert bad.returncode == 64 and "unknown region" in bad.stderr


def test_legacy_expired_signature_also_names_the_clock_offset(photo, sandbox) -> None:
    acc = sandbox.account
    config = ClientConfig(**{**FAST, "endpoint": sandbox.url})
    with LiveDetectClient(Credentials(acc.appid, acc.secret_id, acc.secret_key), config,
                          clock=lambda: time.time() - 20 * 60) as client:
        result = client.check_image(prepare_file(photo()), "p")
    assert result.code == 9 and result.attempts == 2  # renewed once, then explained
    assert "this computer's clock is 20 minutes off (behind" in result.message()
