"""The client on API 3.0 (DetectLiveFaceAccurate) against the sandbox on 127.0.0.1: verdicts,
signature and clock failures, throttling and service failures, URL mode, preparation to its
limits, settings refused before any call, and the pacer around every attempt."""

from __future__ import annotations

import base64
import io
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image

from livedetect_gui.core.imaging.prepare import Limits, prepare_file
from livedetect_gui.core.service.backend_tc3 import IMAGE_BASE64_LIMIT
from livedetect_gui.core.service.client import BadSetting, ClientConfig, LiveDetectClient
from livedetect_gui.core.service.credentials import (
    Api,
    Credentials,
)
from livedetect_gui.core.verdict import Verdict
from livedetect_gui.sandbox.scoring import simulated_score_api3 as simulated_score
from livedetect_gui.sandbox.server import Sandbox
from tests.conftest import FAST, make_photo
from tests.core.servers import canned_server

REGION = "ap-guangzhou"


# -- signing ---------------------------------------------------------------------------------


# -- catalogue, thresholds, profiles ---------------------------------------------------------


# -- the sandbox over HTTP -------------------------------------------------------------------


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


def test_legacy_expired_signature_also_names_the_clock_offset(photo, sandbox) -> None:
    acc = sandbox.account
    config = ClientConfig(**{**FAST, "endpoint": sandbox.url})
    with LiveDetectClient(Credentials(acc.appid, acc.secret_id, acc.secret_key), config,
                          clock=lambda: time.time() - 20 * 60) as client:
        result = client.check_image(prepare_file(photo()), "p")
    assert result.code == 9 and result.attempts == 2  # renewed once, then explained
    assert "this computer's clock is 20 minutes off (behind" in result.message()
