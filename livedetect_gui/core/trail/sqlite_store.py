"""The SQLite trail store, the embedded default: one file per desk, its chain head anchored in
a file beside it. The interface and the SQL it shares with PostgreSQL are in ``store.py``.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from livedetect_gui.core.paths import atomic_private, data_dir, make_private, private_dir
from livedetect_gui.core.trail.chain import (
    GENESIS,
    UNREADABLE_ANCHOR,
    Anchor,
    Kind,
    Record,
    chained,
    from_row,
    row_tuple,
)
from livedetect_gui.core.trail.store import (
    DECISIONS_PER_QUERY,
    RECORDS_DDL,
    SCHEMA_VERSION,
    SELECT_RECORDS,
    HistoryError,
    Query,
    TrailStore,
    decisions_sql,
    insert_sql,
    judged_sql,
)
from livedetect_gui.core.user_files import read_regular


class FileAnchor:
    """The chain head (seq and hash) in a small JSON file beside the database,
    ``<database>.anchor``, written while the database's write lock is held.

    A separate file because deleting the newest rows with a database tool leaves the rest of
    the chain intact: only a copy of the head kept elsewhere shows that something is missing.

    What it protects against: rows deleted, inserted or edited with a database tool by
    someone who leaves the anchor alone. What it does not: the chain is an unkeyed SHA-256
    chain, so someone who can rewrite both the database and this file can rebuild a
    consistent pair; nor can it tell the newest transaction lost in a crash from that same
    transaction deleted on purpose (see below).

    Crash safety: the anchor is written (fsynced, renamed) before COMMIT, under the write
    lock, so anchors follow commits in order. It is written *pending*, naming the head before
    the transaction too, and confirmed after the commit (under the write lock again, only if
    no other writer came in between). A kill between the anchor and the commit leaves the
    records at that earlier head with a pending anchor, which verification accepts; with a
    confirmed anchor, a shorter trail is reported. The database runs with
    ``synchronous=FULL`` so that a commit that returned survives a power cut too (WAL with
    NORMAL may lose several, which would leave the anchor ahead and the trail reported
    altered for ever).
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> Anchor | None:
        try:
            data = json.loads(read_regular(self.path, 64 * 1024).decode("utf-8"))
            before = data.get("prev_seq")
            lost = data.get("lost_at")
            anchor = Anchor(int(data["seq"]), str(data["hash"]), bool(data.get("pending")),
                            None if before is None else int(before),
                            None if before is None else str(data["prev_hash"]),
                            None if lost is None else int(lost), str(data.get("lost_how", "")))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return UNREADABLE_ANCHOR
        return anchor if anchor.seq >= 0 else UNREADABLE_ANCHOR

    def write(self, anchor: Anchor) -> None:
        with atomic_private(self.path, "w", encoding="utf-8") as out:
            data: dict[str, object] = {"seq": anchor.seq, "hash": anchor.hash}
            if anchor.pending:
                data |= {"pending": True, "prev_seq": anchor.prev_seq,
                         "prev_hash": anchor.prev_hash}
            if anchor.lost_at is not None:
                data |= {"lost_at": anchor.lost_at, "lost_how": anchor.lost_how}
            json.dump(data, out)


def lost_marker(before: Anchor | None, head_seq: int) -> tuple[int | None, str]:
    """What the next anchor must keep saying about a lost one: an earlier loss carried on,
    or a loss found now (records exist but the anchor is missing or unreadable)."""
    if before is not None and not before.unreadable:
        return before.lost_at, before.lost_how
    if head_seq > 0:
        return head_seq, "unreadable" if before is not None else "missing"
    return None, ""


def _is_busy(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def _is_damaged(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.DatabaseError) and not isinstance(
        exc, sqlite3.OperationalError | sqlite3.IntegrityError | sqlite3.ProgrammingError)


class SQLiteStore(TrailStore):
    """One SQLite file per desk, WAL mode so the desk reads while workers write.

    Many processes may write at once (several ``livedetect check`` runs): every write takes
    SQLite's write lock first (``BEGIN IMMEDIATE``), then reads the head, so the chain stays
    one line and schema creation cannot race. A busy database is waited for, then retried,
    for up to ``busy_seconds``.
    """

    def __init__(self, path: str | Path, busy_seconds: float = 60.0,
                 read_only: bool | None = None) -> None:
        self.path = Path(path)
        self.location = str(self.path)
        self.busy_seconds = busy_seconds
        self._lock = threading.RLock()
        self.anchor_file = FileAnchor(self.path.with_name(self.path.name + ".anchor"))
        if read_only is None:
            read_only = self.path.exists() and not _writable(self.path)
        self.read_only = read_only
        try:
            self._db = self._connect()
            if not read_only:
                self._retry(self._prepare)
            else:
                self._check_readable()
        except sqlite3.DatabaseError as exc:
            with contextlib.suppress(Exception):
                self._db.close()
            raise self._error(exc) from None

    # -- connections -----------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self.read_only:
            # A read-only folder cannot hold WAL's -shm file; "immutable" reads without it.
            uri = self.path.resolve().as_uri() + "?mode=ro"
            if not os.access(self.path.parent, os.W_OK):
                uri += "&immutable=1"
            db = sqlite3.connect(uri, uri=True, check_same_thread=False,
                                 isolation_level=None, timeout=5)
        else:
            if self.path.parent == data_dir():
                private_dir(self.path.parent)  # the desk's own folder: 0700 whatever the umask
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)  # the user's folder: as is
            if not self.path.exists():
                # Created 0600 before SQLite opens it, whatever the umask.
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
            db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None,
                                 timeout=5)
        db.row_factory = sqlite3.Row
        return db

    def _make_private(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            make_private(f"{self.path}{suffix}")

    def _error(self, exc: BaseException) -> HistoryError:
        if _is_busy(exc):
            return HistoryError("busy", self.location, str(exc))
        if _is_damaged(exc):
            return HistoryError("damaged", self.location, str(exc))
        if self.read_only:
            return HistoryError("unreadable", self.location, str(exc))
        return HistoryError("unwritable", self.location, str(exc))

    def _retry(self, action: Callable[[], Any]) -> Any:
        """Run a write; a locked database is retried with jittered waits until the deadline."""
        deadline = time.monotonic() + self.busy_seconds
        wait = 0.02
        while True:
            try:
                with self._lock:
                    return action()
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or time.monotonic() > deadline:
                    raise
            time.sleep(wait * (0.5 + random.random()))
            wait = min(wait * 2, 0.5)

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        db = self._db
        db.execute("BEGIN IMMEDIATE")  # the write lock before anything is read
        try:
            yield db
            db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise

    def _prepare(self) -> None:
        db = self._db
        if (db.execute("PRAGMA journal_mode").fetchone()[0] != "wal"
                and db.execute("PRAGMA journal_mode=WAL").fetchone()[0] != "wal"):
            raise sqlite3.OperationalError("database is locked (journal mode)")
        db.execute("PRAGMA synchronous=FULL")  # a returned commit survives a power cut
        if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            with self._write():
                # Read again under the write lock: another process may have just migrated.
                version = db.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise HistoryError("newer", self.location, str(version))
                if version < SCHEMA_VERSION:
                    _migrate(db, version)
                    head = db.execute("SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1"
                                      ).fetchone()
                    if head is not None:  # rows carried over from an old file start the chain
                        self.anchor_file.write(Anchor(head[0], head[1]))
        self._make_private()

    def _check_readable(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise HistoryError("newer", self.location, str(version))
        if version < SCHEMA_VERSION:
            # An old file in a read-only place cannot be upgraded: nothing to show yet.
            raise HistoryError("read_only", self.location)

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        try:
            with self._lock:
                return self._db.execute(sql, list(params)).fetchall()
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from None

    # -- the interface -----------------------------------------------------------------------

    def append(self, records: Sequence[Record]) -> list[Record]:
        return self._append(records, reanchor=False)

    def reanchor(self, record: Record) -> Record:
        """An operator's explicit re-anchoring: ``record`` says so in the trail, and the anchor
        written with it no longer carries the marker of a lost one."""
        return self._append([record], reanchor=True)[0]

    def _append(self, records: Sequence[Record], reanchor: bool) -> list[Record]:
        if self.read_only:
            raise HistoryError("read_only", self.location)

        def write() -> list[Record]:
            db = self._db
            db.execute("BEGIN IMMEDIATE")  # the write lock before the head is read
            try:
                head = db.execute("SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1"
                                  ).fetchone()
                seq, prev = (head[0], head[1]) if head else (0, GENESIS)
                head_seq, head_hash = seq, prev
                stored: list[Record] = []
                for record in records:
                    if db.execute("SELECT 1 FROM records WHERE id = ?", (record.id,)).fetchone():
                        continue
                    seq += 1
                    linked = chained(record, seq, prev)
                    db.execute(insert_sql(), row_tuple(linked))
                    prev = linked.hash
                    stored.append(linked)
                before = self.anchor_file.read()
                # A lost anchor is not silently replaced: the new one keeps saying it was lost.
                lost_at, lost_how = (None, "") if reanchor else lost_marker(before, head_seq)
                if stored:
                    # Written under the write lock, so anchors follow commits in order.
                    self.anchor_file.write(Anchor(seq, prev, True, head_seq, head_hash,
                                                  lost_at, lost_how))
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
                raise
            try:
                db.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
                if stored and before is not None and not before.unreadable:
                    self.anchor_file.write(before)  # the rows it named never landed
                raise
            if stored:
                self._confirm_anchor(Anchor(seq, prev, lost_at=lost_at, lost_how=lost_how))
            return stored

        try:
            stored = self._retry(write)
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from None
        except OSError as exc:  # the anchor could not be written: the rows were rolled back
            raise HistoryError("unwritable", self.location, exc.strerror or str(exc)) from None
        self._make_private()
        return stored

    def _confirm_anchor(self, anchor: Anchor) -> None:
        """After a commit: the pending anchor becomes confirmed, under the write lock and
        only while the head is still ours. Best effort: left pending, it is still right."""
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return  # another writer: its own anchor replaces ours anyway
        try:
            head = db.execute("SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1"
                              ).fetchone()
            if head is not None and (head[0], head[1]) == (anchor.seq, anchor.hash):
                self.anchor_file.write(anchor)
        except OSError:
            pass  # the pending anchor stays, and stays correct
        finally:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")

    def page(self, query: Query, offset: int, limit: int) -> list[Record]:
        where, params = query.where()
        sql = f"{SELECT_RECORDS}{where}{query.order()} LIMIT {int(limit)} OFFSET {int(offset)}"
        return [from_row(row) for row in self._read(sql, params)]

    def count(self, query: Query) -> int:
        where, params = query.where()
        return int(self._read(f"SELECT COUNT(*) FROM records{where}", params)[0][0])

    def stream(self, query: Query, chunk: int = 2000) -> Iterator[Record]:
        where, params = query.where()
        uri = self.path.resolve().as_uri() + "?mode=ro"
        if self.read_only and not os.access(self.path.parent, os.W_OK):
            uri += "&immutable=1"
        try:
            db = sqlite3.connect(uri, uri=True, timeout=30)
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from None
        db.row_factory = sqlite3.Row
        try:
            cursor = db.execute(f"{SELECT_RECORDS}{where}{query.order()}", params)
            while rows := cursor.fetchmany(chunk):
                for row in rows:
                    yield from_row(row)
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from None
        finally:
            db.close()

    def select_rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return [dict(zip(row.keys(), tuple(row), strict=True)) for row in self._read(sql, params)]

    def get(self, record_id: str) -> Record | None:
        rows = self._read(f"{SELECT_RECORDS} WHERE id = ?", [record_id])
        return from_row(rows[0]) if rows else None

    def operators(self, query: Query) -> list[str]:
        where, params = query.where()
        sql = f"SELECT DISTINCT operator FROM records{where} ORDER BY operator"
        return [row[0] for row in self._read(sql, params) if row[0]]

    def latest_decisions(self, check_ids: Sequence[str]) -> dict[str, Record]:
        found: dict[str, Record] = {}
        ids = list(check_ids)
        for start in range(0, len(ids), DECISIONS_PER_QUERY):
            part = ids[start:start + DECISIONS_PER_QUERY]
            for row in self._read(decisions_sql(len(part)), part):
                found[row["check_id"]] = from_row(row)  # later rows win: the newest decision
        return found

    def find_judged(self, digests: Sequence[str], since: float, *, api: str | None = None,
                    simulated: bool | None = None) -> Record | None:
        wanted = [d for d in digests if d]
        if not wanted:
            return None
        sql, params = judged_sql(len(wanted), api, simulated)
        rows = self._read(sql, [since, *params, *wanted, *wanted])
        return from_row(rows[0]) if rows else None

    def anchor(self) -> Anchor | None:
        return self.anchor_file.read()

    def chain_start(self) -> int:
        rows = self._read("SELECT cut_seq FROM records WHERE kind = ? ORDER BY seq DESC LIMIT 1",
                          [Kind.CUT.value])
        return int(rows[0][0]) if rows else 1

    def delete_below(self, seq: int) -> int:
        if self.read_only:
            raise HistoryError("read_only", self.location)

        def delete() -> int:
            with self._write() as db:
                return db.execute("DELETE FROM records WHERE seq < ?", (seq,)).rowcount

        try:
            return int(self._retry(delete))
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from None

    def schema_version(self) -> int:
        return int(self._read("PRAGMA user_version")[0][0])

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


# -- migrations ------------------------------------------------------------------------------
# Versions 1 and 2 were a plain ``checks`` table (no chain). Version 3 is the chained trail;
# an old file's rows are carried over, in their order, as the first links of the chain.

_V1 = """
CREATE TABLE checks (
    id INTEGER PRIMARY KEY AUTOINCREMENT, checked_at REAL NOT NULL, source TEXT NOT NULL,
    sha256 TEXT, score INTEGER, threshold REAL NOT NULL, verdict TEXT NOT NULL, code INTEGER,
    message TEXT NOT NULL, endpoint TEXT NOT NULL, attempts INTEGER NOT NULL,
    elapsed_ms INTEGER NOT NULL, operator TEXT NOT NULL
)"""
_V2 = (
    "ALTER TABLE checks ADD COLUMN prepared_width INTEGER",
    "ALTER TABLE checks ADD COLUMN prepared_height INTEGER",
    "ALTER TABLE checks ADD COLUMN prepared_bytes INTEGER",
    "ALTER TABLE checks ADD COLUMN maybe_billed_twice INTEGER NOT NULL DEFAULT 0",
)


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def _migrate(db: sqlite3.Connection, version: int) -> None:
    """Inside the caller's write transaction: all steps land together or none does."""
    if version < 1:
        db.execute(_V1)
    if version < 2:
        for statement in _V2:
            db.execute(statement)
    if version < 3:
        for statement in _statements(RECORDS_DDL):
            db.execute(statement)
        _carry_over(db)
        db.execute("DROP TABLE checks")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _carry_over(db: sqlite3.Connection) -> None:
    import uuid

    prev = GENESIS
    rows = db.execute("SELECT * FROM checks ORDER BY id").fetchall()
    for seq, row in enumerate(rows, start=1):
        old = dict(zip(row.keys(), tuple(row), strict=True))
        record = Record(
            id=uuid.uuid5(uuid.NAMESPACE_OID, f"livedetect-v2-{old['id']}").hex,
            kind=Kind.CHECK.value, at=float(old["checked_at"]), operator="",
            os_user=old["operator"], desk="", source=old["source"], sha256=old["sha256"],
            score=None if old["score"] is None else float(old["score"]),
            threshold=float(old["threshold"]), verdict=old["verdict"], code=old["code"],
            # The old English message, kept as the detail: no key was recorded then.
            detail="" if old["verdict"] != "error" else old["message"],
            endpoint=old["endpoint"], api="legacy", attempts=old["attempts"],
            elapsed_ms=old["elapsed_ms"], prepared_width=old["prepared_width"],
            prepared_height=old["prepared_height"], prepared_bytes=old["prepared_bytes"],
            maybe_billed_twice=bool(old["maybe_billed_twice"]),
        )
        linked = chained(record, seq, prev)
        db.execute(insert_sql(), row_tuple(linked))
        prev = linked.hash
