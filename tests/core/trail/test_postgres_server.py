"""Against a real PostgreSQL server (the session's throwaway cluster)."""

from __future__ import annotations

import json
import subprocess
import sys

import psycopg
import pytest

from livedetect_gui.core.trail.location import parse
from livedetect_gui.core.trail.postgres_server import (
    Connection,
    SchemaTooNew,
    StoreUnavailable,
    connect,
    migrate,
)

STEPS = [
    "CREATE TABLE t (id integer PRIMARY KEY); SELECT pg_sleep(0.3)",
    "ALTER TABLE t ADD COLUMN note text",
]


def test_migrations_are_versioned_and_refuse_a_newer_schema(pg_url: str) -> None:
    url = parse(pg_url)
    with connect(url) as conn:
        assert migrate(conn, STEPS[:1]) == 0
        assert migrate(conn, STEPS) == 1
        assert migrate(conn, STEPS) == 2
        conn.execute("INSERT INTO t (id, note) VALUES (1, 'x')")
        with pytest.raises(SchemaTooNew, match="newer LiveDetect Desk"):
            migrate(conn, STEPS[:1])


def test_desks_starting_together_migrate_once(pg_url: str) -> None:
    """Four processes run the same migrations at the same moment: none fails, the schema is
    built once (a second CREATE TABLE t would fail the loser)."""
    code = (
        "import json, sys\n"
        "from livedetect_gui.core.trail.location import parse\n"
        "from livedetect_gui.core.trail.postgres_server import connect, migrate\n"
        "with connect(parse(sys.argv[1])) as conn:\n"
        "    print(migrate(conn, json.loads(sys.argv[2])))\n"
    )
    argv = [sys.executable, "-c", code, pg_url, json.dumps(STEPS)]
    procs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    outcomes = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [err for _, err in outcomes]
    assert sorted(int(out) for out, _ in outcomes) == [0, 2, 2, 2]
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT version FROM schema_version").fetchall() == [(2,)]


def test_unreachable_server_is_a_clear_error(pg_server) -> None:
    url = parse(f"postgresql://nobody@127.0.0.1:{pg_server.port}/no_such_db")
    with pytest.raises(StoreUnavailable, match='role "nobody" does not exist'):
        connect(url)
    url = parse(f"postgresql://postgres@127.0.0.1:{pg_server.port}/no_such_db")
    with pytest.raises(StoreUnavailable, match='database "no_such_db" does not exist'):
        connect(url)
    closed = parse("postgresql://u@127.0.0.1:1/db?connect_timeout=2")
    with pytest.raises(StoreUnavailable, match=r"127\.0\.0\.1.*port 1 failed: .*refused"):
        connect(closed)


def test_connection_reconnects_after_the_server_restarts(pg_server, pg_url: str) -> None:
    conn = Connection(parse(pg_url))
    with conn.use() as c:
        assert c.execute("SELECT 1").fetchone() == (1,)
    pg_server.stop()
    try:
        with pytest.raises(StoreUnavailable), conn.use() as c:
            c.execute("SELECT 1")
    finally:
        pg_server.start()
    with conn.use() as c:
        assert c.execute("SELECT 2").fetchone() == (2,)
    conn.close()
