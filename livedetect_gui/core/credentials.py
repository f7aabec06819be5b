"""Credentials: profiles kept in the OS keyring, or read from the environment.

Never a plaintext file: when no keyring backend is usable the caller is told so plainly
(KeyringUnavailable) and may still use the sandbox or session-only credentials.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

SERVICE_NAME = "livedetect-gui"
_INDEX_KEY = "__profiles__"
_PROFILE_NAME = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
DEFAULT_PROFILE = "default"

ENV_APPID = "LIVEDETECT_APPID"
ENV_SECRET_ID = "LIVEDETECT_SECRET_ID"
ENV_SECRET_KEY = "LIVEDETECT_SECRET_KEY"
ENV_ENDPOINT = "LIVEDETECT_ENDPOINT"


@dataclass(frozen=True)
class Credentials:
    appid: str
    secret_id: str
    # repr=False: a dataclass repr in a log or traceback must never show the key.
    secret_key: str = field(repr=False)
    bucket: str = ""
    endpoint: str | None = None

    def masked_key(self) -> str:
        return mask(self.secret_key)

    def problems(self) -> list[str]:
        """What is missing, in words an operator understands."""
        missing = []
        if not self.appid.strip():
            missing.append("appid")
        if not self.secret_id.strip():
            missing.append("secret id")
        if not self.secret_key:
            missing.append("secret key")
        return missing


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
    return Credentials(appid, secret_id, secret_key, endpoint=env.get(ENV_ENDPOINT) or None)


class KeyringUnavailable(RuntimeError):
    """No usable OS keyring: say so, never fall back to a file."""


def _keyring_error(exc: BaseException | None = None) -> KeyringUnavailable:
    detail = f" ({type(exc).__name__}: {exc})" if exc else ""
    return KeyringUnavailable(
        "No usable OS keyring was found, so credentials cannot be saved. Install and unlock a "
        "keyring service (GNOME Keyring/KWallet on Linux; built in on Windows and macOS), or use "
        f"credentials for this session only.{detail}"
    )


class CredentialStore:
    """Profiles in the keyring under one service name (tests pass their own)."""

    def __init__(self, service: str = SERVICE_NAME) -> None:
        self.service = service

    def _backend(self):  # noqa: ANN202 - keyring's backend type
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
        name = f"{type(backend).__module__}.{type(backend).__name__}".lower()
        # Plaintext-file backends (keyrings.alt) defeat the point of a keyring: refuse them.
        if isinstance(backend, fail.Keyring) or "null" in name or "plaintext" in name:
            raise _keyring_error()
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
            )
        except (ValueError, TypeError, KeyError):
            return None

    def save(self, credentials: Credentials, profile: str = DEFAULT_PROFILE) -> None:
        _check_name(profile)
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


def _profile_key(profile: str) -> str:
    _check_name(profile)
    return f"profile:{profile}"
