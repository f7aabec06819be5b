"""``livedetect report`` as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


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
