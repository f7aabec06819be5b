"""The reports' histogram, painted for real: its legend (the three bar colours and the
threshold) sits on the title's line, above the plot, never over the bars."""

from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from livedetect_gui.ui.audit.report_charts import FAIL, MIXED, PASS, draw_histogram


def colours_in(image: QImage, top: int, bottom: int) -> set[str]:
    return {image.pixelColor(x, y).name() for x in range(image.width())
            for y in range(top, bottom)}


def widest_run(image: QImage, y: int, colour: str) -> int:
    """The longest horizontal run of ``colour`` on row ``y``."""
    best = run = 0
    for x in range(image.width()):
        run = run + 1 if image.pixelColor(x, y).name() == colour else 0
        best = max(best, run)
    return best


def test_histogram_legend_names_every_colour_above_the_bars(qtbot) -> None:
    image = QImage(600, 300, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    # A FAIL bar (75-80) and a PASS bar (95-100); none straddles the threshold (no mixed bar).
    report = SimpleNamespace(histogram=[0] * 15 + [1, 0, 0, 0, 3], threshold=87.0)
    draw_histogram(painter, QRectF(0, 0, 600, 300), report, "en", QColor("black"))
    painter.end()
    # No mixed bar is drawn here: only the legend can have put the mixed colour anywhere.
    # Where it sits (beside the title, or on a line of its own when the font is wide, as
    # without fonts under Wine) is the legend's line.
    legend_rows = [y for y in range(image.height())
                   if MIXED.name() in colours_in(image, y, y + 1)]
    assert legend_rows
    legend_line = colours_in(image, min(legend_rows), max(legend_rows) + 1)
    assert {PASS.name(), FAIL.name()} <= legend_line  # PASS and FAIL named beside it
    # The bars (wider than a legend square) start below the legend, never under it.
    bar_rows = [y for y in range(image.height())
                if max(widest_run(image, y, PASS.name()), widest_run(image, y, FAIL.name())) >= 16]
    assert bar_rows and min(bar_rows) > max(legend_rows)
