"""The credentials dialog: a profile in the OS keyring, or credentials for this session only,
tested against the service before they are used."""

from __future__ import annotations

import os
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import replace

from PySide6.QtCore import QSignalBlocker, Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from livedetect_gui import resource
from livedetect_gui.core.checks.batch import run_check
from livedetect_gui.core.checks.planning import Source
from livedetect_gui.core.checks.session import open_session
from livedetect_gui.core.messages import text as message_text
from livedetect_gui.core.result import CheckResult
from livedetect_gui.core.service import connection as policy
from livedetect_gui.core.service.client import BadEndpoint, BadSetting
from livedetect_gui.core.service.connection import SANDBOX_REGION, ConnectionProblem
from livedetect_gui.core.service.credentials import (
    ENDPOINT_CHOICES,
    TC3_REGIONS,
    Api,
    BadCredentials,
    Credentials,
    CredentialStore,
    KeyringUnavailable,
    valid_profile_name,
)
from livedetect_gui.ui.common.backends import backend_name, backend_title, region_name
from livedetect_gui.ui.common.tasks import TaskRunner
from livedetect_gui.ui.desk.settings import DeskSettings
from livedetect_gui.ui.dialogs.settings import address_problem


class CredentialsDialog(QDialog):
    """Edit a profile. ``chosen`` carries (credentials, profile, saved_in_keyring)."""

    chosen = Signal(object, str, bool)

    def __init__(self, store: CredentialStore, settings: DeskSettings, tasks: TaskRunner,
                 pool: QThreadPool, parent: QWidget | None = None, lang: str = "en",
                 env: Mapping[str, str] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("credentialsDialog")
        self.setWindowTitle(self.tr("Credentials"))
        self.store, self.settings, self.tasks, self.lang = store, settings, tasks, lang
        self.env = os.environ if env is None else env  # the desk's: the connection policy's
        self.pool = pool  # the desk's io pool: keyring calls in order, off the GUI thread
        self.keyring_ok = False
        # What the shown test answer was for (service, region, address): an answer about
        # another address is stale the moment the address changes, and is taken down.
        self._tested_target: tuple[str, str, str] | None = None
        self._testing_target: tuple[str, str, str] | None = None

        self.profile = QComboBox()
        self.profile.setObjectName("profileCombo")
        self.profile.setEditable(True)
        self.profile.setAccessibleName(self.tr("Profile name"))
        # Which service the profile is for: only that generation's fields are shown.
        self.api = QComboBox()
        self.api.setObjectName("apiCombo")
        for api in Api:
            self.api.addItem(backend_title(api), api.value)
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
        self.bucket.setObjectName("bucketEdit")
        self.bucket.setPlaceholderText(self.tr("optional; this API needs none"))
        self.region = QComboBox()
        self.region.setObjectName("regionCombo")
        for region in TC3_REGIONS:
            self.region.addItem(region_name(region), region)
        # A new profile starts at the region most accounts use (the sandbox's own too).
        self.region.setCurrentIndex(max(0, self.region.findData(SANDBOX_REGION)))
        self.endpoint = QComboBox()
        self.endpoint.setObjectName("profileEndpointCombo")
        self.custom = QLineEdit()
        self.custom.setObjectName("profileEndpointEdit")
        self.custom.setPlaceholderText("https://…")
        self.custom_problem = QLabel()
        self.custom_problem.setObjectName("profileEndpointProblem")
        self.custom_problem.setWordWrap(True)
        self.custom_problem.setStyleSheet("color: #d93025;")
        for edit, name in ((self.appid, self.tr("AppID")), (self.secret_id, self.tr("Secret ID")),
                           (self.secret_key, self.tr("Secret key")),
                           (self.bucket, self.tr("Bucket")), (self.api, self.tr("Service")),
                           (self.region, self.tr("Region")),
                           (self.endpoint, self.tr("Endpoint")),
                           (self.custom, self.tr("Custom address"))):
            edit.setAccessibleName(name)

        key_row = QHBoxLayout()
        key_row.addWidget(self.secret_key, 1)
        key_row.addWidget(self.reveal)
        self.form = form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(self.tr("&Profile"), self.profile)
        form.addRow(self.tr("Ser&vice"), self.api)
        form.addRow(self.tr("&AppID"), self.appid)
        form.addRow(self.tr("Secret &ID"), self.secret_id)
        # A row holding a layout has no buddy: give the label one, or "&" shows literally.
        key_label = QLabel(self.tr("Secret &key"))
        key_label.setBuddy(self.secret_key)
        form.addRow(key_label, key_row)
        form.addRow(self.tr("&Bucket"), self.bucket)
        form.addRow(self.tr("&Region"), self.region)
        form.addRow(self.tr("&Endpoint"), self.endpoint)
        form.addRow(self.tr("Custom &address"), self.custom)
        form.addRow("", self.custom_problem)
        self.api.currentIndexChanged.connect(lambda _i: self._show_kind())
        self.region.currentIndexChanged.connect(lambda _i: self._check_address())
        self.endpoint.currentIndexChanged.connect(lambda _i: self._check_address())
        self.custom.textChanged.connect(lambda _t: self._check_address())

        # Long messages wrap below the fields, never squash them (the layout keeps the
        # dialog at least as tall as every row needs); raw detail sits behind a toggle.
        self.status = QLabel()
        self.status.setObjectName("credentialsStatus")
        self.status.setWordWrap(True)
        self.status.setMinimumWidth(420)
        self.status.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details_button = QToolButton()
        self.details_button.setObjectName("technicalDetailsButton")
        self.details_button.setCheckable(True)
        self.details_button.setText(self.tr("Technical details"))
        self.details_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.details_button.setArrowType(Qt.ArrowType.RightArrow)
        self.details = QLabel()
        self.details.setObjectName("technicalDetails")
        self.details.setWordWrap(True)
        self.details.setMinimumWidth(420)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details_button.toggled.connect(self._toggle_details)
        self._show_status("")
        self.test_button = QPushButton(self.tr("&Test connection (spends one billed call)"))
        self.test_button.setObjectName("testConnectionButton")
        self.test_button.clicked.connect(self.test_connection)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(self.tr("&Save to keyring"),
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("saveButton")
        self.session_button = self.buttons.addButton(self.tr("Use for this session &only"),
                                                     QDialogButtonBox.ButtonRole.ApplyRole)
        self.session_button.setObjectName("sessionButton")
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.save_button.clicked.connect(self.save)
        self.session_button.clicked.connect(self.use_for_session)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addLayout(form)
        layout.addWidget(self.test_button)
        layout.addWidget(self.status)
        layout.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.details)
        layout.addWidget(self.buttons)
        self.save_button.setEnabled(False)
        self._show_kind()
        self.profile.setCurrentText(settings.profile)
        self._show_status(self.tr("Looking for the OS keyring…"))
        name, store = settings.profile or "default", self.store  # no widget access off-thread

        def profiles() -> tuple[list[str], Credentials | None]:
            # A stored name the core rejects loads nothing (it is reported, not raised).
            return store.profiles(), store.load(name) if valid_profile_name(name) else None

        self.tasks.run(self.pool, profiles, self._profiles_loaded)
        self.profile.activated.connect(lambda _i: self.load_profile(self.profile.currentText()))

    # -- the profile's kind ----------------------------------------------------------------------

    def kind(self) -> Api:
        return Api(self.api.currentData())

    def _endpoint_choices(self, api: Api) -> list[tuple[str, str]]:
        labels = {
            "current": self.tr("Current host (recognition.image.myqcloud.com)"),
            "old": self.tr("Old host (service.image.myqcloud.com)"),
            "default": self.tr("Default host (iai.tencentcloudapi.com)"),
            "intl": self.tr("International host (iai.intl.tencentcloudapi.com)"),
        }
        return [(labels.get(c, c), c) for c in ENDPOINT_CHOICES[api]] + [
            (self.tr("Custom address"), "custom")]

    def _show_kind(self, endpoint: str | None = None) -> None:
        """Only the fields of the chosen service, and its endpoint choices (``endpoint``: a
        profile's own; none: the desk's setting for the legacy API, the default host for 3.0)."""
        api = self.kind()
        legacy = api is Api.LEGACY
        for field_widget in (self.appid, self.bucket):
            self.form.setRowVisible(field_widget, legacy)
        self.form.setRowVisible(self.region, not legacy)
        if endpoint is None and legacy:
            endpoint = (self.settings.custom_endpoint if self.settings.endpoint_choice == "custom"
                        else self.settings.endpoint_choice)
        with QSignalBlocker(self.endpoint):
            self.endpoint.clear()
            for text, data in self._endpoint_choices(api):
                self.endpoint.addItem(text, data)
            index = self.endpoint.findData(endpoint or ENDPOINT_CHOICES[api][0])
            if index < 0:  # a full address
                index = self.endpoint.findData("custom")
                self.custom.setText(endpoint or "")
            self.endpoint.setCurrentIndex(index)
        self._check_address()
        self._fit(shrink=True)

    def address_problem(self) -> str:
        """Why the custom address cannot be used ("" if it can, or none is chosen)."""
        if self.endpoint.currentData() != "custom":
            return ""
        return address_problem(self.custom.text())

    def _target(self) -> tuple[str, str, str]:
        """Where a test goes: the service, its region and the address chosen."""
        choice = self.endpoint.currentData() or ""
        address = self.custom.text().strip() if choice == "custom" else choice
        return (str(self.api.currentData()), str(self.region.currentData()), address)

    def _check_address(self) -> None:
        custom = self.endpoint.currentData() == "custom"
        self.form.setRowVisible(self.custom, custom)
        problem = self.address_problem()
        self.custom_problem.setText(problem)
        self.form.setRowVisible(self.custom_problem, bool(problem))
        if self._tested_target is not None and self._tested_target != self._target():
            # "Could not be resolved" was about the old address: never left beside a new one.
            self._tested_target = None
            self._show_status(self.tr("The address changed: test the connection again."))
        self._fit()  # the hint wraps: the dialog grows to show it whole

    def _show_status(self, text: str, detail: str = "") -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))
        self.details.setText(detail)
        self.details_button.setVisible(bool(detail))
        self.details.setVisible(bool(detail) and self.details_button.isChecked())
        self._fit()

    def _toggle_details(self, shown: bool) -> None:
        self.details_button.setArrowType(Qt.ArrowType.DownArrow if shown
                                         else Qt.ArrowType.RightArrow)
        self.details.setVisible(shown)
        self._fit()

    def _fit(self, shrink: bool = False) -> None:
        """Grow to show a longer message whole (wrapped text needs its height for the width);
        ``shrink``: also give back the height of rows just hidden (another profile kind)."""
        layout = self.layout()
        if layout is None:  # still being built
            return
        layout.activate()
        needed = layout.heightForWidth(self.width())
        if needed > self.height() or (shrink and needed > 0):
            self.resize(self.width(), needed)

    def _keyring_problem(self, exc: KeyringUnavailable) -> None:
        self._show_status(message_text("keyring_unavailable", self.lang), str(exc))

    # -- keyring, always on the pool -----------------------------------------------------------

    def _profiles_loaded(self, future: Future) -> None:
        try:
            names, current = future.result()
        except KeyringUnavailable as exc:
            self.keyring_ok = False
            self.save_button.setEnabled(False)
            self._keyring_problem(exc)
            return
        self.keyring_ok = True
        self.save_button.setEnabled(True)
        text = self.profile.currentText()
        self.profile.clear()
        self.profile.addItems(names)
        self.profile.setCurrentText(text)
        self._show_status(self.tr("Credentials are kept in the OS keyring (%1).")
                          .replace("%1", self.store.backend_name()))
        if current is not None:
            self._fill(current)

    def load_profile(self, name: str) -> None:
        if not self.keyring_ok or not name or not valid_profile_name(name):
            return
        self.tasks.run(self.pool, lambda: self.store.load(name), self._profile_loaded)

    def _profile_loaded(self, future: Future) -> None:
        try:
            found = future.result()
        except KeyringUnavailable as exc:
            self._keyring_problem(exc)
            return
        if found is not None:
            self._fill(found)

    def _fill(self, credentials: Credentials) -> None:
        """A stored profile, of its own kind."""
        with QSignalBlocker(self.api):
            self.api.setCurrentIndex(max(0, self.api.findData(credentials.api.value)))
        self.appid.setText(credentials.appid)
        self.secret_id.setText(credentials.secret_id)
        self.secret_key.setText(credentials.secret_key)
        self.bucket.setText(credentials.bucket)
        if credentials.region:
            self.region.setCurrentIndex(max(0, self.region.findData(credentials.region)))
        self._show_kind(credentials.endpoint)

    # -- actions ---------------------------------------------------------------------------

    def credentials(self) -> Credentials:
        """What the dialog shows, of the chosen kind (the other kind's fields are left out)."""
        api = self.kind()
        legacy = api is Api.LEGACY
        choice = self.endpoint.currentData()
        endpoint = self.custom.text().strip() if choice == "custom" else choice
        return Credentials(
            self.appid.text().strip() if legacy else "", self.secret_id.text().strip(),
            self.secret_key.text(), self.bucket.text().strip() if legacy else "",
            # The generation's default host is no choice to keep: the backend knows it.
            endpoint=None if endpoint == ENDPOINT_CHOICES[Api.TC3][0] else endpoint or None,
            api=api, region="" if legacy else self.region.currentData())

    def _complete(self) -> Credentials | None:
        credentials = self.credentials()
        missing = credentials.problems()
        if missing:
            self._show_status(self.tr("Missing: %1").replace("%1", ", ".join(missing)))
            return None
        problem = self.address_problem()
        if problem:
            self._show_status(problem)
            self.custom.setFocus()
            return None
        try:  # checked where it is typed, by the core's own rule
            return credentials.validate()
        except BadCredentials as exc:
            self._show_status(exc.message.text(self.lang))
            return None

    def _profile_name(self) -> str | None:
        """The profile name, checked here where it is typed, as the core will check it."""
        name = self.profile.currentText().strip() or "default"
        if not valid_profile_name(name):
            self._show_status(message_text("bad_profile_name", self.lang, name=name))
            self.profile.setFocus()
            return None
        return name

    def save(self) -> None:
        credentials = self._complete()
        profile = self._profile_name()
        if credentials is None or profile is None:
            return
        self.save_button.setEnabled(False)
        self.tasks.run(self.pool, lambda: self.store.save(credentials, profile),
                       lambda f: self._saved(f, credentials, profile))

    def _saved(self, future: Future, credentials: Credentials, profile: str) -> None:
        self.save_button.setEnabled(self.keyring_ok)
        try:
            future.result()
        except KeyringUnavailable as exc:
            self._keyring_problem(exc)
            return
        self.chosen.emit(credentials, profile, True)
        self.accept()

    def use_for_session(self) -> None:
        credentials = self._complete()
        profile = self._profile_name()
        if credentials is None or profile is None:
            return
        self.chosen.emit(credentials, profile, False)
        self.accept()

    def test_connection(self) -> None:
        credentials = self._complete()
        if credentials is None:
            return
        try:
            # Chosen by the same policy the desk connects with, then exactly one attempt:
            # a test spends one call, never a retry.
            chosen = policy.session(credentials, None, self.settings.endpoint(), self.env)
            config = self.settings.connection_config(chosen, self.lang)
            client = open_session(chosen, replace(config, max_attempts=1)).client
        except ConnectionProblem as exc:
            self._show_status(exc.message.text(self.lang))
            return
        except BadEndpoint as exc:
            self._show_status(message_text("bad_endpoint", self.lang,
                                           endpoint=chosen.endpoint or ""), str(exc))
            return
        except BadSetting as exc:  # a missing CA bundle, a bad proxy: said, never raised
            self._show_status(message_text("bad_settings", self.lang), str(exc))
            return
        self.test_button.setEnabled(False)
        self._tested_target, self._testing_target = None, self._target()
        self._show_status(self.tr("Sending the sample photo once to %1…").replace(
            "%1", backend_name(credentials.api)))
        limits = self.settings.limits()
        threshold = self.settings.threshold_for(chosen.credentials.api)

        def probe() -> CheckResult:
            with client:
                return run_check(Source.file(resource("samples/face.jpg")), client, limits,
                                 threshold)

        self.tasks.run(self.pool, probe, self._tested)

    def _tested(self, future: Future) -> None:
        self.test_button.setEnabled(True)
        result: CheckResult = future.result()
        if self._testing_target != self._target():  # the address changed meanwhile
            self._show_status(self.tr("The address changed: test the connection again."))
            return
        self._tested_target = self._testing_target
        request = (self.tr("Request ID: %1").replace("%1", result.request_id)
                   if result.request_id else "")
        if result.score is not None:
            self._show_status(self.tr("Connection works: %1 answered (score %2).")
                              .replace("%1", backend_name(result.api))
                              .replace("%2", f"{result.score:g}"), request)
            return
        problem = result.problem
        sentence = problem.message(self.lang) if problem else result.message(self.lang)
        detail = result.detail
        if result.code not in (None, 0):  # an int (legacy) or a string (API 3.0)
            detail = f"code {result.code} {detail}".strip()
        detail = f"{request}\n{detail}".strip()
        self._show_status(f"{sentence}\n→ {result.hint(self.lang)}", detail)
