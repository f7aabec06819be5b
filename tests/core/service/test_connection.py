"""One connection policy for the CLI and the desk; messages rendered in the reader's language."""

from __future__ import annotations

import uuid

import pytest

from livedetect_gui.core.messages import environment_language, text
from livedetect_gui.core.service import connection
from livedetect_gui.core.service.connection import ConnectionProblem, Mode
from livedetect_gui.core.service.credentials import Api, Credentials, CredentialStore

ENV = {"LIVEDETECT_APPID": "1", "LIVEDETECT_SECRET_ID": "AKIDenv", "LIVEDETECT_SECRET_KEY": "k"}


def store() -> CredentialStore:
    return CredentialStore(f"livedetect-gui-tests-{uuid.uuid4().hex[:8]}")


def test_environment_comes_before_the_keyring_and_sets_the_endpoint() -> None:
    found = connection.resolve(store=None, env={**ENV, "LIVEDETECT_ENDPOINT": "http://a:1"},
                               default_endpoint="current")
    assert found.mode is Mode.ENVIRONMENT and found.endpoint == "http://a:1"
    assert found.credentials.secret_id == "AKIDenv" and not found.simulated
    # An explicit endpoint wins over the environment's.
    found = connection.resolve(store=None, env={**ENV, "LIVEDETECT_ENDPOINT": "http://a:1"},
                               endpoint="http://b:2")
    assert found.endpoint == "http://b:2"


def test_incomplete_environment_is_a_problem_with_a_message() -> None:
    with pytest.raises(ConnectionProblem) as caught:
        connection.resolve(store=None, env={"LIVEDETECT_APPID": "1"})
    assert caught.value.message.key == "env_incomplete"
    assert "secret id" in caught.value.message.text("en")
    assert "缺少" in caught.value.message.text("zh_CN")


def test_unknown_generation_in_the_environment_is_a_problem_in_both_languages() -> None:
    env = {"LIVEDETECT_APPID": "1", "LIVEDETECT_SECRET_ID": "AKID", "LIVEDETECT_SECRET_KEY": "k",
           "LIVEDETECT_API": "v3"}
    with pytest.raises(ConnectionProblem) as caught:
        connection.resolve(store=None, env=env)
    english, chinese = caught.value.message.text("en"), caught.value.message.text("zh_CN")
    assert "'v3'" in english and "legacy" in english and "tc3" in english
    assert "'v3'" in chinese and "未知的服务版本" in chinese
    assert "unknown" not in chinese and "use" not in chinese  # no English inside the Chinese


def test_bad_profile_name_is_a_problem_not_a_crash() -> None:
    with pytest.raises(ConnectionProblem) as caught:
        connection.resolve(store=store(), profile="front desk!", env={})
    assert caught.value.message.key == "bad_profile_name"


def test_nothing_configured_is_none_and_a_named_profile_must_exist() -> None:
    keyring_store = store()
    if not keyring_store.available():
        pytest.skip("no usable keyring backend here")
    assert connection.resolve(store=keyring_store, env={}) is None
    with pytest.raises(ConnectionProblem) as caught:
        connection.resolve(store=keyring_store, profile="absent", profile_required=True, env={})
    assert caught.value.message.key == "no_profile"
    keyring_store.save(Credentials("2", "AKIDp", "key", endpoint="http://p:3"), "desk")
    try:
        found = connection.resolve(store=keyring_store, profile="desk", env={})
        assert found.mode is Mode.PROFILE and found.profile == "desk"
        assert found.endpoint == "http://p:3"
    finally:
        keyring_store.delete("desk")


def test_session_credentials_use_the_same_endpoint_rule() -> None:
    chosen = connection.session(Credentials("1", "a", "k"), None, "http://default:1", env={})
    assert chosen.mode is Mode.SESSION and chosen.endpoint == "http://default:1"
    chosen = connection.session(Credentials("1", "a", "k"), None, "http://default:1",
                                env={"LIVEDETECT_ENDPOINT": "http://env:2"})
    assert chosen.endpoint == "http://env:2"


def test_message_language_follows_the_posix_order() -> None:
    assert environment_language({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert environment_language({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}) == "en"
    assert environment_language({"LC_ALL": "zh_CN.UTF-8", "LANG": "C"}) == "zh"
    assert environment_language({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}) == "en"
    assert environment_language({}) == "en"
    assert text("summary", "zh", total=2, passed=1, failed=1, errors=0).startswith("共检测 2")


def test_api_choice_follows_the_credentials_rules() -> None:
    """API 3.0 from the environment: its own default host, not the legacy default."""
    env = {**ENV, "LIVEDETECT_API": "tc3", "LIVEDETECT_REGION": "ap-guangzhou"}
    found = connection.resolve(store=None, env=env, default_endpoint="http://legacy:1")
    assert found.credentials.api == "tc3" and found.endpoint is None
    legacy = connection.resolve(store=None, env=ENV, default_endpoint="http://legacy:1")
    assert legacy.endpoint == "http://legacy:1"
    with pytest.raises(ConnectionProblem) as caught:
        connection.resolve(store=None, env={**env, "LIVEDETECT_REGION": "mars-1"})
    assert "unknown region" in caught.value.message.text("en")


def test_sandbox_credentials_per_generation() -> None:
    from livedetect_gui.core.service.connection import SANDBOX_REGION, sandbox
    from livedetect_gui.core.service.signing_legacy import Account

    account = Account(appid="1250000", secret_id="AKIDsb", secret_key="sb-key")
    legacy = sandbox(account, "http://127.0.0.1:1", env={})
    assert legacy.simulated and legacy.credentials.api is Api.LEGACY
    assert legacy.credentials.appid == "1250000" and legacy.endpoint == "http://127.0.0.1:1"
    tc3 = sandbox(account, "http://127.0.0.1:1", api="tc3", env={})
    assert tc3.credentials.api is Api.TC3 and tc3.credentials.region == SANDBOX_REGION
    assert tc3.credentials.endpoint == "http://127.0.0.1:1" == tc3.endpoint
    # The environment's choice applies as for any connection; a flag wins over it.
    env = {"LIVEDETECT_API": "tc3", "LIVEDETECT_REGION": "ap-beijing",
           "LIVEDETECT_ENDPOINT": "https://elsewhere.example"}
    from_env = sandbox(account, "http://127.0.0.1:1", env=env)
    assert from_env.credentials.region == "ap-beijing" and from_env.endpoint.endswith(":1")
    assert sandbox(account, "http://127.0.0.1:1", api="legacy",
                   env=env).credentials.api is Api.LEGACY
    with pytest.raises(ConnectionProblem):
        sandbox(account, "http://127.0.0.1:1", api="tc3", region="mars-1", env={})
