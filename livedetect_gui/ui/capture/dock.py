"""The capture dock: the capture panel, or a sentence when camera support cannot load here
(the rest of the desk works without QtMultimedia)."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QDockWidget, QLabel, QWidget

from livedetect_gui.ui.common.tasks import TaskRunner

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

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Capture"))
        if self.panel is not None:
            self.panel.retranslate()
        else:
            self._label.setText(self.tr("Camera support is unavailable here (%1).")
                                .replace("%1", self._error or ""))
