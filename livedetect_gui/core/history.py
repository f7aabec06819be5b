"""The local audit trail: one SQLite row per check, written as each check ends.

WAL mode so the GUI can read while workers write; ``PRAGMA user_version`` carries the schema
version and ``_MIGRATIONS`` upgrades older files in place. The secret key is never stored: a
row holds only what a CheckResult holds.
"""

from __future__ import annotations

import csv
import getpass
import logging
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from .paths import data_dir, history_path, private_dir
from .result import CheckResult

log = logging.getLogger(__name__)

# Each entry upgrades the schema from version i to i + 1.
_MIGRATIONS: list[str] = [
    """
    CREATE TABLE checks (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        checked_at REAL NOT NULL,
        source TEXT NOT NULL,
        sha256 TEXT,
        score INTEGER,
        threshold REAL NOT NULL,
        verdict TEXT NOT NULL,
        code INTEGER,
        message TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        elapsed_ms INTEGER NOT NULL,
        operator TEXT NOT NULL
    );
    CREATE INDEX checks_time ON checks(checked_at);
    """,
    """
    ALTER TABLE checks ADD COLUMN prepared_width INTEGER;
    ALTER TABLE checks ADD COLUMN prepared_height INTEGER;
    ALTER TABLE checks ADD COLUMN prepared_bytes INTEGER;
    ALTER TABLE checks ADD COLUMN maybe_billed_twice INTEGER NOT NULL DEFAULT 0;
    """,
]
SCHEMA_VERSION = len(_MIGRATIONS)

COLUMNS = (
    "id", "checked_at", "source", "sha256", "score", "threshold", "verdict", "code", "message",
    "endpoint", "attempts", "elapsed_ms", "operator", "prepared_width", "prepared_height",
    "prepared_bytes", "maybe_billed_twice",
)


def default_path() -> Path:
    return history_path()


def current_operator() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some service contexts
        return "unknown"


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    checked_at: float
    source: str
    sha256: str | None
    score: int | None
    threshold: float
    verdict: str
    code: int | None
    message: str
    endpoint: str
    attempts: int
    elapsed_ms: int
    operator: str
    prepared_width: int | None
    prepared_height: int | None
    prepared_bytes: int | None
    maybe_billed_twice: bool

    @property
    def time_text(self) -> str:
        return datetime.fromtimestamp(self.checked_at).astimezone().isoformat(timespec="seconds")


class History:
    """Thread-safe: one connection, one lock; every call is a short transaction."""

    def __init__(self, path: str | Path | None = None, operator: str | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        if self.path.parent == data_dir():
            private_dir(self.path.parent)  # the desk's own folder: 0700 whatever the umask
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.operator = operator or current_operator()
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=10)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._migrate()

    def _migrate(self) -> None:
        with self._lock:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise RuntimeError(
                    f"{self.path} was written by a newer LiveDetect Desk (schema {version}); "
                    "update the desk or choose another history file"
                )
            for step in range(version, SCHEMA_VERSION):
                with self._db:  # each step commits or rolls back whole
                    self._db.executescript(
                        "BEGIN;" + _MIGRATIONS[step] + f"PRAGMA user_version = {step + 1};"
                    )

    @property
    def schema_version(self) -> int:
        with self._lock:
            return self._db.execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def record(self, result: CheckResult) -> int:
        prepared = result.prepared
        row = (
            result.checked_at, result.source, result.sha256, result.score, result.threshold,
            result.verdict.value, result.code, result.message("en"), result.endpoint,
            result.attempts, result.elapsed_ms, self.operator,
            prepared.width if prepared else None, prepared.height if prepared else None,
            prepared.bytes if prepared else None, int(result.maybe_billed_twice),
        )
        with self._lock, self._db:
            cursor = self._db.execute(
                f"INSERT INTO checks ({', '.join(COLUMNS[1:])}) "
                f"VALUES ({', '.join('?' * (len(COLUMNS) - 1))})",
                row,
            )
            return int(cursor.lastrowid or 0)

    def record_safely(self, result: CheckResult) -> bool:
        """Record, but a full disk or a locked file costs the row, never the check."""
        try:
            self.record(result)
        except Exception:
            log.exception("could not write history for %s", result.source)
            return False
        return True

    def entries(
        self,
        since: float | None = None,
        until: float | None = None,
        verdicts: Iterable[str] | None = None,
        text: str | None = None,
        limit: int | None = None,
    ) -> list[HistoryEntry]:
        """Newest first, filtered by time range, verdicts and a source substring."""
        clauses, params = _filters(since, until, verdicts, text)
        sql = f"SELECT {', '.join(COLUMNS)} FROM checks"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY checked_at DESC, id DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self._lock:
            rows = self._db.execute(sql, params).fetchall()
        return [_entry(row) for row in rows]

    def purge_older_than(self, days: float) -> int:
        """Retention: drop rows older than ``days``; returns how many went."""
        cutoff = time.time() - days * 86400
        with self._lock, self._db:
            return self._db.execute("DELETE FROM checks WHERE checked_at < ?", (cutoff,)).rowcount

    def export_csv(self, out: IO[str], entries: Iterable[HistoryEntry] | None = None) -> int:
        rows = self.entries() if entries is None else entries
        writer = csv.writer(out)
        writer.writerow(["time", *COLUMNS[2:]])
        count = 0
        for entry in rows:
            values = [getattr(entry, c) for c in COLUMNS[2:]]
            writer.writerow([entry.time_text, *(_csv_safe(v) for v in values)])
            count += 1
        return count

    def __iter__(self) -> Iterator[HistoryEntry]:
        return iter(self.entries())


def _filters(
    since: float | None, until: float | None, verdicts: Iterable[str] | None, text: str | None
) -> tuple[list[str], list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    if since is not None:
        clauses.append("checked_at >= ?")
        params.append(since)
    if until is not None:
        clauses.append("checked_at < ?")
        params.append(until)
    if verdicts is not None:
        wanted = list(verdicts)
        clauses.append(f"verdict IN ({', '.join('?' * len(wanted))})" if wanted else "0")
        params += wanted
    if text:
        clauses.append("source LIKE ? ESCAPE '\\'")
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params.append(f"%{escaped}%")
    return clauses, params


def _entry(row: tuple) -> HistoryEntry:
    values = dict(zip(COLUMNS, row, strict=True))
    values["maybe_billed_twice"] = bool(values["maybe_billed_twice"])
    return HistoryEntry(**values)


def _csv_safe(value: object) -> object:
    # A source name starting with = + - @ would run as a formula when the CSV opens in Excel.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    if isinstance(value, bool):
        return int(value)
    return "" if value is None else value

