"""The settings dialog: the service address and connection, preparation limits, retention,
the shared history, decision reasons and the billing safeguards."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from livedetect_gui.core.service.credentials import join_proxy, split_proxy
from livedetect_gui.core.trail import location as history_url
from livedetect_gui.core.trail.reasons import DEFAULT_REASONS
from livedetect_gui.ui.desk.settings import DeskSettings


class SettingsDialog(QDialog):
    def __init__(self, settings: DeskSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("Settings"))
        self.original = settings
        self.endpoint = QComboBox()
        for text, data in ((self.tr("Current host (recognition.image.myqcloud.com)"), "current"),
                           (self.tr("Old host (service.image.myqcloud.com)"), "old"),
                           (self.tr("Custom address"), "custom")):
            self.endpoint.addItem(text, data)
        self.endpoint.setCurrentIndex(max(0, self.endpoint.findData(settings.endpoint_choice)))
        self.custom = QLineEdit(settings.custom_endpoint)
        self.custom.setObjectName("customEndpointEdit")
        self.custom.setPlaceholderText("https://…")
        self.custom_problem = QLabel()
        self.custom_problem.setObjectName("customEndpointProblem")
        self.custom_problem.setWordWrap(True)
        self.custom_problem.setStyleSheet("color: #d93025;")
        self.https = QCheckBox(self.tr("Use HTTPS"))
        self.https.setChecked(settings.use_https)
        self.connect_timeout = _spin(QDoubleSpinBox(), 0.5, 120, settings.connect_timeout, " s")
        self.read_timeout = _spin(QDoubleSpinBox(), 1, 600, settings.read_timeout, " s")
        self.concurrency = _spin(QSpinBox(), 1, 32, settings.concurrency)
        # The proxy's address and user in plain view; its password only as dots.
        address, password = split_proxy(settings.proxy)
        self.proxy = QLineEdit(address)
        self.proxy.setPlaceholderText("http://user@proxy:3128")
        self.proxy_password = QLineEdit(password or "")
        self.proxy_password.setObjectName("proxyPassword")
        self.proxy_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.ca_bundle = QLineEdit(settings.ca_bundle)
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse_ca)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_bundle, 1)
        ca_row.addWidget(browse)
        self.validity = _spin(QSpinBox(), 10, 7 * 86400, settings.signature_validity, " s")
        self.retention = _spin(QSpinBox(), 0, 36500, settings.retention_days, " d")
        self.retention.setSpecialValueText(self.tr("keep forever"))
        # What is never paid for: held photos, reused judgements, the cost threshold.
        self.prechecks = QCheckBox(self.tr("Hold photos the service would refuse or score "
                                           "meaninglessly (pre-checks)"))
        self.prechecks.setObjectName("precheckBox")
        self.prechecks.setChecked(settings.prechecks)
        self.four_eyes = QCheckBox(self.tr("Four eyes: decisions against the verdict and "
                                           "escalations wait for another operator's approval"))
        self.four_eyes.setObjectName("fourEyesBox")
        self.four_eyes.setChecked(settings.four_eyes)
        self.reuse_days = _spin(QSpinBox(), 0, 3650, settings.reuse_days, " d")
        self.reuse_days.setSpecialValueText(self.tr("never"))
        self.reuse_days.setObjectName("reuseDaysSpin")
        self.confirm_over = _spin(QSpinBox(), 0, 100_000, settings.confirm_over)
        self.confirm_over.setSpecialValueText(self.tr("never ask"))
        self.confirm_over.setObjectName("confirmOverSpin")
        self.language = QComboBox()
        for text, data in ((self.tr("Follow the system"), "system"), ("English", "en"),
                           ("简体中文", "zh_CN")):
            self.language.addItem(text, data)
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        self.language.setObjectName("languageCombo")
        self.keep_photos = _spin(QSpinBox(), 0, 3650, settings.keep_photos_days, " d")
        self.keep_photos.setSpecialValueText(self.tr("not kept"))
        self.keep_photos.setObjectName("keepPhotosSpin")
        self.reasons = QPlainTextEdit(settings.reasons)
        self.reasons.setObjectName("reasonsEdit")
        self.reasons.setPlaceholderText("\n".join(r.en for r in DEFAULT_REASONS))
        self.reasons.setToolTip(self.tr("One reason a line; empty: the standard list."))
        self.reasons.setMaximumHeight(90)
        self.history_url = QLineEdit(settings.history_url)
        self.history_url.setObjectName("historyUrlEdit")
        self.history_url.setPlaceholderText(self.tr("empty: this desk's own history file"))
        self.history_url.setToolTip(self.tr(
            "A review centre's shared history, e.g. "
            "postgresql://desk@db.example:5432/audit?sslmode=require (no password here). "
            "Takes effect when the desk starts again."))
        self.history_password = QLineEdit()
        self.history_password.setObjectName("historyPasswordEdit")
        self.history_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.history_password.setPlaceholderText(self.tr("unchanged (kept in the OS keyring)"))
        self.history_problem = QLabel()
        self.history_problem.setObjectName("historyUrlProblem")
        self.history_problem.setWordWrap(True)
        self.history_problem.setStyleSheet("color: #d93025;")
        form = QFormLayout(self)
        for label, widget, buddy in (
            (self.tr("&Endpoint"), self.endpoint, self.endpoint),
            (self.tr("Custom &address"), self.custom, self.custom),
            ("", self.custom_problem, None),
            ("", self.https, None),
            (self.tr("&Connect timeout"), self.connect_timeout, self.connect_timeout),
            (self.tr("&Read timeout"), self.read_timeout, self.read_timeout),
            (self.tr("Con&current checks"), self.concurrency, self.concurrency),
            (self.tr("&Proxy"), self.proxy, self.proxy),
            (self.tr("Proxy pass&word"), self.proxy_password, self.proxy_password),
            (self.tr("CA &bundle"), ca_row, self.ca_bundle),
            (self.tr("&Signature validity"), self.validity, self.validity),
            (self.tr("Keep &history for"), self.retention, self.retention),
            ("", self.prechecks, None),
            (self.tr("Reuse a &judgement for"), self.reuse_days, self.reuse_days),
            (self.tr("Show the cost of batches &over"), self.confirm_over, self.confirm_over),
            (self.tr("&Language"), self.language, self.language),
            (self.tr("&Keep photos as sent for"), self.keep_photos, self.keep_photos),
            (self.tr("&Decision reasons"), self.reasons, self.reasons),
            ("", self.four_eyes, None),
            (self.tr("Shared histor&y"), self.history_url, self.history_url),
            (self.tr("Database pass&word"), self.history_password, self.history_password),
            ("", self.history_problem, None),
        ):
            if not label:
                form.addRow("", widget)
                continue
            # Labels with a buddy: the mnemonic works and no literal "&" is shown.
            title = QLabel(label)
            title.setBuddy(buddy)
            form.addRow(title, widget)
            buddy.setAccessibleName(label.replace("&", ""))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.custom.textChanged.connect(self._validate)
        self.endpoint.currentIndexChanged.connect(self._validate)
        self.history_url.textChanged.connect(self._validate)
        self._validate()

    def endpoint_problem(self) -> str:
        """Why the custom address cannot be used, checked where it is typed; "" if it can."""
        if self.endpoint.currentData() != "custom":
            return ""
        return address_problem(self.custom.text())

    def history_problem_text(self) -> str:
        """Why the shared history's address cannot be used (the core's rule: a URL with a
        password is refused, so none reaches the settings file); "" if it can."""
        text = self.history_url.text().strip()
        if not text:
            return ""
        try:
            history_url.parse(text)
        except history_url.BadHistoryUrl as exc:
            return self.tr("This history address cannot be used: %1").replace("%1", str(exc))
        return ""

    def _validate(self) -> None:
        problem = self.endpoint_problem()
        self.custom.setEnabled(self.endpoint.currentData() == "custom")
        self.custom_problem.setText(problem)
        self.custom_problem.setVisible(bool(problem))
        history_problem = self.history_problem_text()
        self.history_problem.setText(history_problem)
        self.history_problem.setVisible(bool(history_problem))
        self.history_password.setEnabled(bool(self.history_url.text().strip())
                                          and not history_problem)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            not problem and not history_problem)

    def accept(self) -> None:
        if self.endpoint_problem() or self.history_problem_text():
            return
        super().accept()

    def new_history_password(self) -> str | None:
        """The database password typed for the shared history; None: leave the saved one."""
        return self.history_password.text() or None

    def _browse_ca(self) -> None:
        start = str(Path(self.ca_bundle.text()).parent) if self.ca_bundle.text() else str(
            Path.home())
        path, _ = QFileDialog.getOpenFileName(self, self.tr("CA bundle"), start,
                                              self.tr("Certificates (*.pem *.crt);;All (*)"))
        if path:
            self.ca_bundle.setText(path)

    def settings(self) -> DeskSettings:
        return replace(
            self.original,
            endpoint_choice=self.endpoint.currentData(),
            custom_endpoint=self.custom.text().strip(),
            use_https=self.https.isChecked(),
            connect_timeout=self.connect_timeout.value(),
            read_timeout=self.read_timeout.value(),
            concurrency=self.concurrency.value(),
            proxy=join_proxy(self.proxy.text().strip(), self.proxy_password.text()),
            ca_bundle=self.ca_bundle.text().strip(),
            signature_validity=self.validity.value(),
            retention_days=self.retention.value(),
            prechecks=self.prechecks.isChecked(),
            reuse_days=self.reuse_days.value(),
            confirm_over=self.confirm_over.value(),
            language=self.language.currentData(),
            reasons=self.reasons.toPlainText().strip(),
            four_eyes=self.four_eyes.isChecked(),
            keep_photos_days=self.keep_photos.value(),
            history_url=self.history_url.text().strip(),
        )


def address_problem(address: str) -> str:
    """Why a typed service address cannot be used ("" if it can)."""
    address = address.strip()
    translate = QCoreApplication.translate
    if not address:
        return translate("SettingsDialog", "Type the service's address, e.g. https://host:port.")
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return translate("SettingsDialog", "Use a full address starting with http:// or "
                         "https:// (for example https://%1).").replace(
            "%1", address.split("://")[-1] or "host:8765")
    try:
        _ = parts.port
    except ValueError:
        return translate("SettingsDialog",
                         "The port in this address is not a number from 1 to 65535.")
    return ""


def _spin(box: QSpinBox | QDoubleSpinBox, low: float, high: float, value: float,
          suffix: str = "") -> QSpinBox | QDoubleSpinBox:
    box.setRange(low, high)
    box.setValue(value)
    box.setSuffix(suffix)
    return box
