"""The main window's size, splitter and docks, kept across restarts in the desk's QSettings."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRect, Qt
from PySide6.QtWidgets import QMainWindow, QSplitter

from livedetect_gui.ui.desk import settings as desk_settings

DEFAULT_SIZE = (1200, 720)  # fits a 1366x768 screen with its panel and title bar


def fitted(size: tuple[int, int], screen: QRect | None) -> tuple[int, int]:
    """A window size that fits the screen's available area (a 768-px laptop included)."""
    if screen is None or screen.isEmpty():
        return size
    return (min(size[0], screen.width() - 16), min(size[1], screen.height() - 40))


def restore_layout(window: QMainWindow, splitter: QSplitter) -> None:
    store = desk_settings.settings_store()
    geometry = store.value("window/geometry")
    screen = window.screen().availableGeometry() if window.screen() is not None else None
    if isinstance(geometry, QByteArray):
        window.restoreGeometry(geometry)
    else:
        window.resize(*fitted(DEFAULT_SIZE, screen))
    if str(store.value("window/maximized", "false")).lower() == "true":
        # Maximised on one screen, maximised again on another: never the small "normal" size
        # a maximised window on a small screen leaves behind.
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
    else:
        window.resize(*fitted((window.width(), window.height()), screen))
    state = store.value("window/splitter")
    if isinstance(state, QByteArray):
        splitter.restoreState(state)
    docks = store.value("window/state")
    if isinstance(docks, QByteArray):
        window.restoreState(docks)


def save_layout(window: QMainWindow, splitter: QSplitter) -> None:
    store = desk_settings.settings_store()
    store.setValue("window/geometry", window.saveGeometry())
    store.setValue("window/maximized", window.isMaximized())
    store.setValue("window/splitter", splitter.saveState())
    store.setValue("window/state", window.saveState())
