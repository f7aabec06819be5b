"""A case (an applicant, a file number): its photos, checks and decisions, and whether it is
complete.

API::

    Case(reference, items, records)      .complete, .photos, .open_items
    case(history, reference) -> Case
    case_reference(text) -> str          a reference as records carry it (desk and CLI alike)

A check belongs to a case when its ``reference`` is the case's, or when a decision on it was
taken under that reference (``livedetect decide ... --case REF``). A case is complete when it
has checks and every one is decided (accepted or rejected) and, with four eyes, approved:
nothing of it is left in the worklist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from livedetect_gui.core.trail.chain import FIELDS, Kind, Record, from_row
from livedetect_gui.core.trail.worklist import WorkItem, WorkState, item_from_row, state_sql

if TYPE_CHECKING:
    from livedetect_gui.core.trail.history import History

_CASE_CHECKS = (f"SELECT id FROM records WHERE kind = '{Kind.CHECK.value}' AND reference = ? "
                f"UNION SELECT check_id FROM records WHERE kind = '{Kind.DECISION.value}' "
                "AND reference = ? AND check_id IS NOT NULL")


@dataclass(frozen=True)
class Case:
    reference: str
    items: tuple[WorkItem, ...]  # its checks, oldest first, with where each stands
    records: tuple[Record, ...]  # every record of the case, in trail order

    @property
    def complete(self) -> bool:
        return bool(self.items) and all(i.state is WorkState.DECIDED for i in self.items)

    @property
    def open_items(self) -> tuple[WorkItem, ...]:
        return tuple(i for i in self.items if i.state is not WorkState.DECIDED)

    @property
    def photos(self) -> tuple[str, ...]:
        """The photos checked, by name, once each, in the order first checked."""
        return tuple(dict.fromkeys(i.check.source for i in self.items))


def case_reference(text: str) -> str:
    """A typed reference as records carry it: runs of spaces as one, none around."""
    return " ".join(text.split())


def case(history: History, reference: str) -> Case:
    reference = reference.strip()
    store = history.store
    rows = store.select_rows(
        f"SELECT * FROM ({state_sql(f'c.id IN ({_CASE_CHECKS})')}) w ORDER BY w.at, w.seq",
        [reference, reference])
    items = tuple(item_from_row(row) for row in rows)
    columns = ", ".join(FIELDS)
    records = store.select_rows(
        f"SELECT {columns} FROM records WHERE reference = ? OR id IN ({_CASE_CHECKS}) "
        f"OR check_id IN ({_CASE_CHECKS}) ORDER BY seq",
        [reference, reference, reference, reference, reference])
    return Case(reference, items, tuple(from_row(row) for row in records))
