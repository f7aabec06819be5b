"""The events around a check, as trail records: each written once, with the right flags.

API (core/checks/recording.py, the desk and the CLI use only this)::

    earlier_refusal(history, result, holds=()) -> str | None   the record refusing (or
                                        holding, for the same holds) this content, if any
    held_record_of(history, result) -> Record|None  the held record of this content, if any
    holds_of(record) -> tuple[str, ...]             the pre-checks that held a photo
    sent_anyway_records(check, holds, operator..)   -> [check (override), sent_anyway event]
    judged_check_of(history, digests, simulated) -> str | None   the newest judged check of
                                        this content (what a re-check repeats)
    record_removed(target, source, source_sha256, held_id=None, simulated=False,
                   reference="") -> str | None     taken off the desk without a result
    record_recheck(target, check_id, reference="") -> str | None   a check repeated on
                                        request (billed again)

``target`` is any trail ``record_result`` writes through (a History, the CLI's Recorder, the
desk's LazyHistory): an event is spooled like a check when the history cannot be written.

Which record says what (no new column: each event is a ``kind`` and existing fields; only
``kind = 'check'`` records are checks, so a worklist or a count of checks never sees an event):

- ``check``: checked, refused before sending (``problem_key`` the refusal), held
  (``problem_key`` the first hold, ``note`` every hold, space-separated).
- ``sent_anyway``: ``check_id`` the check the forced send produced, ``detail`` the holds
  overridden, ``reason``/``note`` the operator's why (optional), ``operator``/``at`` who, when.
  The check itself carries ``override`` and its holds in ``note`` too.
- ``removed``: a photo taken off the desk with no result (``check_id`` its held record).
- ``recheck``: the operator asked for a check again (``check_id`` the check repeated).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from livedetect_gui.core.trail.cases import case_reference
from livedetect_gui.core.trail.chain import FIELDS, Kind, Record, from_row, new_id

if TYPE_CHECKING:
    from livedetect_gui.core.result import CheckResult
    from livedetect_gui.core.trail.history import History

_SELECT = f"SELECT {', '.join(FIELDS)} FROM records"


class Trail(Protocol):
    """Where checks and their events are recorded as they end (a History, the CLI's
    ``Recorder``, the desk's ``LazyHistory``): ids, or None when records could be neither
    written nor spooled. (Here, not beside ``record_result``: events are written through it
    too, and the recording rules import this module.)"""

    def trail(self) -> History | None: ...

    def check_record(self, result: CheckResult, record_id: str | None = None,
                     reference: str = "") -> Record: ...

    def append_safely(self, records: Sequence[Record]) -> str | None: ...

    def record_safely(self, result: CheckResult) -> str | None: ...


def _same_content(result: CheckResult) -> tuple[str, list[object]]:
    """A photo's identity: its content digest, or its name when it has no readable content."""
    if result.source_sha256:
        return "source_sha256 = ?", [result.source_sha256]
    return "source_sha256 IS NULL AND source = ?", [result.source]


def earlier_refusal(history: History, result: CheckResult, holds: Sequence[str] = ()
                    ) -> str | None:
    """A check record refusing this content for this reason (holding it for these ``holds``)
    already exists: a photo refused or held again (the desk restarted, the same file dropped
    twice, the CLI run again) is not recorded again. Held for other holds is a new event."""
    same, params = _same_content(result)
    held = ""
    if result.held:
        held = " AND note = ?"
        params.append(" ".join(holds or [result.problem_key or ""]))
    rows = history.store.select_rows(
        f"SELECT id FROM records WHERE kind = ? AND problem_key = ? AND {same}{held} "
        f"AND simulated = ? ORDER BY seq LIMIT 1",
        [Kind.CHECK.value, result.problem_key, *params, int(result.simulated)])
    return str(rows[0]["id"]) if rows else None


def held_record_of(history: History, result: CheckResult) -> Record | None:
    """The newest held record of this content (what a send-anyway or a removal refers to)."""
    same, params = _same_content(result)
    rows = history.store.select_rows(
        f"{_SELECT} WHERE kind = ? AND problem_key LIKE 'held%' AND {same} "
        f"ORDER BY seq DESC LIMIT 1", [Kind.CHECK.value, *params])
    return from_row(rows[0]) if rows else None


def holds_of(record: Record) -> tuple[str, ...]:
    """The pre-checks that held a photo (a held check, a forced check or a sent_anyway)."""
    text = record.detail if record.kind == Kind.SENT_ANYWAY else record.note
    keys = tuple(k for k in text.split() if k.startswith("held_"))
    if not keys and record.problem_key and record.problem_key.startswith("held_"):
        return (record.problem_key,)
    return keys


def with_holds(record: Record, holds: Sequence[str]) -> Record:
    """A held check record naming every hold (``note``), not only the first."""
    return dataclasses.replace(record, note=" ".join(holds)) if holds else record


def sent_anyway_records(check: Record, holds: Sequence[str], reason: str | None = None,
                        note: str = "", at: float | None = None) -> list[Record]:
    """The check a forced send produced (``override``, its holds) and the event saying who
    overrode which holds, when and why: appended together."""
    check = dataclasses.replace(check, override=True, note=" ".join(holds),
                                reason=reason or None)
    event = Record(
        id=new_id(), kind=Kind.SENT_ANYWAY.value, at=time.time() if at is None else at,
        operator=check.operator, os_user=check.os_user, desk=check.desk, source=check.source,
        sha256=check.sha256, source_sha256=check.source_sha256, simulated=check.simulated,
        check_id=check.id, detail=" ".join(holds), reason=reason or None, note=note.strip(),
        reference=check.reference, override=True)
    return [check, event]


def judged_check_of(history: History, digests: Sequence[str | None],
                    simulated: bool) -> str | None:
    """The newest judged (pass/fail) check of this content, by the original's or the sent
    bytes' digest, of the same kind (simulated or live) when there is one: what a re-check
    repeats. (A sandbox behind a plain endpoint answers simulated to a run not declared so.)"""
    wanted = [d for d in dict.fromkeys(digests) if d]
    if not wanted:
        return None
    marks = ", ".join("?" * len(wanted))
    rows = history.store.select_rows(
        f"SELECT id FROM records WHERE kind = ? AND verdict IN ('pass', 'fail') "
        f"AND (source_sha256 IN ({marks}) OR sha256 IN ({marks})) "
        f"ORDER BY CASE WHEN simulated = ? THEN 0 ELSE 1 END, seq DESC LIMIT 1",
        [Kind.CHECK.value, *wanted, *wanted, int(simulated)])
    return str(rows[0]["id"]) if rows else None


def _event(basis: Record, kind: Kind, check_id: str | None, reference: str) -> Record:
    """An event about a photo, by whom and where ``basis`` (a check record made now) says."""
    return Record(
        id=new_id(), kind=kind.value, at=time.time(), operator=basis.operator,
        os_user=basis.os_user, desk=basis.desk, source=basis.source, sha256=basis.sha256,
        source_sha256=basis.source_sha256, simulated=basis.simulated, check_id=check_id,
        reference=case_reference(reference))


def record_removed(target: Trail, source: str, source_sha256: str | None,
                   held_id: str | None = None, simulated: bool = False,
                   reference: str = "") -> str | None:
    """The operator took a photo off the desk without a result (who, when): ``held_id`` its
    held record when it had one. The record id; None when it could be neither written nor
    spooled."""
    from livedetect_gui.core.result import CheckResult

    # Who and where come the way they come for a check (operator, OS login, desk).
    basis = target.check_record(CheckResult(source=source, threshold=0,
                                            source_sha256=source_sha256, simulated=simulated))
    return target.append_safely([_event(basis, Kind.REMOVED, held_id, reference)])


def record_recheck(target: Trail, check_id: str, reference: str = "") -> str | None:
    """The operator asked for this check again: the next call is billed again, and the old
    check leaves the worklist (the new one takes its place). Written before the call. None
    when the history cannot be read (the check cannot be named) or written."""
    from livedetect_gui.core.trail.chain import DecisionError

    history = target.trail()
    if history is None:
        return None
    check = history.get(check_id)
    if check is None or check.kind != Kind.CHECK:
        raise DecisionError("unknown_check", check_id)
    basis = target.check_record(check.to_result())
    return target.append_safely([_event(
        dataclasses.replace(basis, source=check.source, sha256=check.sha256,
                            source_sha256=check.source_sha256, simulated=check.simulated),
        Kind.RECHECK, check.id, reference or check.reference)])
