"""Credentials: profiles kept in the OS keyring, or read from the environment.

Never a plaintext file: only a real operating-system secret store is used (a keyring backend
that writes files, such as keyrings.alt's, is refused, also inside a chainer). When none is
usable the caller is told so plainly (KeyringUnavailable, in English and Chinese) and may still
use the sandbox or session-only credentials. A proxy's password lives in the keyring too, never
in the settings file.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from livedetect_gui.core.messages import Message

SERVICE_NAME = "livedetect-gui"
_INDEX_KEY = "__profiles__"
_PROFILE_NAME = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
DEFAULT_PROFILE = "default"

ENV_APPID = "LIVEDETECT_APPID"
ENV_SECRET_ID = "LIVEDETECT_SECRET_ID"
ENV_SECRET_KEY = "LIVEDETECT_SECRET_KEY"
ENV_ENDPOINT = "LIVEDETECT_ENDPOINT"
ENV_API = "LIVEDETECT_API"
ENV_REGION = "LIVEDETECT_REGION"


class Api(StrEnum):
    """Which generation of the service a profile is for."""

    LEGACY = "legacy"  # POST /face/livedetectpicture, multi-use HMAC-SHA1 signature
    TC3 = "tc3"  # API 3.0 DetectLiveFaceAccurate, TC3-HMAC-SHA256


# The regions the provider lists for DetectLiveFaceAccurate (X-TC-Region is required).
TC3_REGIONS = ("ap-beijing", "ap-chengdu", "ap-chongqing", "ap-guangzhou", "ap-nanjing",
               "ap-shanghai", "ap-singapore")
# Endpoint choices a profile offers per generation (a full URL is accepted as well).
ENDPOINT_CHOICES: dict[Api, tuple[str, ...]] = {
    Api.LEGACY: ("current", "old"),
    Api.TC3: ("default", "intl"),
}
# Ids and keys issued by the provider are printable ASCII; anything else is a paste accident
# (a non-breaking space, a smart quote) that would fail in an HTTP header or a signature.
_PRINTABLE = re.compile(r"^[\x21-\x7e]*$")


class BadCredentials(ValueError):
    """Credentials that cannot be used: ``message`` is a message key with parameters, shown in
    the operator's language (``str()`` is the English text, for logs and the CLI)."""

    def __init__(self, key: str, **params: object) -> None:
        self.message = Message(key, params)
        super().__init__(self.message.text("en"))


def parse_api(value: str | None) -> Api:
    text = (value or Api.LEGACY.value).strip().lower()
    aliases = {"legacy": Api.LEGACY, "tc3": Api.TC3, "api3": Api.TC3, "3.0": Api.TC3}
    if text not in aliases:
        raise BadCredentials("cred_unknown_api", value=value, allowed="legacy, tc3")
    return aliases[text]


@dataclass(frozen=True)
class Credentials:
    appid: str
    secret_id: str
    # repr=False: a dataclass repr in a log or traceback must never show the key.
    secret_key: str = field(repr=False)
    bucket: str = ""
    endpoint: str | None = None
    # The profile's kind: legacy (appid, ids, optional bucket) or tc3 (ids and a region).
    api: Api = Api.LEGACY
    region: str = ""
    # The account's allowed calls per second, when the operator knows it (the
    # pacer starts there and never goes above it); None: learned from the service's throttling.
    calls_per_second: float | None = None

    def masked_key(self) -> str:
        return mask(self.secret_key)

    def problems(self) -> list[str]:
        """What is missing, in words an operator understands."""
        missing = []
        if self.api is Api.LEGACY and not self.appid.strip():
            missing.append("appid")
        if not self.secret_id.strip():
            missing.append("secret id")
        if not self.secret_key:
            missing.append("secret key")
        if self.api is Api.TC3 and not self.region:
            missing.append("region")
        return missing

    def validate(self) -> Credentials:
        """Raise BadCredentials naming the first unusable field; return self when usable.

        Called where credentials are entered (CLI, dialog, environment) and by the client, so
        a bad character is a message, never a UnicodeEncodeError from deep in a request.
        """
        missing = self.problems()
        if missing:
            raise BadCredentials("cred_missing", missing=", ".join(missing))
        for label, value in (("appid", self.appid), ("secret id", self.secret_id),
                             ("secret key", self.secret_key), ("bucket", self.bucket)):
            if value != value.strip():
                raise BadCredentials("cred_spaces", field=label)
            if not _PRINTABLE.match(value):
                raise BadCredentials("cred_not_ascii", field=label)
        if self.api is Api.TC3 and self.region not in TC3_REGIONS:
            raise BadCredentials("cred_unknown_region", region=self.region,
                                 allowed=", ".join(TC3_REGIONS))
        return self

    def with_choice(self, api: Api | None = None, region: str | None = None,
                    endpoint: str | None = None) -> Credentials:
        """The same keys used for another generation, region or endpoint (flags override).

        The profile's endpoint belongs to its own generation: another generation starts from
        its own default host unless an endpoint is given.
        """
        switched = api is not None and api is not self.api
        return replace(
            self,
            api=self.api if api is None else api,
            region=self.region if region is None else region,
            endpoint=endpoint or (None if switched else self.endpoint),
        )


def _positive(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def mask(secret: str) -> str:
    """Enough to recognise a key, never enough to use it."""
    if len(secret) <= 8:
        return "*" * len(secret)
    return f"{secret[:2]}{'*' * (len(secret) - 6)}{secret[-4:]}"


def from_environment(env: Mapping[str, str] | None = None) -> Credentials | None:
    env = os.environ if env is None else env
    appid, secret_id, secret_key = (env.get(k, "") for k in (ENV_APPID, ENV_SECRET_ID,
                                                              ENV_SECRET_KEY))
    if not (appid or secret_id or secret_key):
        return None
    return Credentials(appid, secret_id, secret_key, endpoint=env.get(ENV_ENDPOINT) or None,
                       api=parse_api(env.get(ENV_API)), region=env.get(ENV_REGION, "").strip())


def apply_choice(credentials: Credentials, *, api: str | None = None, region: str | None = None,
                 endpoint: str | None = None, env: Mapping[str, str] | None = None) -> Credentials:
    """The generation, region and endpoint to use: a flag, else the environment
    (LIVEDETECT_API, LIVEDETECT_REGION, LIVEDETECT_ENDPOINT), else the profile's own."""
    env = os.environ if env is None else env
    api = api or env.get(ENV_API) or None
    region = region if region is not None else (env.get(ENV_REGION) or None)
    endpoint = endpoint or env.get(ENV_ENDPOINT) or None
    return credentials.with_choice(api=parse_api(api) if api else None,
                                   region=region.strip() if region else None, endpoint=endpoint)


# Backends that keep secrets in the operating system's own protected store. Anything else
# (keyrings.alt's plaintext and "encrypted" files, the null and fail backends, backends we have
# not reviewed) is refused: a file next to the settings is no place for a billing key.
OS_SECRET_STORES = frozenset({
    "keyring.backends.SecretService.Keyring",  # GNOME Keyring, KeePassXC (Secret Service)
    "keyring.backends.libsecret.Keyring",
    "keyring.backends.kwallet.DBusKeyring",  # KWallet 5/6
    "keyring.backends.kwallet.DBusKeyringKWallet4",
    "keyring.backends.macOS.Keyring",  # the login keychain
    "keyring.backends.Windows.WinVaultKeyring",  # Windows Credential Manager
})


def backend_id(backend: object) -> str:
    return f"{type(backend).__module__}.{type(backend).__qualname__}"


def is_os_secret_store(backend: object) -> bool:
    """One of the stores above, or built on one (a subclass still keeps its secrets there;
    the tests on Windows use one with its own names in Credential Manager)."""
    return any(f"{cls.__module__}.{cls.__qualname__}" in OS_SECRET_STORES
               for cls in type(backend).__mro__)


class KeyringUnavailable(RuntimeError):
    """No usable OS keyring: say so, never fall back to a file. ``message(lang)`` gives the
    text in English or Simplified Chinese."""

    def __init__(self, english: str, chinese: str = "") -> None:
        super().__init__(english)
        self.chinese = chinese or english

    def message(self, lang: str = "en") -> str:
        return self.chinese if lang.startswith("zh") else str(self)


def _keyring_error(exc: BaseException | None = None, refused: str = "") -> KeyringUnavailable:
    detail = f" ({type(exc).__name__}: {str(exc)[:200]})" if exc else ""
    en_why = zh_why = ""
    if refused:
        en_why = (f" The keyring backend in use ({refused}) is not an operating-system secret "
                  "store: it would keep the secret in a file that is easy to read.")
        zh_why = (f"当前使用的密钥环后端（{refused}）不是操作系统的安全存储，"
                  "会把密钥保存在容易被读取的文件中。")
    return KeyringUnavailable(
        "No usable OS keyring was found, so credentials cannot be saved." + en_why + " Install "
        "and unlock a keyring service (GNOME Keyring/KWallet on Linux; built in on Windows and "
        f"macOS), or use credentials for this session only.{detail}",
        "未找到可用的系统密钥环，无法保存凭据。" + zh_why + "请安装并解锁密钥环服务（Linux 上的 "
        f"GNOME Keyring/KWallet；Windows 和 macOS 自带），或仅在本次会话中使用凭据。{detail}",
    )


def split_proxy(url: str) -> tuple[str, str | None]:
    """The proxy URL without its password, and the password (None when it has none): the
    first goes to the settings file, the second to the keyring."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return url, None
    if password is None:
        return url, None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user = userinfo.split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}@{hostport}")), unquote(password)


def join_proxy(url: str, password: str | None) -> str:
    """``url`` with ``password`` put back after its user name (unchanged without either)."""
    if not password:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.username is None or parts.password is not None:
        return url
    user, _, hostport = parts.netloc.rpartition("@")
    return urlunsplit(parts._replace(netloc=f"{user}:{quote(password, safe='')}@{hostport}"))


class CredentialStore:
    """Profiles in the keyring under one service name (tests pass their own)."""

    def __init__(self, service: str = SERVICE_NAME) -> None:
        self.service = service

    def _backend(self):  # noqa: ANN202 - keyring's backend type
        """The OS secret store keyring chose, or KeyringUnavailable saying why not. A chainer
        is looked into: its OS stores are used directly (the highest priority first), never its
        file backends."""
        import keyring
        from keyring.backends import chainer, fail

        backend = keyring.get_keyring()
        if isinstance(backend, chainer.ChainerBackend):
            members = list(backend.backends)
            stores = [b for b in members if is_os_secret_store(b)]
            if stores:
                return stores[0]
            if not members:
                raise _keyring_error()
            raise _keyring_error(refused=", ".join(backend_id(b) for b in members))
        if isinstance(backend, fail.Keyring):
            raise _keyring_error()
        if not is_os_secret_store(backend):
            raise _keyring_error(refused=backend_id(backend))
        return backend

    def available(self) -> bool:
        try:
            self._backend()
        except KeyringUnavailable:
            return False
        return True

    def backend_name(self) -> str:
        try:
            backend = self._backend()
        except KeyringUnavailable:
            return "none"
        return getattr(backend, "name", type(backend).__name__)

    def _call(self, method: str, *args: str):  # noqa: ANN202
        from keyring.errors import KeyringError

        backend = self._backend()
        try:
            return getattr(backend, method)(self.service, *args)
        except KeyringError as exc:
            if method == "delete_password" and type(exc).__name__ == "PasswordDeleteError":
                return None
            raise _keyring_error(exc) from None
        except Exception as exc:  # D-Bus and backend errors vary by platform
            raise _keyring_error(exc) from None

    # -- the proxy's password ---------------------------------------------------------------

    def save_proxy_password(self, proxy: str, password: str) -> None:
        """Keep the password of ``proxy`` (its URL without the password) in the keyring."""
        self._call("set_password", _proxy_key(proxy), password)

    def load_proxy_password(self, proxy: str) -> str | None:
        return self._call("get_password", _proxy_key(proxy)) or None

    def delete_proxy_password(self, proxy: str) -> None:
        self._call("delete_password", _proxy_key(proxy))

    def proxy_with_password(self, proxy: str) -> str:
        """The proxy URL to connect with: ``proxy`` as saved, its password from the keyring.
        Without a keyring (or a user name) the URL is returned as it is."""
        if not proxy or split_proxy(proxy)[1] is not None:
            return proxy
        try:
            parts = urlsplit(proxy)
            if parts.username is None:
                return proxy
        except ValueError:
            return proxy
        try:
            return join_proxy(proxy, self.load_proxy_password(proxy))
        except KeyringUnavailable:
            return proxy

    # -- the supervisor's signing key (signed checkpoints of the trail) ----------------------

    def save_supervisor_key(self, secret: str) -> None:
        self._call("set_password", _SUPERVISOR_KEY, secret)

    def load_supervisor_key(self) -> str | None:
        return self._call("get_password", _SUPERVISOR_KEY) or None

    def profiles(self) -> list[str]:
        raw = self._call("get_password", _INDEX_KEY)
        try:
            names = json.loads(raw) if raw else []
        except ValueError:
            names = []
        return sorted(n for n in names if isinstance(n, str))

    def load(self, profile: str = DEFAULT_PROFILE) -> Credentials | None:
        raw = self._call("get_password", _profile_key(profile))
        if not raw:
            return None
        try:
            data = json.loads(raw)
            return Credentials(
                appid=str(data["appid"]),
                secret_id=str(data["secret_id"]),
                secret_key=str(data["secret_key"]),
                bucket=str(data.get("bucket") or ""),
                endpoint=data.get("endpoint") or None,
                # Profiles saved before API 3.0 existed are legacy ones.
                api=parse_api(data.get("api")),
                region=str(data.get("region") or ""),
                calls_per_second=_positive(data.get("calls_per_second")),
            )
        except (ValueError, TypeError, KeyError):
            return None

    def save(self, credentials: Credentials, profile: str = DEFAULT_PROFILE) -> None:
        _check_name(profile)
        credentials.validate()
        self._call("set_password", _profile_key(profile), json.dumps(asdict(credentials)))
        names = set(self.profiles()) | {profile}
        self._call("set_password", _INDEX_KEY, json.dumps(sorted(names)))

    def delete(self, profile: str = DEFAULT_PROFILE) -> bool:
        existed = self.load(profile) is not None
        self._call("delete_password", _profile_key(profile))
        names = set(self.profiles()) - {profile}
        self._call("set_password", _INDEX_KEY, json.dumps(sorted(names)))
        return existed


def valid_profile_name(profile: str) -> bool:
    return bool(_PROFILE_NAME.match(profile))


def _check_name(profile: str) -> None:
    if not valid_profile_name(profile):
        raise ValueError("profile names use letters, digits, '.', '_' or '-' (at most 64)")


_SUPERVISOR_KEY = "supervisor-signing-key"


def _proxy_key(proxy: str) -> str:
    return f"proxy:{split_proxy(proxy)[0]}"


def _profile_key(profile: str) -> str:
    _check_name(profile)
    return f"profile:{profile}"
