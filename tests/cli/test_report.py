"""``livedetect report`` with no dates reports this month."""

from __future__ import annotations

import time

from livedetect_gui.cli.main import main
from livedetect_gui.core.trail.history import History
from tests.core.trail.trail_data import add_check


def test_no_dates_means_this_month(tmp_path, capsys) -> None:
    path = tmp_path / "h.sqlite3"
    history = History(path, operator="ann")
    add_check(history, "now.jpg", at=time.time())
    add_check(history, "long_ago.jpg", at=time.time() - 400 * 86400)
    history.close()
    assert main(["report", "--history", str(path), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    first = time.strftime("%Y-%m-01")
    assert first in out
    assert main(["report", "--history", str(path), "--lang", "en", "--from", "2000-01-01"]) == 0
    everything = capsys.readouterr().out
    assert out != everything  # the old check is only in the longer range
