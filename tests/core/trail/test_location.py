from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from livedetect_gui.core.trail.location import (
    ENV_HISTORY_URL,
    BadHistoryUrl,
    DatabasePasswords,
    parse,
    resolve,
)


def test_sqlite_urls_and_plain_paths(tmp_path: Path) -> None:
    url = parse(f"sqlite:///{tmp_path.as_posix().lstrip('/')}/h.sqlite3")
    assert url.kind == "sqlite" and not url.shared and url.path == tmp_path / "h.sqlite3"
    assert parse(str(url)) == url
    assert parse(str(tmp_path / "plain.db")).path == tmp_path / "plain.db"
    assert parse("sqlite:///with%20space.db").path == Path("/with space.db")


def test_postgresql_url_parts_and_round_trip() -> None:
    url = parse("postgresql://desk@db.centre.example:6543/audit?sslmode=verify-full"
                "&sslrootcert=/etc/ssl/centre.pem")
    assert url.shared and url.user == "desk" and url.host == "db.centre.example"
    assert url.port == 6543 and url.dbname == "audit"
    assert dict(url.params) == {"sslmode": "verify-full", "sslrootcert": "/etc/ssl/centre.pem"}
    assert parse(str(url)) == url
    assert url.keyring_key == "desk@db.centre.example:6543/audit"
    args = url.connect_args("s3cret")
    assert args["password"] == "s3cret" and args["sslmode"] == "verify-full"
    assert "s3cret" not in str(url)
    assert parse("postgres://h/db").port == 5432  # the short scheme, the default port


@pytest.mark.parametrize("text, words", [
    ("", "empty"),
    ("mysql://h/db", "unknown history URL scheme"),
    ("postgresql://u@/db", "names no server"),
    ("postgresql://u@h:5432/", "names no database"),
    ("postgresql://u@h:99999/db", "port"),
    ("postgresql://u@h/db?sslmode=maybe", "sslmode must be one of"),
    ("postgresql://u@h/db?options=-c%20x", "unknown option 'options'"),
    ("sqlite://host/path", "sqlite:///absolute/path"),
    ("sqlite:///", "names no file"),
])
def test_bad_urls_are_refused_with_a_reason(text: str, words: str) -> None:
    with pytest.raises(BadHistoryUrl, match=words):
        parse(text)


def test_a_password_in_the_url_is_refused_and_never_repeated() -> None:
    with pytest.raises(BadHistoryUrl) as caught:
        parse("postgresql://desk:hunter2@db/audit")
    assert "hunter2" not in str(caught.value) and "keyring" in str(caught.value)


def test_resolution_order(tmp_path: Path) -> None:
    env = {ENV_HISTORY_URL: "postgresql://env@h/db"}
    assert resolve("postgresql://cli@h/db", "postgresql://set@h/db", env).user == "cli"
    assert resolve(None, "postgresql://set@h/db", env).user == "env"
    assert resolve(None, "postgresql://set@h/db", {}).user == "set"
    default = resolve(None, None, {})
    assert default.kind == "sqlite" and default.path.name == "history.sqlite3"


def test_password_lives_in_the_keyring() -> None:
    passwords = DatabasePasswords(service=f"livedetect-test-{uuid.uuid4().hex[:8]}")
    if not passwords.available():
        pytest.skip("no keyring backend (scripts/test.sh runs one)")
    url = parse("postgresql://desk@db.example/audit")
    assert passwords.lookup(url) is None
    passwords.remember(url, "pw-1")
    try:
        assert passwords.lookup(url) == "pw-1"
        assert passwords.lookup(parse("postgresql://other@db.example/audit")) is None
    finally:
        passwords.forget(url)
    assert passwords.lookup(url) is None
