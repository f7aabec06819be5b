"""The capture dock: the capture panel, or a sentence when camera support cannot load here
(the rest of the desk works without QtMultimedia)."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QWidget

from livedetect_gui.ui.common.tasks import TaskRunner
from livedetect_gui.ui.desk.controller import Desk

log = logging.getLogger(__name__)


class CaptureDock(QDockWidget):
    def __init__(self, frame_source: object | None, tasks: TaskRunner, pool: QThreadPool,
                 folder: Path | None, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("captureDock")
        self.panel = None
        self._error: str | None = None
        try:
            from livedetect_gui.ui.capture.camera import CameraFrameSource
            from livedetect_gui.ui.capture.panel import CapturePanel

            source = frame_source if frame_source is not None else CameraFrameSource(self)
            self.panel = CapturePanel(source, tasks, pool, folder=folder, lang=lang)
            self.setWidget(self.panel)
        except ImportError as exc:  # e.g. libpulse missing for QtMultimedia
            log.warning("camera support unavailable: %s", exc)
            self._error = str(exc)
            self._label = QLabel()
            self._label.setWordWrap(True)
            self.setWidget(self._label)
        self.hide()  # the camera starts only when the operator opens the panel

    def follow(self, desk: Desk) -> None:
        """The panel talks to the desk, not to the window: captures go into its queue (checked
        at once when asked), a retake withdraws the last one, and the panel follows the
        capture it tracks."""
        panel = self.panel
        if panel is None:
            return
        panel.photoCaptured.connect(lambda path, label, now: panel.track(
            desk.intake.add_capture(path, label, now), now))
        panel.retakeRequested.connect(desk.withdraw)
        panel.checkRequested.connect(
            lambda item_id: desk.run([i for i in [desk.model.item(item_id)] if i]))

        def changed(ids: set[int]) -> None:
            if panel.tracked in ids:
                panel.update_tracked(desk.model.item(panel.tracked))

        desk.model.itemsChanged.connect(changed)

    def dock_into(self, window: QMainWindow, action: QAction) -> None:
        """On the window's right; its checkable menu action follows it. The first time it
        shows it takes a third of the window at most: the queue stays usable at 1024 px."""
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self)
        action.setCheckable(True)
        sized = False

        def shown(visible: bool) -> None:
            nonlocal sized
            action.setChecked(visible)
            if visible and not sized:
                sized = True
                window.resizeDocks([self], [max(280, min(420, window.width() // 3))],
                                   Qt.Orientation.Horizontal)

        self.visibilityChanged.connect(shown)

    def toggle_capture(self) -> None:
        self.setVisible(not self.isVisible())

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Capture"))
        if self.panel is not None:
            self.panel.retranslate()
        else:
            self._label.setText(self.tr("Camera support is unavailable here (%1).")
                                .replace("%1", self._error or ""))
