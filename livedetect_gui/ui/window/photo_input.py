"""Photos in from the main window: Open photos, Paste, the URL field, and drops. What comes
in goes to the desk's intake; the window's queue selects the first new photo."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QMimeData, QObject
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMainWindow

from livedetect_gui.ui.desk.controller import Desk
from livedetect_gui.ui.queue.model import QueueItem
from livedetect_gui.ui.window.fields import UrlField


class PhotoInput(QObject):
    def __init__(self, window: QMainWindow, desk: Desk, url_field: UrlField,
                 select: Callable[[QueueItem], None]) -> None:
        super().__init__(window)
        self.window = window
        self.desk = desk
        self.url_field = url_field
        self.select = select  # selects the item when nothing is selected yet
        url_field.submitted.connect(self.add_url)
        # The remembered folder, once the io pool found it still there (a vanished network
        # share can hang a look at it: never on the GUI thread).
        self._start_folder = str(Path.home())
        folder = desk.settings.last_folder
        if folder:
            work = desk.io_work
            work.tasks.run(work.pool, lambda: Path(folder).is_dir(),
                           lambda f: self._found(folder, f.result()))

    def _found(self, folder: str, exists: bool) -> None:
        if exists and self._start_folder == str(Path.home()):  # none chosen since
            self._start_folder = folder

    def open_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self.window, self.tr("Open photos"), self.start_folder(),
            self.tr("Images (*.jpg *.jpeg *.png *.webp *.bmp *.tif *.tiff *.gif *.heic *.heif)"
                    ";;All files (*)"))
        if paths:
            self.remember_folder(str(Path(paths[0]).parent))
        self.desk.intake.add_paths(paths)

    def start_folder(self) -> str:
        """Where Open photos starts: the folder last opened from, else the home folder."""
        return self._start_folder

    def remember_folder(self, folder: str) -> None:
        self._start_folder = folder
        self.desk.save_settings(replace(self.desk.settings, last_folder=folder))

    def paste(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        label = self.tr("clipboard %1").replace("%1", datetime.now().strftime("%H:%M:%S"))
        if mime is None or not self.desk.intake.add_mime(mime, label):
            self.window.statusBar().showMessage(self.tr("The clipboard holds no image."), 5000)

    def focus_url(self) -> None:
        self.url_field.edit.setFocus()

    def add_url(self, _text: str = "") -> None:
        item = self.desk.intake.add_url(self.url_field.edit.text())
        if item is None:
            self.window.statusBar().showMessage(
                self.tr("Not an image URL: use a full address starting with http:// or "
                        "https://"), 8000)
            return
        self.url_field.edit.clear()
        self.select(item)

    def drop(self, mime: QMimeData) -> None:
        self.desk.intake.add_mime(mime, self.tr("dropped image"))
