"""``livedetect report`` as a user runs it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from livedetect_gui.cli.main import main
from livedetect_gui.core.trail.history import History
from tests.core.trail.trail_data import add_check


def test_report_pdf_without_qt_says_to_install_the_gui_extra(tmp_path: Path) -> None:
    from livedetect_gui.cli.main import EXIT_ERROR
    from livedetect_gui.core.trail.history import History

    db = tmp_path / "h.sqlite3"
    History(db).close()
    args = ["report", "--from", "2026-01-01", "--to", "2026-12-31", "--history", str(db),
            "--pdf", str(tmp_path / "r.pdf")]
    code = ("import sys; sys.modules['PySide6'] = None; from livedetect_gui.cli.main import main; "
            f"sys.exit(main({args!r}))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == EXIT_ERROR and "gui" in proc.stderr and "pip install" in proc.stderr
    assert not (tmp_path / "r.pdf").exists()


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
