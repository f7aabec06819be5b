"""Where the audit trail lives: the store interface and the SQL both databases share. The
SQLite store (the embedded default) is ``sqlite_store.py``, PostgreSQL's ``postgres_store.py``.

Every query here is plain SQL that SQLite and PostgreSQL both accept (``?`` placeholders are
rewritten by a store whose driver wants ``%s``). Records are keyed by an id made at the desk
(``Record.id``, a uuid) so an insert can be repeated safely; the chain position ``seq`` is
given under the store's write lock, which serialises appends: one chain for the whole store.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from livedetect_gui.core.trail.chain import (
    FIELDS,
    Anchor,
    ChainState,
    Record,
    verify_chain,
)
from livedetect_gui.core.trail.decidable import held, undecided, voided

# What ``Query.state`` may ask for: the worklist's own rule (core/trail/decidable.py).
STATES = {"undecided": undecided, "held": held}

# Schema of the records table: types both SQLite and PostgreSQL accept (DOUBLE PRECISION, not
# REAL, which is 4 bytes in PostgreSQL; booleans as 0/1 integers). ``code`` is TEXT: the
# legacy API answers numbers, API 3.0 names ("AuthFailure.SignatureFailure"); see from_row.
RECORDS_DDL = """
CREATE TABLE records (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    at DOUBLE PRECISION NOT NULL,
    operator TEXT NOT NULL,
    os_user TEXT NOT NULL,
    desk TEXT NOT NULL,
    source TEXT NOT NULL,
    sha256 TEXT,
    source_sha256 TEXT,
    score DOUBLE PRECISION,
    threshold DOUBLE PRECISION,
    verdict TEXT NOT NULL,
    code TEXT,
    problem_key TEXT,
    detail TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    api TEXT NOT NULL,
    request_id TEXT,
    simulated INTEGER NOT NULL,
    reused_from DOUBLE PRECISION,
    attempts INTEGER NOT NULL,
    elapsed_ms INTEGER NOT NULL,
    prepared_width INTEGER,
    prepared_height INTEGER,
    prepared_bytes INTEGER,
    maybe_billed_twice INTEGER NOT NULL,
    check_id TEXT,
    decision TEXT,
    reason TEXT,
    note TEXT NOT NULL,
    reference TEXT NOT NULL,
    override INTEGER NOT NULL,
    cut_seq INTEGER,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX records_at ON records(at);
CREATE INDEX records_check ON records(check_id);
CREATE INDEX records_sha ON records(sha256);
CREATE INDEX records_source_sha ON records(source_sha256);
"""

SCHEMA_VERSION = 3
SELECT_RECORDS = f"SELECT {', '.join(FIELDS)} FROM records"

# Columns the history can be sorted by (a whitelist: the name goes into the SQL text).
SORTABLE = ("at", "source", "score", "threshold", "verdict", "operator", "simulated", "kind",
            "api", "seq")


class HistoryError(Exception):
    """The history cannot be used; ``key`` names the problem for a translated message."""

    def __init__(self, key: str, path: str, detail: str = "") -> None:
        super().__init__(HISTORY_PROBLEMS.get(key, (key,))[0].format(path=path, detail=detail))
        self.key = key
        self.path = path
        self.detail = detail

    def message(self, lang: str = "en") -> str:
        texts = HISTORY_PROBLEMS.get(self.key, (self.key, self.key))
        return texts[1 if lang.startswith("zh") else 0].format(path=self.path, detail=self.detail)


HISTORY_PROBLEMS: dict[str, tuple[str, str]] = {
    "damaged": ("The history database {path} is damaged or is not a LiveDetect history "
                "({detail}). Move it aside; the desk then starts a new one.",
                "历史数据库 {path} 已损坏或不是 LiveDetect 历史记录（{detail}）。请将其移走，"
                "程序会新建一个。"),
    "newer": ("{path} was written by a newer LiveDetect Desk (schema {detail}); update the desk "
              "or choose another history file.",
              "{path} 由更新版本的 LiveDetect Desk 写入（结构版本 {detail}）；请升级程序或选择其他"
              "历史文件。"),
    "busy": ("The history database {path} stayed locked by another program ({detail}).",
             "历史数据库 {path} 一直被其他程序锁定（{detail}）。"),
    "read_only": ("The history {path} is read-only here: it can be read, not written.",
                  "历史记录 {path} 在此处只读：可以查看，不能写入。"),
    "unwritable": ("The history database {path} cannot be written ({detail}).",
                   "无法写入历史数据库 {path}（{detail}）。"),
    "unavailable": ("The shared history {path} cannot be used now: {detail}",
                    "共享历史记录 {path} 暂时无法使用：{detail}"),
    "unreadable": ("The history database {path} cannot be opened ({detail}).",
                   "无法打开历史数据库 {path}（{detail}）。"),
    "spool_unwritable": ("This desk's spool {path} cannot be written and the shared history "
                         "did not take the records either ({detail}). Free space on that "
                         "disk; the check results are still shown.",
                         "本机暂存区 {path} 无法写入，共享历史记录也未能接收这些记录（{detail}）。"
                         "请释放该磁盘空间；检测结果仍会显示。"),
}


def disk_problem(exc: BaseException) -> str:
    """SQLite's "disk I/O error" said for what it usually is."""
    text = str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        text = exc.strerror
    lowered = text.lower()
    if "disk i/o error" in lowered or "disk is full" in lowered or "no space" in lowered:
        return "the disk is full or failing"
    return text


@dataclass(frozen=True)
class Query:
    """Which records, in which order. Every field becomes a SQL clause, never a Python filter."""

    since: float | None = None
    until: float | None = None
    verdicts: Sequence[str] | None = None
    text: str | None = None  # a substring of the source (or reference), taken literally
    simulated: bool | None = None  # None: both
    operators: Sequence[str] | None = None
    kinds: Sequence[str] | None = None
    state: str | None = None  # "undecided" or "held" (STATES)
    sort: str = "seq"
    descending: bool = True

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if self.since is not None:
            clauses.append("at >= ?")
            params.append(self.since)
        if self.until is not None:
            clauses.append("at < ?")
            params.append(self.until)
        for column, values in (("verdict", self.verdicts), ("operator", self.operators),
                               ("kind", self.kinds)):
            if values is not None:
                wanted = list(values)
                clauses.append(f"{column} IN ({', '.join('?' * len(wanted))})" if wanted
                               else "1 = 0")
                params += wanted
        if self.simulated is not None:
            clauses.append("simulated = ?")
            params.append(int(self.simulated))
        if self.state is not None:
            if self.state not in STATES:
                raise ValueError(f"no such state {self.state!r}")
            clauses.append(STATES[self.state]("records"))
        if self.text:
            escaped = self.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            clauses.append("(source LIKE ? ESCAPE '\\' OR reference LIKE ? ESCAPE '\\')")
            params += [f"%{escaped}%"] * 2
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def order(self) -> str:
        if self.sort not in SORTABLE:
            raise ValueError(f"cannot sort by {self.sort!r}")
        direction = "DESC" if self.descending else "ASC"
        # seq breaks ties, so paging is stable however the rows are sorted.
        tail = "" if self.sort == "seq" else f", seq {direction}"
        return f" ORDER BY {self.sort} {direction}{tail}"


class TrailStore(ABC):
    """What the history needs from a database. Appends are serialised by the store."""

    location: str
    read_only: bool
    # A store many desks share (PostgreSQL): retention is the centre's, not a desk's.
    shared: bool = False
    # Records written here and not yet in the store (a shared store's spool).
    pending: int = 0

    def verify(self, start: int) -> ChainState:
        """Walk the chain from ``start`` against the anchor. A store that can read the anchor
        and the records in one snapshot overrides this."""
        return verify_chain(self.stream(Query(sort="seq", descending=False)), self.anchor(),
                            start)

    def select_rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Rows of a read-only query in the shared SQL (``?`` placeholders): the trail
        modules' own queries (worklist, cases, events) run alike on every store."""
        raise NotImplementedError

    @abstractmethod
    def append(self, records: Sequence[Record]) -> list[Record]:
        """Chain and insert these records in order, atomically; returns them as stored.
        A record whose id is already stored is skipped (idempotent forwarding)."""

    @abstractmethod
    def page(self, query: Query, offset: int, limit: int) -> list[Record]: ...

    @abstractmethod
    def count(self, query: Query) -> int: ...

    @abstractmethod
    def stream(self, query: Query, chunk: int = 2000) -> Iterator[Record]:
        """Every matching record, fetched in chunks on a connection of its own (a long export
        neither holds the store's lock nor all rows in memory)."""

    @abstractmethod
    def get(self, record_id: str) -> Record | None: ...

    @abstractmethod
    def operators(self, query: Query) -> list[str]:
        """The operator names (non-empty) of the matching records, sorted."""

    @abstractmethod
    def latest_decisions(self, check_ids: Sequence[str]) -> dict[str, Record]: ...

    @abstractmethod
    def find_judged(self, digests: Sequence[str], since: float, *, api: str | None = None,
                    simulated: bool | None = None) -> Record | None:
        """The newest judged check of one of ``digests`` since ``since``; ``api`` and
        ``simulated``, when given, keep only checks of that generation and kind."""

    @abstractmethod
    def anchor(self) -> Anchor | None: ...

    def reanchor(self, record: Record) -> Record:
        """Append ``record`` (an operator's re-anchoring) and anchor the chain afresh."""
        raise HistoryError("unwritable", self.location,
                           "this history's anchor is kept by its server, not by a desk")

    @abstractmethod
    def chain_start(self) -> int:
        """The seq the chain starts at: 1, or the newest retention cut's ``cut_seq``."""

    @abstractmethod
    def delete_below(self, seq: int) -> int:
        """Retention: delete records with a lower seq (the caller appends a cut record)."""

    @abstractmethod
    def close(self) -> None: ...


def judged_sql(count: int, api: str | None = None, simulated: bool | None = None
               ) -> tuple[str, list[Any]]:
    """The newest judged check of a photo: PASS/FAIL only, never a reuse of a reuse; only of
    one service generation and kind when asked (a legacy score means nothing at API 3.0's
    threshold, a simulated one nothing for a live check). Returns the SQL and the parameters
    that follow ``since``; the digests (twice) come after them."""
    marks = ", ".join("?" * count)
    extra, params = "", []
    if api is not None:
        extra += "AND api = ? "
        params.append(api)
    if simulated is not None:
        extra += "AND simulated = ? "
        params.append(int(simulated))
    return (f"{SELECT_RECORDS} WHERE kind = 'check' AND verdict IN ('pass', 'fail') "
            f"AND reused_from IS NULL AND at >= ? {extra}"
            f"AND (sha256 IN ({marks}) OR source_sha256 IN ({marks})) "
            f"ORDER BY at DESC, seq DESC LIMIT 1"), params


def decisions_sql(count: int) -> str:
    """The decisions on ``count`` checks that still count (not withdrawn, not refused by a
    second operator: core/trail/review.py), oldest first (so a later one wins)."""
    return (f"{SELECT_RECORDS} WHERE kind = 'decision' AND check_id IN "
            f"({', '.join('?' * count)}) AND NOT EXISTS ({voided('records')}) ORDER BY seq")


# Check ids asked about in one query: within every driver's limit on parameters.
DECISIONS_PER_QUERY = 500


def insert_sql() -> str:
    return f"INSERT INTO records ({', '.join(FIELDS)}) VALUES ({', '.join('?' * len(FIELDS))})"
