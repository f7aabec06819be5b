"""The desk controller: a QObject with no widgets that owns the work of the desk.

It owns the connection (sandbox, keyring profile, LIVEDETECT_* environment or session
credentials, picked by the core's connection policy), the intake pipeline (folders scanned,
photos prepared, thumbnails), running, cancelling, retrying and removing checks, running what
was asked for as soon as it is ready, the threshold, and every background task on a small set
of named pools. Windows and panels are views over its model and talk to it through signals
and these methods; it can be driven with no window at all (tests do).

Issue 12 (never pay for a call that cannot help), by the core's rules: an earlier judgement of
the same photo is reused; the pre-checks hold a photo at intake (on the preparation pool) until
the operator sends it anyway; a rejection of the credentials pauses the queue; one pacer per
account paces every worker; a batch over the configured size shows its cost first; the queue
is kept on disk (``SavedQueue``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QMimeData, QObject, QTimer, Signal
from PySide6.QtGui import QImage

from livedetect_gui.core.checks.batch import (
    CheckOptions,
    Cost,
    Source,
    collect,
    estimate,
    plan_batch,
    refused,
)
from livedetect_gui.core.checks.intake import (
    THUMB_SIZE,
    Intake,
    analyse,
    fetch_url_image,
    url_thumbnail,
)
from livedetect_gui.core.checks.recording import internal_error, should_record
from livedetect_gui.core.checks.reuse import Reuse
from livedetect_gui.core.imaging.face_crop import crop_source
from livedetect_gui.core.imaging.prechecks import PrecheckPolicy
from livedetect_gui.core.imaging.prepare import Limits
from livedetect_gui.core.messages import text as message_text
from livedetect_gui.core.result import CheckResult
from livedetect_gui.core.service import connection as policy
from livedetect_gui.core.service.client import (
    BadEndpoint,
    BadSetting,
    LiveDetectClient,
    precheck_policy,
    validate_image_url,
)
from livedetect_gui.core.service.connection import Connection, ConnectionProblem, Mode
from livedetect_gui.core.service.credentials import Credentials, CredentialStore, split_proxy
from livedetect_gui.core.service.pacing import pacer_for
from livedetect_gui.core.trail import location as history_url
from livedetect_gui.core.trail.chain import DecisionError, Reason, Record
from livedetect_gui.core.trail.history import default_path as default_history_path
from livedetect_gui.core.trail.kept_photos import KeptPhotos, photo_days
from livedetect_gui.core.trail.lazy_history import LazyHistory
from livedetect_gui.core.trail.store import HistoryError
from livedetect_gui.sandbox.server import Sandbox, SandboxConfig
from livedetect_gui.ui.common.qimages import (
    bytes_preview,
    image_to_png,
    prepared_preview,
    to_qimage,
)
from livedetect_gui.ui.common.tasks import Pools, TaskRunner
from livedetect_gui.ui.desk import settings as desk_settings
from livedetect_gui.ui.desk.queue_saver import SavedQueue
from livedetect_gui.ui.desk.runs import CheckRuns
from livedetect_gui.ui.desk.settings import DeskSettings
from livedetect_gui.ui.queue.model import QueueItem, QueueModel, Status

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Progress:
    photos: int
    passed: int
    failed: int
    errors: int
    running: bool
    done: int
    total: int
    eta_seconds: float | None


# Settings are written this long after the last change (spin steps coalesce).
SAVE_DELAY_MS = 400


class Desk(QObject):
    connectionChanged = Signal()
    # A sentence for the operator, already in the desk's language (status bar).
    notice = Signal(str)
    # Something went wrong that the operator must see: a sentence, and technical details.
    failed = Signal(str, str)
    # Running / cancellable / retryable may have changed.
    stateChanged = Signal()
    # Records waiting to be sent to the shared (PostgreSQL) history; 0 when all are sent.
    sharedWaiting = Signal(int)
    batchFinished = Signal()
    # The full preview of an item (as it will be sent, or the fetched URL image).
    previewReady = Signal(int, QImage)
    # Issue 12: the queue paused (the service rejected the credentials) or resumed.
    pauseChanged = Signal()
    # A batch over the configured size: its cost line, for the operator to run or cancel
    # (answer with ``confirm_cost``).
    costReady = Signal(str)
    # The trail refused an operator's decision on this item: why, in the desk's language.
    decisionRefused = Signal(int, str)
    operatorChanged = Signal(str)

    def __init__(self, settings: DeskSettings, *, store: CredentialStore | None = None,
                 history_path: Path | None = None, lang: str = "en",
                 env: Mapping[str, str] | None = None, persist: bool = True,
                 queue_path: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.store = store or CredentialStore()
        self.lang = lang
        self.env = os.environ if env is None else env
        self.persist = persist  # settings written back to QSettings (not in throwaway runs)
        self.tasks = TaskRunner(self)
        self.tasks.failed.connect(self._task_failed)
        self.pools = Pools(self)
        self.model = QueueModel(self)
        self.model.lang = lang
        self.model.countsChanged.connect(self.stateChanged)
        # A shared history's forwarder says, from its own thread, how many records wait.
        self.history_passwords = history_url.DatabasePasswords()
        self.history = LazyHistory(history_path, settings.operator,
                                   url=settings.history_url or None,
                                   on_pending=self.sharedWaiting.emit, env=self.env)
        self.runs = CheckRuns(self.model, self.tasks, self.pools.network, self.history, self)
        self.runs.limits = settings.limits()
        self.runs.thresholds = lambda api: self.settings.threshold_for(api)
        self.runs.set_concurrency(settings.concurrency)
        self.runs.reuse_days = settings.reuse_days
        self.runs.finished.connect(self._runs_finished)
        self.runs.credentialsRejected.connect(self._credentials_rejected)
        # The result that paused the queue (the service rejected the credentials); None: not
        # paused.
        self.paused: CheckResult | None = None
        # Items waiting for the operator's answer to the cost dialog, and its planning's turn.
        self._cost_pending: list[QueueItem] = []
        self._cost_turn = 0
        # The queue kept on disk (issue 12); None: not kept (tests, the self-test).
        self.saved = SavedQueue(self, queue_path) if queue_path is not None else None
        self.photos = KeptPhotos.beside(history_path or default_history_path())
        self.runs.photos = self.photos if settings.keep_photos_days > 0 else None
        self.sandbox: Sandbox | None = None
        self.connection: Connection | None = None
        self._run_when_ready: set[int] = set()
        # Folder scans still running, and whether "Run all" was pressed meanwhile: the photos
        # they find are then run too, as the operator asked.
        self._scans = 0
        self._run_scanned = False
        self._preview_generation = 0
        self._deciding: set[int] = set()  # items whose decision is being written
        # The language or settings changed while checks ran: the client is rebuilt when
        # they end.
        self._rebuild_pending = False
        # Settings are written on the io pool a moment after the last change (a threshold
        # spin sends one change per step); the proxy password only when it changed.
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self._write_settings)
        self._proxy_saved: tuple[str, str] | None = None

    # -- connection --------------------------------------------------------------------------

    def start(self, force_sandbox: bool = False) -> None:
        """Connect by the core's policy (keyring on the io pool), then housekeeping."""
        if self.saved is not None:
            self.saved.restore()
        if force_sandbox:
            self.use_sandbox()
        else:
            store, profile, env = self.store, self.settings.profile, self.env
            default, proxy = self.settings.endpoint(), self.settings.proxy
            # The proxy's password lives in the keyring (never the settings file).
            self.tasks.run(self.pools.io, lambda: (policy.resolve(
                store=store, profile=profile, default_endpoint=default, env=env),
                store.available(), store.proxy_with_password(proxy)), self._resolved)
        if self.settings.retention_days > 0:
            days, history = self.settings.retention_days, self.history
            self.tasks.run(self.pools.io,
                           lambda: (h := history.get()) and h.purge_older_than(days))
        photo_retention = photo_days(self.settings.keep_photos_days, self.settings.retention_days)
        if photo_retention > 0:
            photos = self.photos
            self.tasks.run(self.pools.io, lambda: photos.purge_older_than(photo_retention))

    def _resolved(self, future: Future) -> None:
        found: Connection | None = None
        try:
            found, keyring_ok, proxy = future.result()
            self.settings = replace(self.settings, proxy=proxy)
            address, password = split_proxy(proxy)
            if password is not None:  # already in the keyring: not written again
                self._proxy_saved = (address, password)
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
            self.save_settings(replace(self.settings, sandbox_api=api))
        return True

    @property
    def api(self) -> str:
        """The generation checks go to now ("legacy" or "tc3")."""
        return "legacy" if self.connection is None else self.connection.credentials.api.value

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
        if self.runs.running:
            self.failed.emit(self.tr("Wait for the running checks or cancel them first."), "")
            return False
        try:
            credentials = chosen.credentials
            client = LiveDetectClient(credentials,
                                      self.settings.connection_config(chosen, self.lang))
        except BadSetting as exc:
            self.failed.emit(self.setting_problem(exc, chosen.endpoint or ""), str(exc))
            return False
        # One pacer per account (at the address the client calls), shared by every worker and
        # every batch, as the CLI's (issue 12): the profile's calls per second when it has
        # one, else learned from the service's throttling.
        client.pacer = pacer_for(client.url, credentials.appid or credentials.secret_id,
                                 credentials.calls_per_second)
        if self.runs.client is not None:
            self.runs.client.close()
        self.runs.client = client
        self.connection = chosen
        self.model.api = self.api
        self.model.retranslate()  # rows of the other generation say so now
        if chosen.mode is Mode.PROFILE and chosen.profile:
            # Only a profile saved in the keyring is remembered for the next start.
            self.save_settings(replace(self.settings, profile=chosen.profile))
        if not chosen.simulated and self.sandbox is not None:
            self.sandbox.stop()
            self.sandbox = None
        self.connectionChanged.emit()
        self._flush_run_when_ready()
        self.stateChanged.emit()
        return True

    def setting_problem(self, exc: BadSetting, endpoint: str = "") -> str:
        """The operator's sentence for connection settings the client refused (the core's
        message keys, as the settings dialog says it)."""
        if isinstance(exc, BadEndpoint):
            return message_text("bad_endpoint", self.lang, endpoint=endpoint)
        return message_text("bad_settings", self.lang)

    @property
    def mode(self) -> Mode | None:
        return None if self.connection is None else self.connection.mode

    @property
    def ready(self) -> bool:
        return self.runs.client is not None

    # -- settings ----------------------------------------------------------------------------

    def save_settings(self, settings: DeskSettings) -> None:
        self.settings = settings
        if self.persist:
            self._save_timer.start()

    def _write_settings(self) -> None:
        self._save_timer.stop()
        settings = self.settings
        # The file never holds the proxy's password: that is the keyring's.
        self.tasks.run(self.pools.io, lambda: desk_settings.write_privately(settings))
        proxy, password = split_proxy(settings.proxy)
        store, saved = self.store, self._proxy_saved
        if saved is not None and (saved[0] != proxy or password is None):  # removed, changed
            self._proxy_saved = None
            self.tasks.run(self.pools.io, lambda: store.delete_proxy_password(saved[0]))
        if password is not None and (proxy, password) != saved:
            self._proxy_saved = (proxy, password)
            self.tasks.run(self.pools.io, lambda: store.save_proxy_password(proxy, password))

    def remember_history_password(self, url: str, password: str) -> None:
        """The shared history's database password, into the OS keyring (on a worker)."""
        location = history_url.parse(url)
        passwords = self.history_passwords
        self.tasks.run(self.pools.io, lambda: passwords.remember(location, password))

    def apply_settings(self, settings: DeskSettings) -> None:
        old = self.settings
        self.save_settings(settings)
        self.runs.limits = settings.limits()
        self.runs.set_concurrency(settings.concurrency)
        self.runs.reuse_days = settings.reuse_days
        if old.prechecks and not settings.prechecks:  # the operator turned the holds off
            for item in self.model.items():
                if item.status is Status.HELD:
                    self.model.mark_forced(item)
        self.runs.photos = self.photos if settings.keep_photos_days > 0 else None
        if self.connection is not None and settings.client_config() != old.client_config():
            if settings.endpoint() != old.endpoint():  # a legacy profile's default host
                self.connection = policy.with_default_endpoint(self.connection,
                                                               settings.endpoint(), self.env)
            # A new client now, or when the running checks end (theirs stays until then).
            self._rebuild_pending = True
            if not self.runs.running:
                self._rebuild_client()

    @property
    def threshold(self) -> float:
        """The toolbar's threshold: the connected generation's."""
        return self.settings.threshold_for(self.api)

    def set_threshold(self, value: float) -> None:
        """The connected generation's threshold, kept across restarts; verdicts of that
        generation's rows re-judged (no call), rows of the other generation left alone."""
        api = self.api
        self.model.rejudge(float(value), api)
        if self.settings.threshold_for(api) != float(value):
            self.save_settings(self.settings.with_threshold(api, value))

    @property
    def operator(self) -> str:
        return self.settings.operator

    def set_operator(self, name: str) -> None:
        """A new shift: records from now on carry this operator; kept on this machine."""
        name = " ".join(name.split())
        if not name or name == self.settings.operator:
            return
        self.history.operator = name
        self.save_settings(replace(self.settings, operator=name))
        self.operatorChanged.emit(name)
        self.notice.emit(self.tr("Operator: %1").replace("%1", name))

    @property
    def reasons(self) -> tuple[Reason, ...]:
        return self.settings.decision_reasons()

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.model.lang = lang
        # The client answers in the operator's language (API 3.0's X-TC-Language): rebuilt
        # now, or when the running checks end (their client stays until then).
        if self.connection is not None:
            self._rebuild_pending = True
            if not self.runs.running:
                self._rebuild_client()

    def _rebuild_client(self) -> None:
        """The client again with the current settings and language (timeouts, proxy and
        concurrency apply to the sandbox's client too)."""
        self._rebuild_pending = False
        if self.connection is not None:
            self.connect(self.connection)

    # -- getting photos in -------------------------------------------------------------------

    def add_paths(self, paths: list[str]) -> None:
        """Files and folders; folders are walked on the io pool (they can be large or remote)."""
        if not paths:
            return
        self._scans += 1
        self.tasks.run(self.pools.io, lambda: collect(paths), self._collected)

    def _collected(self, future: Future) -> None:
        self._scans -= 1
        run_them = self._run_scanned
        if self._scans == 0:
            self._run_scanned = False
        sources, skipped = future.result()  # a failed scan takes the default failure path
        if skipped:
            self.notice.emit(self.tr("%1 files skipped (not images)").replace(
                "%1", str(len(skipped))))
        items = self.add_sources(sources)
        if run_them:
            self.run(items)

    def add_sources(self, sources: list[Source]) -> list[QueueItem]:
        items = self.model.add(sources)
        self.analyse(items)
        self.stateChanged.emit()
        return items

    def precheck_policy(self) -> PrecheckPolicy | None:
        # The face-size rule is the service's: the core decides it from the generation.
        return precheck_policy(self.api) if self.settings.prechecks else None

    def analyse(self, items: list[QueueItem]) -> None:
        """Prepare (and pre-check) on the preparation pool: the face detector never runs on
        the GUI thread."""
        limits, policy = self.runs.limits, self.precheck_policy()
        for item in items:
            if item.source.url is not None:
                # The service fetches the URL; the desk fetches it too, for the thumbnail only.
                self.model.mark_ready(item)
                # Network pool: a slow server must not hold up the io pool's keyring,
                # settings and scans; the bytes are kept for the preview (fetched once).
                self.tasks.run(self.pools.network, lambda u=item.source.url: _url_thumb(u),
                               lambda f, item_id=item.id: self._url_thumb(item_id, f))
                continue
            self.tasks.run(self.pools.prepare, lambda s=item.source: _analyse(s, limits, policy),
                           lambda f, item_id=item.id: self._analysed(item_id, f))

    def _analysed(self, item_id: int, future: Future) -> None:
        item = self.model.item(item_id)
        if item is None:
            return
        try:
            intake, thumbnail = future.result()
        except Exception as exc:  # a decoder bug costs this item, not the queue
            log.exception("analysis failed")
            self.model.mark_refused(item, internal_error(item.source.label, self.threshold, exc))
            return
        self.model.mark_prepared(item, thumbnail, intake.original, intake.prepared,
                                 intake.actions, intake.precheck)
        if intake.refusal is not None:
            endpoint = self.runs.client.url if self.runs.client else ""
            self.model.mark_refused(item, replace(
                refused(item.source, intake.refusal, self.threshold, endpoint), api=self.api))
        if item_id in self._run_when_ready:
            self._flush_run_when_ready()

    def _url_thumb(self, item_id: int, future: Future) -> None:
        item = self.model.item(item_id)
        if item is None or future.exception() is not None:
            return  # no thumbnail is fine: the service judges the URL, not our copy
        thumbnail, item.fetched = future.result()
        self.model.mark_thumbnail(item, thumbnail)

    def add_image(self, image: QImage, label: str) -> bool:
        """An image from the clipboard or a drop: encoded on a worker, then queued."""
        if image.isNull():
            return False
        self.tasks.run(self.pools.io, lambda: image_to_png(image),
                       lambda f: self.add_sources([Source(label=label, data=f.result())]))
        return True

    def add_mime(self, mime: QMimeData, image_label: str) -> bool:
        """A paste or a drop: local files and folders, image URLs, or an image itself.
        False when it holds none of these."""
        local = [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]
        remote = [u.toString() for u in mime.urls() if u.scheme() in ("http", "https")]
        if not local and not remote and mime.hasText() and self.valid_url(mime.text()):
            remote = [mime.text().strip()]
        if local:
            self.add_paths(local)
        if remote:
            self.add_sources([Source.remote(u) for u in remote])
        if local or remote:
            return True
        return mime.hasImage() and self.add_image(QImage(mime.imageData()), image_label)

    @staticmethod
    def valid_url(url: str) -> bool:
        """By the core's rule: what the service could fetch (no spaces, a real port...)."""
        try:
            validate_image_url(url)
        except BadEndpoint:
            return False
        return True

    def add_url(self, url: str) -> QueueItem | None:
        if not self.valid_url(url):
            return None
        return self.add_sources([Source.remote(url.strip())])[0]

    def add_capture(self, path: str, label: str, check_now: bool) -> QueueItem:
        item = self.add_sources([Source(label=label, path=Path(path))])[0]
        if check_now:
            self.run([item])
        return item

    def withdraw(self, item_id: int) -> None:
        """A retaken capture leaves the queue unless it is already on its way."""
        item = self.model.item(item_id)
        if item is not None and item.status is not Status.SENDING:
            self.remove({item_id})

    # -- running -----------------------------------------------------------------------------

    def run(self, items: list[QueueItem], *, confirmed: bool = False) -> None:
        """Check these items: those still preparing (or before the connection is ready) as
        soon as they can be. A refused photo is never sent; it is recorded once, now. A photo
        the pre-checks hold waits for "Send anyway". While the queue is paused nothing new is
        sent. A batch over the configured size shows its cost first (``costReady``)."""
        if self.paused is not None:
            self.notice.emit(self.tr("Paused: the service rejected the credentials. Fix them, "
                                     "then resume."))
            return
        if not confirmed and 0 < self.settings.confirm_over < len(items):
            self._plan_cost(items)
            return
        self._record_refusals([i for i in items if i.refused])
        held = [i for i in items if i.status is Status.HELD]
        if held:
            self.notice.emit(self.tr("%n photo(s) held by the pre-checks: see the preview, "
                                     "then Send anyway or remove them.", "", len(held)))
        wanted = [i for i in items if not i.refused and i.status is not Status.HELD]
        if not self.ready:
            self._run_when_ready |= {i.id for i in wanted}
            self.notice.emit(self.tr("Starting… the checks begin in a moment."))
        else:
            self._run_when_ready |= {i.id for i in wanted if i.status is Status.PREPARING}
            self.runs.run([i for i in wanted if i.status is not Status.PREPARING])
        self.stateChanged.emit()

    def _record_refusals(self, items: list[QueueItem]) -> None:
        todo = [i for i in items if not i.recorded and i.result is not None]
        if not todo:
            return
        results, history = [i.result for i in todo], self.history

        def record() -> list[str | None]:
            return [history.record_safely(r) if should_record(r) else None for r in results]

        def recorded(future: Future) -> None:
            for item_id, record_id in zip([i.id for i in todo], future.result(), strict=True):
                item = self.model.item(item_id)
                if item is not None and record_id is not None and item.result is not None:
                    self.model.mark_result(item, item.result, record_id)

        for item in todo:
            self.model.mark_recorded(item)
        self.tasks.run(self.pools.io, record, recorded)

    def _flush_run_when_ready(self) -> None:
        if not self.ready:
            return
        ready = [item for item_id in list(self._run_when_ready)
                 if (item := self.model.item(item_id)) is not None
                 and item.status is not Status.PREPARING]
        self._run_when_ready -= {i.id for i in ready}
        self._run_when_ready &= {i.id for i in self.model.items()}
        if ready:
            self.run(ready, confirmed=True)  # asked for (and its cost shown) already

    def run_all(self) -> None:
        """Everything not yet judged; finished items are re-run only when selected."""
        self._run_scanned = self._scans > 0
        # Held photos are part of the batch asked for: the cost line counts them, and the
        # operator hears they wait for Send anyway.
        self.run([i for i in self.model.items()
                  if i.status in (Status.QUEUED, Status.PREPARING, Status.HELD)
                  or (i.refused and not i.recorded)])

    def retryable(self) -> list[QueueItem]:
        return [i for i in self.model.items() if i.retryable]

    def retry_failed(self) -> None:
        self.run(self.retryable())

    # -- issue 12: holds, check again, cost, pause -----------------------------------------

    def send_anyway(self, items: list[QueueItem]) -> None:
        """The operator overrides the pre-checks for these photos and sends them."""
        for item in items:
            self.model.mark_forced(item)
        self.run(items, confirmed=True)

    def check_again(self, items: list[QueueItem]) -> None:
        """A new billed call for each, even for a photo judged before (the window asked)."""
        for item in items:
            self.model.mark_recheck(item, True)
        self.run(items, confirmed=True)

    def crop_to_face(self, item: QueueItem) -> bool:
        """A copy of the photo cropped to its one face at the provider's advised 3:4, added to
        the queue beside it (the original stays: the operator chooses). False when the photo
        has not exactly one face found."""
        precheck = item.precheck
        if precheck is None or len(precheck.faces) != 1 or item.source.url is not None:
            return False
        source, limits, label = item.source, self.runs.limits, self.tr("%1 (face)").replace(
            "%1", item.name)
        self.tasks.run(self.pools.prepare, lambda: crop_source(source, precheck, limits, label),
                       lambda f: self.add_sources([f.result()]))
        return True

    def _plan_cost(self, items: list[QueueItem]) -> None:
        """The core plans the batch (reuse, refusals, holds) on the preparation pool; the
        window shows the cost line with Run and Cancel."""
        self._cost_turn += 1
        turn = self._cost_turn
        self._cost_pending = list(items)
        self.notice.emit(self.tr("Working out what %n photo(s) will cost…", "", len(items)))
        threshold, endpoint = self.threshold, self.runs.client.url if self.runs.client else ""
        limits = self.runs.limits
        if self.runs.client is not None:
            limits = self.runs.client.preparation_limits(limits)
        history, days = self.history, self.settings.reuse_days
        simulated = self.connection is not None and self.connection.simulated
        policy = self.precheck_policy()
        groups = [([i.source for i in items if not i.forced and not i.recheck], False, False),
                  ([i.source for i in items if i.forced and not i.recheck], True, False),
                  ([i.source for i in items if i.recheck], True, True)]

        def plan() -> Cost:
            stored = history.get()
            plans = []
            for sources, force, recheck in groups:
                if not sources:
                    continue
                reuse = (Reuse(stored, days, simulated=simulated, endpoint=endpoint)
                         if stored is not None and days and not recheck else None)
                plans += plan_batch(sources, limits, threshold, endpoint, CheckOptions(
                    reuse=reuse, prechecks=policy, force=force, simulated=simulated),
                    keep_bytes=0)
            return estimate(plans)

        self.tasks.run(self.pools.prepare, plan, lambda f: self._cost_planned(turn, f))

    def _cost_planned(self, turn: int, future: Future) -> None:
        if turn != self._cost_turn:
            return  # the operator asked for another batch meanwhile
        cost: Cost = future.result()
        self.notice.emit("")  # the "working out" line has had its say: the dialog shows it
        self.costReady.emit(cost.line(self.lang))

    def confirm_cost(self, run: bool) -> None:
        """The operator's answer to the cost line: run the batch, or send nothing."""
        items, self._cost_pending = self._cost_pending, []
        self._cost_turn += 1
        alive = [i for i in items if self.model.item(i.id) is i]
        if run:
            self.run(alive, confirmed=True)
        else:
            self._run_scanned = False
            for item in alive:
                if item.recheck:
                    self.model.mark_recheck(item, False)
            self.notice.emit(self.tr("Nothing sent."))

    def _credentials_rejected(self, result: CheckResult) -> None:
        """The core stopped the run: nothing new starts until the operator resumes."""
        if self.paused is None:
            self.paused = result
            self._run_when_ready.clear()
            self._run_scanned = False
            self.pauseChanged.emit()
            self.stateChanged.emit()

    def resume(self) -> None:
        """One click after fixing the credentials: the photos the stop left unsent (and the
        one the service rejected) are sent again."""
        if self.paused is None:
            return
        self.paused = None
        self.pauseChanged.emit()
        again = [i for i in self.model.items() if i.result is not None and (
            i.result.problem_key == "not_sent_credentials" or i.result.credentials_rejected)]
        self.run(again, confirmed=True)
        self.stateChanged.emit()

    @property
    def cancellable(self) -> bool:
        return (self.runs.running or bool(self._run_when_ready) or self._run_scanned
                or bool(self._cost_pending))

    def cancel(self) -> bool:
        """Stop unsent work; True if there was any."""
        had = self.cancellable
        self._run_when_ready.clear()
        self._run_scanned = False
        self._cost_pending = []  # a batch whose cost is being worked out is not run
        self._cost_turn += 1
        if self.runs.running:
            self.runs.cancel()
            self.notice.emit(self.tr("Cancelled: photos not yet sent stay in the queue; those "
                                     "already sent finish."))
        self.stateChanged.emit()
        return had

    def remove(self, ids: set[int]) -> None:
        ids = {i for i in ids if (item := self.model.item(i)) is not None
               and item.status is not Status.SENDING}
        self._run_when_ready -= ids
        self.model.remove(ids)

    def clear_finished(self) -> None:
        self.remove({i.id for i in self.model.items() if i.judged})

    def retryable_count(self) -> int:
        return sum(i.retryable for i in self.model.items()) if self.ready else 0

    def progress(self) -> Progress:
        counts = self.model.counts()
        return Progress(len(self.model.items()), counts[Status.PASS], counts[Status.FAIL],
                        counts[Status.ERROR], self.runs.running, self.runs.done,
                        self.runs.total, self.runs.eta_seconds())

    def _runs_finished(self) -> None:
        if self._rebuild_pending:
            self._rebuild_client()
        self.stateChanged.emit()
        self.batchFinished.emit()

    # -- decisions ---------------------------------------------------------------------------

    def decide(self, item_id: int, decision: str, reason: str = "", note: str = "",
               reference: str = "") -> bool:
        """The operator's decision on this item's check, written to the trail on the io pool
        (the core enforces the rules: a reason for an override, a configured reason). The item
        shows it when it is recorded; ``decisionRefused`` says why when it is not."""
        item = self.model.item(item_id)
        if item is None or item.record_id is None:
            return False
        check_id, history, reasons = item.record_id, self.history, self.reasons

        def write() -> Record:
            stored = history.get()
            if stored is None:
                raise DecisionError("history_off", history.error or "")
            return stored.decide(check_id, decision, reason or None, note, reference,
                                 reasons=reasons)

        self._deciding.add(item_id)
        self.tasks.run(self.pools.io, write, lambda f: self._decided(item_id, f))
        return True

    def _decided(self, item_id: int, future: Future) -> None:
        self._deciding.discard(item_id)
        try:
            record: Record = future.result()
        except DecisionError as exc:
            self.decisionRefused.emit(item_id, exc.message(self.lang))
            return
        except HistoryError as exc:  # the database refused the row: nothing was recorded
            self.decisionRefused.emit(item_id, exc.message(self.lang))
            return
        item = self.model.item(item_id)
        if item is not None:
            self.model.mark_decided(item, record)

    def next_undecided(self, after: int | None = None) -> QueueItem | None:
        """The next photo waiting for a decision after item ``after`` (wrapping round to it);
        one whose decision is being written is not waiting."""
        items = self.model.items()
        start = 0
        if after is not None and (row := self.model.row_of(after)) is not None:
            start = row + 1
        for item in items[start:] + items[:start]:
            if item.undecided and item.id not in self._deciding:
                return item
        return None

    # -- preview -----------------------------------------------------------------------------

    def request_preview(self, item: QueueItem) -> None:
        """The full preview of ``item`` on a worker; ``previewReady`` brings it (the newest
        request wins)."""
        self._preview_generation += 1
        generation = self._preview_generation
        if item.source.url is not None and item.fetched is not None:
            data = item.fetched
            job, pool = (lambda: bytes_preview(data)), self.pools.prepare
        elif item.source.url is not None:  # the thumbnail's download failed or still runs
            url = item.source.url
            job, pool = (lambda: bytes_preview(fetch_url_image(url))), self.pools.network
        elif item.refused or item.status is Status.PREPARING:
            return
        else:
            limits = self.runs.limits
            job, pool = (lambda s=item.source: prepared_preview(s, limits)), self.pools.prepare
        self.tasks.run(pool, job, lambda f: self._preview_done(generation, item.id, f))

    def _preview_done(self, generation: int, item_id: int, future: Future) -> None:
        if generation != self._preview_generation or future.exception() is not None:
            return  # a newer one is coming, or the item shows its refusal instead
        self.previewReady.emit(item_id, future.result())

    # -- failures and shutdown ---------------------------------------------------------------

    def _task_failed(self, exc: BaseException) -> None:
        """The default failure path of every background task: shown, never swallowed."""
        if isinstance(exc, OSError):
            text = self.tr("A file or folder could not be read or written.")
        else:
            text = self.tr("Something went wrong in the background; the desk carries on.")
        self.failed.emit(text, f"{type(exc).__name__}: {exc}")

    def shutdown(self) -> None:
        """Stop unsent work, let sent checks finish and be recorded, release everything."""
        self._run_when_ready.clear()
        if self._save_timer.isActive():
            self._write_settings()  # a change made just before closing is kept
        if self.runs.running:
            self.runs.cancel()
        self.pools.shutdown()
        if self.saved is not None:
            self.saved.save_last()
        if self.runs.client is not None:
            self.runs.client.close()
        self.history.close()
        if self.sandbox is not None:
            self.sandbox.stop()  # its server loop notices within half a second
            self.sandbox = None


def _analyse(source: Source, limits: Limits, policy: PrecheckPolicy | None = None
             ) -> tuple[Intake, QImage | None]:
    intake = analyse(source, limits, policy)
    return intake, (to_qimage(intake.thumbnail) if intake.thumbnail is not None else None)


def _url_thumb(url: str) -> tuple[QImage, bytes]:
    thumbnail, data = url_thumbnail(url, THUMB_SIZE)
    return to_qimage(thumbnail), data
