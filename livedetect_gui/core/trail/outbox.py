"""The desk's local spool: records waiting to be sent to the shared store.

Every record bound for a shared (PostgreSQL) history is first written here, in a private
SQLite file beside the local history, and removed only after the server has committed it. So
a desk keeps working while the server is away, and a desk killed with records spooled sends
them at its next start. Forwarding is in the order the records were written and exactly once:
the server inserts idempotently on the record id generated at the desk, so a record sent
twice (the server committed, the desk died before removing it here) is not stored twice.

The spool also keeps this desk's **anchor** in the shared chain: the sequence number and hash
of the last record the server accepted from it. ``history verify`` checks that the server's
chain still holds that record with that hash, which catches the newest records being cut off
even by someone who also rewrote the server's own chain head.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from livedetect_gui.core.paths import make_private, open_private, private_dir

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pending (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS anchor (
    store TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Spooled:
    position: int
    record_id: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str


class Spool:
    """Thread-safe; one short transaction per call. Several processes may share the file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        private_dir(self.path.parent)
        if not self.path.exists():
            open_private(self.path, "wb").close()  # 0600 from its first byte
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30,
                                   isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode, as the local history: a committed record survives the desk
        # being killed; a power cut may lose the last moments (FULL would cost an fsync per
        # record, ~5 ms each, on the check's own thread).
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        for suffix in ("-wal", "-shm"):
            make_private(f"{self.path}{suffix}")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def put(self, record_id: str, payload: Mapping[str, Any]) -> None:
        """Keep one record until it is forwarded (a record id already waiting is left as is)."""
        self.put_many([(record_id, payload)])

    def put_many(self, items: Sequence[tuple[str, Mapping[str, Any]]]) -> None:
        """Several records, in order, in one transaction: all kept or none."""
        rows = [(rid, json.dumps(dict(payload), ensure_ascii=False, separators=(",", ":")))
                for rid, payload in items]
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(
                    "INSERT OR IGNORE INTO pending (record_id, payload) VALUES (?, ?)", rows)
                self._db.execute("COMMIT")
            except BaseException:
                # SQLite may have rolled back already (a full disk): the first error counts.
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
                raise

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM pending").fetchone()[0])

    def oldest(self, limit: int = 200) -> list[Spooled]:
        """The next records to forward, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT position, record_id, payload FROM pending ORDER BY position LIMIT ?",
                (int(limit),),
            ).fetchall()
        return [Spooled(pos, rid, json.loads(text)) for pos, rid, text in rows]

    def waiting(self) -> list[Spooled]:
        """Everything still waiting, oldest first (for reads while the server is away)."""
        return self.oldest(limit=-1)

    def forwarded(self, records: list[Spooled], anchor_store: str | None = None,
                  anchor: Anchor | None = None) -> None:
        """The server committed ``records``: drop them, and move this desk's anchor, in one
        local transaction."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany("DELETE FROM pending WHERE position = ?",
                                     [(r.position,) for r in records])
                if anchor_store is not None and anchor is not None:
                    self._db.execute(
                        "INSERT INTO anchor (store, seq, hash) VALUES (?, ?, ?) ON CONFLICT "
                        "(store) DO UPDATE SET seq = excluded.seq, hash = excluded.hash "
                        "WHERE excluded.seq > anchor.seq",
                        (anchor_store, anchor.seq, anchor.hash),
                    )
                self._db.execute("COMMIT")
            except BaseException:
                # SQLite may have rolled back already (a full disk): the first error counts.
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
                raise

    def anchor(self, store: str) -> Anchor | None:
        with self._lock:
            row = self._db.execute("SELECT seq, hash FROM anchor WHERE store = ?",
                                   (store,)).fetchone()
        return Anchor(int(row[0]), str(row[1])) if row else None


class Forwarder:
    """Sends the spool to the shared store on a thread of its own, oldest first, in batches.

    ``send(batch)`` stores the records (idempotently) and returns this desk's new anchor, or
    raises when the store is away; the forwarder then waits (1 s, doubling to 30 s) and tries
    again. While the store answers, a new record is sent at once (``poke``). ``on_pending(n)``
    is told the number of records waiting whenever it changes: the desk's "N records waiting
    to be sent to the shared store".
    """

    def __init__(self, spool: Spool, send: Callable[[list[Spooled]], Anchor | None],
                 store_key: str, on_pending: Callable[[int], None] | None = None,
                 batch: int = 200, max_wait: float = 30.0, linger: float = 0.05) -> None:
        self.spool = spool
        self._send = send
        self._store_key = store_key
        self._on_pending = on_pending
        self._batch = batch
        self._max_wait = max_wait
        self._linger = linger
        self._drain_lock = threading.Lock()  # one sender at a time keeps the order
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_told: int | None = None
        self.last_error: str | None = None

    def start(self) -> Forwarder:
        self._thread = threading.Thread(target=self._run, name="spool-forwarder", daemon=True)
        self._thread.start()
        return self

    def poke(self) -> None:
        """A record was spooled: try now rather than at the end of a back-off."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def drain(self) -> int:
        """Forward everything waiting, now, on the caller's thread; returns how many were sent.
        Raises what ``send`` raises (the rest stays spooled)."""
        sent = 0
        with self._drain_lock:
            while True:
                batch = self.spool.oldest(self._batch)
                if not batch:
                    self._tell()
                    return sent
                anchor = self._send(batch)
                self.spool.forwarded(batch, self._store_key, anchor)
                sent += len(batch)
                self._tell()

    def _tell(self) -> None:
        if self._on_pending is None:
            return
        count = self.spool.count()
        if count != self._last_told:
            self._last_told = count
            self._on_pending(count)

    def _run(self) -> None:
        wait = 1.0
        while not self._stop.is_set():
            try:
                self.drain()
                self.last_error = None
                wait = 1.0
                self._wake.wait()
                # Linger a moment so records that end together go in one transaction: the
                # centre's chain takes one commit per batch, not per record.
                self._stop.wait(self._linger)
            except Exception as exc:  # the store is away: keep everything, try again later
                if self.last_error is None:  # once per outage; the desk's status tells users
                    log.info("records stay spooled: %s", exc)
                self.last_error = str(exc)
                self._tell()
                # New records do not cut the back-off short: a desk busy while the server is
                # down would otherwise knock on it once per record.
                self._stop.wait(wait)
                wait = min(wait * 2, self._max_wait)
            self._wake.clear()
