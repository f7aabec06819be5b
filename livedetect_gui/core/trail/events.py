"""The events around a check, as trail records: each written once, with the right flags.

API (core/checks/recording.py, the desk and the CLI use only this)::

    earlier_refusal(history, result) -> str | None  the record refusing (or holding) this
                                                    content for this reason, if any
    held_record_of(history, result) -> Record|None  the held record of this content, if any
    holds_of(record) -> tuple[str, ...]             the pre-checks that held a photo
    sent_anyway_records(check, holds, operator..)   -> [check (override), sent_anyway event]
    record_removed(history, source, source_sha256, held_id=None, simulated=False) -> Record
    record_recheck(history, check_id) -> Record     a check repeated on request (billed again)

Which record says what (no new column: each event is a ``kind`` and existing fields):

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
from typing import TYPE_CHECKING

from livedetect_gui.core.trail.chain import FIELDS, Kind, Record, from_row, new_id

if TYPE_CHECKING:
    from livedetect_gui.core.result import CheckResult
    from livedetect_gui.core.trail.history import History

_SELECT = f"SELECT {', '.join(FIELDS)} FROM records"


def _same_content(result: CheckResult) -> tuple[str, list[object]]:
    """A photo's identity: its content digest, or its name when it has no readable content."""
    if result.source_sha256:
        return "source_sha256 = ?", [result.source_sha256]
    return "source_sha256 IS NULL AND source = ?", [result.source]


def earlier_refusal(history: History, result: CheckResult) -> str | None:
    """A check record refusing (or holding) this content for this reason already exists: a
    photo refused again (the desk restarted, the same file dropped twice) is not recorded
    again."""
    same, params = _same_content(result)
    rows = history.store.select_rows(
        f"SELECT id FROM records WHERE kind = ? AND problem_key = ? AND {same} "
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


def record_removed(history: History, source: str, source_sha256: str | None,
                   held_id: str | None = None, simulated: bool = False,
                   reference: str = "") -> Record:
    """The operator took a photo off the desk without a result (who, when)."""
    record = Record(
        id=new_id(), kind=Kind.REMOVED.value, at=time.time(), operator=history.operator,
        os_user=history.os_user, desk=history.desk, source=source,
        source_sha256=source_sha256, simulated=simulated, check_id=held_id,
        reference=reference.strip())
    return history.store.append([record])[0]


def record_recheck(history: History, check_id: str) -> Record:
    """The operator asked for this check again: the next call is billed again, and the old
    check leaves the worklist (the new one takes its place)."""
    from livedetect_gui.core.trail.chain import DecisionError

    check = history.get(check_id)
    if check is None or check.kind != Kind.CHECK:
        raise DecisionError("unknown_check", check_id)
    record = Record(
        id=new_id(), kind=Kind.RECHECK.value, at=time.time(), operator=history.operator,
        os_user=history.os_user, desk=history.desk, source=check.source, sha256=check.sha256,
        source_sha256=check.source_sha256, simulated=check.simulated, check_id=check.id,
        reference=check.reference)
    return history.store.append([record])[0]
