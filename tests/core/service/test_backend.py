"""What every service generation shares (core/service/backend.py): endpoint checks, reading
answers no backend understands, Retry-After, the clock offset, and the service's limits
applied to the operator's preparation settings."""

from __future__ import annotations

import email.utils

import pytest

from livedetect_gui.core.imaging.prepare import Limits
from livedetect_gui.core.service.backend import (
    BadEndpoint,
    ServiceLimits,
    clock_offset,
    http_error,
    parse_json,
    provider_text,
    retry_after,
    split_base,
)


def test_split_base_takes_http_and_https_bases_only() -> None:
    assert split_base(" https://iai.example.com ") == ("https", "iai.example.com", "")
    assert split_base("http://127.0.0.1:8765/api") == ("http", "127.0.0.1:8765", "/api")


@pytest.mark.parametrize("bad", [
    "ftp://iai.example.com", "iai.example.com", "https://", "https://a b.example.com",
    "https://iai.exa\nmple.com", "http://127.0.0.1:99999", "https://iai.example.com/?x=1",
    "https://iai.example.com/#frag",
])
def test_split_base_refuses_what_cannot_be_an_endpoint(bad: str) -> None:
    with pytest.raises(BadEndpoint):
        split_base(bad)


def test_parse_json_never_raises() -> None:
    assert parse_json(b'{"code": 0}') == {"code": 0}
    assert parse_json(b"<html>") is None
    assert parse_json(b"[" * 100_000 + b"]" * 100_000) is None  # too deep: not JSON


def test_http_errors_retry_only_what_the_service_may_not_have_processed() -> None:
    busy = http_error(503, {"Retry-After": "7"}, b"")
    assert busy.retry and busy.ambiguous and busy.retry_after == 7.0 and busy.answered
    assert busy.problem_key == "http_error" and busy.detail == "HTTP 503 Service Unavailable"
    missing = http_error(404, {}, b"")
    assert not missing.retry and not missing.ambiguous and missing.detail == "HTTP 404 Not Found"
    assert http_error(299, {}, b"").detail == "HTTP 299"  # no phrase for an odd status
    garbled = http_error(200, {}, b"<html>oops</html>")
    assert garbled.problem_key == "bad_json" and "<html>oops" in garbled.detail
    assert not garbled.retry
    assert http_error(200, {}, b"").detail == "empty body"


@pytest.mark.parametrize(("value", "seconds"), [
    ("5", 5.0), ("0.5", 0.5), ("-3", 0.0), ("nan", None), ("", None),
    ("Wed, 21 Oct 2015 07:28:00 GMT", None),
])
def test_retry_after_in_seconds_only(value: str, seconds: float | None) -> None:
    assert retry_after({"Retry-After": value}) == seconds


def test_clock_offset_from_the_answers_date() -> None:
    served = 1_700_000_000.0
    date = {"Date": email.utils.formatdate(served, usegmt=True)}
    ahead = clock_offset(date, lambda: served + 600, "en")
    assert ahead == "this computer's clock is 10 minutes off (ahead of the service's)"
    behind = clock_offset(date, lambda: served - 1500, "en")
    assert "25 minutes" in behind and "behind" in behind
    assert clock_offset(date, lambda: served + 600, "zh") == "本机时钟比服务快了约 10 分钟"
    assert clock_offset({}, lambda: served, "en") == ""
    assert clock_offset({"Date": "yesterday-ish"}, lambda: served, "en") == ""


def test_provider_text_is_one_bounded_line() -> None:
    assert provider_text("two\nlines") == "two lines"
    assert len(provider_text("x" * 1000)) == 300


def test_service_limits_bound_the_operators_settings_never_widen_them() -> None:
    wide = Limits(max_long_side=5000, max_short_side=5000, max_body_bytes=10_000_000)
    capped = ServiceLimits(max_long_side=4000, max_image_bytes=3_700_000).apply(wide)
    assert (capped.max_long_side, capped.max_short_side) == (4000, 4000)
    assert capped.max_image_bytes == 3_700_000 and capped.envelope_reserve == 0
    narrow = Limits(max_long_side=1280, max_short_side=720)
    kept = ServiceLimits(max_long_side=None, max_image_bytes=50_000_000).apply(narrow)
    assert (kept.max_long_side, kept.max_short_side) == (1280, 720)
    assert kept.max_image_bytes == narrow.max_image_bytes
