"""The lazily opened history: when the database cannot be opened, records go to the spool."""

from __future__ import annotations

import os
import stat

from devsupport.windows import WINDOWS
from livedetect_gui.core.result import CheckResult
from livedetect_gui.core.trail.history import Query
from livedetect_gui.core.trail.lazy_history import LazyHistory


def test_lazy_history_spools_when_the_database_cannot_be_opened(tmp_path) -> None:
    path = tmp_path / "history.sqlite3"
    path.mkdir()  # a folder where the database should be: it cannot be opened
    shared = LazyHistory(path, operator="ann")
    result = CheckResult(source="x.jpg", threshold=87, score=91, code=0)
    record_id = shared.record_safely(result)
    assert shared.get() is None and shared.error
    spool = tmp_path / "history.sqlite3.spool"
    assert record_id and spool.exists()
    if not WINDOWS:  # Windows: the folder's ACL (tests/core/test_paths.py)
        assert stat.S_IMODE(os.stat(spool).st_mode) == 0o600

    path.rmdir()  # the problem is fixed: the next open writes the spooled record, once
    shared.RETRY_S = 0.0
    history = shared.get()
    assert history is not None and not spool.exists()
    stored = history.get(record_id)
    assert stored is not None and stored.operator == "ann" and stored.score == 91
    assert history.count(Query()) == 1 and history.verify().intact
    shared.close()
