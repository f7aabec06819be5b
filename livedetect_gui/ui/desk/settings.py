"""The desk's settings, kept with QSettings, turned into the core's plain configuration."""

from __future__ import annotations

import sys
from dataclasses import dataclass, fields, replace
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs
from PySide6.QtCore import QSettings

from livedetect_gui.core import defaults
from livedetect_gui.core.imaging.prepare import Limits
from livedetect_gui.core.paths import open_private, private_dir
from livedetect_gui.core.service.client import CURRENT_HOST, OLD_HOST, ClientConfig
from livedetect_gui.core.service.connection import Connection
from livedetect_gui.core.service.credentials import split_proxy
from livedetect_gui.core.trail.reasons import Reason, reasons_from_lines
from livedetect_gui.core.verdict import DEFAULT_THRESHOLD, TC3_DEFAULT_THRESHOLD

ORGANIZATION = "LiveDetect"
APPLICATION = "LiveDetect Desk"


def settings_store() -> QSettings:
    """The desk's settings: an INI file in the user's own config folder on every platform.

    On Linux that is what Qt's native format is anyway (~/.config/LiveDetect/LiveDetect
    Desk.conf). On Windows it keeps the settings out of the registry: one file under
    %APPDATA% (the per-user profile, private by its ACL), found where platformdirs finds it,
    so a test run's redirected folders hold its settings too.
    """
    if sys.platform == "win32":
        folder = platformdirs.user_config_dir(appname=None, appauthor=False, roaming=True)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)
        return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION,
                         APPLICATION)
    return QSettings(ORGANIZATION, APPLICATION)


@dataclass(frozen=True)
class DeskSettings:
    endpoint_choice: str = "current"  # current | old | custom
    custom_endpoint: str = ""
    use_https: bool = True
    connect_timeout: float = defaults.CONNECT_TIMEOUT
    read_timeout: float = defaults.READ_TIMEOUT
    concurrency: int = defaults.CONCURRENCY
    proxy: str = ""
    ca_bundle: str = ""
    signature_validity: int = defaults.SIGNATURE_VALIDITY
    # The toolbar's threshold, kept across restarts, one per service generation (their scores
    # are on different scales): ``threshold`` for the legacy API, ``tc3_threshold`` for 3.0.
    threshold: float = float(DEFAULT_THRESHOLD)
    tc3_threshold: float = float(TC3_DEFAULT_THRESHOLD)
    # Which generation the sandbox simulates (chosen in the sandbox banner).
    sandbox_api: str = "legacy"
    retention_days: int = 365  # 0 keeps everything
    language: str = "system"  # system | en | zh_CN
    profile: str = "default"
    max_long_side: int = defaults.MAX_LONG_SIDE
    max_short_side: int = defaults.MAX_SHORT_SIDE
    # Where "Open photos" starts: the folder last opened from (the home folder at first).
    last_folder: str = ""
    # Where the next export (history CSV, report PDF or CSV) starts: the last one's folder.
    export_folder: str = ""
    # Who works at this desk (name/ID given at the start of a shift), kept per machine.
    operator: str = ""
    # The reasons a decision can give, one a line; empty: the core's default list.
    reasons: str = ""
    # Keep each photo as sent beside its record for this many days; 0: not kept (default).
    keep_photos_days: int = 0
    # A centre's shared history (postgresql://user@host:port/db?sslmode=...), never with a
    # password (that lives in the keyring); empty: this desk's own SQLite file.
    history_url: str = ""
    # No call that cannot help: hold photos the service would refuse or score meaninglessly; reuse
    # a judgement of the same photo this many days back (0: never); show the cost of a batch
    # larger than this before it starts (0: never).
    prechecks: bool = True
    reuse_days: int = defaults.REUSE_WINDOW_DAYS
    confirm_over: int = defaults.CONFIRM_OVER
    # Four eyes: a decision against the machine's verdict, and every escalation, counts only
    # once another operator approves it (the core's rule: core/trail/review.py).
    four_eyes: bool = False

    def endpoint(self) -> str:
        if self.endpoint_choice == "custom" and self.custom_endpoint.strip():
            return self.custom_endpoint.strip()
        host = OLD_HOST if self.endpoint_choice == "old" else CURRENT_HOST
        if not self.use_https:
            host = "http://" + urlsplit(host).netloc
        return host

    def client_config(self, endpoint: str | None = None) -> ClientConfig:
        return ClientConfig(
            endpoint=endpoint or self.endpoint(),
            verify=self.ca_bundle or True,
            proxy=self.proxy or None,
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
            concurrency=self.concurrency,
            signature_validity=self.signature_validity,
        )

    def decision_reasons(self) -> tuple[Reason, ...]:
        return reasons_from_lines(self.reasons)

    def threshold_for(self, api: str) -> float:
        return self.tc3_threshold if str(api) == "tc3" else self.threshold

    def with_threshold(self, api: str, value: float) -> DeskSettings:
        field = "tc3_threshold" if str(api) == "tc3" else "threshold"
        return replace(self, **{field: float(value)})

    def connection_config(self, chosen: Connection, lang: str) -> ClientConfig:
        """The client's configuration for a chosen connection (its endpoint, simulated or not:
        the connection policy's), in the operator's language (API 3.0 answers its messages in
        it: X-TC-Language)."""
        return chosen.configure(replace(
            self.client_config(), language="zh" if lang.lower().startswith("zh") else "en"))

    def limits(self) -> Limits:
        return Limits(max_long_side=self.max_long_side, max_short_side=self.max_short_side)


def load(store: QSettings | None = None) -> DeskSettings:
    store = store or settings_store()
    values = {}
    for f in fields(DeskSettings):
        default = getattr(DeskSettings, f.name)
        raw = store.value(f"desk/{f.name}", default)
        try:
            if isinstance(default, bool):
                value = raw if isinstance(raw, bool) else str(raw).lower() in ("1", "true")
            else:
                value = type(default)(raw)
        except (TypeError, ValueError):
            value = default  # a hand-edited or corrupt value must not stop the desk
        values[f.name] = value
    settings = DeskSettings(**values)
    return replace(settings, concurrency=min(32, max(1, settings.concurrency)),
                   threshold=min(100.0, max(0.0, settings.threshold)),
                   tc3_threshold=min(100.0, max(0.0, settings.tc3_threshold)),
                   sandbox_api="tc3" if settings.sandbox_api == "tc3" else "legacy",
                   reuse_days=max(0, settings.reuse_days),
                   confirm_over=max(0, settings.confirm_over))


def save(settings: DeskSettings, store: QSettings | None = None) -> None:
    store = store or settings_store()
    for f in fields(DeskSettings):
        value = getattr(settings, f.name)
        if f.name == "proxy":
            value = split_proxy(value)[0]  # its password goes to the keyring, never this file
        store.setValue(f"desk/{f.name}", value)
    # No sync(): QSettings writes on its own schedule, keeping file I/O off this call.


def write_privately(settings: DeskSettings) -> str:
    """On a worker: write ``settings`` to the file, created 0600 in a 0700 folder before Qt
    writes a byte (it names folders the operator opened photos from; Qt keeps a file's mode
    when it rewrites it). Never on the GUI thread: a QSettings writes when it is destroyed."""
    path = Path(settings_store().fileName())  # reads nothing, writes nothing
    private_dir(path.parent)
    # Private before Qt rewrites it (Qt keeps a file's mode), even when the window's layout
    # created it first with the umask's mode.
    open_private(path, "ab").close()
    store = settings_store()
    save(settings, store)
    store.sync()
    return str(path)
