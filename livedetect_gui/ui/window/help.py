"""Help: the keyboard shortcuts (built from the action table) and a short guide."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


class HelpDialog(QDialog):
    def __init__(self, shortcuts: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("helpDialog")
        self.setWindowTitle(self.tr("Keyboard shortcuts and quick guide"))
        guide = QLabel(self.tr(
            "<p><b>1. Bring photos in</b>: drop files or folders on the window, open them, "
            "paste an image, type an image URL, or capture one with the camera panel. Each "
            "photo is prepared to the service's limits before any call; a photo the service "
            "would refuse is explained in the Details column and never sent.</p>"
            "<p><b>2. Check</b>: run all, or only the selected photos. Every check is a billed "
            "call; a photo already judged is only checked again after you confirm.</p>"
            "<p><b>3. Read the verdict</b>: PASS when the score is above the threshold in the "
            "toolbar. Changing the threshold re-judges the scores already received, without a "
            "new call.</p>"
            "<p><b>4. Decide</b>: Accept (Alt+A), Reject (Alt+R) or Escalate (Alt+E) the record "
            "selected in the Queue, the Worklist, History or a Case; going against the verdict "
            "needs a reason. Select several rows to decide them at once (asked once, one record "
            "each); Ctrl+Shift+D decides them as the machine judged; Ctrl+Z withdraws your last "
            "decision. The Worklist keeps every check still to decide, across restarts; "
            "Ctrl+Shift+N goes to the next one. Scan or type a case reference in the toolbar "
            "(Ctrl+Shift+K) before the photos of an applicant; the Case tab says when the case "
            "is complete.</p>"
            "<p>In the <b>sandbox</b> (the yellow banner) scores are simulated: nothing is "
            "sent to the cloud service and nothing is billed. Every check is kept in the "
            "History tab.</p>"))
        guide.setObjectName("quickGuide")
        guide.setWordWrap(True)
        self.table = QTableWidget(len(shortcuts), 2)
        self.table.setObjectName("shortcutTable")
        self.table.setHorizontalHeaderLabels([self.tr("Command"), self.tr("Shortcut")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for row, (command, keys) in enumerate(shortcuts):
            self.table.setItem(row, 0, QTableWidgetItem(command))
            self.table.setItem(row, 1, QTableWidgetItem(keys))
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(guide)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(640, 660)
