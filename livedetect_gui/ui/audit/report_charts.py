"""The report's charts, drawn with QPainter: the same code paints the Reports view and the
PDF page, so what the supervisor sees is what gets printed.

Why QPainter rather than a charting library: four simple charts (histogram with a threshold
line, a rate over time, stacked bars, horizontal bars) are ~200 lines here; pyqtgraph would
add numpy (~60 MB installed) and its PDF output goes through a separate exporter; Qt Charts
is deprecated from Qt 6.10 (Qt Graphs replaces it, and needs QML/Quick3D for 2-D charts).
QPainter is part of QtGui, already shipped, LGPL like the rest of PySide6, and paints on a
widget, a QImage and a QPdfWriter alike.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from livedetect_gui.core.trail.reports import HISTOGRAM_BINS, Report, chart_text, error_kind_label
from livedetect_gui.core.verdict import Verdict, verdict_word

PASS, FAIL, ERROR = QColor("#1e8e3e"), QColor("#d93025"), QColor("#e37400")
MIXED = QColor("#b0a040")
CALLS, REUSED, REFUSED = QColor("#3d6fb4"), QColor("#7cb342"), QColor("#9e9e9e")


def _frame(painter: QPainter, rect: QRectF, title: str, ink: QColor,
           legend: list[tuple[str, QColor]] | None = None) -> QRectF:
    """Title on top, the legend beside it (or on a line of its own when the chart is too
    narrow for both), room for axis labels; returns the plotting area, below both."""
    painter.setPen(ink)
    font = QFont(painter.font())
    font.setBold(True)
    painter.save()
    painter.setFont(font)
    line = painter.fontMetrics().height()
    title_width = painter.fontMetrics().horizontalAdvance(title)
    painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), line * 1.4),
                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
    painter.restore()
    top = rect.top() + line * 1.8
    if legend:
        below = title_width + line + _legend_width(painter, legend) > rect.width()
        _legend(painter, QRectF(rect.left(), rect.top() + (line * 1.4 if below else 0),
                                rect.width(), rect.height()), legend, ink)
        top += line * 1.4 if below else 0
    return QRectF(rect.left() + line * 3, top, rect.width() - line * 3.6,
                  rect.bottom() - line * 1.8 - top)


def _axes(painter: QPainter, plot: QRectF, top_label: str, ink: QColor) -> None:
    grid = QColor(ink)
    grid.setAlpha(60)
    painter.setPen(QPen(grid, 0))
    for step in range(1, 5):
        y = plot.bottom() - plot.height() * step / 4
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
    painter.setPen(QPen(ink, 0))
    painter.drawLine(plot.bottomLeft(), plot.bottomRight())
    painter.drawLine(plot.bottomLeft(), plot.topLeft())
    line = painter.fontMetrics().height()
    painter.drawText(QRectF(plot.left() - line * 3, plot.top() - line / 2, line * 2.8, line),
                     Qt.AlignmentFlag.AlignRight, top_label)
    painter.drawText(QRectF(plot.left() - line * 3, plot.bottom() - line / 2, line * 2.8, line),
                     Qt.AlignmentFlag.AlignRight, "0")


def _empty(painter: QPainter, plot: QRectF, lang: str, ink: QColor) -> None:
    painter.setPen(ink)
    painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, chart_text("no_data", lang))


def draw_histogram(painter: QPainter, rect: QRectF, report: Report, lang: str,
                   ink: QColor) -> None:
    threshold = report.threshold
    pen = QPen(QColor("#202020") if ink.lightness() < 128 else QColor("#f0f0f0"), 2,
               Qt.PenStyle.DashLine)
    # What each colour means, and the dashed line's threshold, beside the title.
    plot = _frame(painter, rect, chart_text("histogram", lang), ink,
                  [(verdict_word(Verdict.PASS, lang), PASS),
                   (verdict_word(Verdict.FAIL, lang), FAIL),
                   (chart_text("mixed", lang), MIXED),
                   (chart_text("threshold", lang).format(threshold=f"{threshold:g}"),
                    pen.color())])
    peak = max(report.histogram) if any(report.histogram) else 0
    _axes(painter, plot, str(peak), ink)
    if not peak:
        _empty(painter, plot, lang, ink)
        return
    width = plot.width() / HISTOGRAM_BINS
    for index, count in enumerate(report.histogram):
        height = plot.height() * count / peak
        # A bin the threshold cuts through holds both verdicts: neither green nor red.
        color = PASS if index * 5 >= threshold else FAIL if index * 5 + 5 <= threshold else MIXED
        painter.fillRect(QRectF(plot.left() + index * width + 1, plot.bottom() - height,
                                width - 2, height), color)
    line = painter.fontMetrics().height()
    for score in range(0, 101, 20):
        x = plot.left() + plot.width() * score / 100
        painter.setPen(ink)
        painter.drawText(QRectF(x - line * 1.5, plot.bottom() + 2, line * 3, line),
                         Qt.AlignmentFlag.AlignHCenter, str(score))
    x = plot.left() + plot.width() * threshold / 100
    painter.setPen(pen)
    painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))


def draw_pass_rate(painter: QPainter, rect: QRectF, report: Report, lang: str,
                   ink: QColor) -> None:
    plot = _frame(painter, rect, chart_text("pass_rate", lang), ink)
    _axes(painter, plot, "100%", ink)
    points = [(t.label, t.pass_rate) for t in report.periods]
    if not any(rate is not None for _, rate in points):
        _empty(painter, plot, lang, ink)
        return
    step = plot.width() / max(1, len(points))
    path = QPainterPath()
    started = False
    dots: list[QPointF] = []
    for index, (_, rate) in enumerate(points):
        if rate is None:
            continue
        point = QPointF(plot.left() + step * (index + 0.5), plot.bottom() - plot.height() * rate)
        if started:
            path.lineTo(point)
        else:
            path.moveTo(point)
            started = True
        dots.append(point)
    painter.setPen(QPen(PASS, 2))
    painter.drawPath(path)
    painter.setBrush(PASS)
    for dot in dots:
        painter.drawEllipse(dot, 2.5, 2.5)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    _period_labels(painter, plot, [label for label, _ in points], ink)


def _period_labels(painter: QPainter, plot: QRectF, labels: list[str], ink: QColor) -> None:
    if not labels:
        return
    line = painter.fontMetrics().height()
    step = plot.width() / len(labels)
    every = max(1, int(len(labels) / max(1.0, plot.width() / (line * 6))) + 1)
    painter.setPen(ink)
    for index in range(0, len(labels), every):
        text = labels[index][5:] if len(labels[index]) == 10 else labels[index]
        painter.drawText(QRectF(plot.left() + step * (index + 0.5) - line * 3,
                                plot.bottom() + 2, line * 6, line),
                         Qt.AlignmentFlag.AlignHCenter, text)


def draw_calls(painter: QPainter, rect: QRectF, report: Report, lang: str, ink: QColor) -> None:
    """Calls spent (blue) and saved: reused (green) and not sent, held or refused (grey)."""
    plot = _frame(painter, rect, chart_text("calls", lang), ink,
                  [(chart_text("spent", lang), CALLS), (chart_text("reused", lang), REUSED),
                   (chart_text("not_sent", lang), REFUSED)])
    stacks = [(t.calls, t.reused, t.not_sent) for t in report.periods]
    peak = max((sum(s) for s in stacks), default=0)
    _axes(painter, plot, str(peak), ink)
    if not peak:
        _empty(painter, plot, lang, ink)
        return
    step = plot.width() / len(stacks)
    for index, parts in enumerate(stacks):
        bottom = plot.bottom()
        for value, color in zip(parts, (CALLS, REUSED, REFUSED), strict=True):
            height = plot.height() * value / peak
            painter.fillRect(QRectF(plot.left() + step * index + step * 0.15, bottom - height,
                                    step * 0.7, height), color)
            bottom -= height
    _period_labels(painter, plot, [t.label for t in report.periods], ink)


def draw_errors(painter: QPainter, rect: QRectF, report: Report, lang: str, ink: QColor) -> None:
    plot = _frame(painter, rect, chart_text("errors", lang), ink)
    kinds = report.errors_by_kind.most_common(6)
    if not kinds:
        painter.setPen(ink)
        painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, report.errors_empty(lang))
        return
    peak = kinds[0][1]
    metrics = painter.fontMetrics()
    line = metrics.height()
    labels = [error_kind_label(kind, lang) for kind, _ in kinds]
    left_edge = plot.left() - line * 2.4
    # As wide as the longest label needs, at most 40 % of the chart: a longer one wraps at its
    # spaces, and only a word longer than that is elided (the tooltip has it whole).
    label_width = min(max(metrics.horizontalAdvance(text) for text in labels) + line,
                      (plot.right() - left_edge) * 0.4)
    row = plot.height() / len(kinds)
    for index, ((_, count), text) in enumerate(zip(kinds, labels, strict=True)):
        top = plot.top() + row * index
        box = QRectF(left_edge, top, label_width - line * 0.5, row)
        flags = (Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
                 | Qt.TextFlag.TextWordWrap)
        fits = painter.boundingRect(box, int(flags), text)
        if fits.height() > row or fits.width() > box.width():
            text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(box.width()))
        painter.setPen(ink)
        painter.drawText(box, int(flags), text)
        left = left_edge + label_width
        width = (plot.right() - left - line * 3) * count / peak
        painter.fillRect(QRectF(left, top + row * 0.2, width, row * 0.6), ERROR)
        painter.drawText(QRectF(left + width + 4, top, line * 3, row),
                         Qt.AlignmentFlag.AlignVCenter, str(count))


def chart_summary(chart: str, report: Report, lang: str) -> str:
    """A chart in words (its tooltip and accessible description): every label whole."""
    lines = [chart_text(chart, lang)]
    if chart == "errors":
        lines += [f"{error_kind_label(kind, lang)}: {count}"
                  for kind, count in report.errors_by_kind.most_common()] or [
            report.errors_empty(lang)]
    elif chart == "histogram":
        lines.append(chart_text("threshold", lang).format(threshold=f"{report.threshold:g}"))
    return "\n".join(lines)


def _legend_width(painter: QPainter, items: list[tuple[str, QColor]]) -> float:
    metrics = painter.fontMetrics()
    return sum(metrics.horizontalAdvance(text) + metrics.height() + 10 for text, _ in items)


def _legend(painter: QPainter, rect: QRectF, items: list[tuple[str, QColor]],
            ink: QColor) -> None:
    """What each colour means, right-aligned on the line at ``rect``'s top: never over the
    bars (the plot starts below it)."""
    metrics = painter.fontMetrics()
    x = rect.right()
    top = rect.top() + metrics.height() * 0.2
    for text, color in reversed(items):
        x -= metrics.horizontalAdvance(text) + metrics.height() + 10
        painter.fillRect(QRectF(x, top + metrics.height() * 0.15, metrics.height() * 0.7,
                                metrics.height() * 0.7), color)
        painter.setPen(ink)
        painter.drawText(QPointF(x + metrics.height(), top + metrics.ascent()), text)


CHARTS: dict[str, Callable[[QPainter, QRectF, Report, str, QColor], None]] = {
    "histogram": draw_histogram, "pass_rate": draw_pass_rate, "calls": draw_calls,
    "errors": draw_errors,
}


class ChartWidget(QWidget):
    """One chart of the Reports view; repaints when given a new report or language."""

    def __init__(self, chart: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = chart
        self.report: Report | None = None
        self.lang = "en"
        self.setObjectName(f"chart_{chart}")
        self.setMinimumSize(320, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def show_report(self, report: Report | None, lang: str) -> None:
        self.report, self.lang = report, lang
        self.setAccessibleName(chart_text(self.chart, lang))
        summary = chart_summary(self.chart, report, lang) if report is not None else ""
        self.setToolTip(summary)
        self.setAccessibleDescription(summary)
        self.update()

    def paintEvent(self, _event: object) -> None:  # noqa: N802
        if self.report is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        ink = self.palette().windowText().color()
        CHARTS[self.chart](painter, QRectF(self.rect()).adjusted(6, 4, -6, -4), self.report,
                           self.lang, ink)
        painter.end()
