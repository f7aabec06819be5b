"""The audit trail on a centre's PostgreSQL server: the ``TrailStore`` every desk shares.

Same records, same SQL and same chain as the SQLite store (sqlite_store.py, chain.py), so
paging, exports, reports, ``history verify`` and the centre-wide duplicate lookup work alike.

Writes go through the desk's outbox (outbox.py): ``append`` returns once the records are
safe on the desk's own disk (returned unchained, ``seq`` 0: their place in the centre's chain
is given by the server), and a forwarder thread appends them to the chain, oldest first, in
batches, idempotently on the record id. So a desk never stops because the server is away, a
desk killed with records spooled sends them at its next start, and ``pending`` is the desk's
"N records waiting to be sent to the shared store". Reads ask the server and raise
``HistoryError("unavailable")`` while it is away.

The chain with many writers
---------------------------
The whole centre keeps **one chain**: an append takes the chain head row's lock
(``SELECT ... FOR UPDATE``), links its records to the head and moves it, in one transaction;
appends from all desks are serialised. The lock is held for about three round trips per batch
(head, known ids, pipelined inserts + head update + commit), whatever the batch size, so a
LAN server takes thousands of records a second and a spooled backlog goes fast.

The alternative, one chain per desk plus an index chaining the desks' heads, lets desks
append without waiting for each other, but buys nothing a centre needs and costs where it
matters: the index is itself a centre-wide serialisation point (or it lags, leaving a window
in which a desk's newest records can be deleted without a witness), verification becomes a
merge of N chains, and "is the centre's trail complete and in order?" has no single answer.
A centre writes a few records a second, far below what serialised appends sustain (see
bench/shared_store.py), so one chain costs nothing that matters and keeps ``verify`` a
single pass in ``seq`` order.

The anchor: the head (seq, hash) lives in ``chain_head``, a row apart from the records, so
deleting the newest records with a database tool shows. Because that row is in the same
database, each desk also keeps a **witness**, the seq and hash of the last record the server
accepted from it, in its spool file: if the newest records are deleted and the head row is
rewound too, the witness still shows it (``verify`` reports the newest records missing).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from livedetect_gui.core.messages import text
from livedetect_gui.core.paths import data_dir
from livedetect_gui.core.trail.chain import (
    FIELDS,
    Anchor,
    ChainState,
    Kind,
    Record,
    chained,
    from_row,
    row_values,
    verify_chain,
)
from livedetect_gui.core.trail.location import DatabasePasswords, HistoryUrl
from livedetect_gui.core.trail.outbox import Anchor as Witness
from livedetect_gui.core.trail.outbox import Forwarder, Spool, Spooled
from livedetect_gui.core.trail.postgres_schema import MIGRATIONS
from livedetect_gui.core.trail.postgres_server import (
    DEFAULT_DEADLINE,
    Connection,
    StoreUnavailable,
    deadline,
    migrate,
)
from livedetect_gui.core.trail.store import (
    DECISIONS_PER_QUERY,
    SELECT_RECORDS,
    HistoryError,
    Query,
    TrailStore,
    decisions_sql,
    disk_problem,
    judged_sql,
)

log = logging.getLogger(__name__)

# After a failed reuse lookup, how long lookups are skipped (each would wait the deadline).
LOOKUP_PAUSE = 60.0



# The shared SELECT plus what the server stamped on each row.
SELECT_STAMPED = SELECT_RECORDS.replace(
    " FROM records", ", EXTRACT(EPOCH FROM server_at)::float8 AS server_at, db_role FROM records")


def pg_sql(sql: str) -> str:
    """The shared SQL writes ``?`` placeholders; psycopg wants ``%s`` (a literal ``%``
    doubled). The shared queries hold no ``?`` inside string literals."""
    return sql.replace("%", "%%").replace("?", "%s")


def spool_path(url: HistoryUrl) -> Path:
    """One spool per shared store: records never go to a store they were not meant for."""
    key = hashlib.sha256(url.keyring_key.encode()).hexdigest()[:16]
    return data_dir() / f"shared-spool-{key}.sqlite3"


def waiting_message(count: int, lang: str = "en") -> str:
    """The desk's status while records wait for the shared store; empty when none do."""
    if not count:
        return ""
    return text("shared_waiting_one" if count == 1 else "shared_waiting", lang, count=count)


class PostgresStore(TrailStore):
    """Thread-safe. ``forward=False`` leaves forwarding to explicit ``flush`` calls."""

    read_only = False
    shared = True

    def __init__(self, url: HistoryUrl, *, spool: str | Path | None = None,
                 passwords: DatabasePasswords | None = None, forward: bool = True,
                 on_pending: Callable[[int], None] | None = None, batch: int = 500,
                 deadline: float = DEFAULT_DEADLINE) -> None:
        if not url.shared:
            raise ValueError("not a PostgreSQL URL")
        self.url = url
        self.location = str(url)
        # Every exchange with the server is bounded on this side (see postgres_server).
        self.deadline = deadline
        self._lookups_off_until = 0.0
        # Two connections: a long read (verify, an export) never holds up the forwarder.
        self._reader = Connection(url, passwords, on_open=self._migrate, deadline=deadline)
        self._writer = Connection(url, passwords, on_open=self._migrate, deadline=deadline)
        self._passwords = passwords
        path = Path(spool or spool_path(url))
        try:
            self.spool = Spool(path)
        except (sqlite3.Error, OSError) as exc:
            raise HistoryError("unwritable", str(path), str(exc)) from None
        self._forwarder = Forwarder(self.spool, self._send, url.keyring_key,
                                    on_pending=on_pending, batch=batch)
        self._forwarding = forward
        self._left: int | None = None
        if forward:
            self._forwarder.start()

    @staticmethod
    def _migrate(conn: Any) -> None:
        migrate(conn, MIGRATIONS)

    def _error(self, exc: BaseException) -> HistoryError:
        return HistoryError("unavailable", self.location, str(exc))

    def _run(self, work: Callable[[Any], Any], conn: Connection | None = None) -> Any:
        import psycopg

        from livedetect_gui.core.trail.postgres_server import SchemaTooNew

        try:
            return (conn or self._reader).run(work)
        except StoreUnavailable as exc:
            raise self._error(exc) from None
        except SchemaTooNew as exc:
            raise HistoryError("newer", self.location, str(exc.found)) from None
        except psycopg.Error as exc:  # refused by the server: permissions, a bad table...
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            key = "unwritable" if conn is self._writer else "unreadable"
            raise HistoryError(key, self.location, first) from None

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Record]:
        from psycopg.rows import dict_row

        def work(conn: Any) -> list[Record]:
            with conn.cursor(row_factory=dict_row) as cur:
                cur.execute(pg_sql(sql), list(params))
                return [from_row(row) for row in cur.fetchall()]

        return self._run(work)

    # -- writing ---------------------------------------------------------------------------

    def append(self, records: Sequence[Record]) -> list[Record]:
        """Spool the records (safe on this desk's disk when this returns) and wake the
        forwarder. Returned as given: their seq and hash are the server's to give."""
        try:
            self.spool.put_many([(record.id, row_values(record)) for record in records])
        except (sqlite3.Error, OSError) as exc:
            # The spool's disk is full or failing: a server that answers takes them now.
            why = disk_problem(exc)
            try:
                self.append_now(records)
            except HistoryError as away:
                raise HistoryError("spool_unwritable", str(self.spool.path),
                                   f"{why}; {away.detail}") from None
            log.warning("spool %s cannot be written (%s): records sent straight to the "
                        "shared history", self.spool.path, why)
            return list(records)
        self._forwarder.poke()
        return list(records)

    def _send(self, batch: list[Spooled]) -> Witness | None:
        records = [from_row(item.payload) for item in batch]
        stored = self._run(lambda conn: append_chained(conn, records), self._writer)
        return Witness(stored[-1].seq, stored[-1].hash) if stored else None

    def append_now(self, records: Sequence[Record]) -> list[Record]:
        """Straight to the server, bypassing the spool (``history push``): returns the records
        newly stored, chained. Raises HistoryError when the server is away."""
        return self._run(lambda conn: append_chained(conn, records), self._writer)

    @property
    def pending(self) -> int:  # type: ignore[override]
        """Records written at this desk and not yet on the server (after ``close``: how many
        were left for the next start)."""
        return self._left if self._left is not None else self.spool.count()

    @property
    def forward_error(self) -> str | None:
        """Why the last forwarding attempt failed; None while the server takes records."""
        return self._forwarder.last_error

    def flush(self) -> int:
        """Forward what is waiting, now; returns how many went. Raises HistoryError."""
        try:
            return self._forwarder.drain()
        except StoreUnavailable as exc:
            raise self._error(exc) from None

    def delete_below(self, seq: int) -> int:
        # Retention of a centre's trail is the centre's decision, not one desk's setting.
        raise HistoryError("unwritable", self.location,
                           "retention of a shared history is set on the server, not at a desk")

    def close(self) -> None:
        """Stop forwarding after one last try; what could not go stays spooled for the next
        start."""
        if self._forwarding:
            self._forwarder.stop()
        try:
            self.flush()
        except HistoryError as exc:
            self._forwarder.last_error = exc.detail
            log.info("%d records stay spooled: %s", self.pending, exc)
        self._left = self.spool.count()
        self._reader.close()
        self._writer.close()
        self.spool.close()

    # -- reading ---------------------------------------------------------------------------

    def page(self, query: Query, offset: int, limit: int) -> list[Record]:
        where, params = query.where()
        return self._rows(f"{SELECT_STAMPED}{where}{query.order()} LIMIT {int(limit)} "
                          f"OFFSET {int(offset)}", params)

    def count(self, query: Query) -> int:
        where, params = query.where()
        sql = pg_sql(f"SELECT COUNT(*) FROM records{where}")
        return int(self._run(lambda conn: conn.execute(sql, params).fetchone()[0]))

    def stream(self, query: Query, chunk: int = 2000) -> Iterator[Record]:
        where, params = query.where()
        yield from self._stream(f"{SELECT_STAMPED}{where}{query.order()}", params, chunk)

    def _stream(self, sql: str, params: Sequence[Any], chunk: int,
                before: Callable[[Any], Any] | None = None) -> Iterator[Any]:
        """Rows through a server-side cursor on a connection of its own (an export neither
        holds the desk's connections nor all rows in memory). ``before(conn)`` runs first in
        the same snapshot and its result is yielded first."""
        from psycopg.rows import dict_row

        from livedetect_gui.core.trail.postgres_server import SchemaTooNew, connect

        try:
            conn = connect(self.url, self._passwords)
        except StoreUnavailable as exc:
            raise self._error(exc) from None
        try:
            # Bounded per exchange: a server that stops answering mid-stream ends the stream
            # with an error; a long stream that keeps moving is never cut.
            with deadline(conn, self.deadline) as dog:
                self._migrate(conn)  # an export may be the first thing a new store is asked
                with conn.transaction():
                    conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    if before is not None:
                        first = before(conn)
                        dog.alive()
                        yield first
                    with conn.cursor(name="trail_stream", row_factory=dict_row) as cur:
                        cur.itersize = chunk
                        cur.execute(pg_sql(sql), list(params))
                        for row in cur:
                            dog.alive()
                            yield from_row(row)
                            dog.alive()  # the consumer's own time is not the server's
        except StoreUnavailable as exc:
            raise self._error(exc) from None
        except SchemaTooNew as exc:
            raise HistoryError("newer", self.location, str(exc.found)) from None
        except Exception as exc:
            import psycopg

            if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
                raise self._error(exc) from None
            raise
        finally:
            with contextlib.suppress(Exception):
                conn.close()

    def select_rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        from psycopg.rows import dict_row

        def work(conn: Any) -> list[dict[str, Any]]:
            with conn.cursor(row_factory=dict_row) as cur:
                cur.execute(pg_sql(sql), list(params))
                return list(cur.fetchall())

        return self._run(work)

    def get(self, record_id: str) -> Record | None:
        rows = self._rows(f"{SELECT_STAMPED} WHERE id = ?", [record_id])
        return rows[0] if rows else None

    def operators(self, query: Query) -> list[str]:
        where, params = query.where()
        sql = pg_sql(f"SELECT DISTINCT operator FROM records{where} ORDER BY operator")
        rows = self._run(lambda conn: conn.execute(sql, params).fetchall())
        return [row[0] for row in rows if row[0]]

    def latest_decisions(self, check_ids: Sequence[str]) -> dict[str, Record]:
        found: dict[str, Record] = {}
        ids = list(check_ids)
        for start in range(0, len(ids), DECISIONS_PER_QUERY):
            part = ids[start:start + DECISIONS_PER_QUERY]
            for record in self._rows(decisions_sql(len(part)), part):
                found[record.check_id or ""] = record  # later rows win: the newest decision
        return found

    def find_judged(self, digests: Sequence[str], since: float, *, api: str | None = None,
                    simulated: bool | None = None) -> Record | None:
        """Centre-wide: a photo judged at any desk is found (once its record reached the
        server)."""
        wanted = [d for d in digests if d]
        if not wanted:
            return None
        sql, params = judged_sql(len(wanted), api, simulated)
        if time.monotonic() < self._lookups_off_until:
            return None  # the server just failed a lookup: a batch does not wait on each photo
        try:
            rows = self._rows(sql, [since, *params, *wanted, *wanted])
        except HistoryError as exc:
            # A lookup must not stop a check: without the server nothing is reused (the call
            # is made and paid), which is what a desk with no history would do.
            log.warning("no reuse lookup: %s", exc)
            self._lookups_off_until = time.monotonic() + LOOKUP_PAUSE
            return None
        return rows[0] if rows else None

    def anchor(self) -> Anchor | None:
        head = self._run(lambda conn: conn.execute(
            "SELECT seq, hash FROM chain_head WHERE id = 1").fetchone())
        if head is None:
            return Anchor(-1, "missing")  # the head row itself was deleted
        return self._with_witness(Anchor(int(head[0]), head[1]))

    def _with_witness(self, head: Anchor) -> Anchor:
        """This desk's witness beyond the head means the newest records (and the head with
        them) were cut back: report the witness, so verify names the missing records."""
        witness = self.spool.anchor(self.url.keyring_key)
        if witness is not None and witness.seq > head.seq:
            return Anchor(witness.seq, witness.hash)
        return head

    def chain_start(self) -> int:
        start = self._run(lambda conn: conn.execute(
            "SELECT cut_seq FROM records WHERE kind = %s ORDER BY seq DESC LIMIT 1",
            (Kind.CUT.value,)).fetchone())
        return int(start[0]) if start else 1

    def verify(self, start: int) -> ChainState:
        """The whole centre's chain, its head and this desk's witness, in one snapshot (a
        desk appending meanwhile cannot make an intact trail look broken)."""
        with contextlib.closing(self._stream(
                f"{SELECT_STAMPED} ORDER BY seq", [], 2000, before=lambda conn: conn.execute(
                    "SELECT seq, hash FROM chain_head WHERE id = 1").fetchone())) as rows:
            head = next(rows)
            anchor = (Anchor(-1, "missing") if head is None
                      else self._with_witness(Anchor(int(head[0]), head[1])))
            state = verify_chain(rows, anchor, start)
        if state.intact:
            witness = self.spool.anchor(self.url.keyring_key)
            if witness is not None:
                found = self._rows(f"{SELECT_STAMPED} WHERE seq = ?", [witness.seq])
                if not found or found[0].hash != witness.hash:
                    return ChainState(state.count, False, witness.seq,
                                      found[0].id if found else None, "head_changed",
                                      "this desk's last accepted record is not the one stored")
        return state


def _storable(record: Record) -> Record:
    """PostgreSQL text cannot hold NUL, which a hostile server's message could carry: one
    such record must not block every record behind it, so NUL becomes U+FFFD before the
    record is chained (the stored record and its hash agree)."""
    changes: dict[str, Any] = {"seq": 0, "prev_hash": "", "hash": ""}
    for name in FIELDS:
        value = getattr(record, name)
        if isinstance(value, str) and "\x00" in value:
            changes[name] = value.replace("\x00", "\ufffd")
    return dataclasses.replace(record, **changes)


def append_chained(conn: Any, records: Sequence[Record], attempts: int = 20) -> list[Record]:
    """Append ``records`` to the centre's one chain, in order, skipping ids the store already
    holds (a re-send after a lost acknowledgement). One transaction: all or nothing.

    The head is read without a lock and the records linked here; the server's
    ``livedetect_append`` takes the head's lock and refuses a batch that no longer follows it
    (another desk appended meanwhile), and the batch is linked again. No desk can hold the
    head's lock beyond its own append."""
    from psycopg import errors
    from psycopg.types.json import Jsonb

    for attempt in range(attempts):
        try:
            with conn.transaction():
                head_seq, head_hash = conn.execute(
                    "SELECT seq, hash FROM chain_head WHERE id = 1").fetchone()
                ids = [r.id for r in records]
                known = {row[0] for row in conn.execute(
                    "SELECT id FROM records WHERE id = ANY(%s)", (ids,))}
                stored: list[Record] = []
                for record in records:
                    if record.id in known:
                        continue
                    known.add(record.id)
                    head_seq += 1
                    linked = chained(_storable(record), head_seq, head_hash)
                    stored.append(linked)
                    head_hash = linked.hash
                if stored:
                    conn.execute("SELECT livedetect_append(%s)",
                                 (Jsonb([row_values(r) for r in stored]),))
                return stored
        except errors.SerializationFailure:
            if attempt == attempts - 1:
                raise
    return []
