"""Which credentials and which service a check goes to: one policy for the CLI and the desk.

In order: a profile asked for by name (it must exist); the ``LIVEDETECT_*`` environment; the
configured (or default) keyring profile; otherwise nothing, and the front end decides (the
CLI stops with a message, the desk runs in the sandbox, labelled as simulated). The endpoint:
one given explicitly, then ``LIVEDETECT_ENDPOINT``, then the profile's, then the default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from .credentials import (
    DEFAULT_PROFILE,
    ENV_ENDPOINT,
    Credentials,
    CredentialStore,
    KeyringUnavailable,
    from_environment,
    valid_profile_name,
)
from .messages import Message


class Mode(Enum):
    SANDBOX = "sandbox"  # simulated scores from the local emulator
    PROFILE = "profile"  # a profile from the OS keyring
    ENVIRONMENT = "environment"  # LIVEDETECT_APPID / _SECRET_ID / _SECRET_KEY
    SESSION = "session"  # typed in for this session only, never saved


@dataclass(frozen=True)
class Connection:
    mode: Mode
    credentials: Credentials = field(repr=False)
    endpoint: str
    profile: str | None = None

    @property
    def simulated(self) -> bool:
        return self.mode is Mode.SANDBOX


class ConnectionProblem(Exception):
    """No usable connection, with a message key for the operator (``message.text(lang)``)."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.text("en"))
        self.message = message


def _endpoint(explicit: str | None, credentials: Credentials, default: str,
              env: Mapping[str, str]) -> str:
    return explicit or env.get(ENV_ENDPOINT) or credentials.endpoint or default


def with_default_endpoint(chosen: Connection, default: str,
                          env: Mapping[str, str] | None = None) -> Connection:
    """The same connection after the configured default endpoint changed (settings)."""
    if chosen.simulated:
        return chosen
    env = os.environ if env is None else env
    return Connection(chosen.mode, chosen.credentials,
                      _endpoint(None, chosen.credentials, default, env), chosen.profile)


def resolve(
    *,
    store: CredentialStore | None,
    profile: str | None = None,
    profile_required: bool = False,
    endpoint: str | None = None,
    default_endpoint: str = "current",
    env: Mapping[str, str] | None = None,
) -> Connection | None:
    """The connection the policy picks, or None when nothing is configured.

    ``profile_required``: the profile was asked for by name (CLI ``--profile``); its absence
    is a problem, not a reason to look elsewhere. Touches the keyring: call off the GUI thread.
    """
    env = os.environ if env is None else env
    name = profile or DEFAULT_PROFILE
    if not valid_profile_name(name):
        raise ConnectionProblem(Message("bad_profile_name", {"name": name}))
    if profile_required:
        found = store.load(name) if store is not None else None
        if found is None:
            raise ConnectionProblem(Message("no_profile", {"name": name}))
        return Connection(Mode.PROFILE, found, _endpoint(endpoint, found, default_endpoint, env),
                          name)
    from_env = from_environment(env)
    if from_env is not None:
        missing = from_env.problems()
        if missing:
            raise ConnectionProblem(Message("env_incomplete", {"missing": ", ".join(missing)}))
        return Connection(Mode.ENVIRONMENT, from_env,
                          _endpoint(endpoint, from_env, default_endpoint, env))
    if store is None:
        return None
    try:
        found = store.load(name)
    except KeyringUnavailable:
        return None
    if found is None:
        return None
    return Connection(Mode.PROFILE, found, _endpoint(endpoint, found, default_endpoint, env),
                      name)


def session(credentials: Credentials, profile: str | None, default_endpoint: str,
            env: Mapping[str, str] | None = None) -> Connection:
    """Credentials typed in for this session: the same endpoint rule as a profile."""
    env = os.environ if env is None else env
    return Connection(Mode.SESSION, credentials,
                      _endpoint(None, credentials, default_endpoint, env), profile)


def sandbox(credentials: Credentials, url: str) -> Connection:
    return Connection(Mode.SANDBOX, credentials, url)
