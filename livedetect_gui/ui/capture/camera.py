"""Where live frames come from: a real camera (QtMultimedia) or pushed images (tests, training).

Both deliver QVideoFrames into a QVideoSink the capture panel owns, and report devices and
errors through the same signals, so the panel never knows which one it has.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QVideoFrame, QVideoSink

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CameraInfo:
    id: str
    name: str


@dataclass(frozen=True)
class FormatInfo:
    width: int
    height: int
    fps: float
    pixel: str

    @property
    def key(self) -> str:
        return f"{self.width}x{self.height}@{self.fps:g}/{self.pixel}"

    @property
    def label(self) -> str:
        return f"{self.width}×{self.height} @ {self.fps:g} fps ({self.pixel})"


class FrameSource(QObject):
    devicesChanged = Signal()
    # What went wrong, as a key the panel words in the current language ("no_camera",
    # "denied", "problem", "disconnected"), and the camera's own text for "problem".
    errorOccurred = Signal(str, str)
    activeChanged = Signal(bool)

    def devices(self) -> list[CameraInfo]:
        raise NotImplementedError

    def formats(self, device_id: str) -> list[FormatInfo]:
        raise NotImplementedError

    def start(self, device_id: str, fmt: FormatInfo | None, sink: QVideoSink) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    @property
    def active(self) -> bool:
        raise NotImplementedError


class CameraFrameSource(FrameSource):
    """QMediaDevices + QCamera + QMediaCaptureSession, as in Qt's camera example."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtMultimedia import QMediaDevices

        self._devices = QMediaDevices(self)
        self._devices.videoInputsChanged.connect(self._inputs_changed)
        self._camera = None
        self._session = None
        self._device_id: str | None = None

    def _qt_devices(self):  # noqa: ANN202
        from PySide6.QtMultimedia import QMediaDevices

        return {bytes(d.id().data()).hex(): d for d in QMediaDevices.videoInputs()}

    def devices(self) -> list[CameraInfo]:
        return [CameraInfo(key, d.description()) for key, d in self._qt_devices().items()]

    def formats(self, device_id: str) -> list[FormatInfo]:
        device = self._qt_devices().get(device_id)
        if device is None:
            return []
        found = {}
        for f in device.videoFormats():
            size = f.resolution()
            info = FormatInfo(size.width(), size.height(), round(f.maxFrameRate(), 1),
                              f.pixelFormat().name.removeprefix("Format_"))
            found[info.key] = info
        return sorted(found.values(), key=lambda i: (-i.width * i.height, -i.fps))

    def start(self, device_id: str, fmt: FormatInfo | None, sink: QVideoSink) -> None:
        from PySide6.QtMultimedia import QCamera, QMediaCaptureSession

        self.stop()
        device = self._qt_devices().get(device_id)
        if device is None:
            self.errorOccurred.emit("no_camera", "")
            return
        if not self._permitted():
            return
        camera = QCamera(device)
        if fmt is not None:
            for candidate in device.videoFormats():
                size = candidate.resolution()
                if (size.width(), size.height()) == (fmt.width, fmt.height) and \
                        candidate.pixelFormat().name.removeprefix("Format_") == fmt.pixel:
                    camera.setCameraFormat(candidate)
                    break
        camera.errorOccurred.connect(self._camera_error)
        camera.activeChanged.connect(self.activeChanged)
        session = QMediaCaptureSession()
        session.setCamera(camera)
        session.setVideoSink(sink)
        self._camera, self._session, self._device_id = camera, session, device_id
        camera.start()  # asynchronous: errors arrive through errorOccurred

    def _permitted(self) -> bool:
        # macOS and Windows ask the user; Linux always answers "granted".
        from PySide6.QtCore import QCameraPermission, QCoreApplication, Qt

        app = QCoreApplication.instance()
        if app is None or not hasattr(app, "checkPermission"):
            return True
        status = app.checkPermission(QCameraPermission())
        if status == Qt.PermissionStatus.Denied:
            self.errorOccurred.emit("denied", "")
            return False
        if status == Qt.PermissionStatus.Undetermined:
            app.requestPermission(QCameraPermission(), self, lambda _p: None)
        return True

    def _camera_error(self, _error: object, text: str) -> None:
        self.errorOccurred.emit("problem", text)

    def _inputs_changed(self) -> None:
        if self._device_id is not None and self._device_id not in self._qt_devices():
            self.stop()
            self.errorOccurred.emit("disconnected", "")
        self.devicesChanged.emit()

    def stop(self) -> None:
        if self._camera is not None:
            self._camera.stop()
            self._session.setCamera(None)
            self._session.setVideoSink(None)
            self._camera.deleteLater()
            self._camera = self._session = None
            self._device_id = None
            self.activeChanged.emit(False)

    @property
    def active(self) -> bool:
        return self._camera is not None and self._camera.isActive()


class SyntheticFrameSource(FrameSource):
    """Frames pushed from images: drives the panel in tests and benchmarks with no camera."""

    def __init__(self, devices: list[CameraInfo] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._list = list(devices if devices is not None else [CameraInfo("synthetic-1",
                                                                          "Synthetic camera")])
        self._sink: QVideoSink | None = None
        self._device_id: str | None = None
        self.fail_next_start: str | None = None  # e.g. "busy": the next start() fails so
        self.starts = 0

    def devices(self) -> list[CameraInfo]:
        return list(self._list)

    def formats(self, device_id: str) -> list[FormatInfo]:
        return [FormatInfo(1280, 720, 30, "RGB32"), FormatInfo(640, 480, 30, "RGB32")]

    def add_device(self, info: CameraInfo) -> None:
        self._list.append(info)
        self.devicesChanged.emit()

    def remove_device(self, device_id: str) -> None:
        self._list = [d for d in self._list if d.id != device_id]
        if device_id == self._device_id:
            self.stop()
            self.errorOccurred.emit("disconnected", "")
        self.devicesChanged.emit()

    def start(self, device_id: str, fmt: FormatInfo | None, sink: QVideoSink) -> None:
        self.stop()
        self.starts += 1
        if device_id not in {d.id for d in self._list}:
            self.errorOccurred.emit("no_camera", "")
            return
        if self.fail_next_start is not None:
            reason, self.fail_next_start = self.fail_next_start, None
            self.errorOccurred.emit("problem", reason)
            return
        self._sink, self._device_id = sink, device_id
        self.activeChanged.emit(True)

    def stop(self) -> None:
        if self._device_id is not None:
            self._sink = None
            self._device_id = None
            self.activeChanged.emit(False)

    @property
    def active(self) -> bool:
        return self._device_id is not None

    def push(self, image: QImage) -> bool:
        if self._sink is None:
            return False
        self._sink.setVideoFrame(QVideoFrame(image))
        return True
