"""The toolbar's two fields: an image URL to add, and the pass threshold."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QWidget


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


class ThresholdField(QWidget):
    changed = Signal(int)

    def __init__(self, value: float) -> None:
        super().__init__()
        self.label = QLabel()
        self.spin = QSpinBox()
        self.spin.setObjectName("thresholdSpin")
        self.spin.setRange(0, 100)
        self.spin.setValue(round(value))
        self.label.setBuddy(self.spin)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.spin)
        self.spin.valueChanged.connect(self.changed)

    def retranslate(self) -> None:
        self.label.setText(self.tr("&Threshold"))
        self.spin.setAccessibleName(self.tr("Pass threshold"))
        self.spin.setToolTip(self.tr("A photo passes when its score is above this"))
