"""The history on a centre's PostgreSQL server: the same records and questions as the local
SQLite history, one trail for every desk.

Writes go through the desk's spool (core/spool.py): ``record`` returns once the record is safe
on the desk's own disk, and a forwarder thread appends it to the centre's chain (see
core/postgres.py for the chain and its trade-offs). Reads ask the server and raise
StoreUnavailable while it is away; records still in the spool are counted by ``pending``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import socket
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from . import history as local
from .history import COLUMNS, HistoryEntry, current_operator
from .history_url import DatabasePasswords, HistoryUrl
from .paths import data_dir
from .postgres import Connection, StoreUnavailable, append_chained, migrate
from .result import CheckResult
from .spool import Anchor, Forwarder, Spool, Spooled

log = logging.getLogger(__name__)

GENESIS = "0" * 64
CONTENT = COLUMNS[1:]  # what a record says; the chain columns are added around it
_TYPES = {
    "checked_at": "double precision NOT NULL", "source": "text NOT NULL", "sha256": "text",
    "score": "double precision", "threshold": "double precision NOT NULL",
    "verdict": "text NOT NULL", "code": "integer", "message": "text NOT NULL",
    "endpoint": "text NOT NULL", "attempts": "integer NOT NULL",
    "elapsed_ms": "integer NOT NULL", "operator": "text NOT NULL", "prepared_width": "integer",
    "prepared_height": "integer", "prepared_bytes": "integer",
    "maybe_billed_twice": "boolean NOT NULL",
}

MIGRATIONS: list[str] = [
    f"""
    CREATE TABLE chain_head (
        id integer PRIMARY KEY CHECK (id = 1),
        seq bigint NOT NULL,
        hash text NOT NULL
    );
    INSERT INTO chain_head (id, seq, hash) VALUES (1, 0, '{GENESIS}');
    CREATE TABLE records (
        seq bigint PRIMARY KEY,
        record_id text NOT NULL UNIQUE,
        desk text NOT NULL,
        {", ".join(f"{c} {_TYPES[c]}" for c in CONTENT)},
        prev_hash text NOT NULL,
        hash text NOT NULL
    );
    CREATE INDEX records_time ON records (checked_at);
    CREATE INDEX records_sha ON records (sha256);
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)

_INSERT = (
    f"INSERT INTO records (seq, record_id, desk, {', '.join(CONTENT)}, prev_hash, hash) "
    f"VALUES (%(seq)s, %(record_id)s, %(desk)s, {', '.join(f'%({c})s' for c in CONTENT)}, "
    "%(prev_hash)s, %(hash)s)"
)


def link(prev_hash: str, row: dict[str, Any]) -> str:
    """A record's hash: over the previous hash and its canonical content."""
    content = {k: row[k] for k in ("record_id", "desk", *CONTENT)}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def desk_name() -> str:
    return f"{socket.gethostname()}/{current_operator()}"


def spool_path(url: HistoryUrl) -> Path:
    """One spool per shared store: records never go to a store they were not meant for."""
    key = hashlib.sha256(url.keyring_key.encode()).hexdigest()[:16]
    return data_dir() / f"spool-{key}.sqlite3"


@dataclass(frozen=True)
class Verification:
    ok: bool
    count: int
    message: str
    first_bad_seq: int | None = None


class PostgresHistory:
    """Thread-safe. ``forward=False`` leaves forwarding to explicit ``flush`` calls (the CLI)."""

    def __init__(self, url: HistoryUrl, operator: str | None = None,
                 spool: str | Path | None = None, passwords: DatabasePasswords | None = None,
                 forward: bool = True, on_pending: Callable[[int], None] | None = None) -> None:
        self.url = url
        self.operator = operator or current_operator()
        self.desk = desk_name()
        # Two connections: a long read (verify, export) never holds up the forwarder.
        self._db = Connection(url, passwords, on_open=lambda c: migrate(c, MIGRATIONS))
        self._writer = Connection(url, passwords, on_open=lambda c: migrate(c, MIGRATIONS))
        self.spool = Spool(spool or spool_path(url))
        self._forwarder = Forwarder(self.spool, self._send, url.keyring_key,
                                    on_pending=on_pending)
        self._started = False
        self._lock = threading.Lock()
        if forward:
            self._forwarder.start()
            self._started = True

    # -- writing ---------------------------------------------------------------------------

    def _row(self, result: CheckResult) -> dict[str, Any]:
        prepared = result.prepared
        return {
            "record_id": str(uuid.uuid4()), "desk": self.desk,
            # Floats as floats: the hash must see what the server's double columns give back.
            "checked_at": float(result.checked_at), "source": result.source,
            "sha256": result.sha256,
            "score": None if result.score is None else float(result.score),
            "threshold": float(result.threshold),
            "verdict": result.verdict.value, "code": result.code,
            "message": result.message("en"), "endpoint": result.endpoint,
            "attempts": result.attempts, "elapsed_ms": result.elapsed_ms,
            "operator": self.operator,
            "prepared_width": prepared.width if prepared else None,
            "prepared_height": prepared.height if prepared else None,
            "prepared_bytes": prepared.bytes if prepared else None,
            "maybe_billed_twice": bool(result.maybe_billed_twice),
        }

    def record(self, result: CheckResult) -> str:
        """Safe on this desk's disk when this returns; on the server soon after."""
        row = self._row(result)
        self.spool.put(row["record_id"], row)
        self._forwarder.poke()
        return row["record_id"]

    def record_safely(self, result: CheckResult) -> bool:
        try:
            self.record(result)
        except Exception:
            log.exception("could not spool history for %s", result.source)
            return False
        return True

    def _send(self, batch: list[Spooled]) -> Anchor | None:
        rows = [r.payload for r in batch]
        _, head = self._writer.run(lambda conn: append_chained(conn, rows, link, _INSERT))
        return Anchor(*head) if head else None

    @property
    def pending(self) -> int:
        """Records written at this desk and not yet on the server."""
        return self.spool.count()

    def flush(self) -> int:
        """Forward what is waiting now; returns how many went. Raises StoreUnavailable."""
        return self._forwarder.drain()

    def close(self) -> None:
        """Stop forwarding after one last try; what could not go stays spooled for the next
        start (``pending`` says how many)."""
        if self._started:
            self._forwarder.stop()
        try:
            self.flush()
        except StoreUnavailable as exc:
            log.warning("%d records stay spooled: %s", self.pending, exc)
        self._db.close()
        self._writer.close()
        self.spool.close()

    # -- reading ---------------------------------------------------------------------------

    def entries(self, since: float | None = None, until: float | None = None,
                verdicts: Iterable[str] | None = None, text: str | None = None,
                limit: int | None = None) -> list[HistoryEntry]:
        clauses, params = local._filters(since, until, verdicts, text)
        sql = f"SELECT seq, {', '.join(CONTENT)} FROM records"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY checked_at DESC, seq DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        rows = self._db.run(lambda conn: conn.execute(_pg(sql), params).fetchall())
        return [local._entry(row) for row in rows]

    def export_csv(self, out: IO[str], entries: Iterable[HistoryEntry] | None = None) -> int:
        return local.History.export_csv(self, out, entries)  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[HistoryEntry]:
        return iter(self.entries())

    def count(self) -> int:
        return int(self._db.run(
            lambda conn: conn.execute("SELECT count(*) FROM records").fetchone()[0]))

    def verify(self) -> Verification:
        """Walk the whole centre's chain in order; then the head row and this desk's anchor."""
        return self._db.run(self._verify)

    def _verify(self, conn: Any) -> Verification:
        expected_prev, seq, count = GENESIS, 0, 0
        columns = ("seq", "record_id", "desk", *CONTENT, "prev_hash", "hash")
        # One snapshot for the walk and the head; rows streamed, never all in memory.
        with conn.transaction(), conn.cursor(name="verify") as cur:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            head = conn.execute("SELECT seq, hash FROM chain_head WHERE id = 1").fetchone()
            cur.itersize = 2000
            cur.execute(f"SELECT {', '.join(columns)} FROM records ORDER BY seq")
            for values in cur:
                row = dict(zip(columns, values, strict=True))
                seq += 1
                if row["seq"] != seq:
                    return _broken(count, seq, f"record {seq} is missing (next is "
                                   f"{row['seq']}): deleted behind the program's back")
                if row["prev_hash"] != expected_prev or link(expected_prev, row) != row["hash"]:
                    return _broken(count, seq, f"record {seq} ({row['record_id']}) does not "
                                   "match its hash: edited, inserted or reordered")
                expected_prev = row["hash"]
                count += 1
        if head is None or (int(head[0]), head[1]) != (seq, expected_prev):
            return _broken(count, seq, f"the chain head says {head[0] if head else 'nothing'} "
                           f"records but {seq} are stored: the newest were deleted or added "
                           "behind the program's back")
        anchor = self.spool.anchor(self.url.keyring_key)
        if anchor is not None:
            found = self._hash_at(anchor.seq)
            if found != anchor.hash:
                return _broken(count, anchor.seq, f"record {anchor.seq}, this desk's last "
                               "accepted record, is gone or changed on the server")
        return Verification(True, count, f"{count} records, chain intact")

    def _hash_at(self, seq: int) -> str | None:
        row = self._db.run(lambda conn: conn.execute(
            "SELECT hash FROM records WHERE seq = %s", (seq,)).fetchone())
        return row[0] if row else None

    def find_judged(self, digests: Sequence[str], since: float) -> CheckResult | None:
        raise NotImplementedError


def _broken(count: int, seq: int, message: str) -> Verification:
    return Verification(False, count, message, seq)


def _pg(sql: str) -> str:
    """The shared filter builder writes SQLite's ``?``; psycopg wants ``%s`` (and a literal
    ``%`` doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


def open_history(url: HistoryUrl, **options: Any) -> local.History | PostgresHistory:
    if url.shared:
        return PostgresHistory(url, **options)
    return local.History(url.path, operator=options.get("operator"))


def connection_error(exc: BaseException) -> bool:
    return isinstance(exc, StoreUnavailable)
