"""The main window's size, splitter and docks, kept across restarts in the desk's QSettings."""

from __future__ import annotations

from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QMainWindow, QSplitter

from livedetect_gui.ui.desk import settings as desk_settings

DEFAULT_SIZE = (1200, 760)


def restore_layout(window: QMainWindow, splitter: QSplitter) -> None:
    store = desk_settings.settings_store()
    geometry = store.value("window/geometry")
    if isinstance(geometry, QByteArray):
        window.restoreGeometry(geometry)
    else:
        window.resize(*DEFAULT_SIZE)
    state = store.value("window/splitter")
    if isinstance(state, QByteArray):
        splitter.restoreState(state)
    docks = store.value("window/state")
    if isinstance(docks, QByteArray):
        window.restoreState(docks)


def save_layout(window: QMainWindow, splitter: QSplitter) -> None:
    store = desk_settings.settings_store()
    store.setValue("window/geometry", window.saveGeometry())
    store.setValue("window/splitter", splitter.saveState())
    store.setValue("window/state", window.saveState())
