"""The dialogs that set the desk up, opened from the main window: credentials, settings,
the operator at the desk, the keyboard help and About. Each answer goes to the desk
controller; the window hears only what it shows (a new language, new decision reasons)."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMessageBox

from livedetect_gui import __version__
from livedetect_gui.ui.desk.controller import Desk
from livedetect_gui.ui.desk.settings import DeskSettings
from livedetect_gui.ui.dialogs.credentials import CredentialsDialog
from livedetect_gui.ui.dialogs.operator import OperatorDialog
from livedetect_gui.ui.dialogs.settings import SettingsDialog
from livedetect_gui.ui.window import actions as action_table
from livedetect_gui.ui.window.help import HelpDialog


class SetupDialogs(QObject):
    # The settings asked for another language; the decision reasons may have changed.
    languageRequested = Signal(str)
    settingsApplied = Signal()

    def __init__(self, window: QMainWindow, desk: Desk, actions: Mapping[str, QAction],
                 lang: str) -> None:
        super().__init__(window)
        self.window = window
        self.desk = desk
        self.actions = actions
        self.lang = lang
        self.operator_dialog: OperatorDialog | None = None

    def edit_credentials(self) -> CredentialsDialog:
        access = self.desk.keyring_access()
        dialog = CredentialsDialog(access.store, self.desk.settings, access.work.tasks,
                                   access.work.pool, self.window, self.lang, access.env)
        dialog.chosen.connect(self.desk.use_credentials)
        dialog.setModal(True)
        dialog.show()
        return dialog

    def edit_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self.desk.settings, self.window)
        dialog.accepted.connect(lambda: self._settings_accepted(dialog))
        dialog.setModal(True)
        dialog.show()
        return dialog

    def _settings_accepted(self, dialog: SettingsDialog) -> None:
        settings = dialog.settings()
        password = dialog.new_history_password()
        if password is not None and settings.history_url:
            self.desk.remember_history_password(settings.history_url, password)
        if settings.history_url != self.desk.settings.history_url:
            self.window.statusBar().showMessage(
                self.tr("The new history location takes effect when the desk starts again."),
                10000)
        self.apply_settings(settings)

    def apply_settings(self, settings: DeskSettings) -> None:
        old_language = self.desk.settings.language
        self.desk.apply_settings(settings)
        self.settingsApplied.emit()
        if settings.language != old_language:
            self.languageRequested.emit(settings.language)

    def change_operator(self) -> OperatorDialog:
        dialog = OperatorDialog(self.desk.operator, self.window)
        dialog.chosen.connect(self.desk.set_operator)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.operator_dialog = dialog
        return dialog

    def show_help(self) -> HelpDialog:
        dialog = HelpDialog(action_table.shortcut_rows(self.actions), self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def about(self) -> None:
        QMessageBox.about(self.window, self.tr("About LiveDetect Desk"),
                          self.tr("LiveDetect Desk %1\nStatic-photo liveness checks for review "
                                  "desks.").replace("%1", __version__))
