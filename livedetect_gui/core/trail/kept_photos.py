"""Photos as sent, kept beside their records when a centre chooses to (off by default).

One private JPEG per check record (``<record id>.jpg``, 0600 in a 0700 folder next to the
history), so a supervisor can see what the service judged. They are personal data: kept only
for the configured number of days and never longer than the records themselves.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable
from pathlib import Path

from livedetect_gui.core.paths import private_dir, write_private
from livedetect_gui.core.trail.chain import Record
from livedetect_gui.core.user_files import read_regular

log = logging.getLogger(__name__)

_RECORD_ID = re.compile(r"[0-9a-f]{32}")  # ids are made at the desk (uuid4 hex): no paths
MAX_KEPT_BYTES = 20 * 1024 * 1024  # a prepared photo is far smaller (the service's limit)


class KeptPhotos:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def beside(cls, history: Path) -> KeptPhotos:
        return cls(history.with_name(history.stem + "-photos"))

    def _path(self, record_id: str) -> Path | None:
        return self.folder / f"{record_id}.jpg" if _RECORD_ID.fullmatch(record_id) else None

    def keep(self, record_id: str, data: bytes) -> bool:
        """Keep the bytes sent for this record; a failure costs the copy, never the check."""
        path = self._path(record_id)
        if path is None or not data:
            return False
        try:
            private_dir(self.folder)
            write_private(path, data)
            return True
        except OSError as exc:
            log.warning("photo of record %s not kept: %s", record_id, exc)
            return False

    def read(self, record_id: str) -> bytes | None:
        path = self._path(record_id)
        try:
            return read_regular(path, MAX_KEPT_BYTES) if path is not None else None
        except OSError:
            return None  # never kept, gone with its retention, or not a photo we wrote

    def mismatched(self, record_of: Callable[[str], Record | None]) -> list[str]:
        """Ids of kept photos that are not the bytes their record says were sent (replaced
        or edited after the check), or that have no check record at all."""
        try:
            paths = sorted(self.folder.glob("*.jpg"))
        except OSError:
            return []
        bad = []
        for path in paths:
            record_id = path.stem
            if not _RECORD_ID.fullmatch(record_id):
                continue
            data = self.read(record_id)
            if data is None:
                continue
            record = record_of(record_id)
            if record is None or not photo_matches(data, record):
                bad.append(record_id)
        return bad

    def purge_older_than(self, days: float) -> int:
        """Delete kept photos older than ``days``; returns how many went."""
        cutoff, gone = time.time() - days * 86400, 0
        try:
            entries = list(self.folder.glob("*.jpg"))
        except OSError:
            return 0
        for path in entries:
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    gone += 1
            except OSError:
                continue
        return gone


def photo_matches(data: bytes, record: Record) -> bool:
    """The kept bytes are the ones the record says were sent (its ``sha256``)."""
    return record.sha256 is not None and hashlib.sha256(data).hexdigest() == record.sha256


def photo_days(keep_days: int, record_days: int) -> int:
    """How long kept photos stay: the photo setting, never beyond the records' retention
    (0 means keep forever for records; photos are off at 0 but old ones follow the records)."""
    if keep_days > 0 and record_days > 0:
        return min(keep_days, record_days)
    return keep_days if keep_days > 0 else record_days
