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


def test_histogram_legend_names_every_colour_above_the_bars(qtbot) -> None:
    image = QImage(600, 300, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    report = SimpleNamespace(histogram=[0] * 17 + [1, 0, 3], threshold=87.0)
    draw_histogram(painter, QRectF(0, 0, 600, 300), report, "en", QColor("black"))
    painter.end()
    title_line = colours_in(image, 0, 20)  # the title's line, above the plot
    # The legend's squares: PASS, FAIL and the mixed colour (no mixed bar is drawn here, so
    # only the legend can have put it on the title's line).
    assert {PASS.name(), FAIL.name(), MIXED.name()} <= title_line
