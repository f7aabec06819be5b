"""The credentials dialog (OS keyring, or this session only) and the settings dialog."""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import replace

from PySide6.QtCore import QThreadPool, Signal
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
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from livedetect_gui import resource
from livedetect_gui.core.checking import Source, run_check
from livedetect_gui.core.client import BadEndpoint, LiveDetectClient
from livedetect_gui.core.credentials import Credentials, CredentialStore, KeyringUnavailable
from livedetect_gui.core.result import CheckResult

from .settings import DeskSettings
from .tasks import TaskRunner


class CredentialsDialog(QDialog):
    """Edit a profile. ``chosen`` carries (credentials, profile, saved_in_keyring)."""

    chosen = Signal(object, str, bool)

    def __init__(self, store: CredentialStore, settings: DeskSettings, tasks: TaskRunner,
                 parent: QWidget | None = None, lang: str = "en") -> None:
        super().__init__(parent)
        self.setObjectName("credentialsDialog")
        self.setWindowTitle(self.tr("Credentials"))
        self.store, self.settings, self.tasks, self.lang = store, settings, tasks, lang
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.keyring_ok = False

        self.profile = QComboBox()
        self.profile.setObjectName("profileCombo")
        self.profile.setEditable(True)
        self.profile.setAccessibleName(self.tr("Profile name"))
        self.appid = QLineEdit()
        self.appid.setObjectName("appidEdit")
        self.secret_id = QLineEdit()
        self.secret_id.setObjectName("secretIdEdit")
        self.secret_key = QLineEdit()
        self.secret_key.setObjectName("secretKeyEdit")
        self.secret_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.reveal = QCheckBox(self.tr("Show"))
        self.reveal.setObjectName("revealCheck")
        self.reveal.toggled.connect(lambda on: self.secret_key.setEchoMode(
            QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password))
        self.bucket = QLineEdit()
        self.bucket.setPlaceholderText(self.tr("optional; this API needs none"))
        for edit, name in ((self.appid, self.tr("AppID")), (self.secret_id, self.tr("Secret ID")),
                           (self.secret_key, self.tr("Secret key")),
                           (self.bucket, self.tr("Bucket"))):
            edit.setAccessibleName(name)

        key_row = QHBoxLayout()
        key_row.addWidget(self.secret_key, 1)
        key_row.addWidget(self.reveal)
        form = QFormLayout()
        form.addRow(self.tr("&Profile"), self.profile)
        form.addRow(self.tr("&AppID"), self.appid)
        form.addRow(self.tr("Secret &ID"), self.secret_id)
        form.addRow(self.tr("Secret &key"), key_row)
        form.addRow(self.tr("&Bucket"), self.bucket)

        self.status = QLabel()
        self.status.setObjectName("credentialsStatus")
        self.status.setWordWrap(True)
        self.test_button = QPushButton(self.tr("&Test connection (spends one billed call)"))
        self.test_button.setObjectName("testConnectionButton")
        self.test_button.clicked.connect(self.test_connection)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(self.tr("&Save to keyring"),
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("saveButton")
        self.session_button = self.buttons.addButton(self.tr("Use for this &session only"),
                                                     QDialogButtonBox.ButtonRole.ApplyRole)
        self.session_button.setObjectName("sessionButton")
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.save_button.clicked.connect(self.save)
        self.session_button.clicked.connect(self.use_for_session)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.test_button)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.save_button.setEnabled(False)
        self.profile.setCurrentText(settings.profile)
        self.status.setText(self.tr("Looking for the OS keyring…"))
        name, store = settings.profile or "default", self.store  # no widget access off-thread
        self.tasks.run(self.pool, lambda: (store.profiles(), store.load(name)),
                       self._profiles_loaded)
        self.profile.activated.connect(lambda _i: self.load_profile(self.profile.currentText()))

    # -- keyring, always on the pool -----------------------------------------------------------

    def _profiles_loaded(self, future: Future) -> None:
        try:
            names, current = future.result()
        except KeyringUnavailable as exc:
            self.keyring_ok = False
            self.save_button.setEnabled(False)
            self.status.setText(str(exc))
            return
        self.keyring_ok = True
        self.save_button.setEnabled(True)
        text = self.profile.currentText()
        self.profile.clear()
        self.profile.addItems(names)
        self.profile.setCurrentText(text)
        self.status.setText(self.tr("Credentials are kept in the OS keyring (%1).")
                            .replace("%1", self.store.backend_name()))
        if current is not None:
            self._fill(current)

    def load_profile(self, name: str) -> None:
        if not self.keyring_ok or not name:
            return
        self.tasks.run(self.pool, lambda: self.store.load(name), self._profile_loaded)

    def _profile_loaded(self, future: Future) -> None:
        try:
            found = future.result()
        except KeyringUnavailable as exc:
            self.status.setText(str(exc))
            return
        if found is not None:
            self._fill(found)

    def _fill(self, credentials: Credentials) -> None:
        self.appid.setText(credentials.appid)
        self.secret_id.setText(credentials.secret_id)
        self.secret_key.setText(credentials.secret_key)
        self.bucket.setText(credentials.bucket)

    # -- actions ---------------------------------------------------------------------------

    def credentials(self) -> Credentials:
        return Credentials(self.appid.text().strip(), self.secret_id.text().strip(),
                           self.secret_key.text(), self.bucket.text().strip())

    def _complete(self) -> Credentials | None:
        credentials = self.credentials()
        missing = credentials.problems()
        if missing:
            self.status.setText(self.tr("Missing: %1").replace("%1", ", ".join(missing)))
            return None
        return credentials

    def save(self) -> None:
        credentials = self._complete()
        if credentials is None:
            return
        profile = self.profile.currentText().strip() or "default"
        self.save_button.setEnabled(False)
        self.tasks.run(self.pool, lambda: self.store.save(credentials, profile),
                       lambda f: self._saved(f, credentials, profile))

    def _saved(self, future: Future, credentials: Credentials, profile: str) -> None:
        self.save_button.setEnabled(self.keyring_ok)
        try:
            future.result()
        except (KeyringUnavailable, ValueError) as exc:
            self.status.setText(str(exc))
            return
        self.chosen.emit(credentials, profile, True)
        self.accept()

    def use_for_session(self) -> None:
        credentials = self._complete()
        if credentials is None:
            return
        self.chosen.emit(credentials, self.profile.currentText().strip() or "default", False)
        self.accept()

    def test_connection(self) -> None:
        credentials = self._complete()
        if credentials is None:
            return
        try:
            client = LiveDetectClient(credentials, self.settings.client_config())
        except BadEndpoint as exc:
            self.status.setText(str(exc))
            return
        self.test_button.setEnabled(False)
        self.status.setText(self.tr("Sending the sample photo once…"))
        limits, threshold = self.settings.limits(), self.settings.threshold

        def probe() -> CheckResult:
            with client:
                return run_check(Source.file(resource("samples/face.jpg")), client, limits,
                                 threshold)

        self.tasks.run(self.pool, probe, self._tested)

    def _tested(self, future: Future) -> None:
        self.test_button.setEnabled(True)
        result: CheckResult = future.result()
        if result.score is not None:
            self.status.setText(self.tr("Connection works: the service answered (score %1).")
                                .replace("%1", str(result.score)))
        else:
            self.status.setText(f"{result.message(self.lang)}\n→ {result.hint(self.lang)}")


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
        self.custom.setPlaceholderText("https://…")
        self.https = QCheckBox(self.tr("Use HTTPS"))
        self.https.setChecked(settings.use_https)
        self.connect_timeout = _spin(QDoubleSpinBox(), 0.5, 120, settings.connect_timeout, " s")
        self.read_timeout = _spin(QDoubleSpinBox(), 1, 600, settings.read_timeout, " s")
        self.concurrency = _spin(QSpinBox(), 1, 32, settings.concurrency)
        self.proxy = QLineEdit(settings.proxy)
        self.proxy.setPlaceholderText("http://proxy:3128")
        self.ca_bundle = QLineEdit(settings.ca_bundle)
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse_ca)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_bundle, 1)
        ca_row.addWidget(browse)
        self.validity = _spin(QSpinBox(), 10, 7 * 86400, settings.signature_validity, " s")
        self.threshold = _spin(QDoubleSpinBox(), 0, 100, settings.threshold)
        self.retention = _spin(QSpinBox(), 0, 36500, settings.retention_days, " d")
        self.retention.setSpecialValueText(self.tr("keep forever"))
        self.language = QComboBox()
        for text, data in ((self.tr("Follow the system"), "system"), ("English", "en"),
                           ("简体中文", "zh_CN")):
            self.language.addItem(text, data)
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        self.language.setObjectName("languageCombo")
        form = QFormLayout(self)
        for label, widget in (
            (self.tr("&Endpoint"), self.endpoint), (self.tr("Custom &address"), self.custom),
            ("", self.https), (self.tr("&Connect timeout"), self.connect_timeout),
            (self.tr("&Read timeout"), self.read_timeout),
            (self.tr("Con&current checks"), self.concurrency), (self.tr("&Proxy"), self.proxy),
            (self.tr("CA &bundle"), ca_row), (self.tr("&Signature validity"), self.validity),
            (self.tr("Default &threshold"), self.threshold),
            (self.tr("Keep &history for"), self.retention), (self.tr("&Language"), self.language),
        ):
            form.addRow(label, widget)
            if isinstance(widget, QWidget) and label:
                widget.setAccessibleName(label.replace("&", ""))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _browse_ca(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("CA bundle"), "",
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
            proxy=self.proxy.text().strip(),
            ca_bundle=self.ca_bundle.text().strip(),
            signature_validity=self.validity.value(),
            threshold=self.threshold.value(),
            retention_days=self.retention.value(),
            language=self.language.currentData(),
        )


def _spin(box: QSpinBox | QDoubleSpinBox, low: float, high: float, value: float,
          suffix: str = "") -> QSpinBox | QDoubleSpinBox:
    box.setRange(low, high)
    box.setValue(value)
    box.setSuffix(suffix)
    return box
