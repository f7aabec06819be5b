"""Credentials in a real keyring backend (GNOME Keyring in the test command's D-Bus session)."""

from __future__ import annotations

import uuid

import keyring
import pytest
from keyring.backends import fail

from livedetect_gui.core.credentials import (
    Credentials,
    CredentialStore,
    KeyringUnavailable,
    from_environment,
    mask,
)

SECRET = "s3cr3t-key-of-the-tests-" + uuid.uuid4().hex


def _real_store() -> CredentialStore:
    # A service name of the tests' own: a developer's real entries are never touched.
    store = CredentialStore(service=f"livedetect-gui-tests-{uuid.uuid4().hex[:8]}")
    if not store.available():
        pytest.skip(f"no usable keyring backend here ({keyring.get_keyring()!r}); run the "
                    "README test command, which starts GNOME Keyring in a D-Bus session")
    try:
        store.profiles()
    except KeyringUnavailable as exc:
        pytest.skip(f"keyring backend present but not usable: {exc}")
    return store


def test_round_trip_in_real_keyring() -> None:
    store = _real_store()
    creds = Credentials("1000001", "AKIDtest", SECRET, bucket="", endpoint="old")
    store.save(creds, "desk-a")
    store.save(Credentials("2", "AKID2", "other"), "desk-b")
    try:
        assert store.load("desk-a") == creds
        assert store.profiles() == ["desk-a", "desk-b"]
        assert store.delete("desk-a") is True
        assert store.load("desk-a") is None
        assert store.profiles() == ["desk-b"]
        assert store.delete("desk-a") is False
    finally:
        store.delete("desk-b")


def test_fail_backend_is_reported_plainly() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        store = CredentialStore(service="livedetect-gui-tests")
        assert not store.available()
        assert store.backend_name() == "none"
        with pytest.raises(KeyringUnavailable, match="No usable OS keyring"):
            store.save(Credentials("1", "k", SECRET))
        with pytest.raises(KeyringUnavailable):
            store.load()
    finally:
        keyring.set_keyring(previous)


def test_bad_profile_names_are_refused() -> None:
    with pytest.raises(ValueError):
        CredentialStore(service="x").save(Credentials("1", "k", "s"), "../etc")


def test_secret_is_masked_and_never_in_repr() -> None:
    creds = Credentials("1", "AKID", SECRET)
    assert SECRET not in repr(creds) and SECRET not in str(creds)
    masked = mask(SECRET)
    assert masked.endswith(SECRET[-4:]) and SECRET not in masked and "*" in masked
    assert mask("short") == "*****"


def test_environment_credentials() -> None:
    env = {"LIVEDETECT_APPID": "1", "LIVEDETECT_SECRET_ID": "AKID",
           "LIVEDETECT_SECRET_KEY": SECRET, "LIVEDETECT_ENDPOINT": "http://127.0.0.1:1"}
    creds = from_environment(env)
    assert creds == Credentials("1", "AKID", SECRET, endpoint="http://127.0.0.1:1")
    assert from_environment({}) is None
    assert from_environment({"LIVEDETECT_APPID": "1"}).problems() == ["secret id", "secret key"]
