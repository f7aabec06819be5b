"""The audit trail as the rest of the desk uses it: record checks and decisions, page, export,
verify, find an earlier judgement of the same photo.

``History`` is the policy (who the operator is, what a valid decision is, what is exported,
what happens when the database cannot take a row); a ``TrailStore`` (``store.py``) is where
the records live. The secret key is never stored: a record holds only what a CheckResult
and a decision hold. Rows keep message keys and parameters, never English text, so the desk
shows old rows in the operator's current language.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import getpass
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO

from livedetect_gui.core.names import operator_name, visible
from livedetect_gui.core.paths import atomic_private, history_path
from livedetect_gui.core.result import CheckResult
from livedetect_gui.core.trail.chain import (
    FIELDS,
    ChainState,
    Decision,
    DecisionError,
    Kind,
    Record,
    check_record,
    new_id,
    row_values,
    storable,
)
from livedetect_gui.core.trail.csv_cells import safe_cell
from livedetect_gui.core.trail.decision_rules import decision_record
from livedetect_gui.core.trail.kept_photos import KeptPhotos
from livedetect_gui.core.trail.location import HistoryUrl
from livedetect_gui.core.trail.reasons import DEFAULT_REASONS, Reason
from livedetect_gui.core.trail.spool_file import (
    SpoolKeys,
    count_lines,
    put_back,
    read_spool,
    refused_count,
    refused_path,
    set_refused_aside,
    spool,
)
from livedetect_gui.core.trail.sqlite_store import SQLiteStore
from livedetect_gui.core.trail.store import (
    SCHEMA_VERSION,
    HistoryError,
    Query,
    TrailStore,
)

__all__ = ["SCHEMA_VERSION", "History", "HistoryError", "Query", "Recorder", "default_path",
           "open_history"]

log = logging.getLogger(__name__)

ENV_OPERATOR = "LIVEDETECT_OPERATOR"
# Chain states an operator may answer by re-anchoring: the anchor itself, nothing else.
REANCHORABLE = ("anchor_lost", "anchor_unreadable", "no_anchor")


def default_path() -> Path:
    return history_path()


def os_user() -> str:
    try:
        return visible(getpass.getuser())
    except Exception:  # no login name in some service contexts
        return "unknown"


def current_operator() -> str:
    """The operator's name/ID as identified at the start of a shift; the desk passes its own.
    The CLI takes it from $LIVEDETECT_OPERATOR. Empty when nobody identified."""
    return operator_name(os.environ.get(ENV_OPERATOR, ""))


class History:
    """Thread-safe (the store serialises writes); one per process and database."""

    def __init__(self, path: str | Path | None = None, operator: str | None = None, *,
                 store: TrailStore | None = None, read_only: bool | None = None,
                 busy_seconds: float = 60.0, spool_keys: SpoolKeys | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.spool_keys = spool_keys or SpoolKeys()
        self.store = store or SQLiteStore(self.path, busy_seconds=busy_seconds,
                                          read_only=read_only)
        self.operator = current_operator() if operator is None else operator_name(operator)
        self.os_user = os_user()
        self.desk = visible(socket.gethostname())
        self.spool_path = self.path.with_name(self.path.name + ".spool")
        self._spool_lock = threading.Lock()
        if not self.store.read_only:
            self.flush_spool()

    @property
    def read_only(self) -> bool:
        return self.store.read_only

    @property
    def schema_version(self) -> int:
        return SCHEMA_VERSION

    def close(self) -> None:
        self.store.close()

    # -- writing ---------------------------------------------------------------------------

    def check_record(self, result: CheckResult, record_id: str | None = None,
                     reference: str = "") -> Record:
        return check_record(result, self.operator, self.os_user, self.desk, record_id,
                            reference)

    def record(self, result: CheckResult, reference: str = "") -> str:
        """Append a check; returns its record id (what a decision refers to)."""
        record = self.check_record(result, reference=reference)
        self.store.append([record])
        return record.id

    def record_safely(self, result: CheckResult, reference: str = "") -> str | None:
        """Record, or keep the record in the spool when the database cannot take it now
        (full disk, a lock held too long): the check is never lost with its row. Returns the
        record id, or None when it could be neither recorded nor spooled."""
        return self.append_safely([self.check_record(result, reference=reference)])

    def trail(self) -> History:
        """The history a recording rule may look things up in (core/checks/recording.py)."""
        return self

    def append_safely(self, records: Sequence[Record]) -> str | None:
        """Append these records together, else spool them; the first one's id, or None when
        they could be neither stored nor spooled."""
        try:
            self.store.append(records)
            return records[0].id
        except HistoryError as exc:
            log.warning("history: %s", exc)
        kept = all([spool(self.spool_path, record, self.spool_keys, self.path)
                    for record in records])
        return records[0].id if kept else None

    def decide(self, check_id: str, decision: Decision | str, reason: str | None = None,
               note: str = "", reference: str = "",
               reasons: Sequence[Reason] = DEFAULT_REASONS) -> Record:
        """The operator's decision on a check, as a new record (changing one's mind adds
        another). A decision against the machine's verdict needs a reason from ``reasons``."""
        check = self.store.get(check_id)
        if check is None:
            raise DecisionError("unknown_check", check_id)
        record = storable(decision_record(self, check, Decision(decision), reason, note,
                                          reference, reasons))
        return self.store.append([record])[0]

    def flush_spool(self) -> int:
        """Write spooled records to the store, in order, once each (ids make it idempotent)."""
        with self._spool_lock:
            if not self.spool_path.exists():
                return 0
            # Renamed first: a process spooling meanwhile starts a new file, not this one.
            draining = self.spool_path.with_name(f"{self.spool_path.name}.{os.getpid()}")
            try:
                os.replace(self.spool_path, draining)
            except OSError:
                return 0
            found = read_spool(draining, self.spool_keys, self.path)
            try:
                stored = self.store.append(found.records)
            except HistoryError as exc:
                log.warning("history: spool kept: %s", exc)
                with contextlib.suppress(OSError):
                    os.replace(draining, self.spool_path)
                return 0
            try:
                if found.refused:  # never chained: kept as evidence, reported by verify
                    set_refused_aside(self.spool_path, found.refused)
                if found.later:
                    put_back(self.spool_path, found.later)
            except OSError as exc:
                log.error("history: spool lines kept in %s: %s", draining, exc)
                return len(stored)
            draining.unlink(missing_ok=True)
            return len(stored)

    def spooled(self) -> int:
        return count_lines(self.spool_path)

    def reanchor(self) -> Record | None:
        """An operator's explicit answer to a lost anchor (``history verify --reanchor``): a
        trail record says it was lost and re-made, and the anchor no longer reports it. Only
        for a lost anchor: any other alteration stays reported (None is returned)."""
        state = self.verify()
        if state.problem not in REANCHORABLE:
            return None
        how = state.detail if state.problem == "anchor_lost" else state.problem
        note = f"anchor re-made by the operator after it was found {how}"
        if state.bad_seq:
            note += f" (at record #{state.bad_seq})"
        record = storable(Record(id=new_id(), kind=Kind.REANCHOR.value, at=time.time(),
                                 operator=self.operator, os_user=self.os_user, desk=self.desk,
                                 note=note))
        return self.store.reanchor(record)

    def purge_older_than(self, days: float) -> int:
        """Retention: delete records older than ``days`` and append a cut record saying from
        which record the chain now starts (so ``verify`` knows the gap is on purpose)."""
        if self.store.shared:
            return 0  # a centre's trail: retention is set on the server, not by one desk
        cutoff = time.time() - days * 86400
        # The newest record first: one appended meanwhile (the desk records while this runs
        # on a worker) is then either the first kept or above keep_from, never deleted.
        newest = self.store.page(Query(sort="seq"), 0, 1)
        if not newest:
            return 0
        first = self.store.page(Query(since=cutoff, sort="seq", descending=False), 0, 1)
        keep_from = first[0].seq if first else newest[0].seq + 1
        if keep_from <= self.store.chain_start():
            return 0
        cut = Record(id=new_id(), kind=Kind.CUT.value, at=time.time(), operator=self.operator,
                     os_user=self.os_user, desk=self.desk, cut_seq=keep_from,
                     note=f"retention {days:g} days")
        # When everything is old, keep_from is the next seq: the cut itself is the first kept.
        self.store.append([cut])
        return self.store.delete_below(keep_from)

    # -- reading -----------------------------------------------------------------------------

    def page(self, query: Query, offset: int = 0, limit: int = 500) -> list[Record]:
        return self.store.page(query, offset, limit)

    def count(self, query: Query | None = None) -> int:
        return self.store.count(query or Query())

    def stream(self, query: Query | None = None) -> Iterator[Record]:
        return self.store.stream(query or Query())

    def get(self, record_id: str) -> Record | None:
        return self.store.get(record_id)

    def latest_decisions(self, check_ids: Sequence[str]) -> dict[str, Record]:
        return self.store.latest_decisions(check_ids)

    def entries(self, limit: int | None = None, **filters: object) -> list[Record]:
        """Newest first (a convenience for short listings; views page instead)."""
        query = Query(**filters)  # type: ignore[arg-type]
        return self.store.page(query, 0, limit if limit is not None else 1 << 62)

    def find_judged(self, digests: Sequence[str], since: float, *, api: str | None = None,
                    simulated: bool | None = None) -> CheckResult | None:
        """The newest judged (PASS/FAIL) check of a photo with one of these digests since
        ``since`` (of generation ``api`` and kind ``simulated`` when given), never a refusal,
        an error or a reuse of a reuse; returned with ``reused_from`` set to that check's
        time."""
        found = self.store.find_judged(digests, since, api=api, simulated=simulated)
        if found is None:
            return None
        return dataclasses.replace(found.to_result(), reused_from=found.at)

    def verify(self) -> ChainState:
        """Walk the whole chain. Retried briefly on a mismatch at the head, which a writer
        committing at that moment can cause (the anchor is written just before the commit)."""
        state = ChainState(0, True)
        for attempt in range(3):
            state = self.store.verify(self.store.chain_start())
            if state.intact or state.problem not in ("newest_missing", "beyond_anchor",
                                                     "head_changed"):
                break
            time.sleep(0.2 * (attempt + 1))
        refused = refused_count(self.spool_path)
        if state.intact and refused:
            return ChainState(state.count, False, None, None, "spool_refused",
                              f"{refused} × {refused_path(self.spool_path)}")
        if state.intact:
            replaced = KeptPhotos.beside(self.path).mismatched(self.store.get)
            if replaced:
                shown = ", ".join(replaced[:5]) + (" …" if len(replaced) > 5 else "")
                return ChainState(state.count, False, None, None, "photo_replaced",
                                  f"{len(replaced)}: {shown}")
        return state

    # -- export ------------------------------------------------------------------------------

    def export_csv(self, out: IO[str], query: Query | None = None, lang: str = "en",
                   progress: Callable[[int], None] | None = None,
                   cancelled: Callable[[], bool] | None = None,
                   state: ChainState | None = None) -> int:
        """Every record matching ``query``, streamed; ``progress`` hears the count every 1000
        rows. Raises ``ExportCancelled`` when ``cancelled()`` turns true. A trail that does
        not verify (``state``, else verified here) is said in a first line before the header:
        an export never passes for a sound trail when it is not."""
        state = self.verify() if state is None else state
        writer = csv.writer(out)
        if not state.intact:
            writer.writerow([altered_marker(state, lang)])
        writer.writerow(EXPORT_COLUMNS)
        count = 0
        for record in self.stream(query):
            writer.writerow(export_row(record, lang))
            count += 1
            if count % 1000 == 0:
                if cancelled is not None and cancelled():
                    raise ExportCancelled(count)
                if progress is not None:
                    progress(count)
        if progress is not None:
            progress(count)
        return count

    def export_file(self, path: str | Path, query: Query | None = None, lang: str = "en",
                    progress: Callable[[int], None] | None = None,
                    cancelled: Callable[[], bool] | None = None,
                    state: ChainState | None = None) -> int:
        """Export to a private temporary file renamed over ``path`` at the end: an existing
        file is replaced whole or left as it was."""
        with atomic_private(path, "w", newline="", encoding="utf-8") as out:
            return self.export_csv(out, query, lang, progress, cancelled, state)


def open_history(url: HistoryUrl, operator: str | None = None, **options: object) -> History:
    """The history a URL names (see core/history_url.py): the local SQLite file, or a
    centre's PostgreSQL server (``options`` go to its store: spool, forwarding, on_pending).
    Opening a shared history never waits for the server: records spool until it answers."""
    if url.shared:
        from livedetect_gui.core.trail.postgres_store import PostgresStore

        return History(None, operator, store=PostgresStore(url, **options))  # type: ignore[arg-type]
    return History(url.path, operator, **options)  # type: ignore[arg-type]


class ExportCancelled(Exception):
    def __init__(self, written: int) -> None:
        super().__init__(f"cancelled after {written} records")
        self.written = written


def altered_marker(state: ChainState, lang: str = "en") -> str:
    """The first line of an export of a trail that does not verify."""
    word = "# 审计记录未通过校验" if lang.lower().startswith("zh") else \
        "# AUDIT TRAIL NOT INTACT"
    return f"{word}: {state.message(lang)}"


EXPORT_COLUMNS = ("time", *[f for f in FIELDS if f not in ("at",)], "message", "server_time",
                  "db_role")
_STORED = EXPORT_COLUMNS[1:-3]


def export_row(record: Record, lang: str = "en") -> list[object]:
    values = row_values(record)
    stamped = record.server_at
    server_time = (datetime.fromtimestamp(stamped).astimezone().isoformat(timespec="seconds")
                   if isinstance(stamped, float) else "")
    return [record.time_text, *(safe_cell(values[f]) for f in _STORED),
            safe_cell(record.message(lang)), server_time, safe_cell(record.db_role)]


class Recorder:
    """What a batch of checks records into: the history when it opens, else its spool.

    Counts what happened to every result so the caller can say so (``summary``) and set the
    exit status: recorded, spooled (kept to be written later), or lost. One clear message for
    a history that cannot be opened, not one traceback per photo.
    """

    def __init__(self, path: str | Path | HistoryUrl | None = None,
                 operator: str | None = None) -> None:
        url = path if isinstance(path, HistoryUrl) else None
        if url is not None:
            path = url.path  # None for a shared store: the fallback spool stays in user data
        self.path = Path(path) if path is not None else default_path()
        self.spool_path = self.path.with_name(self.path.name + ".spool")
        self.error: HistoryError | None = None
        self.history: History | None = None
        try:
            self.history = (open_history(url, operator) if url is not None
                            else History(self.path, operator))
            if self.history.read_only:
                raise HistoryError("read_only", str(self.path))
        except HistoryError as exc:
            self.error = exc
        self.open_error = self.error  # said by the caller at the start: not repeated at the end
        self.operator = current_operator() if operator is None else operator_name(operator)
        self.spool_keys = self.history.spool_keys if self.history is not None else SpoolKeys()
        self.recorded = self.spooled = self.lost = 0
        self._lock = threading.Lock()

    def check_record(self, result: CheckResult, record_id: str | None = None,
                     reference: str = "") -> Record:
        if self.history is not None:
            return self.history.check_record(result, record_id, reference)
        return check_record(result, self.operator, os_user(), visible(socket.gethostname()),
                            record_id, reference)

    def record_safely(self, result: CheckResult, reference: str = "") -> str | None:
        return self.append_safely([self.check_record(result, reference=reference)])

    def trail(self) -> History | None:
        return self.history if self.error is None else None

    def append_safely(self, records: Sequence[Record]) -> str | None:
        """Append these records together (a check and the event that goes with it), else
        spool them; counted as one result."""
        if self.history is not None and self.error is None:
            try:
                self.history.store.append(records)
                with self._lock:
                    self.recorded += 1
                return records[0].id
            except HistoryError as exc:
                with self._lock:
                    if self.error is None:
                        self.error = exc  # said once; later rows go straight to the spool
        kept = all([spool(self.spool_path, record, self.spool_keys, self.path)
                    for record in records])
        with self._lock:
            if kept:
                self.spooled += 1
            else:
                self.lost += 1
        return records[0].id if kept else None

    def summary(self, lang: str = "en") -> str:
        """Empty when every result was recorded."""
        if not (self.spooled or self.lost or (self.history and self.history.store.pending)):
            return ""
        zh = lang.startswith("zh")
        late = self.error is not None and self.error is not self.open_error
        parts = [self.error.message(lang) if late and self.error else ""]
        if self.spooled:
            parts.append(f"{self.spooled} 条结果暂存于 {self.spool_path}，下次打开历史记录时写入"
                         if zh else f"{self.spooled} results kept in {self.spool_path}; they are "
                         "written to the history when it next opens")
        waiting = self.history.store.pending if self.history is not None else 0
        if waiting:
            from livedetect_gui.core.trail.postgres_store import waiting_message

            why = self.history.store.forward_error  # type: ignore[attr-defined]
            parts.append(waiting_message(waiting, lang) + (f" ({why})" if why else "") + (
                "；下次启动时发送" if zh else "; they are sent at the next start"))
        if self.lost:
            parts.append(f"{self.lost} 条结果未能记录" if zh
                         else f"{self.lost} results could not be recorded")
        return "\n".join(p for p in parts if p)

    def close(self) -> None:
        """A history that was only busy gets the spooled rows now, not at the next start."""
        if self.history is not None:
            if self.spooled and self.error is not None and self.error.key == "busy":
                with contextlib.suppress(HistoryError):
                    moved = min(self.spooled, self.history.flush_spool())
                    self.spooled -= moved
                    self.recorded += moved
            self.history.close()
