"""Kept photos are bound to their records: verify catches one replaced after the check."""

from __future__ import annotations

import hashlib

from livedetect_gui.core.result import CheckResult
from livedetect_gui.core.trail.history import History
from livedetect_gui.core.trail.kept_photos import KeptPhotos


def test_verify_catches_a_kept_photo_replaced_after_the_check(tmp_path) -> None:
    path = tmp_path / "h.sqlite3"
    history = History(path)
    sent = b"\xff\xd8 the bytes that were sent \xff\xd9"
    record_id = history.record(CheckResult(source="a.jpg", threshold=87, score=90, code=0,
                                           attempts=1, sha256=hashlib.sha256(sent).hexdigest()))
    photos = KeptPhotos.beside(path)
    assert photos.keep(record_id, sent)
    assert history.verify().intact
    (photos.folder / f"{record_id}.jpg").write_bytes(b"\xff\xd8 another face \xff\xd9")
    state = history.verify()
    assert not state.intact and state.problem == "photo_replaced"
    assert record_id in state.message() and "replaced" in state.message()
    history.close()
