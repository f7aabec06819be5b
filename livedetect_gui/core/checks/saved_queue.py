"""The desk's queue on disk: closing, a crash or a power cut loses nothing, sends nothing twice.

One JSON file in the data folder, replaced whole and atomically on every save (a temporary
0600 file, fsync, rename: a reader sees the old queue or the new one, never half of one).
Photos that exist only in memory (pasted, captured without a file) are kept beside it, one
private file each, written once. The desk owns the list of items and calls ``save`` when it
changes (from a worker: it is disk I/O) and ``load`` at start.

Sending nothing twice: an item saved as SENDING when the desk died may or may not have reached
the service. ``load`` gives it back as WAITING with ``interrupted=True``; sending it again goes
through the duplicate rule, which reuses the judgement if the desk recorded one before it
died. (A call answered but not yet recorded at the instant of a power cut cannot be known.)
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from livedetect_gui.core.checks.planning import Source
from livedetect_gui.core.paths import atomic_private, data_dir, private_dir, write_private
from livedetect_gui.core.result import CheckResult, PreparedInfo
from livedetect_gui.core.user_files import read_regular

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
# Far beyond any real queue (a few hundred bytes an item) or pasted photo: a file larger than
# this is not one the desk wrote, and is not read into memory.
MAX_QUEUE_BYTES = 64 * 1024 * 1024
MAX_PHOTO_BYTES = 100 * 1024 * 1024


def _version(document: object) -> object:
    return document.get("version") if isinstance(document, dict) else type(document).__name__


class QueueState(StrEnum):
    WAITING = "waiting"  # to be checked
    HELD = "held"  # held by a pre-check, waiting for the operator
    SENDING = "sending"  # a call may be in flight
    DONE = "done"  # has a result (judged, refused, error or not sent)


@dataclass(frozen=True)
class QueuedItem:
    source: Source
    state: QueueState = QueueState.WAITING
    result: CheckResult | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    added_at: float = field(default_factory=time.time)
    # Restored from SENDING: the desk died while its call may have been in flight.
    interrupted: bool = False
    # The check's record in the audit trail (a decision refers to it after a restart) and
    # the case/applicant reference the photo came in under.
    record_id: str | None = None
    reference: str = ""


class QueueFileError(RuntimeError):
    """The queue file could not be read; it was set aside (named in the message)."""


class QueueStore:
    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else data_dir() / "queue.json"
        self.photos = self.path.with_name(self.path.stem + "-photos")
        # What the last ``load`` could not bring back, one line each (label: why).
        self.skipped: list[str] = []

    def save(self, items: Sequence[QueuedItem]) -> None:
        """Replace the stored queue with ``items`` (atomic; raises OSError on a full disk,
        leaving the previous queue intact)."""
        private_dir(self.path.parent)
        entries = []
        for item in items:
            entry = _item_to_dict(item)
            if item.source.data is not None:
                entry["source"]["data_file"] = self._keep_photo(item.id, item.source.data)
            entries.append(entry)
        with atomic_private(self.path, "w", encoding="utf-8") as out:
            json.dump({"version": FORMAT_VERSION, "items": entries}, out, ensure_ascii=False)
        self._forget_photos({item.id for item in items if item.source.data is not None})

    def load(self) -> list[QueuedItem]:
        """The saved queue, in order; empty when there is none. A corrupt file is renamed
        aside (``queue.json.bad-<time>-<random>``, never over an earlier one) and
        QueueFileError says so: never a silent loss. An item that cannot be restored (its
        pasted photo missing) is left out and named in ``skipped``; the rest come back."""
        for leftover in self.path.parent.glob(f".{self.path.name}.*.part"):
            with contextlib.suppress(OSError):  # a save cut short by a kill: never complete
                leftover.unlink()
        try:
            raw = read_regular(self.path, MAX_QUEUE_BYTES)
        except FileNotFoundError:
            return []
        except OSError as exc:
            # Not a file the desk wrote (a device, a FIFO, a link to one, far too large):
            # set aside unread, whatever it is.
            raise QueueFileError(self._set_aside(exc)) from None
        try:
            document = json.loads(raw.decode("utf-8"))
            if not isinstance(document, dict) or document.get("version") != FORMAT_VERSION:
                raise ValueError(f"unknown queue format {_version(document)!r}")
            if not isinstance(document["items"], list):
                raise ValueError("no list of items")
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            # UnicodeDecodeError is a ValueError: binary garbage is handled here too.
            raise QueueFileError(self._set_aside(exc)) from None
        items: list[QueuedItem] = []
        self.skipped = []
        for entry in document["items"]:
            try:
                items.append(self._item_from_dict(entry))
            except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
                # One item that cannot come back (its pasted photo gone) costs that item only.
                source = entry.get("source") if isinstance(entry, dict) else None
                label = source.get("label") if isinstance(source, dict) else None
                self.skipped.append(f"{label or '?'}: {exc}")
                log.warning("a saved queue item was not restored: %s", exc)
        if self.skipped:
            # The next save replaces the file: the version with the lost items is kept.
            self.skipped.append(self._keep_copy(raw))
        return [dataclasses.replace(item, state=QueueState.WAITING, interrupted=True)
                if item.state is QueueState.SENDING else item for item in items]

    def _aside_name(self) -> Path | None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for _ in range(100):
            aside = self.path.with_name(f"{self.path.name}.bad-{stamp}-{uuid.uuid4().hex[:8]}")
            if not (aside.exists() or aside.is_symlink()):
                return aside
        return None

    def _keep_copy(self, raw: bytes) -> str:
        aside = self._aside_name()
        try:
            if aside is None:
                raise FileExistsError("no free name")
            write_private(aside, raw)
        except OSError as exc:
            return f"the saved queue could not be copied aside: {exc}"
        return f"the saved queue as it was is kept as {aside}"

    def _set_aside(self, why: BaseException) -> str:
        """Rename the unreadable queue file to a name no other file has (never replacing an
        earlier one set aside) and say where it went."""
        aside = self._aside_name()
        if aside is None:
            return f"the saved queue could not be read ({why}): {self.path}"
        try:
            os.rename(self.path, aside)
        except OSError as exc:
            return (f"the saved queue could not be read ({why}) nor set aside "
                    f"({exc.strerror or exc}): {self.path}")
        return f"the saved queue could not be read ({why}); it was kept as {aside}"

    def clear(self) -> None:
        self.save([])

    # -- photos held only in memory --------------------------------------------------------

    def _keep_photo(self, item_id: str, data: bytes) -> str:
        name = f"{item_id}.bin"
        path = self.photos / name
        if not path.exists():  # written once: a photo's bytes never change under its id
            private_dir(self.photos)
            write_private(path, data)
        return name

    def _forget_photos(self, keep: set[str]) -> None:
        if not self.photos.is_dir():
            return
        for path in self.photos.glob("*.bin"):
            if path.stem not in keep:
                with contextlib.suppress(OSError):
                    path.unlink()

    def _item_from_dict(self, entry: dict[str, Any]) -> QueuedItem:
        src = entry["source"]
        data = None
        if src.get("data_file"):
            data = read_regular(self.photos / Path(str(src["data_file"])).name, MAX_PHOTO_BYTES)
        source = Source(label=str(src["label"]), path=Path(src["path"]) if src.get("path")
                        else None, url=src.get("url"), data=data)
        result = _result_from_dict(entry["result"]) if entry.get("result") else None
        return QueuedItem(source=source, state=QueueState(entry["state"]), result=result,
                          id=str(entry["id"]), added_at=float(entry["added_at"]),
                          interrupted=bool(entry.get("interrupted", False)),
                          record_id=str(entry["record_id"]) if entry.get("record_id") else None,
                          reference=str(entry.get("reference") or ""))


def _item_to_dict(item: QueuedItem) -> dict[str, Any]:
    source = item.source
    return {
        "id": item.id, "state": item.state.value, "added_at": item.added_at,
        "interrupted": item.interrupted, "record_id": item.record_id,
        "reference": item.reference,
        "source": {"label": source.label, "path": str(source.path) if source.path else None,
                   "url": source.url},
        "result": dataclasses.asdict(item.result) if item.result is not None else None,
    }


def _result_from_dict(data: dict[str, Any]) -> CheckResult:
    known = {f.name for f in dataclasses.fields(CheckResult)}
    values = {k: v for k, v in data.items() if k in known}
    if values.get("prepared"):
        values["prepared"] = PreparedInfo(**values["prepared"])
    return CheckResult(**values)
