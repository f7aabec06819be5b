"""The queue of photos: a Qt table model over small QueueItem records.

(Over 500 lines: the item and the one model allowed to change it are kept side by side.)

The model owns the data; views only show it. Every status change is a method here (nobody
else assigns ``item.status``); each marks its rows changed, and the views hear of all changes
made in one burst at once, a short moment later (coalesced: hundreds of results must not
flood the GUI thread). An idle queue does no work: there is no poll timer.

Thumbnails are small QImages made on workers; no full-size picture is kept for the queue.
"""

from __future__ import annotations

import itertools
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPixmap

from livedetect_gui.core.checks.planning import Source
from livedetect_gui.core.imaging.prechecks import Precheck
from livedetect_gui.core.messages import detail_text
from livedetect_gui.core.result import CheckResult, PreparedInfo
from livedetect_gui.core.trail.chain import Record
from livedetect_gui.core.trail.reasons import decision_summary
from livedetect_gui.core.trail.worklist import WorkState, state_word
from livedetect_gui.core.verdict import Outcome, Verdict, outcome, verdict_word
from livedetect_gui.ui.common.backends import backend_name
from livedetect_gui.ui.common.tables import RecordTableModel
from livedetect_gui.ui.common.theme import verdict_color, verdict_icon
from livedetect_gui.ui.common.tooltips import plain_tooltip


class Status(StrEnum):
    PREPARING = "preparing"
    QUEUED = "queued"
    SENDING = "sending"
    HELD = "held"  # held by a pre-check (a call that cannot help): not sent unless forced
    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"
    REFUSED = "refused"  # preparation refused the photo: never sent, never judged


FINAL = {Status.PASS, Status.FAIL, Status.ERROR, Status.REFUSED}


@dataclass
class QueueItem:
    id: int
    source: Source
    status: Status = Status.PREPARING
    thumbnail: QImage | None = None
    original: tuple[int, int, int] | None = None
    prepared: PreparedInfo | None = None
    actions: tuple[str, ...] = ()
    result: CheckResult | None = None
    # Set when preparation refused the photo: it is never sent.
    refused: bool = False
    # The refusal is in the audit trail (it is recorded once, when the operator runs it).
    recorded: bool = False
    # Set when a check was cancelled before it was sent: the item is back in the queue.
    cancelled: bool = False
    # A URL item's image as the desk downloaded it for the thumbnail, kept for the preview
    # (downloaded once). Never sent: the service fetches the URL itself.
    fetched: bytes | None = field(default=None, repr=False)
    # What the pre-checks found; ``forced`` once the operator chose "Send anyway" (``why``:
    # an optional reason key and note, on the override record).
    precheck: Precheck | None = None
    forced: bool = False
    why: tuple[str | None, str] = (None, "")
    # The operator asked for a new billed call ("Check again"): no earlier judgement reused.
    recheck: bool = False
    # The queue on disk knows the item by this (ids are per run of the desk).
    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    added_at: float = field(default_factory=time.time)
    # The check's record in the audit trail (what a decision refers to), and the operator's
    # latest decision on it (a record too: changing one's mind adds one, the latest shows).
    record_id: str | None = None
    decision: Record | None = None
    # Where the check stands in the trail (the core's worklist rule): None until read.
    state: WorkState | None = None
    # The case/applicant reference the photo came in under ("" none).
    reference: str = ""
    # A copy cropped to the face: not offered for cropping again.
    cropped: bool = False
    # Its hold's record (written when the operator runs it): what a removal names.
    held_id: str | None = None

    @property
    def undecided(self) -> bool:
        """Recorded and waiting for the operator's decision: the worklist's standing when it
        has been read, else the core's rule (only a judgement waits for a decision)."""
        if self.record_id is None or self.status is Status.REFUSED:
            return False
        if self.state is not None:
            return self.state is WorkState.UNDECIDED
        return self.judged and self.decision is None

    @property
    def name(self) -> str:
        return self.source.path.name if self.source.path is not None else self.source.label

    @property
    def finished(self) -> bool:
        return self.status in FINAL

    @property
    def judged(self) -> bool:
        """A check was made and answered with a score: re-checking it is a new billed call."""
        return self.status in (Status.PASS, Status.FAIL)

    @property
    def held(self) -> bool:
        """The pre-checks hold it (the core's rule) and the operator has not overridden."""
        return self.precheck is not None and self.precheck.held and not self.forced

    @property
    def retryable(self) -> bool:
        """An error a new attempt may cure, by the core's rule (``retry_may_help``): not a
        refusal (the same photo is refused again), not a definitive answer of the service."""
        return (self.status is Status.ERROR and not self.refused and self.result is not None
                and self.result.retry_may_help)


# Thumbnails in the queue: one square size, so every name starts at the same place.
ROW_ICON = 48


def _square(image: QImage, side: int) -> QPixmap:
    """The thumbnail centred on a transparent square of ``side`` pixels."""
    scaled = image.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio,
                          Qt.TransformationMode.SmoothTransformation)
    canvas = QPixmap(side, side)
    canvas.fill(Qt.GlobalColor.transparent)
    painter = QPainter(canvas)
    painter.drawImage((side - scaled.width()) // 2, (side - scaled.height()) // 2, scaled)
    painter.end()
    return canvas


def _size_text(size: tuple[int, int, int] | None) -> str:
    if size is None:
        return "—"
    width, height, count = size
    return f"{width}×{height} · {bytes_text(count)}"


def bytes_text(count: int) -> str:
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f} MB"
    return f"{max(1, round(count / 1000))} kB"


class QueueModel(RecordTableModel):
    COLUMNS = ("name", "status", "score", "decision", "details", "original", "prepared")
    # Coalesced: emitted once per burst of changes, after the views got their dataChanged.
    countsChanged = Signal()
    # Item ids whose status, result or note changed in the last burst.
    itemsChanged = Signal(object)
    FLUSH_MS = 50

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[QueueItem] = []
        self._rows: dict[int, int] = {}
        self._ids = itertools.count(1)
        self.lang = "en"
        # The generation checks go to now: a row judged by the other one says so.
        self.api = "legacy"
        self._pixmaps: dict[Outcome, QPixmap] = {}
        self._thumbs: dict[int, QPixmap] = {}
        self._blank_pixmap: QPixmap | None = None
        self._dirty: set[int] = set()
        self._counts_dirty = False
        self._flush = QTimer(self)
        self._flush.setSingleShot(True)
        self._flush.setInterval(self.FLUSH_MS)
        self._flush.timeout.connect(self.flush)

    # -- Qt model interface ---------------------------------------------------------------------

    def records(self) -> list[QueueItem]:
        return self._items

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Photo"), self.tr("Status"), self.tr("Score"), self.tr("Decision"),
                self.tr("Details"), self.tr("Original"), self.tr("Prepared"))

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self._items[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(item, column)
        if role == Qt.ItemDataRole.DecorationRole:
            if column == "name":
                if item.thumbnail is None:  # an empty square keeps every name aligned
                    return self._blank()
                # Converted once on the GUI thread, not at every paint.
                pixmap = self._thumbs.get(item.id)
                if pixmap is None:
                    pixmap = self._thumbs[item.id] = _square(item.thumbnail, ROW_ICON)
                return pixmap
            if column == "status" and item.status in FINAL:
                return self._status_pixmap(Outcome(item.status.value))
            return None
        if (role == Qt.ItemDataRole.ForegroundRole and column in ("status", "score")
                and item.status in FINAL):
            return QColor(verdict_color(Outcome(item.status.value)))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(item)
        if role == Qt.ItemDataRole.AccessibleTextRole and column == "status":
            return self._display(item, "status")
        return None

    def _display(self, item: QueueItem, column: str) -> str:
        if column == "name":
            return item.name
        if column == "original":
            return _size_text(item.original)
        if column == "prepared":
            if item.prepared is None:
                return "—"
            p = item.prepared
            return _size_text((p.width, p.height, p.bytes))
        if column == "status":  # "Refused — not sent" on two lines: the column stays narrow
            text = self.status_text(item.status).replace(" — ", "\n").replace("——", "\n")
            if not item.cancelled:
                return text
            return text + " (" + self.tr("cancelled") + ")"  # not in an f-string: lupdate
        if column == "score":
            if item.result is None or item.result.score is None:
                return ""
            return f"{item.result.score:g}"
        if column == "decision":
            text = decision_summary(item.decision, self.lang, brief=True)
            if item.state is WorkState.AWAITING_APPROVAL:  # "Escalate" says it already
                return f"{text} ({state_word(item.state, self.lang)})"
            return text
        if column == "details":
            return " · ".join(self.details(item))
        return ""

    def details(self, item: QueueItem) -> list[str]:
        """What the operator must know about this item, in the desk's language: the problem
        (never the raw library text, which goes to the tooltip's technical details), and a
        possible double charge."""
        parts = []
        result = item.result
        if result is not None and result.verdict is Verdict.ERROR and result.problem:
            parts.append(result.problem.message(self.lang))
        if result is not None and result.reused_from is not None:
            parts.append(self.reused_text(result.reused_from, result.simulated))
        if item.status is Status.HELD and item.precheck is not None:
            parts.append(self.hold_text(item.precheck))
        if result is not None and result.maybe_billed_twice:
            parts.append(self.tr("may have been billed twice"))
        if (result is not None and not item.refused and result.api != self.api):
            # Its score is on that generation's scale, judged by that generation's threshold.
            parts.append(backend_name(result.api))
        return parts

    def reused_text(self, moment: float, simulated: bool = False) -> str:
        """A reused judgement (no call, nothing paid): where it came from, simulated or not."""
        when = datetime.fromtimestamp(moment).strftime("%Y-%m-%d %H:%M")
        if simulated:
            return self.tr("reused from %1, simulated (not billed)").replace("%1", when)
        return self.tr("reused from %1, live service (not billed)").replace("%1", when)

    def hold_text(self, precheck: Precheck) -> str:
        """Why the pre-checks hold a photo, in the desk's language (the core's catalogue)."""
        from livedetect_gui.core.errors import local_problem

        return "; ".join(local_problem(key).message(self.lang) for key in precheck.holds)

    def _blank(self) -> QPixmap:
        if self._blank_pixmap is None:
            self._blank_pixmap = QPixmap(ROW_ICON, ROW_ICON)
            self._blank_pixmap.fill(Qt.GlobalColor.transparent)
        return self._blank_pixmap

    def _status_pixmap(self, verdict: Outcome) -> QPixmap:
        # A small fixed size: the view's icon size is for thumbnails.
        if verdict not in self._pixmaps:
            self._pixmaps[verdict] = verdict_icon(verdict).pixmap(QSize(20, 20),
                                                                  self._device_ratio())
        return self._pixmaps[verdict]

    @staticmethod
    def _device_ratio() -> float:
        screen = QGuiApplication.primaryScreen()
        return screen.devicePixelRatio() if screen is not None else 1.0

    def _tooltip(self, item: QueueItem) -> str:
        lines = [item.source.label, decision_summary(item.decision, self.lang),
                 *self.details(item)]
        if item.decision is not None:
            lines += [item.decision.note, item.decision.reference]
        result = item.result
        if result is not None:
            lines.append(backend_name(result.api) + (
                " · " + self.tr("Request ID: %1").replace("%1", result.request_id)
                if result.request_id else ""))
        if result is not None and result.verdict is Verdict.ERROR:
            lines.append(result.hint(self.lang))
            if result.detail:
                lines.append(self.tr("Technical details: %1").replace("%1", detail_text(
                    result.detail, self.lang)))
        return plain_tooltip(lines)  # a file name or a note is shown, never rendered

    def status_text(self, status: Status) -> str:
        if status in FINAL:
            return verdict_word(Outcome(status.value), self.lang)
        return {
            Status.PREPARING: self.tr("preparing"),
            Status.QUEUED: self.tr("queued"),
            Status.SENDING: self.tr("sending"),
            Status.HELD: self.tr("held"),
        }[status]

    # -- queue operations -------------------------------------------------------------------------

    def add(self, sources: list[Source], keys: list[tuple[str, float]] | None = None,
            reference: str = "") -> list[QueueItem]:
        """New items (under a case/applicant ``reference``); ``keys`` (key, time added) for
        items restored from the saved queue."""
        if not sources:
            return []
        first = len(self._items)
        items = [QueueItem(next(self._ids), s, reference=reference) for s in sources]
        for item, (key, added_at) in zip(items, keys or (), strict=False):
            item.key, item.added_at = key, added_at
        self.beginInsertRows(QModelIndex(), first, first + len(items) - 1)
        for offset, item in enumerate(items):
            self._items.append(item)
            self._rows[item.id] = first + offset
        self.endInsertRows()
        self._counts_dirty = True
        self._flush.start()
        return items

    def remove(self, ids: set[int]) -> None:
        for row in sorted((self._rows[i] for i in ids if i in self._rows), reverse=True):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._items[row]
            self.endRemoveRows()
        self._rows = {item.id: row for row, item in enumerate(self._items)}
        for item_id in ids:
            self._thumbs.pop(item_id, None)
        self._dirty -= ids
        self._counts_dirty = True
        self._flush.start()

    def item(self, item_id: int) -> QueueItem | None:
        row = self._rows.get(item_id)
        return None if row is None else self._items[row]

    def item_at(self, row: int) -> QueueItem:
        return self._items[row]

    def row_of(self, item_id: int) -> int | None:
        return self._rows.get(item_id)

    def items(self) -> list[QueueItem]:
        return list(self._items)

    # -- status transitions: the only places an item's status changes ------------------------

    def _changed(self, *items: QueueItem) -> None:
        self._dirty.update(i.id for i in items)
        self._counts_dirty = True
        if not self._flush.isActive():
            self._flush.start()

    def flush(self) -> None:
        """Tell the views what changed since the last flush: one signal for the rows spanned."""
        self._flush.stop()
        dirty, self._dirty = self._dirty, set()
        rows = [r for r in (self._rows.get(i) for i in dirty) if r is not None]
        if rows:  # items removed meanwhile have no row
            self.dataChanged.emit(self.index(min(rows), 0),
                                  self.index(max(rows), len(self.COLUMNS) - 1))
        if dirty:
            self.itemsChanged.emit(dirty)
        if self._counts_dirty:
            self._counts_dirty = False
            self.countsChanged.emit()

    def mark_prepared(self, item: QueueItem, thumbnail: QImage | None,
                      original: tuple[int, int, int] | None, prepared: PreparedInfo | None,
                      actions: tuple[str, ...], precheck: Precheck | None = None) -> None:
        item.thumbnail, item.original = thumbnail, original
        item.prepared, item.actions = prepared, actions
        item.precheck = precheck
        self._thumbs.pop(item.id, None)
        if item.status is Status.PREPARING:
            item.status = Status.HELD if item.held else Status.QUEUED
        self._changed(item)

    def mark_held(self, item: QueueItem, precheck: Precheck, record_id: str | None) -> None:
        """Held by the pre-checks when run (by the rule of the service it was going to)."""
        item.precheck, item.status, item.held_id = precheck, Status.HELD, record_id
        self._changed(item)

    def mark_preparing(self, item: QueueItem) -> None:
        """Prepared and pre-checked again (the service it goes to changed)."""
        item.status = Status.PREPARING
        self._changed(item)

    def mark_forced(self, item: QueueItem, why: tuple[str | None, str] = (None, "")) -> None:
        """The operator sends a held photo anyway (``why``: reason key and note, optional)."""
        item.forced, item.why = True, why
        if item.status is Status.HELD:
            item.status = Status.QUEUED
        self._changed(item)

    def mark_recheck(self, item: QueueItem, recheck: bool) -> None:
        item.recheck = recheck
        self._changed(item)

    def mark_thumbnail(self, item: QueueItem, thumbnail: QImage | None) -> None:
        item.thumbnail = thumbnail
        self._thumbs.pop(item.id, None)
        self._changed(item)

    def mark_ready(self, item: QueueItem) -> None:
        """Nothing to prepare here (a URL: the service fetches it)."""
        item.status = Status.QUEUED
        self._changed(item)

    def mark_refused(self, item: QueueItem, result: CheckResult) -> None:
        item.refused = True
        self.mark_result(item, result)

    def mark_recorded(self, item: QueueItem) -> None:
        item.recorded = True
        self._changed(item)

    def mark_queued(self, item: QueueItem) -> None:
        """Taken for checking: the old result goes."""
        item.status, item.result, item.cancelled = Status.QUEUED, None, False
        # A new check gets its own decision.
        item.record_id, item.decision, item.state = None, None, None
        self._changed(item)

    def mark_sending(self, item: QueueItem, prepared: PreparedInfo | None) -> None:
        item.status = Status.SENDING
        if prepared is not None:
            item.prepared = prepared
        self._changed(item)

    def mark_cancelled(self, item: QueueItem) -> None:
        item.status, item.cancelled = (Status.HELD if item.held else Status.QUEUED), True
        self._changed(item)

    def mark_result(self, item: QueueItem, result: CheckResult,
                    record_id: str | None = None) -> None:
        item.result = result
        item.status = Status(outcome(result.verdict, item.refused or result.refused).value)
        if record_id is not None:
            item.record_id = record_id
        self._changed(item)

    def mark_decided(self, item: QueueItem, decision: Record) -> None:
        """The operator's decision is in the trail: the latest one shows."""
        if decision.check_id == item.record_id:  # not one for a check since replaced
            item.decision = decision
            item.state = None  # read again from the trail (pending, escalated...)
            self._changed(item)

    def mark_state(self, item: QueueItem, record_id: str, state: WorkState,
                   decision: Record | None) -> None:
        """Where the item's check stands in the trail, and the decision that counts (None:
        undecided, e.g. after a withdrawal); ignored once the item has a newer check."""
        if record_id == item.record_id:
            item.state, item.decision = state, decision
            self._changed(item)

    def mark_record(self, item: QueueItem, record_id: str) -> None:
        """A restored item's check, as recorded before the restart."""
        item.record_id = record_id
        self._changed(item)

    def rejudge(self, threshold: float, api: str = "legacy") -> None:
        """New threshold for one service generation: the verdicts of the rows that generation
        answered, from their stored scores, no call to the service (a row keeps the backend
        it was checked with; the other generation's scores are on another scale)."""
        for item in self._items:
            if (item.result is not None and item.result.score is not None
                    and item.result.api == str(api)):
                self.mark_result(item, item.result.with_threshold(threshold))
        self.flush()  # the operator is moving the spin box: show it now

    def counts(self) -> dict[Status, int]:
        counts = dict.fromkeys(Status, 0)
        for item in self._items:
            counts[item.status] += 1
        return counts
