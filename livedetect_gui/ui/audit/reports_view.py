"""The supervisor's Reports view: a date range, per day or week and per operator, with the
score histogram and threshold line, pass rate over time, calls spent and saved, errors by
kind, the tables, and export as PDF and CSV. The report is built on a worker."""

from __future__ import annotations

from concurrent.futures import Future
from datetime import datetime, time, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from livedetect_gui.core.paths import write_private
from livedetect_gui.core.trail.lazy_history import LazyHistory as SharedHistory
from livedetect_gui.core.trail.reports import (
    TABLE_COLUMNS,
    Report,
    ReportOptions,
    Tally,
    build_report,
    cell,
    column_title,
    write_csv,
)
from livedetect_gui.core.trail.store import Query
from livedetect_gui.core.verdict import Verdict
from livedetect_gui.ui.audit.history_model import (
    ExportPlace,
    current_lang,
    dated,
    describe,
    opened,
)
from livedetect_gui.ui.audit.report_charts import CHARTS, ChartWidget
from livedetect_gui.ui.common.tasks import TaskRunner
from livedetect_gui.ui.common.theme import verdict_color


class ReportsPanel(QWidget):
    built = Signal()
    exported = Signal(str)

    def __init__(self, history: SharedHistory, tasks: TaskRunner, pool,  # noqa: ANN001
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history = history
        self.tasks = tasks
        self.pool = pool
        self.report: Report | None = None
        self.lang = "en"
        self._generation = 0
        self.place = ExportPlace(Path.home())  # the history view shares its own

        today = QDate.currentDate()
        self.since = QDateEdit(today.addDays(-30))  # as History's
        self.until = QDateEdit(today)
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.since_label, self.until_label = QLabel(), QLabel()
        self.since_label.setBuddy(self.since)
        self.until_label.setBuddy(self.until)
        self.by = QComboBox()
        self.by.setObjectName("reportPeriod")
        self.operator = QComboBox()
        self.operator.setObjectName("reportOperator")
        self.operator.setEditable(False)
        self.simulated = QCheckBox()
        self.simulated.setObjectName("reportSimulated")
        self.threshold = QDoubleSpinBox()
        self.threshold.setRange(-1, 100)  # -1: "auto", the threshold most checks used
        self.threshold.setValue(-1)
        self.threshold_label = QLabel()
        self.threshold_label.setBuddy(self.threshold)
        self.build_button = QPushButton()
        self.build_button.setObjectName("reportBuild")
        self.build_button.clicked.connect(self.build)
        self.pdf_button = QPushButton()
        self.pdf_button.setObjectName("reportPdf")
        self.pdf_button.clicked.connect(lambda: self.export_pdf())
        self.csv_button = QPushButton()
        self.csv_button.setObjectName("reportCsv")
        self.csv_button.clicked.connect(lambda: self.export_csv())
        for button in (self.pdf_button, self.csv_button):
            button.setEnabled(False)
        self.status = QLabel()
        self.status.setObjectName("reportStatus")
        self.chain_label = QLabel()
        self.chain_label.setObjectName("reportChain")
        self.chain_label.setWordWrap(True)

        # Two rows: the audit area shares the History tab, which sits beside the decision
        # panel at 1366 px; one row of every control would push the records off the screen.
        controls = QVBoxLayout()
        what, actions = QHBoxLayout(), QHBoxLayout()
        for widget in (self.since_label, self.since, self.until_label, self.until, self.by,
                       self.operator):
            what.addWidget(widget)
        what.addStretch(1)
        for widget in (self.simulated, self.threshold_label, self.threshold):
            actions.addWidget(widget)
        actions.addStretch(1)
        for widget in (self.build_button, self.pdf_button, self.csv_button):
            actions.addWidget(widget)
        controls.addLayout(what)
        controls.addLayout(actions)

        self.charts = {name: ChartWidget(name) for name in CHARTS}
        grid = QGridLayout()
        for index, chart in enumerate(self.charts.values()):
            grid.addWidget(chart, index // 2, index % 2)
        self.tables = {key: self._table(key) for key in ("periods", "operators")}
        content = QWidget()
        body = QVBoxLayout(content)
        body.addWidget(self.chain_label)
        body.addLayout(grid, 3)
        self.period_title, self.operator_title = QLabel(), QLabel()
        body.addWidget(self.period_title)
        body.addWidget(self.tables["periods"], 2)
        body.addWidget(self.operator_title)
        body.addWidget(self.tables["operators"], 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.status)
        self.retranslate()

    def _table(self, key: str) -> QTableWidget:
        table = QTableWidget(0, len(TABLE_COLUMNS))
        table.setObjectName(f"reportTable_{key}")
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.setAlternatingRowColors(True)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.setMinimumHeight(140)
        return table

    def retranslate(self) -> None:
        self.lang = current_lang()
        self.since_label.setText(self.tr("S&ince"))
        self.until_label.setText(self.tr("&Until"))
        current = self.by.currentIndex()
        self.by.clear()
        self.by.addItem(self.tr("Per day"), "day")
        self.by.addItem(self.tr("Per week"), "week")
        self.by.setCurrentIndex(max(0, current))
        self.by.setAccessibleName(self.tr("Report period"))
        if self.operator.count() == 0:
            self.operator.addItem("", None)
        self.operator.setItemText(0, self.tr("All operators"))
        self.operator.setAccessibleName(self.tr("Operator"))
        self.simulated.setText(self.tr("Include simulated"))
        self.threshold_label.setText(self.tr("Threshold line"))
        self.threshold.setSpecialValueText(self.tr("auto"))
        self.build_button.setText(self.tr("Build report"))
        self.pdf_button.setText(self.tr("Export PDF…"))
        self.csv_button.setText(self.tr("Export CSV…"))
        self.period_title.setText(self.tr("By period"))
        self.operator_title.setText(self.tr("By operator"))
        self._show()

    def options(self) -> ReportOptions:
        since = datetime.combine(self.since.date().toPython(), time.min).timestamp()
        until = datetime.combine(self.until.date().toPython() + timedelta(days=1),
                                 time.min).timestamp()
        operator = self.operator.currentData()
        return ReportOptions(since=since, until=until,
                             operators=[operator] if operator is not None else None,
                             include_simulated=self.simulated.isChecked(),
                             by=self.by.currentData() or "day",
                             threshold=None if self.threshold.value() < 0
                             else self.threshold.value())

    def build(self) -> None:
        self._generation += 1
        generation, options, history = self._generation, self.options(), self.history
        self.status.setText(self.tr("Building the report…"))
        self.build_button.setEnabled(False)

        def work() -> tuple[Report, list[str]]:
            stored = opened(history)
            names = stored.store.operators(Query(since=options.since, until=options.until))
            return build_report(stored, options), names

        def done(future: Future) -> None:
            if generation != self._generation:
                return
            self.build_button.setEnabled(True)
            try:
                report, names = future.result()
            except Exception as exc:
                self.status.setText(self.tr("The report could not be built: %1").replace(
                    "%1", describe(exc, self.lang)))
                return
            self.report = report
            self._operators(names)
            self._show()
            self.status.setText(self.tr("%1 checks, %2 decisions").replace(
                "%1", f"{report.total.checks:,}").replace("%2", f"{report.total.decisions:,}"))
            self.built.emit()

        self.tasks.run(self.pool, work, done)

    def _operators(self, names: list[str]) -> None:
        chosen = self.operator.currentData()
        self.operator.blockSignals(True)
        while self.operator.count() > 1:
            self.operator.removeItem(1)
        for name in names:
            self.operator.addItem(name, name)
        index = self.operator.findData(chosen)
        self.operator.setCurrentIndex(max(0, index))
        self.operator.blockSignals(False)

    def _show(self) -> None:
        report = self.report
        for chart in self.charts.values():
            chart.show_report(report, self.lang)
        for button in (self.pdf_button, self.csv_button):
            button.setEnabled(report is not None)
        for key, table in self.tables.items():
            table.setHorizontalHeaderLabels([column_title(c, self.lang) for c in TABLE_COLUMNS])
            rows: list[Tally] = []
            if report is not None:
                rows = report.periods if key == "periods" else [*report.operators, report.total]
            table.setRowCount(len(rows))
            for row, tally in enumerate(rows):
                for column, name in enumerate(TABLE_COLUMNS):
                    text = (self.tr("Total") if name == "label" and tally is report.total
                            else cell(tally, name))
                    item = QTableWidgetItem(text)
                    if column:
                        item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                              | Qt.AlignmentFlag.AlignVCenter)
                    table.setItem(row, column, item)
        if report is None:
            self.chain_label.setText(self.tr("Choose a date range and build the report."))
            self.chain_label.setStyleSheet("")
            return
        chain = report.chain
        if chain.intact:
            self.chain_label.setText(self.tr("Audit trail: %1").replace(
                "%1", chain.message(self.lang)))
            self.chain_label.setStyleSheet(f"color: {verdict_color(Verdict.PASS)};")
        else:
            self.chain_label.setText(
                self.tr("✖ AUDIT TRAIL ALTERED — do not rely on these records: %1")
                .replace("%1", chain.message(self.lang)))
            self.chain_label.setStyleSheet(
                f"color: white; background: {verdict_color(Verdict.FAIL)}; padding: 4px;")

    # -- export ------------------------------------------------------------------------------

    def _ask(self, path: str | None, name: str, kinds: str) -> str | None:
        if self.report is None:
            return None
        if path is None:  # in the operator's home or last export folder, never the cwd
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Export report"),
                                                  str(self.place.folder / name), kinds)
            if path:
                self.place.chosen(path)
        return path or None

    def export_pdf(self, path: str | None = None) -> None:
        path = self._ask(path, dated("livedetect-report", ".pdf"), self.tr("PDF files (*.pdf)"))
        if path is None or self.report is None:
            return
        from livedetect_gui.ui.audit.report_pdf import render_pdf

        # Painted here (QPainter on a QPdfWriter wants the GUI thread for fonts); the file is
        # written on a worker. A report is a few pages: tens of milliseconds.
        pdf = render_pdf(self.report, self.lang)

        self.tasks.run(self.pool, lambda: write_private(path, pdf),
                       lambda f: self._exported(path, f, pdf=True))

    def export_csv(self, path: str | None = None) -> None:
        path = self._ask(path, dated("livedetect-report", ".csv"), self.tr("CSV files (*.csv)"))
        if path is None or self.report is None:
            return
        report, lang = self.report, self.lang
        self.tasks.run(self.pool, lambda: write_csv(report, path, lang),
                       lambda f: self._exported(path, f))

    def _exported(self, path: str, future: Future, pdf: bool = False) -> None:
        try:
            rows = future.result()
        except OSError as exc:
            self.status.setText(self.tr("Export failed: %1").replace(
                "%1", f"{path}: {exc.strerror or exc}"))
            return
        self.status.setText(self.tr("Report written to %1").replace("%1", path) if pdf else
                            self.tr("Report written to %1: %2 rows").replace("%1", path)
                            .replace("%2", f"{rows:,}"))
        self.exported.emit(path)
