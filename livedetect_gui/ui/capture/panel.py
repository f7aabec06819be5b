"""The capture station: live preview, camera choice, capture (Space), countdown, retake, and
"capture and check" in one key press. Frames come from a FrameSource (camera.py)."""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path

from PySide6.QtCore import QRectF, QSizeF, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QPen, QShortcut, QTransform
from PySide6.QtMultimedia import QVideoFrame
from PySide6.QtMultimediaWidgets import QGraphicsVideoItem
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGraphicsEllipseItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from livedetect_gui.core.checks.intake import Captured, save_capture
from livedetect_gui.core.paths import captures_dir
from livedetect_gui.core.user_files import remove_file
from livedetect_gui.core.verdict import Outcome, verdict_word
from livedetect_gui.ui.capture.camera import FormatInfo, FrameSource
from livedetect_gui.ui.common.qimages import to_pil
from livedetect_gui.ui.common.tasks import TaskRunner
from livedetect_gui.ui.desk import settings as desk_settings
from livedetect_gui.ui.queue.model import FINAL, QueueItem
from livedetect_gui.ui.queue.preview import VerdictBadge


def capture_frame(frame: QVideoFrame, mirror: bool, folder: Path) -> Captured:
    """On a worker: the frame's pixels (a camera's YUV converted here, not on the GUI
    thread), optional mirror; the core assesses and writes it."""
    image = frame.toImage()
    if image.isNull():
        raise ValueError("the camera frame could not be converted")
    if mirror:
        image = image.flipped(Qt.Orientation.Horizontal)
    return save_capture(to_pil(image), folder)


class CapturePanel(QWidget):
    # path, source label, check now (capture-and-check without quality warnings)
    photoCaptured = Signal(str, str, bool)
    retakeRequested = Signal(int)  # queue item id to withdraw
    checkRequested = Signal(int)  # queue item id to check despite quality warnings
    countingChanged = Signal(bool)  # a countdown started or ended (Esc cancels it)

    def __init__(self, source: FrameSource, tasks: TaskRunner, pool: QThreadPool,
                 parent: QWidget | None = None, folder: Path | None = None,
                 lang: str = "en") -> None:
        super().__init__(parent)
        self.setObjectName("capturePanel")
        self.source = source
        self.tasks = tasks
        self.folder = folder or captures_dir()
        self.lang = lang
        self.pool = pool  # the desk's io pool
        self._frame: QVideoFrame | None = None
        self._countdown = 0
        self.tracked: int | None = None  # queue item of the last capture
        self.last_path: Path | None = None
        self.busy = False
        # What the message line says, kept as a way to word it, so a language switch
        # re-words it (a sentence stored in one language would stay in that language).
        self._message: tuple[str, tuple[str, ...]] | None = None

        self.scene = QGraphicsScene(self)
        self.video = QGraphicsVideoItem()
        self.video.setSize(QSizeF(640, 360))
        self.scene.addItem(self.video)
        self.guide = QGraphicsEllipseItem()
        self.guide.setPen(QPen(QColor(255, 255, 255, 200), 3, Qt.PenStyle.DashLine))
        self.scene.addItem(self.guide)
        self.count_text = QGraphicsSimpleTextItem()
        font = QFont()
        font.setPointSize(72)
        font.setBold(True)
        self.count_text.setFont(font)
        self.count_text.setBrush(QBrush(QColor("white")))
        self.count_text.setPen(QPen(QColor("black"), 2))
        self.scene.addItem(self.count_text)
        self.view = QGraphicsView(self.scene)
        self.view.setObjectName("captureView")
        self.view.setMinimumSize(240, 160)
        self.view.setBackgroundBrush(QColor("black"))
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.video.videoSink().videoFrameChanged.connect(self._on_frame)
        self.video.nativeSizeChanged.connect(lambda _s: self._layout_scene())

        # With no camera: a message where the picture would be, not a black box.
        self.no_camera = QLabel()
        self.no_camera.setObjectName("noCameraMessage")
        self.no_camera.setWordWrap(True)
        self.no_camera.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_camera.setMargin(16)
        self.no_camera.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.screen_stack = QStackedWidget()
        self.screen_stack.addWidget(self.view)
        self.screen_stack.addWidget(self.no_camera)

        self.camera_combo = QComboBox()
        self.camera_combo.setObjectName("cameraCombo")
        self.camera_combo.activated.connect(lambda _i: self._camera_chosen())
        self.format_combo = QComboBox()
        self.format_combo.setObjectName("formatCombo")
        # Long camera names and formats must not widen the window beyond the screen.
        for combo in (self.camera_combo, self.format_combo):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(14)
        self.format_combo.activated.connect(lambda _i: self._format_chosen())
        self.countdown_combo = QComboBox()
        self.countdown_combo.setObjectName("countdownCombo")
        self.mirror_check = QCheckBox()
        self.mirror_check.setObjectName("mirrorCheck")
        self.mirror_check.setChecked(True)
        self.mirror_check.toggled.connect(lambda _on: self._layout_scene())
        self.mirror_saved_check = QCheckBox()
        self.mirror_saved_check.setObjectName("mirrorSavedCheck")
        self.check_mode = QCheckBox()
        self.check_mode.setObjectName("captureAndCheck")
        self.capture_button = QPushButton()
        self.capture_button.setObjectName("captureButton")
        self.capture_button.clicked.connect(self.capture)
        self.retake_button = QPushButton()
        self.retake_button.setObjectName("retakeButton")
        self.retake_button.clicked.connect(self.retake)
        self.check_anyway_button = QPushButton()
        self.check_anyway_button.setObjectName("checkAnywayButton")
        self.check_anyway_button.clicked.connect(self._check_anyway)
        self.check_anyway_button.hide()
        self.message = QLabel()
        self.message.setObjectName("captureMessage")
        self.message.setWordWrap(True)
        self.badge = VerdictBadge()
        self.badge.setObjectName("captureVerdict")
        self.badge.hide()

        self.camera_label, self.format_label, self.countdown_label = QLabel(), QLabel(), QLabel()
        self.camera_label.setBuddy(self.camera_combo)
        self.format_label.setBuddy(self.format_combo)
        self.countdown_label.setBuddy(self.countdown_combo)
        form = QFormLayout()
        form.addRow(self.camera_label, self.camera_combo)
        form.addRow(self.format_label, self.format_combo)
        form.addRow(self.countdown_label, self.countdown_combo)
        checks = QVBoxLayout()
        for box in (self.mirror_check, self.mirror_saved_check, self.check_mode):
            checks.addWidget(box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.capture_button, 2)
        buttons.addWidget(self.retake_button, 1)
        buttons.addWidget(self.check_anyway_button, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.screen_stack, 1)
        layout.addLayout(checks)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.badge)

        # Space anywhere in the window while the panel is shown; a focused line edit keeps
        # its spaces (it claims the key first).
        self.shortcut = QShortcut(QKeySequence(Qt.Key.Key_Space), self)
        self.shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self.shortcut.activated.connect(self.capture)
        self.countdown_timer = QTimer(self)
        self.countdown_timer.setInterval(1000)
        self.countdown_timer.timeout.connect(self._countdown_tick)

        source.devicesChanged.connect(self.refresh_devices)
        source.errorOccurred.connect(self._source_error)
        source.activeChanged.connect(self._active_changed)
        self.retranslate()
        self.refresh_devices()

    # -- texts -------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.camera_label.setText(self.tr("Ca&mera"))
        self.format_label.setText(self.tr("Resolut&ion"))
        self.countdown_label.setText(self.tr("Co&untdown"))
        current = max(0, self.countdown_combo.currentIndex())
        self.countdown_combo.clear()
        for text, seconds in ((self.tr("Off"), 0), (self.tr("3 s"), 3), (self.tr("5 s"), 5)):
            self.countdown_combo.addItem(text, seconds)
        self.countdown_combo.setCurrentIndex(current)
        self.mirror_check.setText(self.tr("Mirror preview"))
        self.mirror_saved_check.setText(self.tr("Mirror saved photo"))
        self.check_mode.setText(self.tr("Capture and check"))
        self.capture_button.setText(self.tr("Capture"))
        self.capture_button.setToolTip(self.tr("Capture a photo") + " (" + QKeySequence(
            Qt.Key.Key_Space).toString(QKeySequence.SequenceFormat.NativeText) + ")")
        self.capture_button.setAccessibleName(self.tr("Capture a photo"))
        self.retake_button.setText(self.tr("Retake"))
        self.check_anyway_button.setText(self.tr("Check anyway"))
        self.view.setAccessibleName(self.tr("Live camera preview"))
        self._render_message()
        self._update_buttons()

    # -- cameras -----------------------------------------------------------------------------

    def refresh_devices(self) -> None:
        chosen = self.camera_combo.currentData()
        self.camera_combo.clear()
        for device in self.source.devices():
            self.camera_combo.addItem(device.name, device.id)
        if not self.source.devices():
            self.say("no_camera")
            self._update_buttons()
            return
        index = self.camera_combo.findData(chosen)
        self.camera_combo.setCurrentIndex(max(0, index))
        if chosen is None:
            self._camera_chosen()  # first camera seen: start it
        elif index < 0:
            # The camera in use is gone: say so and let the operator pick another, rather
            # than switching to some other camera behind their back.
            self._fill_formats(self.camera_combo.currentData())

    def _settings_key(self, device_id: str) -> str:
        return f"camera/{device_id}/format"

    def _camera_chosen(self) -> None:
        if self._fill_formats(self.camera_combo.currentData()):
            self.start_camera()

    def _fill_formats(self, device_id: str | None) -> bool:
        """Offer the camera's formats, the remembered one selected; False if no camera."""
        if device_id is None:
            return False
        formats = self.source.formats(device_id)
        remembered = desk_settings.settings_store().value(
            self._settings_key(device_id), "")
        self.format_combo.clear()
        for fmt in formats:
            self.format_combo.addItem(fmt.label, fmt)
        keys = [f.key for f in formats]
        if remembered in keys:
            self.format_combo.setCurrentIndex(keys.index(remembered))
        else:
            # Closest to what the service wants (1280x720) without going under it.
            fitting = [i for i, f in enumerate(formats) if f.width * f.height >= 1280 * 720]
            self.format_combo.setCurrentIndex(fitting[-1] if fitting else 0)
        return True

    def _format_chosen(self) -> None:
        device_id, fmt = self.camera_combo.currentData(), self.format_combo.currentData()
        if device_id is not None and isinstance(fmt, FormatInfo):
            desk_settings.settings_store().setValue(
                self._settings_key(device_id), fmt.key)
        self.start_camera()

    def start_camera(self) -> None:
        device_id = self.camera_combo.currentData()
        if device_id is None or not self.isVisible():
            return
        fmt = self.format_combo.currentData()
        self.source.start(device_id, fmt if isinstance(fmt, FormatInfo) else None,
                          self.video.videoSink())
        self._update_buttons()

    def stop_camera(self) -> None:
        """Release the camera (panel hidden, app closing)."""
        self.cancel_countdown()
        self.source.stop()
        self._frame = None
        self._update_buttons()

    def _active_changed(self, active: bool) -> None:
        if active:
            self.say(None)  # whatever went wrong before is over
        self._update_buttons()

    def _source_error(self, key: str, detail: str) -> None:
        self._frame = None
        self.say(key, detail)
        self._update_buttons()

    def showEvent(self, event) -> None:  # noqa: ANN001, N802
        super().showEvent(event)
        if not self.source.active:
            self.start_camera()

    def hideEvent(self, event) -> None:  # noqa: ANN001, N802
        self.stop_camera()
        super().hideEvent(event)

    # -- frames ------------------------------------------------------------------------------

    def _on_frame(self, frame: QVideoFrame) -> None:
        # Keep the newest frame only; converting it happens on capture, not 30 times a second.
        self._frame = frame

    def _layout_scene(self) -> None:
        size = self.video.nativeSize()
        if size.isEmpty():
            return
        self.video.setSize(size)
        rect = QRectF(0, 0, size.width(), size.height())
        mirror = QTransform(-1, 0, 0, 1, size.width(), 0)
        self.video.setTransform(mirror if self.mirror_check.isChecked() else QTransform())
        # An upright oval about as large as a face should be in the frame.
        oval_h = rect.height() * 0.8
        oval_w = oval_h * 0.72
        self.guide.setRect(QRectF(rect.center().x() - oval_w / 2,
                                  rect.center().y() - oval_h / 2, oval_w, oval_h))
        self.scene.setSceneRect(rect)
        self.view.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802
        super().resizeEvent(event)
        self._layout_scene()

    # -- capture -----------------------------------------------------------------------------

    def capture(self) -> None:
        if not self.isVisible() or self.busy:
            return
        if self._countdown:
            return  # already counting
        seconds = self.countdown_combo.currentData() or 0
        if seconds:
            self._countdown = seconds
            self._show_count()
            self.countdown_timer.start()
            self.countingChanged.emit(True)
            return
        self._take()

    @property
    def counting(self) -> bool:
        return self._countdown > 0

    def cancel_countdown(self) -> bool:
        if not self._countdown:
            return False
        self.countdown_timer.stop()
        self._countdown = 0
        self.count_text.setText("")
        self.countingChanged.emit(False)
        return True

    def _show_count(self) -> None:
        self.count_text.setText(str(self._countdown))
        box = self.count_text.boundingRect()
        center = self.scene.sceneRect().center()
        self.count_text.setPos(center.x() - box.width() / 2, center.y() - box.height() / 2)

    def _countdown_tick(self) -> None:
        self._countdown -= 1
        if self._countdown > 0:
            self._show_count()
            return
        self.countdown_timer.stop()
        self.count_text.setText("")
        self.countingChanged.emit(False)
        self._take()

    def _take(self) -> None:
        frame = self._frame
        if frame is None or not self.source.active:
            self.say("no_picture")
            return
        self.busy = True
        self._update_buttons()
        mirror, folder = self.mirror_saved_check.isChecked(), self.folder
        self.tasks.run(self.pool, lambda: capture_frame(frame, mirror, folder), self._saved)

    def _saved(self, future: Future) -> None:
        self.busy = False
        try:
            captured: Captured = future.result()
        except ValueError:
            self._update_buttons()
            self.say("unreadable_frame")
            return
        except OSError as exc:
            self._update_buttons()
            self.say("not_saved", exc.strerror or type(exc).__name__)
            return
        self.last_path = captured.path
        self._update_buttons()
        warnings = captured.quality.warnings
        self.badge.hide()
        check_now = self.check_mode.isChecked() and not warnings
        self.check_anyway_button.setVisible(self.check_mode.isChecked() and bool(warnings))
        if warnings:
            self.say("quality", *warnings)
        else:
            self.say("captured", captured.path.name)
        name = self.camera_combo.currentText() or self.tr("camera")
        self.photoCaptured.emit(str(captured.path), f"camera: {name}", check_now)

    def track(self, item: QueueItem, checking: bool) -> None:
        """The queue item of the last capture; its verdict is shown here when checked."""
        self.tracked = item.id
        if checking:
            self.badge.show_verdict(None, self.tr("Checking…"))
            self.badge.show()

    def update_tracked(self, item: QueueItem | None) -> None:
        if item is None or item.id != self.tracked or item.status not in FINAL:
            return
        if self.badge.isVisible() and item.result is not None:
            verdict = item.result.outcome  # a refused capture is no service error
            text = verdict_word(verdict, self.lang)
            if item.result.score is not None:
                text += f"  {item.result.score:g}"
            if self.badge.verdict is not verdict or self.badge.text.text() != text:
                self.badge.show_verdict(verdict, text)
            if verdict in (Outcome.ERROR, Outcome.REFUSED) and item.result.problem is not None:
                self.say("result_problem", item.result.problem_key or "",
                         str(item.result.code or ""))

    def _check_anyway(self) -> None:
        self.check_anyway_button.hide()
        if self.tracked is not None:
            self.badge.show_verdict(None, self.tr("Checking…"))
            self.badge.show()
            self.checkRequested.emit(self.tracked)

    def retake(self) -> None:
        """Withdraw the last capture (if not sent yet), delete its file, back to live."""
        self.cancel_countdown()
        if self.tracked is not None:
            self.retakeRequested.emit(self.tracked)
        path = self.last_path
        if path is not None:
            self.tasks.run(self.pool, lambda: remove_file(path))
        self.tracked, self.last_path = None, None
        self.badge.hide()
        self.check_anyway_button.hide()
        self.say(None)
        self._update_buttons()

    # -- state -------------------------------------------------------------------------------

    def say(self, key: str | None, *params: str) -> None:
        """Show message ``key`` (worded now and again at every language switch)."""
        self._message = None if key is None else (key, params)
        self._render_message()

    def _wording(self, key: str, params: tuple[str, ...]) -> str:
        from livedetect_gui.core.errors import LOCAL_PROBLEMS, service_problem
        from livedetect_gui.core.imaging.quality import QUALITY_TEXT

        index = 1 if self.lang.startswith("zh") else 0
        if key == "quality":
            return "\n".join(QUALITY_TEXT[w][index] for w in params if w in QUALITY_TEXT)
        if key == "result_problem":
            problem_key, code = params
            # Legacy codes are numbers ("-4015"), API 3.0's are strings ("AuthFailure...").
            service_code = int(code) if code.lstrip("-").isdigit() else code
            problem = (LOCAL_PROBLEMS.get(problem_key) if problem_key
                       else service_problem(service_code) if code else None)
            return problem.message(self.lang) if problem else ""
        first = params[0] if params else ""
        return {
            "no_camera": self.tr("No camera found. Plug one in: the list updates by itself."),
            "denied": self.tr("Camera access was denied. Allow it for LiveDetect Desk in the "
                              "system's privacy settings."),
            "problem": self.tr("The camera reported a problem: %1. If another program uses "
                               "it, close that program and try again.").replace(
                "%1", first or self.tr("unknown error")),
            "disconnected": self.tr("The camera was disconnected."),
            "no_picture": self.tr("No picture from the camera yet."),
            "unreadable_frame": self.tr("The camera frame could not be read; try again."),
            "not_saved": self.tr("The photo could not be saved: %1").replace("%1", first),
            "captured": self.tr("Captured %1").replace("%1", first),
        }[key]

    def _render_message(self) -> None:
        text = "" if self._message is None else self._wording(*self._message)
        self.message.setText(text)
        self.message.setVisible(bool(text))
        no_camera = not self.source.devices()
        self.no_camera.setText(text if no_camera else "")
        self.screen_stack.setCurrentWidget(self.no_camera if no_camera else self.view)
        if no_camera:
            self.message.hide()  # said once, where the picture would be

    def _update_buttons(self) -> None:
        live = self.source.active
        self.capture_button.setEnabled(live and not self.busy)
        self.shortcut.setEnabled(live and self.isVisible())
        self.retake_button.setEnabled(self.last_path is not None)
