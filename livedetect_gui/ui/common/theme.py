"""Colours, icons and palettes: one place decides how a verdict looks."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette

from livedetect_gui import resource
from livedetect_gui.core.verdict import Outcome, Verdict

# Picked to read on both light and dark backgrounds; never the only cue (icon + text too). A
# refusal is neutral grey: never sent, it is neither the service's error nor a verdict.
_COLORS = {Outcome.PASS: "#1e8e3e", Outcome.FAIL: "#d93025", Outcome.ERROR: "#e37400",
           Outcome.REFUSED: "#5f6368"}


def verdict_color(verdict: Verdict | Outcome) -> str:
    return _COLORS[Outcome(verdict.value)]


@cache
def verdict_icon(verdict: Verdict | Outcome) -> QIcon:
    # SVG: crisp at any device pixel ratio.
    return QIcon(str(resource(f"icons/{verdict.value}.svg")))


@cache
def app_icon() -> QIcon:
    return QIcon(str(resource("icons/livedetect.svg")))


def is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def apply_palette(app: QGuiApplication) -> None:
    """Fusion with a palette that follows the system's light or dark scheme."""
    if not is_dark():
        app.setPalette(app.style().standardPalette())  # type: ignore[attr-defined]
        return
    palette = QPalette()
    window, base, text = QColor("#2b2b2b"), QColor("#1f1f1f"), QColor("#e8e8e8")
    for role, color in (
        (QPalette.ColorRole.Window, window), (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, base), (QPalette.ColorRole.AlternateBase, window),
        (QPalette.ColorRole.Text, text), (QPalette.ColorRole.Button, window),
        (QPalette.ColorRole.ButtonText, text), (QPalette.ColorRole.ToolTipBase, base),
        (QPalette.ColorRole.ToolTipText, text), (QPalette.ColorRole.Highlight, QColor("#3d6fb4")),
        (QPalette.ColorRole.HighlightedText, QColor("#ffffff")),
        (QPalette.ColorRole.PlaceholderText, QColor("#9a9a9a")),
    ):
        palette.setColor(role, color)
    app.setPalette(palette)
