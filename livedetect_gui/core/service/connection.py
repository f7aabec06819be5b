"""Which credentials and which service a check goes to: one policy for the CLI and the desk.

In order: a profile asked for by name (it must exist); the ``LIVEDETECT_*`` environment; the
configured (or default) keyring profile; otherwise nothing, and the front end decides (the
CLI stops with a message, the desk runs in the sandbox, labelled as simulated). Generation,
region and endpoint follow the credentials module's ``apply_choice`` (a flag, then
``LIVEDETECT_API``/``_REGION``/``_ENDPOINT``, then the profile's); a legacy connection with
no endpoint gets the front end's default host, API 3.0 its backend's default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import TYPE_CHECKING

from livedetect_gui.core.messages import Message
from livedetect_gui.core.service.credentials import (
    DEFAULT_PROFILE,
    Api,
    BadCredentials,
    Credentials,
    CredentialStore,
    KeyringUnavailable,
    apply_choice,
    from_environment,
    valid_profile_name,
)
from livedetect_gui.core.service.signing_legacy import Account

if TYPE_CHECKING:  # the client pulls in requests: not needed to choose a connection
    from livedetect_gui.core.service.client import ClientConfig


class Mode(Enum):
    SANDBOX = "sandbox"  # simulated scores from the local emulator
    PROFILE = "profile"  # a profile from the OS keyring
    ENVIRONMENT = "environment"  # LIVEDETECT_APPID / _SECRET_ID / _SECRET_KEY
    SESSION = "session"  # typed in for this session only, never saved


@dataclass(frozen=True)
class Connection:
    mode: Mode
    credentials: Credentials = field(repr=False)
    # None: the backend's own default host (API 3.0 with no endpoint chosen).
    endpoint: str | None
    profile: str | None = None

    @property
    def simulated(self) -> bool:
        return self.mode is Mode.SANDBOX

    def configure(self, config: ClientConfig) -> ClientConfig:
        """The client settings for this connection: its endpoint (None: the backend's own
        default host) and whether its results are simulated. The CLI and the desk both build
        their client through this, so neither can forget to mark sandbox results."""
        return replace(config, endpoint=self.endpoint, simulated=self.simulated)


class ConnectionProblem(Exception):
    """No usable connection, with a message key for the operator (``message.text(lang)``)."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.text("en"))
        self.message = message


def _choose(mode: Mode, found: Credentials, profile: str | None, *, api: str | None,
            region: str | None, endpoint: str | None, default_endpoint: str | None,
            env: Mapping[str, str]) -> Connection:
    try:
        chosen = apply_choice(found, api=api, region=region, endpoint=endpoint,
                              env=env).validate()
    except BadCredentials as exc:
        raise ConnectionProblem(exc.message) from None
    legacy_default = default_endpoint if chosen.api is Api.LEGACY else None
    return Connection(mode, chosen, chosen.endpoint or legacy_default, profile)


def with_default_endpoint(chosen: Connection, default: str,
                          env: Mapping[str, str] | None = None) -> Connection:
    """The same connection after the configured default endpoint changed (settings)."""
    if chosen.simulated or chosen.credentials.api is not Api.LEGACY:
        return chosen
    env = os.environ if env is None else env
    endpoint = env.get("LIVEDETECT_ENDPOINT") or chosen.credentials.endpoint or default
    return Connection(chosen.mode, chosen.credentials, endpoint, chosen.profile)


def resolve(
    *,
    store: CredentialStore | None,
    profile: str | None = None,
    profile_required: bool = False,
    endpoint: str | None = None,
    api: str | None = None,
    region: str | None = None,
    default_endpoint: str | None = "current",
    env: Mapping[str, str] | None = None,
) -> Connection | None:
    """The connection the policy picks, or None when nothing is configured.

    ``profile_required``: the profile was asked for by name (CLI ``--profile``); its absence
    is a problem, not a reason to look elsewhere. Touches the keyring: call off the GUI thread.
    """
    env = os.environ if env is None else env
    try:
        return _resolve(store, profile, profile_required, env, api=api, region=region,
                        endpoint=endpoint, default_endpoint=default_endpoint)
    except BadCredentials as exc:  # e.g. LIVEDETECT_API=v3, read with the environment
        raise ConnectionProblem(exc.message) from None


def _resolve(store: CredentialStore | None, profile: str | None, profile_required: bool,
             env: Mapping[str, str], **choice: str | None) -> Connection | None:
    name = profile or DEFAULT_PROFILE
    if not valid_profile_name(name):
        raise ConnectionProblem(Message("bad_profile_name", {"name": name}))
    if profile_required:
        found = store.load(name) if store is not None else None
        if found is None:
            raise ConnectionProblem(Message("no_profile", {"name": name}))
        return _choose(Mode.PROFILE, found, name, env=env, **choice)
    from_env = from_environment(env)
    if from_env is not None:
        missing = from_env.problems()
        if missing:
            raise ConnectionProblem(Message("env_incomplete", {"missing": ", ".join(missing)}))
        return _choose(Mode.ENVIRONMENT, from_env, None, env=env, **choice)
    if store is None:
        return None
    try:
        found = store.load(name)
    except KeyringUnavailable:
        return None
    if found is None:
        return None
    return _choose(Mode.PROFILE, found, name, env=env, **choice)


def session(credentials: Credentials, profile: str | None, default_endpoint: str | None,
            env: Mapping[str, str] | None = None) -> Connection:
    """Credentials typed in for this session: the same choice rules as a profile."""
    env = os.environ if env is None else env
    return _choose(Mode.SESSION, credentials, profile, api=None, region=None, endpoint=None,
                   default_endpoint=default_endpoint, env=env)


# The region the sandbox's API 3.0 side is addressed with unless one is chosen.
SANDBOX_REGION = "ap-guangzhou"


def sandbox(account: Account, url: str, *, api: str | None = None, region: str | None = None,
            env: Mapping[str, str] | None = None) -> Connection:
    """The sandbox's own account, for either generation (the same choice rules: a flag or the
    desk's banner, then ``LIVEDETECT_API``/``_REGION``); always the sandbox's address."""
    env = os.environ if env is None else env
    own = Credentials(account.appid, account.secret_id, account.secret_key,
                      region=SANDBOX_REGION)
    try:
        chosen = apply_choice(own, api=api, region=region, env=env).with_choice(
            endpoint=url).validate()
    except BadCredentials as exc:
        raise ConnectionProblem(exc.message) from None
    return Connection(Mode.SANDBOX, chosen, url)
