"""The audit trail in the desk: a lazily fetching table over SQL paging, filters and sorting
done by the database, the chain's state, every detail of the selected record, and a streamed
export with progress and cancel (the same rows as ``livedetect history --export``)."""

from __future__ import annotations

import threading
import time as clock
from collections.abc import Callable
from concurrent.futures import Future
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QDate,
    QDateTime,
    QLocale,
    QModelIndex,
    Qt,
    QThreadPool,
    Signal,
)
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from livedetect_gui.core.trail.chain import ChainState, Record
from livedetect_gui.core.trail.checkpoints import Checkpoint, newest_checkpoint
from livedetect_gui.core.trail.history import ExportCancelled
from livedetect_gui.core.trail.kept_photos import KeptPhotos, photo_matches
from livedetect_gui.core.trail.lazy_history import LazyHistory as SharedHistory
from livedetect_gui.core.trail.reasons import decision_summary
from livedetect_gui.core.trail.store import Query
from livedetect_gui.core.verdict import Verdict, verdict_word
from livedetect_gui.ui.audit.history_model import (
    ExportPlace,
    HistoryModel,
    current_lang,
    dated,
    describe,
    opened,
)
from livedetect_gui.ui.audit.reports_view import ReportsPanel
from livedetect_gui.ui.common.tasks import TaskRunner
from livedetect_gui.ui.common.theme import verdict_color


class HistoryPanel(QWidget):
    exported = Signal(str)
    # How often the chain is walked again without being asked (a walk of 100,000 records
    # takes about a second on a worker).
    VERIFY_EVERY_S = 30.0

    def __init__(self, history: SharedHistory, tasks: TaskRunner, pool: QThreadPool,
                 parent: QWidget | None = None, photos: KeptPhotos | None = None) -> None:
        super().__init__(parent)
        self.history = history
        self.tasks = tasks
        self.model = HistoryModel(history, tasks, pool, self)
        self.pool = pool
        self.photos = photos  # photos kept as sent, when the desk keeps them
        self._photo_generation = 0
        self.chain: ChainState | None = None
        self.checkpoint: Checkpoint | None = None
        self.chain_error = ""
        self._verified_at = 0.0
        # The desk's own watch over the trail verifies (at start and when the store changes)
        # and hands the state here (``set_chain``); without one, this panel walks the chain.
        self.verify_request: Callable[[], None] | None = None
        self._export_cancel: threading.Event | None = None
        self.place = ExportPlace(Path.home())  # shared with the reports

        self.view = QTableView()
        self.view.setObjectName("historyView")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setSortingEnabled(True)
        self.view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        # Connected after the view's own sorting: a click on a column the database cannot
        # sort by leaves the arrow where the rows' order really is.
        self.view.horizontalHeader().sortIndicatorChanged.connect(self._show_sort)
        self.view.verticalHeader().hide()
        self.view.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # a long path keeps its name
        self.view.verticalHeader().setDefaultSectionSize(22)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((150, 220, 60, 70, 100, 90, 80, 100, 60)):
            header.resizeSection(column, width)
        self.view.selectionModel().currentRowChanged.connect(self._show_details)
        self.details = QPlainTextEdit()
        self.details.setObjectName("historyDetails")
        self.details.setReadOnly(True)
        self.photo = QLabel()
        self.photo.setObjectName("historyPhoto")
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.photo.setMinimumSize(160, 120)
        self.photo.hide()

        today = QDate.currentDate()
        self.since = QDateEdit(today.addDays(-30))
        self.until = QDateEdit(today)
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(self.refresh)
        self.verdict = QComboBox()
        self.verdict.setObjectName("verdictFilter")
        self.mode = QComboBox()
        self.mode.setObjectName("modeFilter")
        self.kind = QComboBox()
        self.kind.setObjectName("kindFilter")
        self.state = QComboBox()
        self.state.setObjectName("stateFilter")
        for combo in (self.verdict, self.mode, self.kind, self.state):
            combo.currentIndexChanged.connect(self.refresh)
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(160)
        self.search.textChanged.connect(self.refresh)
        self.refresh_button = QPushButton()
        self.refresh_button.clicked.connect(lambda: self.refresh(verify=True))
        self.export_button = QPushButton()
        self.export_button.setObjectName("exportButton")
        self.export_button.clicked.connect(lambda: self.export())
        self.cancel_button = QPushButton()
        self.cancel_button.setObjectName("exportCancelButton")
        self.cancel_button.clicked.connect(self.cancel_export)
        self.cancel_button.hide()
        self.progress = QProgressBar()
        self.progress.setObjectName("exportProgress")
        self.progress.hide()
        self.since_label, self.until_label = QLabel(), QLabel()
        self.since_label.setBuddy(self.since)
        self.until_label.setBuddy(self.until)
        self.status = QLabel()
        self.status.setObjectName("historyStatus")
        self.chain_label = QLabel()
        self.chain_label.setObjectName("chainState")
        self.chain_label.setWordWrap(True)

        # Two rows: beside the decision panel at 1366 px, Refresh and Export stay in view and
        # the panel never needs to scroll sideways.
        filters = QHBoxLayout()
        for widget in (self.since_label, self.since, self.until_label, self.until, self.verdict,
                       self.mode, self.kind):
            filters.addWidget(widget)
        filters.addStretch(1)
        actions = QHBoxLayout()
        actions.addWidget(self.state)
        actions.addWidget(self.search, 1)
        actions.addWidget(self.refresh_button)
        actions.addWidget(self.export_button)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.view)
        below = QSplitter(Qt.Orientation.Horizontal)
        below.addWidget(self.details)
        below.addWidget(self.photo)
        below.setStretchFactor(0, 3)
        below.setStretchFactor(1, 1)
        split.addWidget(below)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.progress)
        bottom.addWidget(self.cancel_button)
        records = QWidget()
        inner = QVBoxLayout(records)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.chain_label)
        inner.addLayout(filters)
        inner.addLayout(actions)
        inner.addWidget(split, 1)
        inner.addLayout(bottom)
        # The audit area: the records, and the supervisor's reports over them.
        self.reports = ReportsPanel(history, tasks, self.pool)
        self.reports.place = self.place
        self.tabs = QTabWidget()
        self.tabs.setObjectName("auditTabs")
        self.tabs.addTab(records, "")
        self.tabs.addTab(self.reports, "")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.model.loaded.connect(self._show_count)
        self.model.failed.connect(self._failed)
        self.model.modelReset.connect(lambda: self.details.clear())
        self.retranslate()

    def retranslate(self) -> None:
        self.model.lang = current_lang()
        self.since_label.setText(self.tr("S&ince"))
        self.until_label.setText(self.tr("&Until"))
        lang = self.model.lang
        self._fill(self.verdict, ((self.tr("All verdicts"), None),
                                  *((verdict_word(v, lang), v.value) for v in Verdict)))
        self._fill(self.mode, ((self.tr("Live and simulated"), None), (self.tr("Live"), False),
                               (self.tr("Simulated"), True)))
        self._fill(self.kind, ((self.tr("Checks and decisions"), None),
                               (self.tr("Checks"), "check"), (self.tr("Decisions"), "decision")))
        self._fill(self.state, ((self.tr("Any state"), None), (self.tr("Undecided"), "undecided"),
                                (self.tr("Held, not sent"), "held")))
        self.state.setToolTip(self.tr("Undecided: judged checks with no decision yet (as in the "
                                      "worklist). Held: photos the pre-checks held that were "
                                      "never sent."))
        self.state.setAccessibleName(self.tr("Decision state filter"))
        self.verdict.setAccessibleName(self.tr("Verdict filter"))
        self.mode.setAccessibleName(self.tr("Live or simulated filter"))
        self.kind.setAccessibleName(self.tr("Record kind filter"))
        self.search.setPlaceholderText(self.tr("Search sources and references"))
        self.search.setAccessibleName(self.tr("Search sources and references"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.export_button.setText(self.tr("Export CSV…"))
        self.cancel_button.setText(self.tr("Cancel export"))
        self.details.setAccessibleName(self.tr("Record details"))
        self.tabs.setTabText(0, self.tr("Records"))
        self.tabs.setTabText(1, self.tr("Reports"))
        self.reports.retranslate()
        self.model.retranslate()
        self._show_chain()
        self._show_count()

    @staticmethod
    def _fill(combo: QComboBox, items: tuple[tuple[str, object], ...]) -> None:
        current = combo.currentIndex()
        combo.blockSignals(True)
        combo.clear()
        for text, data in items:
            combo.addItem(text, data)
        combo.setCurrentIndex(max(0, current))
        combo.blockSignals(False)

    def query(self) -> Query:
        since = datetime.combine(self.since.date().toPython(), time.min).timestamp()
        until = datetime.combine(self.until.date().toPython() + timedelta(days=1),
                                 time.min).timestamp()
        verdict, kind = self.verdict.currentData(), self.kind.currentData()
        return Query(since=since, until=until, verdicts=[verdict] if verdict else None,
                     simulated=self.mode.currentData(), kinds=[kind] if kind else None,
                     text=self.search.text().strip() or None, state=self.state.currentData(),
                     sort=self.model.query.sort,
                     descending=self.model.query.descending)

    def _show_sort(self, *_args: object) -> None:
        """The header's arrow says the order the rows are in (Qt's ascending indicator for
        ascending data), whichever column was clicked."""
        column, order = self.model.sorted_by()
        header = self.view.horizontalHeader()
        if (header.sortIndicatorSection(), header.sortIndicatorOrder()) != (column, order):
            header.blockSignals(True)
            header.setSortIndicator(column, order)
            header.blockSignals(False)
            header.viewport().update()

    def refresh(self, *_args: object, verify: bool = False) -> None:
        self.model.set_query(self.query())
        if self.verify_request is not None:
            if verify:
                self.verify_request()
        elif verify or clock.monotonic() - self._verified_at > self.VERIFY_EVERY_S:
            self.verify()

    def set_chain(self, chain: ChainState | None, error: str = "",
                  checkpoint: Checkpoint | None = None) -> None:
        """The chain as the desk last verified it: the banner, and the altered record marked."""
        self.chain, self.chain_error = chain, error
        self.checkpoint = checkpoint if checkpoint is not None else self.checkpoint
        self._verified_at = clock.monotonic()
        self.model.set_broken(chain.bad_seq if chain is not None and not chain.intact
                              else None)
        self._show_chain()

    # -- the chain ---------------------------------------------------------------------------

    def verify(self) -> None:
        self._verified_at = clock.monotonic()
        history = self.history

        def walk() -> tuple[ChainState, Checkpoint | None]:
            trail = opened(history)
            return trail.verify(), newest_checkpoint(trail)

        self.tasks.run(self.pool, walk, self._verified)

    def _verified(self, future: Future) -> None:
        try:
            chain, self.checkpoint = future.result()
            self.set_chain(chain)
        except Exception as exc:
            self.set_chain(ChainState(0, False, problem="unreadable"),
                           describe(exc, self.model.lang))

    def _show_chain(self) -> None:
        chain = self.chain
        if chain is None:
            self.chain_label.setText(self.tr("Audit trail: checking the chain…"))
            self.chain_label.setStyleSheet("")
        elif self.chain_error:
            self.chain_label.setText(self.tr("✖ The audit trail cannot be verified: %1")
                                     .replace("%1", self.chain_error))
            self.chain_label.setStyleSheet(f"color: {verdict_color(Verdict.FAIL)};")
        elif chain.intact:
            text = (self.tr("✔ Audit trail verified: %1 records, chain intact")
                    .replace("%1", f"{chain.count:,}"))
            if self.checkpoint is not None:
                # Only `history verify --trusted-key` says whether it proves anything.
                signed = QDateTime.fromSecsSinceEpoch(int(self.checkpoint.at))
                text += " · " + self.tr("newest signed checkpoint: %1").replace(
                    "%1", QLocale().toString(signed, QLocale.FormatType.ShortFormat))
            self.chain_label.setText(text)
            self.chain_label.setStyleSheet(f"color: {verdict_color(Verdict.PASS)};")
        else:
            self.chain_label.setText(
                self.tr("✖ AUDIT TRAIL ALTERED — do not rely on these records: %1")
                .replace("%1", chain.message(self.model.lang)))
            self.chain_label.setStyleSheet(
                f"color: white; background: {verdict_color(Verdict.FAIL)}; padding: 4px;"
                "font-weight: bold;")

    # -- status and details ------------------------------------------------------------------

    def _show_count(self) -> None:
        if self.history.error:
            self.status.setText(self.tr("History is off: %1").replace("%1", self.history.error))
            return
        # Matching records of all the trail's ("7 of 18" with a filter), and how many of the
        # matching ones are fetched so far when it is not all of them.
        model = self.model
        text = self.tr("%1 of %2 records shown").replace("%1", f"{model.total:,}").replace(
            "%2", f"{max(model.everything, model.total):,}")
        if len(model.rows) < model.total:
            text += " · " + self.tr("%1 loaded").replace("%1", f"{len(model.rows):,}")
        self.status.setText(text)

    def _failed(self, message: str) -> None:
        self.status.setText(self.tr("History could not be read: %1").replace("%1", message))

    def _show_details(self, current: QModelIndex, _previous: QModelIndex) -> None:
        record = self.model.record(current.row())
        self.details.setPlainText("" if record is None else "\n".join(self.detail_lines(record)))
        self._show_photo(record)

    def _show_photo(self, record: Record | None) -> None:
        """The photo as sent, when it was kept: read and decoded on the trail pool."""
        self._photo_generation += 1
        generation, photos = self._photo_generation, self.photos
        self.photo.clear()
        self.photo.hide()
        if record is None or photos is None or record.kind == "cut":
            return
        record_id = record.check_id or record.id

        def load() -> tuple[QImage, bool] | None:
            data = photos.read(record_id)
            image = QImage.fromData(data) if data else None
            if image is None or image.isNull():
                return None
            return image, photo_matches(data, record)  # type: ignore[arg-type]

        def done(future: Future) -> None:
            loaded = future.result()
            if generation == self._photo_generation and loaded is not None:
                image, as_sent = loaded
                self.photo.setPixmap(QPixmap.fromImage(image).scaled(
                    240, 240, Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation))
                # A kept file whose bytes are not those the record says were sent is never
                # presented as the photo as sent.
                self.photo.setProperty("replaced", not as_sent)
                self.photo.setStyleSheet("" if as_sent else "border: 3px solid #d93025;")
                self.photo.setToolTip(self.tr("The photo as sent") if as_sent else self.tr(
                    "NOT the photo as sent: this kept file was replaced or edited after the "
                    "check (it does not match the record)"))
                self.photo.setAccessibleName(self.photo.toolTip())
                self.photo.show()

        self.tasks.run(self.pool, load, done)

    def detail_lines(self, record: Record) -> list[str]:
        """Every detail of a record, labelled in the desk's language; messages from their
        keys (old rows read in today's language), the raw fields after them."""
        lang, model = self.model.lang, self.model
        lines = [self.tr("⚠ This record was altered after it was written: do not rely on "
                         "it.")] if model.is_altered(record) else []
        lines += [self.tr("Time: %1").replace("%1", record.time_text),
                 self.tr("Source: %1").replace("%1", record.source)]
        if record.kind == "check":
            lines += [self.tr("Verdict: %1").replace("%1", model.text_of(record, "verdict")),
                      self.tr("Score %1, threshold %2").replace(
                          "%1", model.text_of(record, "score") or "—").replace(
                          "%2", model.text_of(record, "threshold") or "—"),
                      self.tr("Message: %1").replace("%1", record.message(lang))]
        elif record.kind == "decision":
            lines.append(self.tr("Decision: %1").replace("%1", decision_summary(record, lang)))
        latest = model.decisions.get(record.id)
        if latest is not None:
            said = " · ".join(p for p in (decision_summary(latest, lang), latest.note,
                                          latest.reference, latest.operator or latest.os_user,
                                          latest.time_text) if p)
            lines.append(self.tr("Latest decision: %1").replace("%1", said))
        lines += [
            self.tr("Mode: %1").replace("%1", model.text_of(record, "mode")),
            self.tr("Backend: %1 (%2)").replace("%1", record.api or "—").replace(
                "%2", record.endpoint or "—"),
            self.tr("Request id: %1").replace("%1", record.request_id or "—"),
            self.tr("Operator: %1 (login %2, desk %3)").replace(
                "%1", record.operator or "—").replace("%2", record.os_user).replace(
                "%3", record.desk),
            "",
        ]
        for name, value in vars(record).items():
            if value not in (None, ""):
                lines.append(f"{name}: {record.time_text if name == 'at' else value}")
        return lines

    # -- export ------------------------------------------------------------------------------

    def export(self, path: str | None = None) -> None:
        """Every record matching the filters (not just the rows fetched so far), streamed on
        a worker into a temporary file renamed at the end; progress and cancel meanwhile."""
        if self._export_cancel is not None:
            return  # one export at a time
        if path is None:
            # In the operator's home or last export folder, never the program's working one.
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("Export history"),
                str(self.place.folder / dated("livedetect-history", ".csv")),
                self.tr("CSV files (*.csv)"))
            if not path:
                return
            self.place.chosen(path)
        query, history, lang = self.query(), self.history, self.model.lang
        cancel = self._export_cancel = threading.Event()
        expected = max(1, self.model.total)
        self.progress.setRange(0, expected)
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.export_button.setEnabled(False)

        def write(report: Any) -> int:
            return opened(history).export_file(path, query, lang, progress=report,
                                                cancelled=cancel.is_set)

        self.tasks.run(self.pool, write, lambda f: self._exported(path, f),
                       on_progress=self._export_progress)

    def _export_progress(self, count: int) -> None:
        if count > self.progress.maximum():
            self.progress.setMaximum(count)
        self.progress.setValue(count)
        self.status.setText(self.tr("Exporting… %1 records written").replace("%1", f"{count:,}"))

    def cancel_export(self) -> None:
        if self._export_cancel is not None:
            self._export_cancel.set()

    def _exported(self, path: str, future: Future) -> None:
        self._export_cancel = None
        self.progress.hide()
        self.cancel_button.hide()
        self.export_button.setEnabled(True)
        try:
            count = future.result()
        except ExportCancelled:
            self.status.setText(self.tr("Export cancelled; %1 was not changed").replace("%1", path))
            return
        except OSError as exc:
            self.status.setText(self.tr("Export failed: %1").replace(
                "%1", f"{path}: {exc.strerror or exc}"))
            return
        except Exception as exc:
            self.status.setText(self.tr("Export failed: %1").replace(
                "%1", describe(exc, self.model.lang)))
            return
        self.status.setText(self.tr("Exported %1 records to %2").replace("%1", f"{count:,}")
                            .replace("%2", path))
        self.exported.emit(path)
