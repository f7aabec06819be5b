"""Where the history lives: a local SQLite file (the default) or a centre's PostgreSQL server.

One URL says which: ``sqlite:///path/to/history.sqlite3`` or
``postgresql://user@host:port/dbname?sslmode=verify-full``. A plain path is read as a SQLite
file, so ``--history FILE`` keeps working. The URL never carries a password: one in the URL
is refused (it would end up in settings files, shell history and process lists), and the
password is kept in the OS keyring under the URL's ``user@host:port/dbname``. Without one
there, libpq's own means apply (``PGPASSWORD``, ``~/.pgpass``, certificates, trust).

Which URL: ``--history`` in the CLI, else ``$LIVEDETECT_HISTORY_URL``, else the desk's
setting, else the SQLite file in the user's data folder.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from livedetect_gui.core.paths import history_path
from livedetect_gui.core.service.credentials import CredentialStore

ENV_HISTORY_URL = "LIVEDETECT_HISTORY_URL"
# Keyring service of the database passwords: apart from the service credentials' profiles.
PASSWORD_SERVICE = "livedetect-gui-history"
DEFAULT_PORT = 5432
# libpq connection parameters a URL may set; anything else is refused rather than ignored.
_SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
_ALLOWED_PARAMS = ("sslmode", "sslrootcert", "sslcert", "sslkey", "sslcrl", "connect_timeout",
                   "target_session_attrs")


# A Windows drive path as a URL path carries a leading slash: /C:/Users/...
_DRIVE_PATH = re.compile(r"^/[A-Za-z]:[/\\]")


class BadHistoryUrl(ValueError):
    """The history URL cannot be used; the message says why and what to write instead."""


@dataclass(frozen=True)
class HistoryUrl:
    kind: str  # "sqlite" or "postgresql"
    path: Path | None = None  # sqlite
    user: str = ""
    host: str = ""
    port: int = DEFAULT_PORT
    dbname: str = ""
    params: tuple[tuple[str, str], ...] = field(default=())

    @property
    def shared(self) -> bool:
        return self.kind == "postgresql"

    def __str__(self) -> str:
        """The URL to show and to store: it never holds a password."""
        if self.kind == "sqlite":
            return f"sqlite://{_url_path(self.path)}"
        user = f"{quote(self.user, safe='')}@" if self.user else ""
        host = f"[{self.host}]" if ":" in self.host else self.host
        query = "&".join(f"{k}={quote(v, safe='')}" for k, v in self.params)
        return (f"postgresql://{user}{host}:{self.port}/{quote(self.dbname, safe='')}"
                + (f"?{query}" if query else ""))

    @property
    def keyring_key(self) -> str:
        """Whose password: one entry per user, server and database."""
        return f"{self.user}@{self.host}:{self.port}/{self.dbname}"

    def connect_args(self, password: str | None = None) -> dict[str, object]:
        """Keyword arguments for ``psycopg.connect``: libpq parameters, never a URL string
        (a password must not be pasted into a string that may be logged)."""
        if not self.shared:
            raise ValueError("not a PostgreSQL URL")
        args: dict[str, object] = {
            "host": self.host, "port": self.port, "dbname": self.dbname,
            "application_name": "livedetect-desk", "connect_timeout": 5,
            # A server that stops answering (a cable pulled, a hung host) is noticed in about
            # half a minute instead of never: the forwarder then spools and retries.
            "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5,
            "keepalives_count": 3,
            "options": "-c statement_timeout=60000 -c lock_timeout=30000",
        }
        if self.user:
            args["user"] = self.user
        if password:
            args["password"] = password
        args.update(dict(self.params))
        return args


def _url_path(path: Path | None) -> str:
    """A file's path as a URL path: forward slashes, and a Windows drive path after a slash
    (``C:\\Users\\x`` -> ``/C:/Users/x``, so the URL reads ``sqlite:///C:/Users/x``)."""
    text = path.as_posix() if path is not None else ""
    if path is not None and path.drive and not text.startswith("/"):
        text = "/" + text
    return quote(text, safe="/:")


def parse(text: str) -> HistoryUrl:
    text = text.strip()
    if not text:
        raise BadHistoryUrl("the history location is empty")
    if "://" not in text:
        return HistoryUrl("sqlite", path=Path(text).expanduser())
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        if parts.netloc:
            raise BadHistoryUrl(f"write a SQLite history as sqlite:///absolute/path, not {text!r}")
        path = unquote(parts.path)
        if os.name == "nt" and _DRIVE_PATH.match(path):
            path = path[1:]  # sqlite:///C:/Users/... names C:/Users/..., not \C:\Users
        if not path or path == "/":
            raise BadHistoryUrl("the SQLite URL names no file: write sqlite:///path/to/file")
        return HistoryUrl("sqlite", path=Path(path).expanduser())
    if scheme not in ("postgresql", "postgres"):
        raise BadHistoryUrl(f"unknown history URL scheme {parts.scheme!r}: use sqlite:///path "
                            "or postgresql://user@host:port/database")
    try:
        password, port = parts.password, parts.port
    except ValueError:
        raise BadHistoryUrl("the port in the history URL is not a number from 1 to 65535") \
            from None
    if password is not None:
        # Say so without repeating the URL: it holds the password.
        raise BadHistoryUrl("the history URL contains a password: remove it from the URL and "
                            "save it in the keyring with `livedetect history password URL`")
    host = parts.hostname or ""
    if not host:
        raise BadHistoryUrl("the PostgreSQL URL names no server: postgresql://user@host/db")
    dbname = unquote(parts.path.lstrip("/"))
    if not dbname or "/" in dbname:
        raise BadHistoryUrl("the PostgreSQL URL names no database: postgresql://user@host/db")
    params: list[tuple[str, str]] = []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key not in _ALLOWED_PARAMS:
            raise BadHistoryUrl(f"unknown option {key!r} in the history URL (allowed: "
                                f"{', '.join(_ALLOWED_PARAMS)})")
        if key == "sslmode" and value not in _SSL_MODES:
            raise BadHistoryUrl(f"sslmode must be one of {', '.join(_SSL_MODES)}")
        if key == "connect_timeout" and not value.isdigit():
            raise BadHistoryUrl("connect_timeout must be a whole number of seconds")
        params.append((key, value))
    return HistoryUrl("postgresql", user=unquote(parts.username or ""), host=host,
                      port=port or DEFAULT_PORT, dbname=dbname, params=tuple(params))


def resolve(given: str | None = None, setting: str | None = None,
            env: Mapping[str, str] | None = None) -> HistoryUrl:
    """The history to use: the command line's, the environment's, the desk's setting, or the
    user's own SQLite file, in that order."""
    env = os.environ if env is None else env
    for candidate in (given, env.get(ENV_HISTORY_URL), setting):
        if candidate and candidate.strip():
            return parse(candidate)
    return HistoryUrl("sqlite", path=history_path())


class DatabasePasswords(CredentialStore):
    """Database passwords in the OS keyring, one per ``user@host:port/dbname``."""

    def __init__(self, service: str = PASSWORD_SERVICE) -> None:
        super().__init__(service)

    def password(self, url: HistoryUrl) -> str | None:
        return self._call("get_password", url.keyring_key) or None

    def remember(self, url: HistoryUrl, password: str) -> None:
        self._call("set_password", url.keyring_key, password)

    def forget(self, url: HistoryUrl) -> None:
        self._call("delete_password", url.keyring_key)

    def lookup(self, url: HistoryUrl) -> str | None:
        """The saved password, or None when there is none or no keyring (libpq's own
        PGPASSWORD/.pgpass/certificates then apply)."""
        if not self.available():
            return None
        try:
            return self.password(url)
        except Exception:  # a locked or broken keyring: connect without, say so on failure
            return None
