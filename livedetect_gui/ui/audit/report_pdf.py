"""A report as PDF through Qt's own PDF writer (no browser): the date range, the operators,
the trail's verification state, the charts, then the tables. Used by the Reports view and by
``livedetect report --pdf`` (offscreen, Qt imported only then)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
)

from livedetect_gui.core.paths import write_private
from livedetect_gui.core.trail.reports import (
    TABLE_COLUMNS,
    Report,
    cell,
    chart_text,
    column_title,
    error_kind_label,
)
from livedetect_gui.ui.audit.report_charts import CHARTS, FAIL, PASS

DPI = 150


def render_pdf(report: Report, lang: str = "en") -> bytes:
    _ = QGuiApplication.instance() or QGuiApplication([])  # fonts need an application
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(DPI)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Portrait, QMarginsF(12, 12, 12, 12),
                                     QPageLayout.Unit.Millimeter))
    writer.setTitle(report.title(lang))
    writer.setCreator("LiveDetect Desk")
    painter = QPainter(writer)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    page = QRectF(writer.pageLayout().paintRectPixels(DPI)).translated(
        -writer.pageLayout().paintRectPixels(DPI).topLeft())
    _Page(painter, writer, page, report, lang).draw()
    painter.end()
    buffer.close()
    return bytes(data.data())


LABEL_SHARE = 0.3  # at most this much of the page for the label column


def column_widths(needed: list[float], width: float) -> list[float]:
    """Widths of the table's columns within ``width``: the label column (first) never takes
    more than ``LABEL_SHARE`` of the page while the figures need room; spare room is shared;
    when even the figures do not fit, every column shrinks in proportion."""
    label = min(needed[0], width * LABEL_SHARE)
    widths = [label, *needed[1:]]
    total = sum(widths)
    if total > width:
        return [w * width / total for w in widths]
    spare = (width - total) / len(widths)
    return [w + spare for w in widths]


def write_pdf(report: Report, path: str | Path, lang: str = "en") -> None:
    """The whole PDF or nothing: rendered in memory, then written privately and renamed."""
    write_private(path, render_pdf(report, lang))


class _Page:
    def __init__(self, painter: QPainter, writer: QPdfWriter, page: QRectF, report: Report,
                 lang: str) -> None:
        self.painter, self.writer, self.page, self.report, self.lang = (painter, writer, page,
                                                                        report, lang)
        self.ink = QColor("#202020")
        self.y = page.top()
        base = QFont(painter.font())
        base.setPointSizeF(9)
        painter.setFont(base)
        self.line = painter.fontMetrics().height()

    def text(self, text: str, size: float = 9, bold: bool = False,
             color: QColor | None = None) -> None:
        font = QFont(self.painter.font())
        font.setPointSizeF(size)
        font.setBold(bold)
        self.painter.save()
        self.painter.setFont(font)
        self.painter.setPen(color or self.ink)
        height = self.painter.fontMetrics().height()
        rect = QRectF(self.page.left(), self.y, self.page.width(), height * 4)
        used = self.painter.boundingRect(rect, int(Qt.TextFlag.TextWordWrap), text)
        self.painter.drawText(rect, int(Qt.TextFlag.TextWordWrap), text)
        self.painter.restore()
        self.y += used.height() + height * 0.3

    def room(self, height: float) -> None:
        if self.y + height > self.page.bottom():
            self.new_page()

    def new_page(self) -> None:
        self.writer.newPage()
        self.y = self.page.top()
        self.simulated_mark()

    def simulated_mark(self) -> None:
        """Simulated records in the figures: every page says so, across it (under the
        content, pale, so the figures stay legible) and in a banner at its top."""
        marker = self.report.simulated_marker(self.lang)
        if not marker:
            return
        painter, page = self.painter, self.page
        painter.save()
        font = QFont(painter.font())
        font.setPointSizeF(64)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor(227, 116, 0, 60))
        painter.translate(page.center())
        painter.rotate(-45)
        span = (page.width() ** 2 + page.height() ** 2) ** 0.5
        painter.drawText(QRectF(-span / 2, -page.height() / 4, span, page.height() / 2),
                         Qt.AlignmentFlag.AlignCenter, chart_text("simulated_watermark",
                                                                  self.lang))
        painter.restore()
        self.text(marker, 10, bold=True, color=QColor("#a04f00"))

    def draw(self) -> None:
        report, lang = self.report, self.lang
        options = report.options
        self.simulated_mark()
        self.text(report.title(lang), 16, bold=True)
        since = datetime.fromtimestamp(options.since).date().isoformat()
        last = datetime.fromtimestamp(options.until - 1).date().isoformat()
        self.text(f"{chart_text('range', lang)}: {since} — {last}")
        operators = ", ".join(report.operator_names()) or "–"
        self.text(f"{chart_text('operators', lang)}: {operators}")
        color = PASS if report.chain.intact else FAIL
        self.text(f"{chart_text('trail', lang)}: {report.chain.message(lang)}", 10, bold=True,
                  color=color)
        self.text(chart_text("simulated_in", lang) if options.include_simulated else
                  chart_text("simulated_out", lang).format(count=report.simulated_left_out))
        self.text(chart_text("generated", lang).format(
            time=datetime.now().astimezone().isoformat(timespec="seconds")), 7)
        self.y += self.line
        width = (self.page.width() - self.line) / 2
        height = width * 0.62
        for row in range(2):
            self.room(height)
            for col in range(2):
                name = list(CHARTS)[row * 2 + col]
                rect = QRectF(self.page.left() + col * (width + self.line), self.y, width, height)
                self.painter.save()
                CHARTS[name](self.painter, rect, report, lang, self.ink)
                self.painter.restore()
            self.y += height + self.line
        for key, rows in (("by_period", report.periods), ("by_operator", report.operators),
                          ("total", [report.total])):
            self.room(self.line * 4)
            self.text(chart_text(key, lang), 11, bold=True)
            self.table(rows)
        if report.errors_by_kind:
            self.room(self.line * 3)
            self.text(chart_text("errors", lang), 11, bold=True)
            for kind, count in report.errors_by_kind.most_common():
                self.text(f"{error_kind_label(kind, self.lang)}: {count}")

    def table(self, rows: list) -> None:
        painter = self.painter
        font = QFont(painter.font())
        font.setPointSizeF(7.5)
        painter.save()
        painter.setFont(font)
        line = painter.fontMetrics().height() * 1.35
        # Each column as wide as its longest header word or value needs, the spare width shared.
        metrics = painter.fontMetrics()
        titles = [column_title(c, self.lang) for c in TABLE_COLUMNS]
        bodies = [[self.report.row_label(tally, self.lang),
                   *(cell(tally, c) for c in TABLE_COLUMNS[1:])] for tally in rows]
        needed = [8 + max(metrics.horizontalAdvance(word)
                          for word in [*title.split(), *(body[i] for body in bodies)])
                  for i, title in enumerate(titles)]
        widths = column_widths(needed, self.page.width())
        lefts = [self.page.left() + sum(widths[:i]) for i in range(len(widths))]
        # A label wider than its column (a very long operator name) is shortened in the
        # middle, never allowed to push the figures off the page.
        bodies = [[metrics.elidedText(body[0], Qt.TextElideMode.ElideMiddle,
                                      int(widths[0] - 4)), *body[1:]] for body in bodies]

        def draw_row(values: list[str], bold: bool = False, shade: bool = False,
                     lines: int = 1) -> None:
            height = line * lines
            if self.y + height > self.page.bottom():
                self.new_page()
            if shade:
                painter.fillRect(QRectF(self.page.left(), self.y, self.page.width(), height),
                                 QColor("#f0f0f0"))
            bold_font = QFont(font)
            bold_font.setBold(bold)
            painter.setFont(bold_font)
            painter.setPen(self.ink)
            for index, value in enumerate(values):
                align = Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap | (
                    Qt.AlignmentFlag.AlignLeft if index == 0 else Qt.AlignmentFlag.AlignRight)
                painter.drawText(QRectF(lefts[index] + 2, self.y, widths[index] - 4, height),
                                 int(align), value)
            self.y += height

        draw_row(titles, bold=True, shade=True, lines=2)
        for index, values in enumerate(bodies):
            draw_row(values, shade=index % 2 == 1)
        painter.restore()
        self.y += self.line * 0.6
