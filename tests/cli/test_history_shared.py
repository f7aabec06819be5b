"""The command line against a shared PostgreSQL history (the session's throwaway cluster)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest

from devsupport.pg_cluster import PASSWORD_ROLE
from devsupport.photos import make_photo
from livedetect_gui.core.trail.location import PASSWORD_SERVICE, DatabasePasswords, parse
from tests.cli.conftest import expected_exit
from tests.conftest import config_home, data_home


def desk_env(tmp_path: Path, name: str, **extra: str) -> dict[str, str]:
    """A desk of its own: its own data folder (so its own spool), nothing of the developer's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIVEDETECT_")}
    env.update(**data_home(tmp_path / name / "data"), **config_home(tmp_path / name / "config"),
               **extra)
    return env


def cli(*args: str, env: dict[str, str], stdin: str | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "livedetect_gui.cli", *args], env=env,
                          input=stdin, capture_output=True, text=True, timeout=timeout)


def photos(folder: Path, count: int, start: int = 0) -> Path:
    """Generated pictures (no faces: the checks below send them with --force)."""
    folder.mkdir(parents=True)
    for n in range(start, start + count):
        make_photo(n, (160, 120)).save(folder / f"p{n:04d}.jpg", "JPEG", quality=85)
    return folder


def test_four_desks_at_once_keep_one_chain(pg_url: str, tmp_path: Path) -> None:
    """4 processes x 250 checks against one server at the same moment (a fresh database:
    they also race to create the schema): 1,000 checks, each forced past its holds with its
    sent_anyway event, none lost or doubled, one chain."""
    procs = []
    for desk in range(4):
        folder = photos(tmp_path / f"photos{desk}", 250, start=desk * 250)
        env = desk_env(tmp_path, f"desk{desk}", LIVEDETECT_HISTORY_URL=pg_url,
                       LIVEDETECT_OPERATOR=f"op{desk}")
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "livedetect_gui.cli", "check", "--sandbox", "--force", "--json",
             str(folder)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    outcomes = [p.communicate(timeout=300) for p in procs]
    for desk, (proc, (out, err)) in enumerate(zip(procs, outcomes, strict=True)):
        expected = expected_exit(sorted((tmp_path / f"photos{desk}").iterdir()))
        assert proc.returncode == expected, err  # pass or fail verdicts, no errors
        assert out.count("\n") == 250
        assert "waiting" not in err  # everything reached the server before exit
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute("SELECT count(*), count(DISTINCT id), count(DISTINCT source), "
                            "min(seq), max(seq) FROM records").fetchone()
        per_operator = dict(conn.execute(
            "SELECT operator, count(*) FROM records GROUP BY operator").fetchall())
    assert rows == (2000, 2000, 1000, 1, 2000)
    assert per_operator == {f"op{d}": 500 for d in range(4)}
    verify = cli("history", "verify", "--history", pg_url, env=desk_env(tmp_path, "desk0"))
    assert (verify.returncode, verify.stdout.strip()) == (0, "2000 records, chain intact")


def test_push_a_local_history_into_the_shared_store_once(pg_url: str, tmp_path: Path) -> None:
    env = desk_env(tmp_path, "desk")
    folder = photos(tmp_path / "photos", 12)
    first = cli("check", "--sandbox", "--force", str(folder), env=env)
    assert first.returncode == expected_exit(sorted(folder.iterdir())), first.stderr
    pushed = cli("history", "push", pg_url, env=env)
    assert pushed.returncode == 0, pushed.stderr
    # 12 forced checks, each with its sent_anyway event.
    assert "pushed 24 records" in pushed.stdout and "(0 were there already)" in pushed.stdout
    again = cli("history", "push", env={**env, "LIVEDETECT_HISTORY_URL": pg_url})
    assert "pushed 0 records" in again.stdout and "(24 were there already)" in again.stdout
    listing = cli("history", "--history", pg_url, "--limit", "50", env=env)
    assert listing.stdout.count("p00") == 24
    verify = cli("history", "verify", "--history", pg_url, env=env)
    assert verify.stdout.strip() == "24 records, chain intact"
    export = tmp_path / "centre.csv"
    exported = cli("history", "--history", pg_url, "--export", str(export), env=env)
    assert "exported 24 records" in exported.stderr
    assert len(export.read_text().splitlines()) == 25


@pytest.mark.parametrize("bad, words", [
    ("postgresql://desk:hunter2@127.0.0.1/db", "contains a password"),
    ("mysql://x/y", "unknown history URL scheme"),
])
def test_bad_history_urls_are_usage_errors(tmp_path: Path, bad: str, words: str) -> None:
    proc = cli("history", "--history", bad, env=desk_env(tmp_path, "desk"))
    assert proc.returncode == 64 and words in proc.stderr and "hunter2" not in proc.stderr


def test_password_comes_from_the_keyring(pg_server, pg_url: str, tmp_path: Path) -> None:
    """A role that must authenticate: refused without the password, admitted once it is in
    the keyring, and the password appears in no output and no file of the desk."""
    if not DatabasePasswords(service=f"probe-{uuid.uuid4().hex[:6]}").available():
        pytest.skip("no keyring backend (scripts/test.sh runs one)")
    secret = f"pw-{uuid.uuid4().hex}"
    dbname = parse(pg_url).dbname
    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute(f"DROP ROLE IF EXISTS {PASSWORD_ROLE}")
        admin.execute(f"CREATE ROLE {PASSWORD_ROLE} LOGIN PASSWORD '{secret}'")
        admin.execute(f'GRANT ALL ON DATABASE "{dbname}" TO {PASSWORD_ROLE}')
        admin.execute(f'ALTER DATABASE "{dbname}" OWNER TO {PASSWORD_ROLE}')
    url = f"postgresql://{PASSWORD_ROLE}@127.0.0.1:{pg_server.port}/{dbname}"
    env = desk_env(tmp_path, "desk")
    try:
        refused = cli("history", "verify", "--history", url, env=env)
        assert refused.returncode == 2 and "no password supplied" in refused.stderr
        assert f"livedetect history password {url}" in refused.stderr
        saved = cli("history", "password", url, env=env, stdin=secret + "\n")
        assert saved.returncode == 0, saved.stderr
        folder = photos(tmp_path / "photos", 3)
        checked = cli("check", "--sandbox", "--force", "--history", url, str(folder), env=env)
        assert checked.returncode == expected_exit(sorted(folder.iterdir())), checked.stderr
        verify = cli("history", "verify", "--history", url, env=env)
        # 3 forced checks and their sent_anyway events.
        assert verify.stdout.strip() == "6 records, chain intact", verify.stderr
        outputs = [p.stdout + p.stderr for p in (refused, saved, checked, verify)]
        files = [p.read_bytes() for p in (tmp_path / "desk").rglob("*") if p.is_file()]
        assert not any(secret in text for text in outputs)
        assert not any(secret.encode() in data for data in files)
    finally:
        DatabasePasswords(PASSWORD_SERVICE).forget(parse(url))
