from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from livedetect_gui.core.service.signing_legacy import (
    Account,
    SignatureCache,
    SignatureError,
    parse,
    sign,
    sign_plaintext,
    verify,
)

VECTORS = json.loads((Path(__file__).parent / "vectors" / "legacy_signature.json").read_text())[
    "vectors"
]


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v["appid"])
def test_reproduces_official_sdk_vectors(vector: dict) -> None:
    signature = sign(
        vector["appid"], vector["secret_id"], vector["secret_key"], bucket=vector["bucket"],
        expires_in=vector["howlong"], now=vector["now"], rand=vector["rand"],
    )
    assert signature == vector["signature"]
    assert base64.b64decode(signature)[20:].decode() == vector["plaintext"]


ACCOUNT = Account("1000001", "AKIDtest", "key-of-the-test")
ACCOUNTS = {ACCOUNT.secret_id: ACCOUNT}


def _java_order(now: int, expires: int, extra: str = "") -> str:
    plain = f"a=1000001&b=&k=AKIDtest&t={now}&e={expires}&r=42{extra}&f="
    return sign_plaintext(plain, ACCOUNT.secret_key)


def test_verifies_both_sdk_field_orders_and_u_field() -> None:
    python_order = sign("1000001", "AKIDtest", ACCOUNT.secret_key, now=1000, expires_in=30)
    for signature in (python_order, _java_order(1000, 1030), _java_order(1000, 1030, "&u=0")):
        fields = verify(signature, ACCOUNTS, target_appid="1000001", now=1010)
        assert (fields.appid, fields.expires_at, fields.now) == ("1000001", 1030, 1000)


@pytest.mark.parametrize(
    ("signature", "code"),
    [
        ("", 4),
        ("%%%not-base64%%%", 5),
        (base64.b64encode(b"x" * 20).decode(), 5),
        (sign_plaintext("a=1000001&k=AKIDtest&e=1030", "k"), 5),  # no t
        (sign_plaintext("a=1000001&b=&k=AKIDtest&e=soon&t=1000&r=1&f=", "k"), 5),
        (sign("999", "AKIDtest", ACCOUNT.secret_key, now=1000), 10),
        (sign("1000001", "AKIDother", ACCOUNT.secret_key, now=1000), 11),
        (sign("1000001", "AKIDtest", "wrong key", now=1000), 14),
        (sign("1000001", "AKIDtest", ACCOUNT.secret_key, now=900, expires_in=30), 9),
    ],
)
def test_refusals_carry_the_service_code(signature: str, code: int) -> None:
    with pytest.raises(SignatureError) as info:
        verify(signature, ACCOUNTS, target_appid="1000001", now=1010)
    assert info.value.code == code


def test_the_java_sdks_signature_without_r_and_f_is_accepted() -> None:
    # image-java-sdk-v2.0's Sign.appSign: "a=%s&b=%s&k=%s&t=%d&e=%d", no r, no f.
    plain = "a=1000001&b=&k=AKIDtest&t=1000&e=1300"
    fields = verify(sign_plaintext(plain, ACCOUNT.secret_key), ACCOUNTS, target_appid="1000001",
                    now=1010)
    assert (fields.now, fields.expires_at, fields.rand) == (1000, 1300, "")
    with pytest.raises(SignatureError) as info:
        verify(sign_plaintext(plain, "wrong key"), ACCOUNTS, now=1010)
    assert info.value.code == 14


def test_appid_secret_id_mismatch_is_12_and_target_mismatch_is_6() -> None:
    other = Account("2000002", "AKIDother", "other-key")
    accounts = {**ACCOUNTS, other.secret_id: other}
    crossed = sign("1000001", "AKIDother", "other-key", now=1000)
    with pytest.raises(SignatureError) as info:
        verify(crossed, accounts, now=1010)
    assert info.value.code == 12
    good = sign("1000001", "AKIDtest", ACCOUNT.secret_key, now=1000)
    with pytest.raises(SignatureError) as info:
        verify(good, accounts, target_appid="2000002", now=1010)
    assert info.value.code == 6


def test_parse_rejects_duplicate_fields() -> None:
    doubled = sign_plaintext("a=1&a=2&k=x&e=2&t=1&r=0&f=", "k")
    with pytest.raises(SignatureError) as info:
        parse(doubled)
    assert info.value.code == 5


def test_random_nonce_differs_between_signatures() -> None:
    nonces = {parse(sign("1", "k", "s", now=5))[2].rand for _ in range(20)}
    assert len(nonces) > 15


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_cache_reuses_until_margin_then_renews() -> None:
    clock = Clock(1000)
    cache = SignatureCache("1", "AKID", "key", validity=100, clock=clock)
    first = cache.get()
    clock.now = 1080  # 20 s left, margin is 10 s: still good
    assert cache.get() == first
    clock.now = 1091  # inside the margin: renewed before it can expire in flight
    second = cache.get()
    assert second != first
    assert parse(second)[2].expires_at == 1191
    assert cache.renew(stale=first) == second  # someone else already renewed
    assert cache.renew(stale=second) != second
