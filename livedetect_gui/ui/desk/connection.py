"""The desk's connection to the service: which one (by the core's connection policy), its
client, and the embedded sandbox's lifetime.

The connection comes from the sandbox, a keyring profile, the LIVEDETECT_* environment or
credentials given for this session; the keyring is read on the io pool. The client is built in
one place (``_client_for``) and rebuilt when the language or the connection settings change:
at once, or when the running checks end (theirs stays until then). ``changed`` says a new
client is in place; the desk controller hands it to the runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import replace

from PySide6.QtCore import QObject, QThreadPool, Signal

from livedetect_gui.core.checks.session import Session, open_session
from livedetect_gui.core.messages import text as message_text
from livedetect_gui.core.service import connection as policy
from livedetect_gui.core.service.client import BadEndpoint, BadSetting, LiveDetectClient
from livedetect_gui.core.service.connection import Connection, ConnectionProblem, Mode
from livedetect_gui.core.service.credentials import Credentials
from livedetect_gui.sandbox.server import Sandbox, SandboxConfig
from livedetect_gui.ui.common.tasks import TaskRunner
from livedetect_gui.ui.desk.settings import DeskSettings
from livedetect_gui.ui.desk.settings_saver import SettingsSaver


class ServiceConnection(QObject):
    # A new connection and client are in place.
    changed = Signal()
    # A sentence for the status bar; a failure the operator must see (sentence, details).
    notice = Signal(str)
    failed = Signal(str, str)

    def __init__(self, saver: SettingsSaver, tasks: TaskRunner, pool: QThreadPool,
                 env: Mapping[str, str], busy: Callable[[], bool], lang: str = "en",
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.saver = saver
        self.store = saver.store
        self.tasks = tasks
        self.pool = pool  # the io pool: the keyring is read there
        self.env = env
        self.busy = busy  # checks are running: no new client until they end
        self.lang = lang
        self.current: Connection | None = None
        # The connection opened for checking: its client, paced, and the reuse rule.
        self.session: Session | None = None
        self.sandbox: Sandbox | None = None
        # The language or settings changed while checks ran: rebuilt when they end.
        self._rebuild_pending = False
        self._retired: list[Sandbox] = []  # sandboxes left, stopping on the io pool

    @property
    def settings(self) -> DeskSettings:
        return self.saver.settings

    @property
    def api(self) -> str:
        """The generation checks go to now ("legacy" or "tc3")."""
        return "legacy" if self.current is None else self.current.credentials.api.value

    @property
    def mode(self) -> Mode | None:
        return None if self.current is None else self.current.mode

    @property
    def client(self) -> LiveDetectClient | None:
        return self.session.client if self.session is not None else None

    @property
    def simulated(self) -> bool:
        return self.current is not None and self.current.simulated

    @property
    def endpoint(self) -> str:
        """The address the client calls; empty before there is one."""
        return self.client.url if self.client is not None else ""

    def start(self, force_sandbox: bool = False) -> None:
        """Connect by the core's policy (the keyring read on the io pool)."""
        if force_sandbox:
            self.use_sandbox()
            return
        store, profile, env = self.store, self.settings.profile, self.env
        default, proxy = self.settings.endpoint(), self.settings.proxy
        # The proxy's password lives in the keyring (never the settings file).
        self.tasks.run(self.pool, lambda: (policy.resolve(
            store=store, profile=profile, default_endpoint=default, env=env),
            store.available(), store.proxy_with_password(proxy)), self._resolved)

    def _resolved(self, future: Future) -> None:
        found: Connection | None = None
        try:
            found, keyring_ok, proxy = future.result()
            self.saver.proxy_found(proxy)
        except ConnectionProblem as exc:
            # e.g. a profile name the core rejects: say so, run in the sandbox meanwhile.
            self.failed.emit(exc.message.text(self.lang) + "\n" + self.tr(
                "Meanwhile the desk runs in the sandbox; choose credentials under Settings."), "")
        else:
            if found is None and not keyring_ok:
                self.notice.emit(self.tr("No usable OS keyring: running in the sandbox. "
                                         "Credentials can be used for this session."))
        if found is None or not self.connect(found):
            self.use_sandbox()

    def use_sandbox(self, api: str | None = None) -> bool:
        """The embedded sandbox, simulating ``api`` (default: the generation last chosen in
        the sandbox banner); the core's policy builds its credentials per generation."""
        api = str(api or self.settings.sandbox_api)
        if self.sandbox is None:
            # Loopback, a free port, its own throwaway account.
            self.sandbox = Sandbox(SandboxConfig(host="127.0.0.1", port=0)).start()
        try:
            chosen = policy.sandbox(self.sandbox.account, self.sandbox.url, api=api,
                                    env=self.env)
        except ConnectionProblem as exc:
            self.failed.emit(exc.message.text(self.lang), "")
            return False
        if not self.connect(chosen):
            return False
        if api != self.settings.sandbox_api:
            self.saver.save(replace(self.settings, sandbox_api=api))
        return True

    def use_credentials(self, credentials: Credentials, profile: str, saved: bool) -> bool:
        """From the credentials dialog: a keyring profile just saved, or session-only."""
        try:
            chosen = policy.session(credentials, profile if saved else None,
                                    self.settings.endpoint(), self.env)
        except ConnectionProblem as exc:
            self.failed.emit(exc.message.text(self.lang), "")
            return False
        return self.connect(replace(chosen, mode=Mode.PROFILE) if saved else chosen)

    def connect(self, chosen: Connection) -> bool:
        if self.busy():
            self.failed.emit(self.tr("Wait for the running checks or cancel them first."), "")
            return False
        try:
            # The core's one way to open a client (with its account's pacer), as the CLI's.
            session = open_session(chosen, self.settings.connection_config(chosen, self.lang))
        except BadSetting as exc:
            self.failed.emit(self.setting_problem(exc, chosen.endpoint or ""), str(exc))
            return False
        if self.session is not None:
            self.session.close()
        self.session = session
        self.current = chosen
        if chosen.mode is Mode.PROFILE and chosen.profile:
            # Only a profile saved in the keyring is remembered for the next start.
            self.saver.save(replace(self.settings, profile=chosen.profile))
        if not chosen.simulated and self.sandbox is not None:
            # Its server loop notices within half a second, then its thread is joined: on the
            # io pool, never the GUI thread (``close`` stops it if the pool never got to it).
            retired, self.sandbox = self.sandbox, None
            self._retired.append(retired)
            self.tasks.run(self.pool, retired.stop, lambda _f: self._stopped(retired))
        self.changed.emit()
        return True

    def _stopped(self, sandbox: Sandbox) -> None:
        if sandbox in self._retired:  # not when ``close`` stopped it already
            self._retired.remove(sandbox)

    def setting_problem(self, exc: BadSetting, endpoint: str = "") -> str:
        """The operator's sentence for connection settings the client refused (the core's
        message keys, as the settings dialog says it)."""
        if isinstance(exc, BadEndpoint):
            return message_text("bad_endpoint", self.lang, endpoint=endpoint)
        return message_text("bad_settings", self.lang)

    def settings_changed(self, old: DeskSettings, new: DeskSettings) -> None:
        """New connection settings (timeouts, proxy, a legacy profile's default host) apply
        to the sandbox's client too."""
        if self.current is None or new.client_config() == old.client_config():
            return
        if new.endpoint() != old.endpoint():
            self.current = policy.with_default_endpoint(self.current, new.endpoint(), self.env)
        self.rebuild()

    def rebuild(self) -> None:
        """The client again with the current settings and language: now, or when the running
        checks end (``checks_ended``)."""
        if self.current is None:
            return
        self._rebuild_pending = True
        if not self.busy():
            self.checks_ended()

    def checks_ended(self) -> None:
        if self._rebuild_pending:
            self._rebuild_pending = False
            if self.current is not None:
                self.connect(self.current)

    def close(self) -> None:
        """At shutdown, after the pools stopped: the client and the sandbox released."""
        if self.session is not None:
            self.session.close()
        for sandbox in [*self._retired, *([self.sandbox] if self.sandbox else [])]:
            sandbox.stop()  # its server loop notices within half a second
        self._retired, self.sandbox = [], None
