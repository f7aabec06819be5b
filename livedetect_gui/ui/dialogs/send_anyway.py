"""Sending held photos anyway: what the pre-checks found, and an optional reason and note for
the override record (the core checks the reason as it checks a decision's)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from livedetect_gui.core.trail.reasons import Reason


class SendAnywayDialog(QDialog):
    def __init__(self, count: int, holds: str, reasons: Sequence[Reason], lang: str,
                 simulated: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sendAnywayDialog")
        self.setWindowTitle(self.tr("Send anyway?"))
        intro = QLabel(self.tr("Held photos to send: %1. The pre-checks found:")
                       .replace("%1", str(count)))
        intro.setWordWrap(True)
        found = QLabel(holds)
        found.setObjectName("sendAnywayHolds")
        found.setWordWrap(True)
        font = found.font()
        font.setBold(True)
        found.setFont(font)
        self.reason = QComboBox()
        self.reason.setObjectName("sendAnywayReason")
        self.reason.addItem(self.tr("(no reason)"), "")
        for reason in reasons:
            self.reason.addItem(reason.label(lang), reason.key)
        self.note = QLineEdit()
        self.note.setObjectName("sendAnywayNote")
        form = QFormLayout()
        form.addRow(self.tr("Reas&on"), self.reason)
        form.addRow(self.tr("&Note"), self.note)
        trail = QLabel(self.tr("The override is recorded in the audit trail with your name."))
        trail.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.send_button = self.buttons.addButton(
            self.tr("&Send (simulated, not billed)") if simulated else self.tr("&Send (billed)"),
            QDialogButtonBox.ButtonRole.AcceptRole)
        self.send_button.setObjectName("sendAnywaySend")
        self.send_button.setDefault(True)  # the operator already chose Send anyway
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(found)
        layout.addLayout(form)
        layout.addWidget(trail)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)

    def answer(self) -> tuple[str | None, str]:
        """The reason key (None: none given) and the note."""
        return self.reason.currentData() or None, self.note.text().strip()
