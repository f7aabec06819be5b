"""A centre's shared trail set up by its administrator: the schema, and two roles.

``livedetect history init-shared URL`` is run once, as the database owner (an administrator,
never a desk). It creates the schema and:

- a **desk** role (``livedetect_desk`` by default) that may read the trail and append to it
  only through the server's ``livedetect_append`` function; it cannot ``INSERT``, ``UPDATE``,
  ``DELETE`` or ``TRUNCATE`` the tables itself, and triggers refuse ``UPDATE``, ``DELETE`` and
  ``TRUNCATE`` of records for every role but an owner who first drops them;
- an **auditor** role (``livedetect_auditor``) that may only read.

Both are group roles (``NOLOGIN``): the administrator grants them to each desk's or auditor's
own login (``GRANT livedetect_desk TO desk07``), so the role the server stamps on a record
(``db_role``, with the server's own ``server_at``) is who logged in, not a name a desk typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from livedetect_gui.core.trail.location import DatabasePasswords, HistoryUrl
from livedetect_gui.core.trail.postgres_schema import MIGRATIONS
from livedetect_gui.core.trail.postgres_server import connect, migrate

DESK_ROLE = "livedetect_desk"
AUDITOR_ROLE = "livedetect_auditor"
TABLES = ("records", "chain_head", "schema_version")


@dataclass(frozen=True)
class SharedSetup:
    desk_role: str
    auditor_role: str
    schema_version: int
    created: tuple[str, ...]  # roles that did not exist before


def _ident(conn: Any, name: str) -> str:
    from psycopg import sql

    return sql.Identifier(name).as_string(conn)


def init_shared(url: HistoryUrl, desk_role: str = DESK_ROLE,
                auditor_role: str = AUDITOR_ROLE,
                passwords: DatabasePasswords | None = None) -> SharedSetup:
    """Create or bring up to date the schema, the two roles and their privileges. Safe to
    run again (what exists is kept; privileges are set anew)."""
    conn = connect(url, passwords)
    try:
        migrate(conn, MIGRATIONS)
        created: list[str] = []
        with conn.transaction():
            for role in (desk_role, auditor_role):
                exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s",
                                      (role,)).fetchone()
                if not exists:
                    conn.execute(f"CREATE ROLE {_ident(conn, role)} NOLOGIN")
                    created.append(role)
            desk, auditor = _ident(conn, desk_role), _ident(conn, auditor_role)
            schema = _ident(conn, conn.execute("SELECT current_schema()").fetchone()[0])
            conn.execute(f"GRANT USAGE ON SCHEMA {schema} TO {desk}, {auditor}")
            for table in TABLES:
                conn.execute(f"REVOKE ALL ON {table} FROM PUBLIC, {desk}, {auditor}")
                conn.execute(f"GRANT SELECT ON {table} TO {desk}, {auditor}")
            # The administrator owns what desks use: a desk that created the tables before
            # (an older centre) could otherwise drop the triggers or replace the function.
            me = _ident(conn, conn.execute("SELECT current_user").fetchone()[0])
            for table in TABLES:
                conn.execute(f"ALTER TABLE {table} OWNER TO {me}")
            for function in ("livedetect_append(jsonb)", "livedetect_refuse_change()"):
                conn.execute(f"ALTER FUNCTION {function} OWNER TO {me}")
            conn.execute("REVOKE ALL ON FUNCTION livedetect_append(jsonb) "
                         f"FROM PUBLIC, {auditor}")
            conn.execute(f"GRANT EXECUTE ON FUNCTION livedetect_append(jsonb) TO {desk}")
        return SharedSetup(desk_role, auditor_role, len(MIGRATIONS), tuple(created))
    finally:
        conn.close()
