"""What a batch will cost, before it starts: the core's cost line, Run or Cancel."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget


class CostDialog(QDialog):
    def __init__(self, line: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("costDialog")
        self.setWindowTitle(self.tr("Run this batch?"))
        intro = QLabel(self.tr("This batch will cost:"))
        self.line = QLabel(line)
        self.line.setObjectName("costLine")
        self.line.setWordWrap(True)
        font = self.line.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.line.setFont(font)
        note = QLabel(self.tr("Every call to the service is billed. Photos judged before are "
                              "reused, refused ones are never sent, held ones wait for Send "
                              "anyway."))
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.run_button = self.buttons.addButton(self.tr("&Run"),
                                                 QDialogButtonBox.ButtonRole.AcceptRole)
        self.run_button.setObjectName("costRunButton")
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setObjectName("costCancelButton")
        self.cancel_button.setDefault(True)  # billing is never the default
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.line)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
