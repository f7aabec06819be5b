"""One rule for CSV cells in every export: history and reports alike."""

from __future__ import annotations

import csv
import io

from livedetect_gui.core.result import CheckResult
from livedetect_gui.core.trail.csv_cells import safe_cell
from livedetect_gui.core.trail.history import History


def test_formula_starts_are_neutralised_and_plain_values_kept() -> None:
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("face.jpg") == "face.jpg" and safe_cell(None) == "" and safe_cell(3) == 3


def test_the_history_export_uses_it(tmp_path) -> None:
    history = History(tmp_path / "h.sqlite3")
    try:
        history.record(CheckResult(source="\t=HYPERLINK(\"x\")", threshold=70, score=80))
        out = io.StringIO()
        history.export_csv(out)
    finally:
        history.close()
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[1][rows[0].index("source")] == "'\t=HYPERLINK(\"x\")"
