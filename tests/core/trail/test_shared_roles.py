"""The centre's trail set up by an administrator: what a desk and an auditor may do, on a
real PostgreSQL server."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from livedetect_gui.core.result import CheckResult, PreparedInfo
from livedetect_gui.core.trail.history import HistoryError, open_history
from livedetect_gui.core.trail.location import parse
from livedetect_gui.core.trail.shared_roles import AUDITOR_ROLE, DESK_ROLE, init_shared


def result(n: int) -> CheckResult:
    return CheckResult(source=f"photo{n}.jpg", threshold=87, score=90, code=0,
                       prepared=PreparedInfo(640, 480, 1000 + n), sha256=f"{n:064x}",
                       endpoint="http://127.0.0.1:1/face/livedetectpicture", attempts=1)


def as_role(pg_url: str, role: str) -> str:
    return pg_url.replace("postgresql://postgres@", f"postgresql://{role}@")


@pytest.fixture
def centre(pg_url: str) -> str:
    setup = init_shared(parse(pg_url))
    assert (setup.desk_role, setup.auditor_role) == (DESK_ROLE, AUDITOR_ROLE)
    with psycopg.connect(pg_url, autocommit=True) as admin:
        for login, group in (("desk07", DESK_ROLE), ("audit1", AUDITOR_ROLE)):
            if not admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s",
                                 (login,)).fetchone():
                admin.execute(f"CREATE ROLE {login} LOGIN")
            admin.execute(f"GRANT {group} TO {login}")
    return pg_url


def test_a_desk_appends_through_the_function_and_the_server_stamps_who_and_when(
        centre: str, tmp_path: Path) -> None:
    # The desk claims to be "admin"; the server records the login it authenticated.
    history = open_history(parse(as_role(centre, "desk07")), operator="admin",
                           spool=tmp_path / "spool.sqlite3", forward=False)
    for n in range(3):
        history.record(result(n))
    assert history.store.flush() == 3
    assert history.verify().intact
    history.close()
    with psycopg.connect(centre) as admin:
        rows = admin.execute("SELECT operator, db_role, server_at IS NOT NULL FROM records "
                             "ORDER BY seq").fetchall()
    assert rows == [("admin", "desk07", True)] * 3


@pytest.mark.parametrize("statement", [
    "UPDATE records SET score = 1",
    "DELETE FROM records",
    "TRUNCATE records",
    "UPDATE chain_head SET seq = 0",
    "INSERT INTO records (seq, id, kind, at, operator, os_user, desk, source, verdict, detail,"
    " endpoint, api, simulated, attempts, elapsed_ms, maybe_billed_twice, note, reference, "
    "override, prev_hash, hash) VALUES (99, 'x', 'check', 0, 'o', 'o', 'd', 's', 'pass', '', "
    "'', 'legacy', 0, 0, 0, 0, '', '', 0, '', '')",
])
def test_a_desk_cannot_rewrite_the_trail(centre: str, tmp_path: Path, statement: str) -> None:
    history = open_history(parse(as_role(centre, "desk07")), spool=tmp_path / "s.sqlite3",
                           forward=False)
    history.record(result(1))
    history.store.flush()
    history.close()
    with psycopg.connect(as_role(centre, "desk07"), autocommit=True) as desk, \
            pytest.raises(psycopg.errors.InsufficientPrivilege):
        desk.execute(statement)


def test_even_the_owner_cannot_update_or_delete_records_without_dropping_the_triggers(
        centre: str, tmp_path: Path) -> None:
    history = open_history(parse(centre), spool=tmp_path / "s.sqlite3", forward=False)
    history.record(result(1))
    history.store.flush()
    history.close()
    with psycopg.connect(centre, autocommit=True) as owner:
        for statement in ("UPDATE records SET score = 1", "DELETE FROM records",
                          "TRUNCATE records"):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                owner.execute(statement)


def test_an_auditor_reads_but_cannot_append(centre: str, tmp_path: Path) -> None:
    desk = open_history(parse(as_role(centre, "desk07")), spool=tmp_path / "d.sqlite3",
                        forward=False)
    desk.record(result(1))
    desk.store.flush()
    desk.close()
    auditor = open_history(parse(as_role(centre, "audit1")), spool=tmp_path / "a.sqlite3",
                           forward=False)
    assert auditor.verify().intact and auditor.count() == 1
    auditor.record(result(2))  # spooled locally, refused by the server
    with pytest.raises(HistoryError):
        auditor.store.flush()
    auditor.close()
    with psycopg.connect(as_role(centre, "audit1"), autocommit=True) as conn, \
            pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT livedetect_append('[]'::jsonb)")


def test_init_shared_runs_again_without_harm(centre: str) -> None:
    again = init_shared(parse(centre))
    assert again.created == ()


def test_the_append_function_refuses_cuts_bad_hashes_and_records_off_the_head(
        centre: str) -> None:
    import json

    from livedetect_gui.core.trail.chain import GENESIS

    def row(**values: object) -> str:
        base = {"seq": 1, "id": "r1", "kind": "check", "at": 0.0, "operator": "o",
                "os_user": "o", "desk": "d", "source": "s", "verdict": "pass", "detail": "",
                "endpoint": "", "api": "legacy", "simulated": 0, "attempts": 0,
                "elapsed_ms": 0, "maybe_billed_twice": 0, "note": "", "reference": "",
                "override": 0, "prev_hash": GENESIS, "hash": "ab" * 32,
                "db_role": "admin", "server_at": "2000-01-01T00:00:00Z"}
        base.update(values)
        return json.dumps([base])

    with psycopg.connect(as_role(centre, "desk07"), autocommit=True) as desk:
        with pytest.raises(psycopg.errors.RaiseException, match="cannot cut"):
            desk.execute("SELECT livedetect_append(%s::jsonb)", (row(kind="cut"),))
        with pytest.raises(psycopg.errors.RaiseException, match="proper hash"):
            desk.execute("SELECT livedetect_append(%s::jsonb)", (row(hash="x"),))
        with pytest.raises(psycopg.errors.SerializationFailure):
            desk.execute("SELECT livedetect_append(%s::jsonb)", (row(seq=5),))
        # A forged operator and forged stamps: the server's own stamps win.
        desk.execute("SELECT livedetect_append(%s::jsonb)", (row(),))
        stamped = desk.execute("SELECT db_role, server_at > now() - interval '1 hour' "
                               "FROM records").fetchone()
    assert stamped == ("desk07", True)


def test_the_history_shows_who_logged_in_on_a_shared_store(centre: str, tmp_path: Path,
                                                           capsys) -> None:
    from livedetect_gui.cli.main import main

    history = open_history(parse(as_role(centre, "desk07")), operator="typed name",
                           spool=tmp_path / "spool.sqlite3", forward=False)
    history.record(result(1))
    history.store.flush()
    stored = history.page(__import__("livedetect_gui.core.trail.store",
                                     fromlist=["Query"]).Query(), 0, 5)
    history.close()
    assert stored[0].db_role == "desk07" and stored[0].server_at
    assert main(["history", "--history", as_role(centre, "desk07")]) == 0
    assert "[db:desk07]" in capsys.readouterr().out
    export = tmp_path / "out.csv"
    assert main(["history", "--history", centre, "--export", str(export)]) == 0
    header, first = export.read_text().splitlines()[:2]
    assert header.endswith("server_time,db_role") and first.endswith(",desk07")


def test_init_shared_takes_ownership_from_a_desk_that_created_the_tables(
        pg_url: str, tmp_path: Path) -> None:
    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute("CREATE ROLE olddesk LOGIN")
        admin.execute("GRANT CREATE ON SCHEMA public TO olddesk")
    early = open_history(parse(as_role(pg_url, "olddesk")), spool=tmp_path / "s.sqlite3",
                         forward=False)
    early.record(result(1))
    early.store.flush()  # the desk migrated: it owns the tables
    early.close()
    init_shared(parse(pg_url))
    with psycopg.connect(pg_url) as admin:
        owner = admin.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'records'"
                              ).fetchone()[0]
    assert owner == "postgres"
    with psycopg.connect(as_role(pg_url, "olddesk"), autocommit=True) as desk, \
            pytest.raises(psycopg.errors.InsufficientPrivilege):
        desk.execute("ALTER TABLE records DISABLE TRIGGER USER")
