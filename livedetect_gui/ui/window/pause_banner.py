"""The queue paused because the service rejected the credentials: what to fix,
where (the credentials dialog), and one click to resume."""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton

from livedetect_gui.core.result import CheckResult


class PauseBanner(QFrame):
    fixCredentials = Signal()
    resume = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("pauseBanner")
        self.setStyleSheet("#pauseBanner { background: #fde8e7; border: 2px solid #c5221f; }"
                           " #pauseBanner QLabel { color: #5f0d0b; }")
        self.lang = "en"
        self.result: CheckResult | None = None
        self.label = QLabel()
        self.label.setObjectName("pauseText")
        self.label.setWordWrap(True)
        self.fix_button = QPushButton()
        self.fix_button.setObjectName("fixCredentialsButton")
        self.fix_button.clicked.connect(self.fixCredentials)
        self.resume_button = QPushButton()
        self.resume_button.setObjectName("resumeButton")
        self.resume_button.clicked.connect(self.resume)
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.fix_button)
        layout.addWidget(self.resume_button)
        self.hide()

    def show_pause(self, result: CheckResult | None) -> None:
        self.result = result
        self.retranslate()
        self.setVisible(result is not None)

    def retranslate(self) -> None:
        self.fix_button.setText(self.tr("&Credentials…"))
        self.resume_button.setText(self.tr("&Resume"))
        self.setAccessibleName(self.tr("Queue paused"))
        if self.result is None:
            return
        # The service's reason in the catalogue's words, then what to do and where.
        self.label.setText("<b>" + self.tr("Queue paused: the service rejected the "
                                           "credentials.") + "</b> "
                           + html.escape(self.result.message(self.lang)) + "<br>" + self.tr(
            "Nothing more is sent until you resume. Fix the appid, secret id and secret key "
            "(or the account's billing) under Credentials, then Resume: the photos not sent "
            "are sent then."))

