"""The chain anchor across a crash: a process killed between writing the anchor and
committing its transaction leaves a trail that is still reported intact."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from livedetect_gui.core.result import CheckResult
from livedetect_gui.core.trail.chain import Anchor
from livedetect_gui.core.trail.history import History

# Records one check normally, then dies (os._exit: no clean-up, as a kill) at the COMMIT
# of the second one, after the store wrote its anchor.
_KILLED_AT_COMMIT = textwrap.dedent("""
    import os, sys
    from livedetect_gui.core.trail.history import History
    from livedetect_gui.core.result import CheckResult

    history = History(sys.argv[1])
    history.record(CheckResult(source="a.jpg", threshold=70, score=80))

    class KilledAtCommit:
        def __init__(self, db):
            self.db = db
        def execute(self, sql, *args):
            if sql == "COMMIT":
                os._exit(9)
            return self.db.execute(sql, *args)
        def __getattr__(self, name):
            return getattr(self.db, name)

    history.store._db = KilledAtCommit(history.store._db)
    history.record(CheckResult(source="b.jpg", threshold=70, score=20))
""")


def test_a_kill_between_anchor_and_commit_is_not_an_altered_trail(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    proc = subprocess.run([sys.executable, "-c", _KILLED_AT_COMMIT, str(db)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 9, proc.stderr
    history = History(db)
    try:
        assert [r.source for r in history.entries()] == ["a.jpg"]  # the second never landed
        assert history.store.anchor().seq == 2  # ... but its anchor was written
        state = history.verify()
        assert state.intact, state
        history.record(CheckResult(source="c.jpg", threshold=70, score=90))
        assert history.verify().intact
        assert history.store.anchor() == Anchor(2, history.entries()[0].hash)  # confirmed
    finally:
        history.close()


def test_deleting_more_than_the_last_transaction_is_still_caught(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "h.sqlite3"
    history = History(db)
    for name in ("a.jpg", "b.jpg", "c.jpg"):
        history.record(CheckResult(source=name, threshold=70, score=80))
    history.close()
    with sqlite3.connect(db) as raw:
        raw.execute("DELETE FROM records WHERE seq >= 2")
    history = History(db)
    try:
        state = history.verify()
        assert not state.intact and state.problem == "newest_missing"
    finally:
        history.close()
