"""The toolbar's fields: an image URL to add, the case of the next photos, and the pass
threshold."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QWidget,
)

from livedetect_gui.core.verdict import default_threshold, threshold_presets
from livedetect_gui.ui.common.backends import backend_name


class UrlField(QWidget):
    submitted = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.edit = QLineEdit()
        self.edit.setObjectName("urlEdit")
        self.edit.setClearButtonEnabled(True)
        self.edit.setMinimumWidth(160)
        self.button = QPushButton()
        self.button.setObjectName("addUrlButton")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)
        self.edit.returnPressed.connect(lambda: self.submitted.emit(self.edit.text()))
        self.button.clicked.connect(lambda: self.submitted.emit(self.edit.text()))

    def retranslate(self, shortcut_tip: str) -> None:
        self.edit.setPlaceholderText(self.tr("Image URL for the service to fetch"))
        self.edit.setToolTip(shortcut_tip)
        self.edit.setAccessibleName(self.tr("Image URL"))
        self.button.setText(self.tr("Add URL"))


class CaseField(QWidget):
    """The case/applicant reference the next photos come in under, set once: typed, or a
    scanner's "code + Enter" (Enter sets it; an empty field clears it)."""

    chosen = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.label = QLabel()
        self.edit = QLineEdit()
        self.edit.setObjectName("caseEdit")
        self.edit.setClearButtonEnabled(True)
        self.edit.setMinimumWidth(110)
        self.edit.setMaximumWidth(180)
        self.label.setBuddy(self.edit)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.edit, 1)
        self.edit.returnPressed.connect(lambda: self.chosen.emit(" ".join(
            self.edit.text().split())))

    def retranslate(self) -> None:
        self.label.setText(self.tr("Case:"))
        self.edit.setPlaceholderText(self.tr("scan or type, Enter"))
        self.edit.setToolTip(self.tr("The case/applicant reference of the next photos "
                                     "(Ctrl+Shift+K)"))
        self.edit.setAccessibleName(self.tr("Case for the next photos"))


class ThresholdField(QWidget):
    """The connected generation's threshold: any value 0..100, and the provider's levels as
    presets (API 3.0: 5, 10, 40, 70, 90)."""

    changed = Signal(int)

    def __init__(self, value: float, api: str = "legacy") -> None:
        super().__init__()
        self.api = api
        self.label = QLabel()
        self.spin = QSpinBox()
        self.spin.setObjectName("thresholdSpin")
        self.spin.setRange(0, 100)
        self.spin.setValue(round(value))
        self.label.setBuddy(self.spin)
        self.presets = QToolButton()
        self.presets.setObjectName("thresholdPresets")
        self.presets.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.presets.setMenu(QMenu(self.presets))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.spin)
        layout.addWidget(self.presets)
        self.spin.valueChanged.connect(self.changed)

    def show_backend(self, api: str, value: float) -> None:
        """Follow the connected generation: its own threshold and presets. Nothing changed
        for the operator's rows, so no ``changed`` signal."""
        self.api = api
        with QSignalBlocker(self.spin):
            self.spin.setValue(round(value))
        self.retranslate()

    def retranslate(self) -> None:
        self.label.setText(self.tr("&Threshold"))
        name = backend_name(self.api)
        self.spin.setAccessibleName(self.tr("Pass threshold (%1)").replace("%1", name))
        self.spin.setToolTip(self.tr("A photo passes when its score is above this (%1 scale)")
                             .replace("%1", name))
        menu = self.presets.menu()
        menu.clear()
        recommended = default_threshold(self.api)
        levels = threshold_presets(self.api)
        for level in levels:
            text = f"{level:g}"
            if level == recommended:
                text = self.tr("%1 (recommended)").replace("%1", text)
            action = menu.addAction(text)
            action.setData(level)
            action.triggered.connect(lambda _on=False, v=level: self.spin.setValue(round(v)))
        self.presets.setText(self.tr("Levels"))
        self.presets.setToolTip(self.tr("The provider's threshold levels for %1; any other "
                                        "value can be typed").replace("%1", name))
        self.presets.setAccessibleName(self.tr("Threshold levels"))
        # Only a generation with several levels offers them (the legacy API has one: 87).
        self.presets.setVisible(len(levels) > 1)
