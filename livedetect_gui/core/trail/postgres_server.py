"""A centre's PostgreSQL server: connecting, and versioned migrations safe for many desks.

psycopg 3 is an optional dependency (the ``postgres`` extra): it is imported only when a
PostgreSQL history is opened, so a desk on the default SQLite history never loads it. The
trail's store on top of this is core/postgres_store.py (where the chain design is explained).

Migrations: ``schema_version`` holds the version; each connection runs the missing steps
inside one transaction holding a transaction-level advisory lock, so desks starting together
wait for the first one and then find the schema current. A newer schema is refused.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeVar

from livedetect_gui.core.trail.location import DatabasePasswords, HistoryUrl

if TYPE_CHECKING:
    import psycopg

T = TypeVar("T")

# Arbitrary but fixed: our key in the server's advisory-lock space ("LDMIGRAT").
MIGRATION_LOCK_KEY = 0x4C444D4947524154

# The client's own bound on one exchange with the server. psycopg has none: a server (or a
# proxy) that stops answering while TCP still acknowledges is waited for for ever, keepalives
# never fire, and the server's statement_timeout never starts for a statement it never got.
# Longer than the lock_timeout (30 s) an append may legitimately wait, so a busy server still
# speaks for itself first.
DEFAULT_DEADLINE = 45.0


class StoreUnavailable(RuntimeError):
    """The shared store cannot be used right now (server away, refused, misconfigured)."""


class SchemaTooNew(RuntimeError):
    """The server's history was written by a newer LiveDetect Desk."""

    def __init__(self, found: int, known: int) -> None:
        super().__init__(f"the shared history was written by a newer LiveDetect Desk (schema "
                         f"{found}, this desk knows {known}): update this desk")
        self.found = found


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
    """libpq's first line, with what to do about a password (never the password itself: it is
    passed as a parameter, not inside a string that could be echoed)."""
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if "password" in first.lower():
        first += (f"; save the password with `livedetect history password {url}` (it is kept "
                  "in the OS keyring)")
    return first


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
    # The common case, a current schema, without waiting for anyone's lock.
    if conn.execute("SELECT to_regclass('schema_version')").fetchone()[0] is not None:
        row = conn.execute("SELECT version FROM schema_version").fetchone()
        if row is not None and int(row[0]) == target:
            return target
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
            raise SchemaTooNew(found, target)
        for step in range(found, target):
            conn.execute(steps[step])
        if found != target:
            conn.execute("UPDATE schema_version SET version = %s", (target,))
    return found


class Watchdog:
    """A client-side deadline on a connection: when the work inside has not made progress
    for ``seconds`` (``alive()`` is progress), the statement is cancelled on the server and,
    if the connection is still stuck a moment later, its socket is shut down so the blocked
    read returns. The work then fails with an OperationalError; ``fired`` says why."""

    def __init__(self, conn: psycopg.Connection, seconds: float) -> None:
        self._conn = conn
        self.seconds = seconds
        self._last = time.monotonic()
        self._done = threading.Event()
        self.fired = False
        self._thread = threading.Thread(target=self._watch, name="pg-deadline", daemon=True)

    def __enter__(self) -> Watchdog:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._done.set()

    def alive(self) -> None:
        self._last = time.monotonic()

    def _watch(self) -> None:
        while not self._done.wait(min(1.0, self.seconds / 4)):
            if time.monotonic() - self._last < self.seconds:
                continue
            self.fired = True
            with contextlib.suppress(Exception):
                self._conn.cancel_safe(timeout=min(2.0, self.seconds))  # the server's side
            if not self._done.wait(1.0):
                cut(self._conn)  # no answer even to that: free the blocked read
            return


def cut(conn: psycopg.Connection) -> None:
    """Shut the connection's socket down from another thread: a read blocked on it returns."""
    with contextlib.suppress(Exception):
        sock = socket.fromfd(conn.fileno(), socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.shutdown(socket.SHUT_RDWR)
        finally:
            sock.close()  # the duplicate only; psycopg still owns its own descriptor


@contextlib.contextmanager
def deadline(conn: psycopg.Connection, seconds: float) -> Iterator[Watchdog]:
    """``Watchdog`` as a block; a deadline that fired leaves as StoreUnavailable."""
    with Watchdog(conn, seconds) as dog:
        try:
            yield dog
        except Exception as exc:
            if dog.fired:
                raise StoreUnavailable(
                    f"the server gave no answer within {seconds:g} s (statement cancelled)"
                ) from exc
            raise


class Connection:
    """One connection, used under a lock, reopened after the server went away. Every use is
    bounded by ``deadline`` seconds on the client's side."""

    def __init__(self, url: HistoryUrl, passwords: DatabasePasswords | None = None,
                 on_open: Callable[[psycopg.Connection], None] | None = None,
                 deadline: float = DEFAULT_DEADLINE) -> None:
        self.url = url
        self.deadline = deadline
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
                        with deadline(conn, self.deadline):
                            self._on_open(conn)
                except BaseException:
                    conn.close()
                    raise
                self._conn = conn
            try:
                with deadline(self._conn, self.deadline):
                    yield self._conn
            except StoreUnavailable:
                self._drop()  # cut or cancelled mid-exchange: never used again
                raise
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

