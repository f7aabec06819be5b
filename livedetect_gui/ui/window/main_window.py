"""The main window: layout, menus, toolbar, docks and persistence over the desk controller.

The work (connection, intake, checks, threshold, background tasks) belongs to ``Desk``; this
window shows its model and forwards the operator's commands, all listed in ``actions.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QMainWindow,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from livedetect_gui.core.checks.planning import Source
from livedetect_gui.core.service.credentials import CredentialStore
from livedetect_gui.core.trail.postgres_store import waiting_message
from livedetect_gui.ui.capture.dock import CaptureDock
from livedetect_gui.ui.common.theme import app_icon
from livedetect_gui.ui.desk.controller import Desk
from livedetect_gui.ui.desk.settings import DeskSettings
from livedetect_gui.ui.dialogs.operator import OperatorButton, OperatorDialog
from livedetect_gui.ui.queue.decisions import DecisionArea
from livedetect_gui.ui.queue.model import QueueItem, Status
from livedetect_gui.ui.queue.preview import PhotoDialog, PreviewPanel
from livedetect_gui.ui.queue.view import QueueView
from livedetect_gui.ui.window import actions as action_table
from livedetect_gui.ui.window.billing_controls import BillingControls
from livedetect_gui.ui.window.deciding import DecisionFlow
from livedetect_gui.ui.window.fields import CaseField, ThresholdField, UrlField
from livedetect_gui.ui.window.layout_memory import restore_layout, save_layout
from livedetect_gui.ui.window.photo_input import PhotoInput
from livedetect_gui.ui.window.setup_dialogs import SetupDialogs
from livedetect_gui.ui.window.status import DeskStatusBar, SandboxBanner
from livedetect_gui.ui.window.views import CASE, HISTORY, QUEUE, WORKLIST, DeskViews, scrolling

if TYPE_CHECKING:  # QtMultimedia is imported lazily: the desk runs without it
    from livedetect_gui.ui.capture.camera import FrameSource


class MainWindow(QMainWindow):
    languageRequested = Signal(str)

    def __init__(self, settings: DeskSettings, *, force_sandbox: bool = False,
                 store: CredentialStore | None = None, history_path: Path | None = None,
                 lang: str = "en", frame_source: FrameSource | None = None,
                 captures_folder: Path | None = None, env: Mapping[str, str] | None = None,
                 persist: bool = True, queue_path: Path | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowIcon(app_icon())
        self.lang = lang
        self._waiting = 0  # records waiting for the shared history
        self.desk = Desk(settings, store=store, history_path=history_path, lang=lang, env=env,
                         persist=persist, queue_path=queue_path, parent=self)
        self.model = self.desk.model
        self._shown: tuple[int, Status] | None = None
        self._build()
        self._build_capture(frame_source, captures_folder)
        self.setAcceptDrops(True)
        self.retranslate()
        restore_layout(self, self.splitter)
        self.desk.notice.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.desk.failed.connect(self.show_failure)
        self.desk.stateChanged.connect(self._show_progress)
        self.desk.connectionChanged.connect(self._show_mode)
        self.desk.sharedWaiting.connect(self._show_waiting)  # queued: sent from a worker
        self.desk.batchFinished.connect(self._batch_finished)
        self.desk.previewReady.connect(self.preview.set_preview_image)
        self.model.itemsChanged.connect(self._items_changed)
        self.setup.languageRequested.connect(self.languageRequested)
        self.setup.settingsApplied.connect(
            lambda: self.decision_area.set_reasons(self.desk.reasons))
        self.desk.operatorChanged.connect(self.operator_button.show_operator)
        self.desk.chainChecked.connect(self._show_chain)
        self.desk.intake.cropAdded.connect(
            lambda item: self.queue_view.select_only(self.model.row_of(item.id) or 0))
        self.views.worklist.model.loaded.connect(self._show_worklist_counts)
        self.desk.start(force_sandbox)
        # The keyboard starts in the queue (not the URL field): Ctrl+A selects photos.
        self.queue_view.setFocus()

    # -- building ----------------------------------------------------------------------------

    def _handler(self, name: str) -> Callable[[], object]:
        """An action's slot: the method of this window, or of the part that owns it."""
        def call(*_args: object) -> object:
            owner = next(part for part in (self, self.setup, self.billing, self.photo_input,
                                           self.capture_dock, self.flow) if hasattr(part, name))
            return getattr(owner, name)()
        return call

    def _build(self) -> None:
        self.actions = action_table.build(self, self._handler)
        self.setup = SetupDialogs(self, self.desk, self.actions, self.lang)
        self.url_field = UrlField()
        self.url_edit = self.url_field.edit
        self.threshold = ThresholdField(self.desk.threshold, self.desk.api)
        self.threshold.changed.connect(self.set_threshold)
        self.threshold_spin = self.threshold.spin
        # Menus and toolbar from the action table; the toolbar reads left to right as the flow.
        self.case_field = CaseField()
        self.case_field.chosen.connect(lambda ref: self.flow.set_case(ref))
        self.menus, self.toolbar = action_table.install(self, self.actions, after={
            "paste": [self.url_field, self.case_field],
            "retry": [action_table.SEPARATOR, self.threshold]})
        self.run_button = self.toolbar.widgetForAction(self.actions["runAll"])
        self.run_button.setObjectName("runButton")
        self.cancel_button = self.toolbar.widgetForAction(self.actions["cancel"])
        self.cancel_button.setObjectName("cancelButton")

        self.banner = SandboxBanner()
        self.banner.useProfile.connect(self.setup.edit_credentials)
        # A generation the desk cannot switch to now (checks running) shows the current again.
        self.banner.generationChosen.connect(
            lambda api: self.desk.use_sandbox(api) or self._show_mode())

        self.queue_view = QueueView(self.model)
        self.photo_input = PhotoInput(self, self.desk, self.url_field,
                                      self.queue_view.select_if_none)
        self.queue_view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.queue_view.doubleClicked.connect(lambda _i: self.show_large())

        self.views = DeskViews(self.desk, self.queue_view, self)
        self.history_panel = self.views.history
        self.tabs = self.views.tabs
        self.views.subjectChanged.connect(self._subject_changed)
        self.views.sidePaneWanted.connect(self._side_pane)
        for panel in (self.views.history, self.views.history.reports):  # said where it shows
            panel.exported.connect(lambda path: self.statusBar().showMessage(
                self.tr("Exported to %1").replace("%1", path), 10_000))
        self.preview = PreviewPanel()
        self.preview.setMinimumWidth(260)  # its texts wrap: it needs no more at 1024 px
        self.preview.lang = self.lang
        self.splitter = QSplitter()
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.tabs)
        self.decision_area = DecisionArea(self.desk.reasons)
        # Alt+A/R/E are the window's actions (listed in Help, in the Decide menu).
        for shortcut in self.decision_area.panel.shortcuts.values():
            shortcut.setEnabled(False)
        self.flow = DecisionFlow(self, self.desk, self.views, self.decision_area,
                                 self.statusBar)
        right = QSplitter(Qt.Orientation.Vertical)
        right.setObjectName("previewSplitter")
        self.side_pane = right
        # The preview scrolls rather than making the window taller than a 640 px screen.
        self.preview_area = scrolling(self.preview)
        right.addWidget(self.preview_area)
        right.addWidget(self.decision_area)
        right.setStretchFactor(0, 1)
        right.setCollapsible(1, False)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.banner)
        self.billing = BillingControls(self)  # pause banner, cost, holds, closing
        layout.addWidget(self.billing.banner)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.status = DeskStatusBar()
        self.setStatusBar(self.status)
        self.operator_button = OperatorButton()
        self.operator_button.clicked.connect(self.setup.change_operator)
        self.operator_button.show_operator(self.desk.operator)
        self.status.addPermanentWidget(self.operator_button)

    def _build_capture(self, frame_source: object | None, folder: Path | None) -> None:
        work = self.desk.io_work
        self.capture_dock = CaptureDock(frame_source, work.tasks, work.pool, folder, self.lang,
                                        self)
        self.capture_dock.follow(self.desk)
        self.capture_panel = self.capture_dock.panel
        if self.capture_panel is not None:
            self.capture_panel.countingChanged.connect(lambda _on: self._update_actions())
        self.capture_dock.dock_into(self, self.actions["capture"])

    # -- language ----------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("LiveDetect Desk"))
        action_table.retranslate(self.actions)
        for key, title in action_table.MENUS:
            self.menus[key].setTitle(action_table.translate(title))
        self.url_field.retranslate(self.actions["urlFocus"].toolTip())
        self.run_button.setAccessibleName(self.tr("Run all checks"))
        self.cancel_button.setAccessibleName(self.tr("Cancel checks"))
        self.threshold.retranslate()
        self.banner.retranslate()
        self.billing.retranslate(self.lang)
        self.views.retranslate()
        self.case_field.retranslate()
        self.queue_view.setAccessibleName(self.tr("Photo queue"))
        self.model.retranslate()
        self.capture_dock.retranslate()
        self.decision_area.retranslate()
        self.operator_button.retranslate()
        self._show_mode()
        self._show_waiting()
        self._show_progress()
        self._show_chain()
        self._show_worklist_counts()
        self._refresh_preview()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_language(self, lang: str) -> None:
        """Applied at display time: everything shown is rendered again in ``lang``."""
        self.lang = lang
        self.desk.set_language(lang)
        self.preview.lang = self.setup.lang = lang
        if self.capture_panel is not None:
            self.capture_panel.lang = lang
        self.retranslate()

    # -- connection --------------------------------------------------------------------------

    def _show_mode(self) -> None:
        connection = self.desk.connection
        self.banner.setVisible(connection is not None and connection.simulated)
        self.preview.simulated = connection is not None and connection.simulated
        self.status.show_mode(connection)
        self.banner.show_generation(self.desk.api)
        # The toolbar's threshold is the connected generation's (each has its own scale).
        self.threshold.show_backend(self.desk.api, self.desk.threshold)
        self._refresh_preview()

    def _show_waiting(self, count: int | None = None) -> None:
        if count is not None:
            self._waiting = count
        self.status.show_waiting(waiting_message(self._waiting, self.lang))

    def show_failure(self, text: str, detail: str) -> None:
        """Every failure the desk reports: a sentence, technical details behind a button."""
        self.statusBar().showMessage(text.splitlines()[0], 10_000)
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("LiveDetect Desk"), text,
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("failureBox")
        if detail:
            box.setDetailedText(detail)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.failure_box = box

    # -- getting photos in -------------------------------------------------------------------

    def add_paths(self, paths: list[str]) -> None:
        self.desk.intake.add_paths(paths)

    def add_sources(self, sources: list[Source]) -> list[QueueItem]:
        items = self.desk.intake.add_sources(sources)
        if items:
            self.queue_view.select_if_none(items[0])
        return items

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls() or event.mimeData().hasImage():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        self.photo_input.drop(event.mimeData())
        event.acceptProposedAction()

    # -- running -----------------------------------------------------------------------------

    def selected_items(self) -> list[QueueItem]:
        return self.queue_view.selected_items()

    def run_selected(self) -> None:
        """Selected photos; one judged before is reused, not paid again (Check again is)."""
        self.desk.run(self.selected_items())

    def run_all(self) -> None:
        self.desk.run_all()

    def cancel(self) -> None:
        if self.capture_panel is not None and self.capture_panel.cancel_countdown():
            return  # Esc during a countdown stops the countdown, nothing else
        self.desk.cancel()

    def remove_selected(self) -> None:
        self.desk.remove({i.id for i in self.selected_items()})
        self._refresh_preview()

    def clear_finished(self) -> None:
        self.desk.clear_finished()
        self._refresh_preview()

    def set_threshold(self, value: int) -> None:
        self.desk.set_threshold(float(value))
        self._refresh_preview()

    def _batch_finished(self) -> None:
        pass  # the views over the trail read again (DeskViews hears batchFinished)

    def _show_progress(self) -> None:
        self.status.show_progress(self.desk.progress())
        self._update_actions()

    def _update_actions(self) -> None:
        counting = self.capture_panel is not None and self.capture_panel.counting
        self.actions["cancel"].setEnabled(self.desk.cancellable or counting)
        has_items = bool(self.model.rowCount())
        for name in ("runAll", "runSelected", "openLarge"):
            self.actions[name].setEnabled(has_items)
        self.actions["retry"].setEnabled(self.desk.retryable_count() > 0)
        self.actions["clear"].setEnabled(any(i.judged for i in self.model.items()))
        self.billing.update_actions()

    # -- preview -----------------------------------------------------------------------------

    def current_item(self) -> QueueItem | None:
        return self.queue_view.current_item()

    def _current_changed(self, *_args: object) -> None:
        self._refresh_preview(load_image=True)

    def _items_changed(self, ids: set[int]) -> None:
        """The model's coalesced change report: the preview follows."""
        item = self.current_item()
        if item is not None and item.id in ids:
            # A photo that just finished preparing gets its full preview now.
            was_preparing = self._shown == (item.id, Status.PREPARING)
            self._refresh_preview(load_image=was_preparing and item.status is not
                                  Status.PREPARING)

    def _refresh_preview(self, load_image: bool = False) -> None:
        item = self.current_item()
        self._shown = None if item is None else (item.id, item.status)
        self.preview.show_item(item, self.desk.threshold)
        if load_image and item is not None:
            self.desk.request_preview(item)

    def _subject_changed(self) -> None:
        """One decision panel, bound to what is selected in the active view."""
        self.decision_area.follow(self.views.subject())
        # The preview is the queue's photo: shown only beside the queue.
        self.preview_area.setVisible(self.views.active == QUEUE)

    def _side_pane(self, wanted: bool) -> None:
        self.side_pane.setVisible(wanted)

    def show_large(self) -> None:
        """The current photo, large (double-click): looking never sends anything."""
        item = self.current_item()
        if item is None:
            return
        dialog = PhotoDialog(item.name, item.id, self.preview.pixmap(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.desk.previewReady.connect(dialog.show_ready)
        if self.preview.pixmap() is None or self.preview.showing_thumbnail:
            self.desk.request_preview(item)
        dialog.show()
        self.photo_dialog = dialog

    def _show_chain(self) -> None:
        chain, error = self.desk.chain, self.desk.watch.error
        self.status.show_chain(chain, error, self.lang)
        self.history_panel.set_chain(chain, error, self.desk.watch.checkpoint)

    def _show_worklist_counts(self) -> None:
        self.status.show_worklist(self.views.worklist.model.counts)

    def ask_operator_if_unknown(self) -> OperatorDialog | None:
        """At the first start on this machine: who is at the desk? (The app calls it once
        the window shows; embedded windows, benchmarks and tests are not asked.)"""
        return None if self.desk.operator else self.setup.change_operator()

    def show_queue(self) -> None:
        self.views.show(QUEUE)

    def show_worklist(self) -> None:
        self.views.show(WORKLIST)

    def show_history(self) -> None:
        self.views.show(HISTORY)

    def show_case(self) -> None:
        self.views.show(CASE)

    def export_history(self) -> None:
        self.history_panel.export()

    # -- persistence and shutdown ------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.billing.close_needs_answer(event):
            return  # checks in flight: the operator is asked first
        save_layout(self, self.splitter)
        self.hide()  # gone at once for the operator; sent checks may still take a moment
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        if self.capture_panel is not None:
            self.capture_panel.stop_camera()  # release the camera first
        self.desk.shutdown()

