"""Who is at the desk: the operator's name/ID, asked at the first start and changeable from the
status bar at a change of shift. Every record of the audit trail carries it beside the OS
login (often a shared account)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

MAX_LENGTH = 64  # a name or a badge number, not a paragraph


class OperatorDialog(QDialog):
    """Name/ID of the operator; OK only with something typed (a badge scanner's Enter too)."""

    chosen = Signal(str)

    def __init__(self, current: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("operatorDialog")
        self.setWindowTitle(self.tr("Who is at the desk?"))
        self.intro = QLabel(self.tr(
            "Your name or operator ID is recorded with every check and decision you make at "
            "this desk. It is remembered on this computer until you change it (click it in "
            "the status bar)."))
        self.intro.setWordWrap(True)
        self.name = QLineEdit(current)
        self.name.setObjectName("operatorName")
        self.name.setMaxLength(MAX_LENGTH)
        self.name.setPlaceholderText(self.tr("Name or operator ID"))
        self.name.setAccessibleName(self.tr("Name or operator ID"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.name)
        layout.addWidget(self.buttons)
        self.name.textChanged.connect(self._validate)
        self._validate()
        self.resize(420, self.sizeHint().height())

    def _validate(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            bool(self.name.text().strip()))

    def accept(self) -> None:
        name = " ".join(self.name.text().split())  # no stray spaces or line breaks
        if not name:
            return
        super().accept()
        self.chosen.emit(name)


class OperatorButton(QToolButton):
    """The operator's name in the status bar; a click changes it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("operatorButton")
        self.setAutoRaise(True)
        self.operator = ""

    def show_operator(self, name: str) -> None:
        self.operator = name
        self.retranslate()

    def retranslate(self) -> None:
        self.setText(self.tr("Operator: %1").replace("%1", self.operator)
                     if self.operator else self.tr("Operator: (not set)"))
        self.setToolTip(self.tr("Change the operator at this desk (a new shift)"))
        self.setAccessibleName(self.text())
