"""The desk's settings as they are now, written back to QSettings off the GUI thread.

A change is written on the io pool a moment after the last one (a threshold spin sends one
change per step). The settings file never holds a password: the proxy's goes to the OS keyring
(only when it changed, and leaves with its proxy), as does the shared history's database
password.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, QThreadPool, QTimer

from livedetect_gui.core.service.credentials import CredentialStore, split_proxy
from livedetect_gui.core.trail import location as history_url
from livedetect_gui.ui.common.tasks import TaskRunner
from livedetect_gui.ui.desk import settings as desk_settings
from livedetect_gui.ui.desk.settings import DeskSettings

# Settings are written this long after the last change (spin steps coalesce).
SAVE_DELAY_MS = 400


class SettingsSaver(QObject):
    def __init__(self, settings: DeskSettings, store: CredentialStore, tasks: TaskRunner,
                 pool: QThreadPool, *, persist: bool = True,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.store = store
        self.tasks = tasks
        self.pool = pool  # the desk's io pool: the file and the keyring, in order
        self.persist = persist  # written back (not in throwaway runs: tests, the self-test)
        self.history_passwords = history_url.DatabasePasswords()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self._write)
        # The proxy address and password the keyring holds now (None: none written by us).
        self._proxy_saved: tuple[str, str] | None = None

    @property
    def pending(self) -> bool:
        """A change is waiting to be written."""
        return self._timer.isActive()

    def save(self, settings: DeskSettings) -> None:
        self.settings = settings
        if self.persist:
            self._timer.start()

    def flush(self) -> None:
        """At shutdown: a change made just before closing is kept."""
        if self._timer.isActive():
            self._write()

    def proxy_found(self, proxy: str) -> None:
        """The proxy with the password the keyring already holds (read at start): kept in the
        settings in memory, and not written to the keyring again."""
        self.settings = replace(self.settings, proxy=proxy)
        address, password = split_proxy(proxy)
        if password is not None:
            self._proxy_saved = (address, password)

    def remember_history_password(self, url: str, password: str) -> None:
        """The shared history's database password, into the OS keyring (on a worker)."""
        location = history_url.parse(url)
        passwords = self.history_passwords
        self.tasks.run(self.pool, lambda: passwords.remember(location, password))

    def _write(self) -> None:
        self._timer.stop()
        settings = self.settings
        # The file never holds the proxy's password: that is the keyring's.
        self.tasks.run(self.pool, lambda: desk_settings.write_privately(settings))
        proxy, password = split_proxy(settings.proxy)
        store, saved = self.store, self._proxy_saved
        if saved is not None and (saved[0] != proxy or password is None):  # removed, changed
            self._proxy_saved = None
            self.tasks.run(self.pool, lambda: store.delete_proxy_password(saved[0]))
        if password is not None and (proxy, password) != saved:
            self._proxy_saved = (proxy, password)
            self.tasks.run(self.pool, lambda: store.save_proxy_password(proxy, password))
