"""A centre's PostgreSQL server: connecting, versioned migrations, the serialised chain append.

psycopg 3 is an optional dependency (the ``postgres`` extra): it is imported only when a
PostgreSQL history is opened, so a desk on the default SQLite history never loads it.

The chain with many writers
---------------------------
The whole centre keeps **one chain**: every append takes the chain head row's lock
(``SELECT ... FOR UPDATE``), links to the head and moves it, in one transaction. Appends from
all desks are therefore serialised; the lock is held for two round trips per batch (read the
head; insert the records + move the head + commit, pipelined), so a loopback or LAN server
takes thousands of records a second, and a spooled backlog goes in batches.

The alternative, one chain per desk plus an index chaining the desks' heads, lets desks
append without waiting for each other, but its verification is weaker where it matters here:
deleting a desk's newest records only shows if the index was updated after them, which brings
back a centre-wide serialisation point (the index) or leaves a window without a witness; and
the supervisor's question "is the centre's trail complete, in order?" needs a merge of N
chains. A review centre writes a few records a second at most, far below what serialised
appends sustain, so one chain costs nothing that matters and keeps verification a single pass
in ``seq`` order. Each desk also remembers the seq and hash of its own last accepted record
(its anchor, kept in its spool file), so a cut-off at the server's end is caught even when the
head row was rewritten too.

Migrations
----------
``schema_version`` holds the version; each start runs the missing steps inside one transaction
holding a transaction-level advisory lock, so desks starting together wait for the first one
and then find the schema current. A server schema newer than this program is refused.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from .history_url import DatabasePasswords, HistoryUrl

if TYPE_CHECKING:
    import psycopg

T = TypeVar("T")

# Arbitrary but fixed: our key in the server's advisory-lock space ("LDMIGRAT").
MIGRATION_LOCK_KEY = 0x4C444D4947524154


class StoreUnavailable(RuntimeError):
    """The shared store cannot be used right now (server away, refused, misconfigured)."""


class SchemaTooNew(RuntimeError):
    """The server's history was written by a newer LiveDetect Desk."""


def _psycopg():  # noqa: ANN202 - the module
    try:
        import psycopg
    except ImportError:
        raise StoreUnavailable(
            "this installation cannot use a PostgreSQL history: install the 'postgres' extra "
            "(pip install 'livedetect-gui[postgres]')"
        ) from None
    return psycopg


def describe_error(url: HistoryUrl, exc: BaseException) -> str:
    """One line naming the server and what went wrong: libpq's first line never holds the
    password (it is passed as a parameter, not in a string)."""
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return f"shared history {url} unavailable: {first}"


def connect(url: HistoryUrl, passwords: DatabasePasswords | None = None) -> psycopg.Connection:
    psycopg = _psycopg()
    password = (passwords or DatabasePasswords()).lookup(url)
    try:
        # Autocommit: reads hold no snapshot open; writes use explicit transactions.
        return psycopg.connect(**url.connect_args(password), autocommit=True)
    except psycopg.Error as exc:
        raise StoreUnavailable(describe_error(url, exc)) from None


def migrate(conn: psycopg.Connection, steps: Sequence[str]) -> int:
    """Bring the schema to ``len(steps)``; returns the version found before. Safe to run from
    several processes at once."""
    target = len(steps)
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK_KEY,))
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)")
        row = conn.execute("SELECT version FROM schema_version").fetchone()
        if row is None:
            conn.execute("INSERT INTO schema_version (version) VALUES (0)")
            found = 0
        else:
            found = int(row[0])
        if found > target:
            raise SchemaTooNew(
                f"the shared history was written by a newer LiveDetect Desk (schema {found}, "
                f"this desk knows {target}): update this desk"
            )
        for step in range(found, target):
            conn.execute(steps[step])
        if found != target:
            conn.execute("UPDATE schema_version SET version = %s", (target,))
    return found


class Connection:
    """One connection, used under a lock, reopened after the server went away."""

    def __init__(self, url: HistoryUrl, passwords: DatabasePasswords | None = None,
                 on_open: Callable[[psycopg.Connection], None] | None = None) -> None:
        self.url = url
        self._passwords = passwords
        self._on_open = on_open
        self._lock = threading.RLock()
        self._conn: psycopg.Connection | None = None

    @contextlib.contextmanager
    def use(self) -> Iterator[psycopg.Connection]:
        """The open connection, under the lock. A broken connection is dropped so the next use
        reconnects; errors leave as StoreUnavailable (connection trouble) or as they are."""
        psycopg = _psycopg()
        with self._lock:
            if self._conn is None or self._conn.closed:
                conn = connect(self.url, self._passwords)
                try:
                    if self._on_open:
                        self._on_open(conn)
                except BaseException:
                    conn.close()
                    raise
                self._conn = conn
            try:
                yield self._conn
            except psycopg.OperationalError as exc:
                self._drop()
                raise StoreUnavailable(describe_error(self.url, exc)) from None
            except psycopg.InterfaceError as exc:
                self._drop()
                raise StoreUnavailable(describe_error(self.url, exc)) from None

    def run(self, work: Callable[[psycopg.Connection], T]) -> T:
        """``work(conn)``, tried a second time on a new connection when a connection kept from
        before turns out dead (the server restarted since): for reads and idempotent writes."""
        with self._lock:
            for attempt in (1, 2):
                reused = self._conn is not None and not self._conn.closed
                try:
                    with self.use() as conn:
                        return work(conn)
                except StoreUnavailable:
                    if not reused or attempt == 2:
                        raise
        raise AssertionError("unreachable")

    def _drop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
        self._conn = None

    def close(self) -> None:
        with self._lock:
            self._drop()


def append_chained(
    conn: psycopg.Connection,
    rows: Sequence[dict[str, Any]],
    link: Callable[[str, dict[str, Any]], str],
    insert_sql: str,
    id_field: str = "record_id",
) -> tuple[list[str], tuple[int, str] | None]:
    """Append ``rows`` to the one centre-wide chain, in order, skipping record ids the store
    already holds (a re-send after a lost acknowledgement). ``link(prev_hash, row)`` returns a
    row's hash; ``insert_sql`` takes the row's fields plus ``seq``, ``prev_hash`` and
    ``hash`` as named parameters. Returns the ids newly stored and the new head (seq, hash),
    or None when nothing was new. Commits; raises on any failure with nothing stored."""
    with conn.transaction():
        head_seq, head_hash = conn.execute(
            "SELECT seq, hash FROM chain_head WHERE id = 1 FOR UPDATE").fetchone()
        ids = [row[id_field] for row in rows]
        known = {r[0] for r in conn.execute(
            "SELECT record_id FROM records WHERE record_id = ANY(%s)", (ids,))}
        fresh: list[dict[str, Any]] = []
        seen: set[str] = set()
        for row in rows:
            rid = row[id_field]
            if rid in known or rid in seen:
                continue
            seen.add(rid)
            head_seq += 1
            digest = link(head_hash, row)
            fresh.append({**row, "seq": head_seq, "prev_hash": head_hash, "hash": digest})
            head_hash = digest
        if not fresh:
            return [], None
        with conn.cursor() as cur:
            cur.executemany(insert_sql, fresh)
            cur.execute("UPDATE chain_head SET seq = %s, hash = %s WHERE id = 1",
                        (head_seq, head_hash))
    return [r[id_field] for r in fresh], (head_seq, head_hash)
