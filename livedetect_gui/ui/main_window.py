"""The main window: composes the queue, preview, history and (later) capture panels.

It wires signals between panels and owns the run mode (sandbox, keyring profile, or session
credentials); the work itself happens in the core, on thread pools.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QSettings,
    QSize,
    Qt,
    QThread,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QImage,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from livedetect_gui import __version__
from livedetect_gui.core.checking import Source, collect, refused
from livedetect_gui.core.client import BadEndpoint, LiveDetectClient
from livedetect_gui.core.credentials import (
    Credentials,
    CredentialStore,
    KeyringUnavailable,
    split_proxy,
)
from livedetect_gui.core.result import CheckResult
from livedetect_gui.core.sandbox import Sandbox, SandboxConfig

from . import settings as desk_settings
from .checks import CheckRunner, SharedHistory
from .dialogs import CredentialsDialog, SettingsDialog
from .history_view import HistoryPanel
from .intake import Analysis, analyse, image_to_png, preview
from .look import app_icon
from .preview import PreviewPanel
from .queue_model import QueueItem, QueueModel, Status
from .settings import DeskSettings
from .tasks import TaskRunner

if TYPE_CHECKING:  # QtMultimedia is imported lazily: the desk runs without it
    from .camera import FrameSource

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    languageRequested = Signal(str)

    def __init__(self, settings: DeskSettings, *, force_sandbox: bool = False,
                 store: CredentialStore | None = None, history_path: Path | None = None,
                 lang: str = "en", frame_source: FrameSource | None = None,
                 captures_folder: Path | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowIcon(app_icon())
        self.settings = settings
        self.store = store or CredentialStore()
        self.lang = lang
        self.tasks = TaskRunner(self)
        self.prepare_pool = QThreadPool(self)
        self.prepare_pool.setMaxThreadCount(max(1, QThread.idealThreadCount()))
        self.io_pool = QThreadPool(self)
        self.io_pool.setMaxThreadCount(1)
        self.model = QueueModel(self)
        self.model.lang = lang
        self.history = SharedHistory(history_path)
        self.runner = CheckRunner(self.model, self.tasks, self.history, self)
        self.runner.limits = settings.limits()
        self.runner.threshold = settings.threshold
        self.runner.set_concurrency(settings.concurrency)
        self.sandbox: Sandbox | None = None
        self.credentials: Credentials | None = None
        self.mode = "starting"
        self._run_when_ready: set[int] = set()
        # Folder scans still running, and whether "Run all" was pressed meanwhile: the photos
        # they find are then run too, as the operator asked.
        self._scans = 0
        self._run_scanned = False
        self._preview_generation = 0

        self._build()
        self._build_capture(frame_source, captures_folder)
        self.setAcceptDrops(True)
        self.retranslate()
        self._restore_layout()
        self._update_actions()

        if force_sandbox:
            self.use_sandbox()
        else:
            profile, store, proxy = settings.profile, self.store, settings.proxy
            # The proxy's password is in the keyring; the one I/O thread answers this before
            # the profile, so the first client already has it.
            self.tasks.run(self.io_pool, lambda: store.proxy_with_password(proxy),
                           self._proxy_loaded)
            self.tasks.run(self.io_pool, lambda: store.load(profile), self._profile_loaded)
        if settings.retention_days > 0:
            days, history = settings.retention_days, self.history
            self.tasks.run(self.io_pool,
                           lambda: (h := history.get()) and h.purge_older_than(days))

    # -- building ----------------------------------------------------------------------------

    def _action(self, name: str, slot, *keys: QKeySequence | str) -> QAction:
        action = QAction(self)
        action.setObjectName(name)
        action.triggered.connect(slot)
        if keys:
            action.setShortcuts([QKeySequence(k) for k in keys])
        self.addAction(action)
        return action

    def _build(self) -> None:
        key = QKeySequence.StandardKey
        self.open_action = self._action("openAction", self.open_files, key.Open)
        self.paste_action = self._action("pasteAction", self.paste, key.Paste)
        self.run_selected_action = self._action("runSelectedAction", self.run_selected, "Ctrl+R")
        self.run_all_action = self._action("runAllAction", self.run_all, "Ctrl+Return",
                                           "Ctrl+Enter")
        self.cancel_action = self._action("cancelAction", self.cancel, "Esc")
        self.retry_action = self._action("retryAction", self.retry_failed, "Ctrl+Shift+R")
        self.remove_action = self._action("removeAction", self.remove_selected, key.Delete)
        self.clear_action = self._action("clearAction", self.clear_finished)
        self.credentials_action = self._action("credentialsAction", self.edit_credentials,
                                               "Ctrl+K")
        self.settings_action = self._action("settingsAction", self.edit_settings, key.Preferences)
        self.export_action = self._action("exportAction", lambda: self.history_panel.export(),
                                          "Ctrl+E")
        self.url_focus_action = self._action("urlFocusAction", lambda: self.url_edit.setFocus(),
                                             "Ctrl+L")
        self.history_tab_action = self._action(
            "historyTabAction", lambda: self.tabs.setCurrentWidget(self.history_panel), "Ctrl+H")
        self.queue_tab_action = self._action(
            "queueTabAction", lambda: self.tabs.setCurrentWidget(self.queue_view), "Ctrl+1")
        self.quit_action = self._action("quitAction", self.close, key.Quit)
        self.about_action = self._action("aboutAction", self.about)

        # Toolbar: the flow from left to right.
        self.toolbar = QToolBar()
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.addToolBar(self.toolbar)
        self.toolbar.addAction(self.open_action)
        self.toolbar.addAction(self.paste_action)
        self.url_edit = QLineEdit()
        self.url_edit.setObjectName("urlEdit")
        self.url_edit.setClearButtonEnabled(True)
        self.url_edit.setMinimumWidth(220)
        self.url_edit.returnPressed.connect(self.add_url)
        self.toolbar.addWidget(self.url_edit)
        self.add_url_button = QPushButton()
        self.add_url_button.setObjectName("addUrlButton")
        self.add_url_button.clicked.connect(self.add_url)
        self.toolbar.addWidget(self.add_url_button)
        self.toolbar.addSeparator()
        self.run_button = QPushButton()
        self.run_button.setObjectName("runButton")
        self.run_button.clicked.connect(self.run_all)
        self.toolbar.addWidget(self.run_button)
        self.cancel_button = QPushButton()
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.clicked.connect(self.cancel)
        self.toolbar.addWidget(self.cancel_button)
        self.toolbar.addAction(self.retry_action)
        self.toolbar.addSeparator()
        self.threshold_label = QLabel()
        self.toolbar.addWidget(self.threshold_label)
        self.threshold_spin = QSpinBox()
        self.threshold_spin.setObjectName("thresholdSpin")
        self.threshold_spin.setRange(0, 100)
        self.threshold_spin.setValue(round(self.settings.threshold))
        self.threshold_spin.valueChanged.connect(self.set_threshold)
        self.threshold_label.setBuddy(self.threshold_spin)
        self.toolbar.addWidget(self.threshold_spin)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.credentials_action)

        # Menus hold every action, so the whole flow is reachable by keyboard.
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        for action in (self.open_action, self.paste_action, self.url_focus_action,
                       self.export_action, self.quit_action):
            self.file_menu.addAction(action)
        self.check_menu = bar.addMenu("")
        for action in (self.run_selected_action, self.run_all_action, self.cancel_action,
                       self.retry_action, self.remove_action, self.clear_action):
            self.check_menu.addAction(action)
        self.view_menu = bar.addMenu("")
        self.view_menu.addAction(self.queue_tab_action)
        self.view_menu.addAction(self.history_tab_action)
        self.settings_menu = bar.addMenu("")
        self.settings_menu.addAction(self.credentials_action)
        self.settings_menu.addAction(self.settings_action)
        self.help_menu = bar.addMenu("")
        self.help_menu.addAction(self.about_action)

        # Banner: unmistakable while scores are simulated.
        self.banner = QFrame()
        self.banner.setObjectName("sandboxBanner")
        self.banner.setStyleSheet("#sandboxBanner { background: #fff3cd; border: 2px solid "
                                  "#e37400; } #sandboxBanner QLabel { color: #5c3c00; "
                                  "font-weight: bold; }")
        self.banner_label = QLabel()
        self.banner_label.setWordWrap(True)
        self.banner_button = QPushButton()
        self.banner_button.setObjectName("useProfileButton")
        self.banner_button.clicked.connect(self.edit_credentials)
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.addWidget(self.banner_label, 1)
        banner_layout.addWidget(self.banner_button)
        self.banner.hide()

        self.queue_view = QTableView()
        self.queue_view.setObjectName("queueView")
        self.queue_view.setModel(self.model)
        self.queue_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.queue_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.queue_view.setIconSize(QSize(64, 64))
        self.queue_view.verticalHeader().setDefaultSectionSize(70)
        self.queue_view.verticalHeader().hide()
        header = self.queue_view.horizontalHeader()
        header.setStretchLastSection(True)
        # Fixed starting widths: ResizeToContents would measure every row on every change.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((260, 150, 150, 110, 60)):
            header.resizeSection(column, width)
        self.queue_view.setWordWrap(False)
        self.queue_view.selectionModel().currentRowChanged.connect(self._selection_changed)
        self.queue_view.doubleClicked.connect(lambda _i: self.run_selected())

        self.history_panel = HistoryPanel(self.history, self.tasks)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("mainTabs")
        self.tabs.addTab(self.queue_view, "")
        self.tabs.addTab(self.history_panel, "")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.preview = PreviewPanel()
        self.preview.lang = self.lang
        self.splitter = QSplitter()
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.preview)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.progress_label = QLabel()
        self.progress_label.setObjectName("progressLabel")
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("progressBar")
        self.progress_bar.setMaximumWidth(240)
        self.progress_bar.hide()
        self.mode_label = QLabel()
        self.mode_label.setObjectName("modeLabel")
        self.statusBar().addWidget(self.progress_label, 1)
        self.statusBar().addPermanentWidget(self.progress_bar)
        self.statusBar().addPermanentWidget(self.mode_label)

        self.runner.finished.connect(self._batch_finished)
        self.model.countsChanged.connect(self._show_progress)
        # Progress and the selected item's preview follow the queue on a 100 ms tick rather
        # than on every item signal: hundreds of results must not flood the GUI thread.
        self._shown: tuple | None = None
        self.tick = QTimer(self)
        self.tick.setInterval(100)
        self.tick.timeout.connect(self._on_tick)
        self.tick.start()

    def _build_capture(self, frame_source: object | None, folder: Path | None) -> None:
        """The capture dock; the rest of the desk works if camera support cannot load."""
        self.capture_dock = QDockWidget()
        self.capture_dock.setObjectName("captureDock")
        self.capture_panel = None
        try:
            from .camera import CameraFrameSource
            from .capture_panel import CapturePanel

            source = frame_source if frame_source is not None else CameraFrameSource(self)
            self.capture_panel = CapturePanel(source, self.tasks, folder=folder, lang=self.lang)
        except ImportError as exc:  # e.g. libpulse missing for QtMultimedia
            log.warning("camera support unavailable: %s", exc)
            self._capture_error = QLabel(self.tr("Camera support is unavailable here (%1).")
                                         .replace("%1", str(exc)))
            self._capture_error.setWordWrap(True)
            self.capture_dock.setWidget(self._capture_error)
        if self.capture_panel is not None:
            self.capture_dock.setWidget(self.capture_panel)
            self.capture_panel.photoCaptured.connect(self._add_capture)
            self.capture_panel.retakeRequested.connect(self._withdraw_capture)
            self.capture_panel.countingChanged.connect(lambda _on: self._update_actions())
            self.capture_panel.checkRequested.connect(
                lambda item_id: self._run([i for i in [self.model.item(item_id)] if i]))
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.capture_dock)
        self.capture_dock.hide()  # the camera starts only when the operator opens the panel
        self.capture_action = self.capture_dock.toggleViewAction()
        self.capture_action.setObjectName("captureAction")
        self.capture_action.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.view_menu.addAction(self.capture_action)

    def _add_capture(self, path: str, label: str, check_now: bool) -> None:
        items = self.add_sources([Source(label=label, path=Path(path))])
        if self.capture_panel is not None and items:
            self.capture_panel.track(items[0], check_now)
        if check_now:
            self._run(items)

    def _withdraw_capture(self, item_id: int) -> None:
        item = self.model.item(item_id)
        if item is not None and item.status is not Status.SENDING:
            self._run_when_ready.discard(item_id)
            self.model.remove({item_id})
            self._refresh_preview()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("LiveDetect Desk"))
        texts = {
            self.open_action: self.tr("&Open photos…"),
            self.paste_action: self.tr("&Paste image"),
            self.run_selected_action: self.tr("Run &selected"),
            self.run_all_action: self.tr("Run &all"),
            self.cancel_action: self.tr("&Cancel"),
            self.retry_action: self.tr("&Retry failed"),
            self.remove_action: self.tr("Re&move from queue"),
            self.clear_action: self.tr("C&lear finished"),
            self.credentials_action: self.tr("&Credentials…"),
            self.settings_action: self.tr("&Settings…"),
            self.export_action: self.tr("&Export history…"),
            self.url_focus_action: self.tr("Add image &URL"),
            self.history_tab_action: self.tr("&History"),
            self.queue_tab_action: self.tr("&Queue"),
            self.quit_action: self.tr("&Quit"),
            self.about_action: self.tr("&About LiveDetect Desk"),
        }
        for action, text in texts.items():
            action.setText(text)
            shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{text.replace('&', '')} ({shortcut})" if shortcut
                              else text.replace("&", ""))
        self.file_menu.setTitle(self.tr("&File"))
        self.check_menu.setTitle(self.tr("&Check"))
        self.view_menu.setTitle(self.tr("&View"))
        self.settings_menu.setTitle(self.tr("&Settings"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.url_edit.setPlaceholderText(self.tr("Image URL for the service to fetch (Ctrl+L)"))
        self.url_edit.setAccessibleName(self.tr("Image URL"))
        self.add_url_button.setText(self.tr("Add URL"))
        self.run_button.setText(self.tr("Run all (Ctrl+Enter)"))
        self.run_button.setAccessibleName(self.tr("Run all checks"))
        self.cancel_button.setText(self.tr("Cancel (Esc)"))
        self.cancel_button.setAccessibleName(self.tr("Cancel checks"))
        self.threshold_label.setText(self.tr("&Threshold"))
        self.threshold_spin.setAccessibleName(self.tr("Pass threshold"))
        self.threshold_spin.setToolTip(self.tr("A photo passes when its score is above this"))
        self.banner_label.setText(self.tr(
            "SANDBOX — scores are simulated, not a liveness judgement. Nothing is sent to the "
            "cloud service and nothing is billed."))
        self.banner_button.setText(self.tr("Use a real profile…"))
        self.banner.setAccessibleName(self.tr("Sandbox mode"))
        self.tabs.setTabText(0, self.tr("Queue"))
        self.tabs.setTabText(1, self.tr("History"))
        self.queue_view.setAccessibleName(self.tr("Photo queue"))
        self.model.retranslate()
        self.history_panel.retranslate()
        if hasattr(self, "capture_dock"):
            self.capture_dock.setWindowTitle(self.tr("Capture"))
            self.capture_action.setText(self.tr("&Capture panel"))
            if self.capture_panel is not None:
                self.capture_panel.retranslate()
        self._show_mode()
        self._show_progress()
        self._refresh_preview()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.model.lang = lang
        self.preview.lang = lang
        if self.capture_panel is not None:
            self.capture_panel.lang = lang

    # -- run mode ----------------------------------------------------------------------------

    def _proxy_loaded(self, future: Future) -> None:
        try:
            self.settings = replace(self.settings, proxy=future.result())
        except Exception as exc:  # no keyring: the proxy is used without a password
            log.warning("proxy password not loaded: %s", type(exc).__name__)

    def _profile_loaded(self, future: Future) -> None:
        try:
            found = future.result()
        except KeyringUnavailable as exc:
            log.warning("%s", exc)
            found = None
            self.statusBar().showMessage(self.tr("No usable OS keyring: running in the sandbox. "
                                                 "Credentials can be used for this session."),
                                         10_000)
        if found is None:
            self.use_sandbox()
        else:
            self.use_credentials(found, self.settings.profile, "profile")

    def use_sandbox(self) -> None:
        if self.sandbox is None:
            # Loopback, a free port, its own throwaway account.
            self.sandbox = Sandbox(SandboxConfig(host="127.0.0.1", port=0)).start()
        acc = self.sandbox.account
        self._set_client(Credentials(acc.appid, acc.secret_id, acc.secret_key),
                         self.sandbox.url, "sandbox")

    def use_credentials(self, credentials: Credentials, profile: str, mode: str) -> None:
        endpoint = credentials.endpoint or self.settings.endpoint()
        if self._set_client(credentials, endpoint, mode):
            self.settings = replace(self.settings, profile=profile)
            if self.sandbox is not None and not self.runner.running:
                self.sandbox.stop()
                self.sandbox = None

    def _set_client(self, credentials: Credentials, endpoint: str, mode: str) -> bool:
        if self.runner.running:
            QMessageBox.information(self, self.tr("Checks are running"),
                                    self.tr("Wait for the running checks or cancel them first."))
            return False
        try:
            client = LiveDetectClient(credentials, self.settings.client_config(endpoint))
        except BadEndpoint as exc:
            QMessageBox.warning(self, self.tr("Bad endpoint"), str(exc))
            return False
        if self.runner.client is not None:
            self.runner.client.close()
        self.runner.client = client
        self.credentials = credentials
        self.mode = mode
        self._show_mode()
        self._update_actions()
        if self._run_when_ready:
            self._flush_run_when_ready()
        return True

    def _show_mode(self) -> None:
        self.banner.setVisible(self.mode == "sandbox")
        text = {"starting": self.tr("Starting…"),
                "sandbox": self.tr("Sandbox (simulated scores)"),
                "profile": self.tr("Profile: %1").replace("%1", self.settings.profile),
                "session": self.tr("Session credentials (not saved)")}.get(self.mode, "")
        self.mode_label.setText(text)

    # -- getting photos in -------------------------------------------------------------------

    def add_paths(self, paths: list[str]) -> None:
        """Files and folders; folders are walked on a worker (they can be large or remote)."""
        if not paths:
            return
        self._scans += 1
        self.tasks.run(self.io_pool, lambda: collect(paths), self._collected)

    def _collected(self, future: Future) -> None:
        self._scans -= 1
        sources, skipped = future.result()
        if skipped:
            self.statusBar().showMessage(
                self.tr("%1 files skipped (not images)").replace("%1", str(len(skipped))), 8000)
        items = self.add_sources(sources)
        if self._run_scanned:
            self._run(items)
        if self._scans == 0:
            self._run_scanned = False

    def add_sources(self, sources: list[Source]) -> list[QueueItem]:
        items = self.model.add(sources)
        limits = self.runner.limits
        for item in items:
            if item.source.url is not None:
                item.status = Status.QUEUED  # the service fetches it; nothing to prepare
                self.model.changed(item)
                continue
            self.tasks.run(self.prepare_pool, lambda s=item.source: analyse(s, limits),
                           lambda f, item_id=item.id: self._analysed(item_id, f))
        if items and not self.queue_view.currentIndex().isValid():
            self.queue_view.selectRow(self.model.row_of(items[0].id) or 0)
        self._update_actions()
        return items

    def _analysed(self, item_id: int, future: Future) -> None:
        item = self.model.item(item_id)
        if item is None:
            return
        try:
            analysis: Analysis = future.result()
        except Exception as exc:  # a decoder bug costs this item, not the queue
            log.exception("analysis failed")
            item.set_result(CheckResult(source=item.source.label, threshold=self.runner.threshold,
                                        problem_key="internal", detail=type(exc).__name__))
            self.model.changed(item)
            return
        item.thumbnail, item.original = analysis.thumbnail, analysis.original
        item.prepared, item.actions = analysis.prepared, analysis.actions
        if analysis.refusal is not None:
            item.refused = True
            item.set_result(refused(item.source, analysis.refusal, self.runner.threshold,
                                    self.runner.client.url if self.runner.client else ""))
        elif item.status is Status.PREPARING:
            item.status = Status.QUEUED
        self.model.changed(item)
        if item_id in self._run_when_ready and self.runner.client is not None:
            self._run_when_ready.discard(item_id)
            self.runner.run([item])

    def open_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Open photos"), "",
            self.tr("Images (*.jpg *.jpeg *.png *.webp *.bmp *.tif *.tiff *.gif *.heic *.heif)"
                    ";;All files (*)"))
        self.add_paths(paths)

    def paste(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        if mime is None:
            return
        if mime.hasImage():
            image = QImage(mime.imageData())
            self.add_image(image, self.tr("clipboard %1").replace(
                "%1", datetime.now().strftime("%H:%M:%S")))
        elif mime.hasUrls() and any(u.isLocalFile() for u in mime.urls()):
            self.add_paths([u.toLocalFile() for u in mime.urls() if u.isLocalFile()])
        elif mime.hasText() and mime.text().strip().lower().startswith(("http://", "https://")):
            self.url_edit.setText(mime.text().strip())
            self.add_url()
        else:
            self.statusBar().showMessage(self.tr("The clipboard holds no image."), 5000)

    def add_image(self, image: QImage, label: str) -> None:
        """An image from the clipboard or camera: encoded on a worker, then queued."""
        if image.isNull():
            self.statusBar().showMessage(self.tr("The clipboard holds no image."), 5000)
            return
        self.tasks.run(self.io_pool, lambda: image_to_png(image),
                       lambda f: self.add_sources([Source(label=label, data=f.result())]))

    def add_url(self) -> None:
        url = self.url_edit.text().strip()
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            self.statusBar().showMessage(
                self.tr("Not an image URL: use a full address starting with http:// or "
                        "https://"), 8000)
            return
        self.url_edit.clear()
        self.add_sources([Source.remote(url)])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls() or event.mimeData().hasImage():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        mime = event.mimeData()
        local = [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]
        remote = [u.toString() for u in mime.urls() if u.scheme() in ("http", "https")]
        if local:
            self.add_paths(local)
        if remote:
            self.add_sources([Source.remote(u) for u in remote])
        if not local and not remote and mime.hasImage():
            self.add_image(QImage(mime.imageData()), self.tr("dropped image"))
        event.acceptProposedAction()

    # -- running -----------------------------------------------------------------------------

    def selected_items(self) -> list[QueueItem]:
        rows = sorted({i.row() for i in self.queue_view.selectionModel().selectedRows()})
        return [self.model.item_at(r) for r in rows]

    def _run(self, items: list[QueueItem]) -> None:
        if self.runner.client is None:
            self._run_when_ready |= {i.id for i in items}
            self.statusBar().showMessage(self.tr("Starting… the checks begin in a moment."), 4000)
            return
        waiting = [i for i in items if i.status is Status.PREPARING]
        self._run_when_ready |= {i.id for i in waiting}
        self.runner.run([i for i in items if i.status is not Status.PREPARING])
        self._update_actions()

    def _flush_run_when_ready(self) -> None:
        ready = [item for item_id in list(self._run_when_ready)
                 if (item := self.model.item(item_id)) is not None
                 and item.status is not Status.PREPARING]
        if self.runner.client is None:
            return
        self._run_when_ready -= {i.id for i in ready}
        self._run_when_ready &= {i.id for i in self.model.items()}
        if ready:
            self.runner.run(ready)
            self._update_actions()

    def run_selected(self) -> None:
        self._run(self.selected_items())

    def run_all(self) -> None:
        # Everything not yet judged; finished items are re-run only when selected.
        self._run_scanned = self._scans > 0
        self._run([i for i in self.model.items()
                   if i.status in (Status.QUEUED, Status.PREPARING)])

    def retry_failed(self) -> None:
        self._run([i for i in self.model.items() if i.status is Status.ERROR])

    def cancel(self) -> None:
        if self.capture_panel is not None and self.capture_panel.cancel_countdown():
            return  # Esc during a countdown stops the countdown, nothing else
        self._run_when_ready.clear()
        self._run_scanned = False
        if self.runner.running:
            self.runner.cancel()
            self.statusBar().showMessage(
                self.tr("Cancelled: photos not yet sent stay in the queue; those already sent "
                        "finish."), 8000)
        self._update_actions()

    def remove_selected(self) -> None:
        ids = {i.id for i in self.selected_items() if i.status is not Status.SENDING}
        self._run_when_ready -= ids
        self.model.remove(ids)
        self._refresh_preview()

    def clear_finished(self) -> None:
        self.model.remove({i.id for i in self.model.items()
                           if i.status in (Status.PASS, Status.FAIL)})
        self._refresh_preview()

    def set_threshold(self, value: int) -> None:
        self.runner.threshold = float(value)
        self.model.rejudge(float(value))
        self._refresh_preview()

    def _batch_finished(self) -> None:
        self._update_actions()
        self._show_progress()
        if self.tabs.currentWidget() is self.history_panel:
            self.history_panel.refresh()

    def _show_progress(self) -> None:
        counts = self.model.counts()
        summary = self.tr("%1 photos · %2 pass · %3 fail · %4 error").replace(
            "%1", str(len(self.model.items()))).replace("%2", str(counts[Status.PASS])).replace(
            "%3", str(counts[Status.FAIL])).replace("%4", str(counts[Status.ERROR]))
        if self.runner.running:
            eta = self.runner.eta_seconds()
            summary = self.tr("Checking %1 of %2").replace("%1", str(self.runner.done)).replace(
                "%2", str(self.runner.total)) + " · " + summary
            if eta is not None:
                minutes, seconds = divmod(round(eta), 60)
                summary += " · " + self.tr("about %1 left").replace(
                    "%1", f"{minutes}:{seconds:02d}")
            self.progress_bar.setRange(0, max(1, self.runner.total))
            self.progress_bar.setValue(self.runner.done)
            self.progress_bar.show()
        else:
            self.progress_bar.hide()
        self.progress_label.setText(summary)
        self._update_actions()

    def _update_actions(self) -> None:
        running = self.runner.running
        ready = self.runner.client is not None
        counting = getattr(self, "capture_panel", None) is not None and self.capture_panel.counting
        cancellable = running or bool(self._run_when_ready) or counting
        self.cancel_button.setEnabled(cancellable)
        self.cancel_action.setEnabled(cancellable)
        has_items = bool(self.model.rowCount())
        self.run_button.setEnabled(has_items)
        self.run_all_action.setEnabled(has_items)
        self.run_selected_action.setEnabled(has_items)
        self.retry_action.setEnabled(ready and self.model.counts()[Status.ERROR] > 0)

    # -- preview -----------------------------------------------------------------------------

    def current_item(self) -> QueueItem | None:
        index = self.queue_view.currentIndex()
        # Straight from the model: a Python object wrapped in a QVariant is not worth the trip.
        return self.model.item_at(index.row()) if index.isValid() else None

    def _selection_changed(self, *_args: object) -> None:
        item = self.current_item()
        self._shown = None if item is None else (item.id, item.status, item.result, item.note)
        self._refresh_preview(load_image=True)

    def _on_tick(self) -> None:
        if self.capture_panel is not None and self.capture_panel.tracked is not None:
            self.capture_panel.update_tracked(self.model.item(self.capture_panel.tracked))
        if self.runner.running or self._shown is None or self.progress_bar.isVisible():
            self._show_progress()
        item = self.current_item()
        shown = None if item is None else (item.id, item.status, item.result, item.note)
        if shown != self._shown:
            # A photo that just finished preparing gets its full preview now.
            previous = self._shown
            self._shown = shown
            needs_image = item is not None and item.status is not Status.PREPARING and (
                previous is None or previous[0] != item.id or previous[1] is Status.PREPARING)
            self._refresh_preview(load_image=needs_image)

    def _refresh_preview(self, load_image: bool = False) -> None:
        item = self.current_item()
        self.preview.show_item(item, self.runner.threshold)
        if not load_image or item is None or item.refused or item.source.url is not None:
            return
        if item.status is Status.PREPARING:
            return
        self._preview_generation += 1
        generation, limits = self._preview_generation, self.runner.limits
        self.tasks.run(self.prepare_pool, lambda s=item.source: preview(s, limits)[0],
                       lambda f: self._preview_ready(generation, item.id, f))

    def _preview_ready(self, generation: int, item_id: int, future: Future) -> None:
        if generation != self._preview_generation or future.exception() is not None:
            return
        self.preview.set_preview_image(item_id, future.result())

    def _tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.history_panel:
            self.history_panel.refresh()

    # -- dialogs -----------------------------------------------------------------------------

    def edit_credentials(self) -> CredentialsDialog:
        dialog = CredentialsDialog(self.store, self.settings, self.tasks, self, self.lang)
        dialog.chosen.connect(lambda creds, profile, saved: self.use_credentials(
            creds, profile, "profile" if saved else "session"))
        dialog.setModal(True)
        dialog.show()
        return dialog

    def edit_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self.settings, self)
        dialog.accepted.connect(lambda: self.apply_settings(dialog.settings()))
        dialog.setModal(True)
        dialog.show()
        return dialog

    def apply_settings(self, settings: DeskSettings) -> None:
        old = self.settings
        self.settings = settings
        desk_settings.save(settings)  # without the proxy's password: that goes to the keyring
        proxy, password = split_proxy(settings.proxy)
        if password is not None:
            store = self.store
            self.tasks.run(self.io_pool, lambda: store.save_proxy_password(proxy, password))
        self.runner.limits = settings.limits()
        self.runner.set_concurrency(settings.concurrency)
        if settings.threshold != old.threshold:
            self.threshold_spin.setValue(round(settings.threshold))
        if settings.language != old.language:
            self.languageRequested.emit(settings.language)
        if self.credentials is not None and self.mode != "sandbox" and (
                settings.client_config() != old.client_config()):
            self.use_credentials(self.credentials, settings.profile, self.mode)
        elif self.mode == "sandbox" and self.sandbox is not None:
            self.use_sandbox()  # timeouts and concurrency apply to the sandbox client too

    def about(self) -> None:
        QMessageBox.about(self, self.tr("About LiveDetect Desk"),
                          self.tr("LiveDetect Desk %1\nStatic-photo liveness checks for review "
                                  "desks.").replace("%1", __version__))

    # -- persistence and shutdown ------------------------------------------------------------

    def _restore_layout(self) -> None:
        store = QSettings(desk_settings.ORGANIZATION, desk_settings.APPLICATION)
        geometry = store.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1200, 760)
        splitter = store.value("window/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        docks = store.value("window/state")
        if isinstance(docks, QByteArray):
            self.restoreState(docks)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        store = QSettings(desk_settings.ORGANIZATION, desk_settings.APPLICATION)
        store.setValue("window/geometry", self.saveGeometry())
        store.setValue("window/splitter", self.splitter.saveState())
        store.setValue("window/state", self.saveState())
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop unsent work, let sent checks finish and be recorded, release everything."""
        self._run_when_ready.clear()
        if self.capture_panel is not None:
            self.capture_panel.stop_camera()  # release the camera first
        if self.runner.running:
            self.runner.cancel()
        pools = [self.runner.pool, self.prepare_pool, self.io_pool, self.history_panel.pool]
        if self.capture_panel is not None:
            pools.append(self.capture_panel.pool)
        for pool in pools:
            pool.clear()
            pool.waitForDone(15_000)
        if self.runner.client is not None:
            self.runner.client.close()
        self.history.close()
        if self.sandbox is not None:
            self.sandbox.stop()
            self.sandbox = None
