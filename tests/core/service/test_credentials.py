"""Credentials in a real keyring backend (GNOME Keyring in the test command's D-Bus session)."""

from __future__ import annotations

import base64
import contextlib
import uuid

import keyring
import keyring.backend
import pytest
from keyring.backends import chainer, fail

from livedetect_gui.core.service.credentials import (
    TC3_REGIONS,
    Api,
    BadCredentials,
    Credentials,
    CredentialStore,
    KeyringUnavailable,
    apply_choice,
    from_environment,
    is_os_secret_store,
    join_proxy,
    mask,
    split_proxy,
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


# -- refusing file backends; the proxy's password -----------------------------------------------


class _FileBackend(keyring.backend.KeyringBackend):
    """What keyrings.alt's PlaintextKeyring does: secrets in a file (here, a test's file)."""

    priority = 1
    path = None

    def set_password(self, service: str, username: str, password: str) -> None:
        with open(self.path, "a") as out:
            out.write(f"{service} {username} {base64.b64encode(password.encode()).decode()}\n")

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def delete_password(self, service: str, username: str) -> None:
        pass


@contextlib.contextmanager
def _using(backend: keyring.backend.KeyringBackend):
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def test_file_backends_are_refused_and_say_why_in_both_languages(tmp_path) -> None:
    _FileBackend.path = tmp_path / "keyring_pass.cfg"
    chained_files = type("Chain", (chainer.ChainerBackend,), {"backends": [_FileBackend()]})
    for backend in (_FileBackend(), chained_files()):
        with _using(backend):
            store = CredentialStore(service="livedetect-gui-tests")
            assert not store.available()
            with pytest.raises(KeyringUnavailable) as info:
                store.save(Credentials("1", "AKID", SECRET))
            assert "_FileBackend" in str(info.value) and "not an operating-system" in str(
                info.value)
            assert "不是操作系统的安全存储" in info.value.message("zh_CN")
            assert SECRET not in str(info.value) and SECRET not in info.value.message("zh")
    assert not _FileBackend.path.exists()  # nothing was ever written to the file


def test_the_os_stores_of_windows_and_macos_and_what_is_built_on_them_are_accepted() -> None:
    from keyring.backends import Windows, macOS

    class OwnNames(Windows.WinVaultKeyring):  # e.g. the tests' own names in Credential Manager
        pass

    for store in (Windows.WinVaultKeyring, macOS.Keyring, OwnNames):
        assert is_os_secret_store(store.__new__(store)), store
    assert not is_os_secret_store(_FileBackend.__new__(_FileBackend))
    assert not is_os_secret_store(chainer.ChainerBackend.__new__(chainer.ChainerBackend))


def test_a_chainer_uses_only_its_os_store(tmp_path) -> None:
    real = _real_store()
    os_store = keyring.get_keyring()
    if isinstance(os_store, chainer.ChainerBackend):
        os_store = next(b for b in os_store.backends if is_os_secret_store(b))
    _FileBackend.path = tmp_path / "keyring_pass.cfg"
    # The file backend first, as a higher-priority keyrings.alt backend would be.
    mixed = type("Chain", (chainer.ChainerBackend,), {"backends": [_FileBackend(), os_store]})
    with _using(mixed()):
        store = CredentialStore(service=real.service)
        store.save(Credentials("1", "AKID", SECRET), "chained")
        try:
            assert store.load("chained").secret_key == SECRET
        finally:
            store.delete("chained")
    assert not _FileBackend.path.exists()


def test_proxy_password_lives_in_the_keyring() -> None:
    assert split_proxy("http://bob:p%40ss@proxy:3128") == ("http://bob@proxy:3128", "p@ss")
    assert split_proxy("http://proxy:3128") == ("http://proxy:3128", None)
    assert join_proxy("http://bob@proxy:3128", "p@ss") == "http://bob:p%40ss@proxy:3128"
    store = _real_store()
    store.save_proxy_password("http://bob@proxy:3128", "pr0xy-" + SECRET)
    try:
        assert store.proxy_with_password("http://bob@proxy:3128") == (
            f"http://bob:pr0xy-{SECRET}@proxy:3128")
        assert store.proxy_with_password("http://proxy:3128") == "http://proxy:3128"
    finally:
        store.delete_proxy_password("http://bob@proxy:3128")
    assert store.proxy_with_password("http://bob@proxy:3128") == "http://bob@proxy:3128"


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


def test_api3_profile_round_trip_in_the_keyring() -> None:
    from tests.core.service.test_credentials import _real_store

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
