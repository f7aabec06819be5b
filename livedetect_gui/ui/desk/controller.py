"""The desk controller: a QObject with no widgets that coordinates the work of the desk.

(Over 500 lines because it is the window's one documented surface: each collaborator's entry
point is a line or two here, and splitting the surface would split what the window may call.)

It wires its collaborators, each a QObject that speaks through signals: ``ServiceConnection``
(connection.py: which connection, its client, the sandbox), ``PhotoIntake`` (intake.py: photos
into the queue, prepared and pre-checked), ``Decisions`` (decisions.py: the operator's
decisions into the trail), ``SettingsSaver`` (settings_saver.py), ``BatchCost``, ``Previews``,
``SavedQueue``, ``CheckRuns``, ``UnsentRecords`` (unsent_records.py: refusals and removals into
the trail) and ``TrailWatch`` (trail_watch.py: the chain verified at start and whenever the
store changes). It owns what lies between them: running what was asked for as
soon as it is ready (never paying for a call that cannot help, by the core's rules), the pause
on rejected credentials, cancel, remove, progress, threshold, operator, language, shutdown.

What windows and panels use (nothing else: pools, tasks, store and runs are the desk's own):

- signals: ``connectionChanged``, ``notice``, ``failed``, ``stateChanged``, ``sharedWaiting``,
  ``batchFinished``, ``previewReady``, ``pauseChanged``, ``costReady``, ``decisionRefused``,
  ``operatorChanged``, ``trailChanged`` (records written here or elsewhere: views over the
  trail read again), ``chainChecked`` (``chain``: the trail as last verified);
- state: ``model`` (the queue's Qt model), ``settings``, ``connection``, ``api``,
  ``threshold``, ``operator``, ``reasons``, ``paused``, ``running``, ``cancellable``,
  ``progress()``, ``retryable()``, ``retryable_count()``;
- ``start``, ``use_sandbox``, ``use_credentials``, ``save_settings``, ``apply_settings``,
  ``remember_history_password``, ``set_threshold``, ``set_operator``, ``set_language``;
- ``run``, ``run_all``, ``send_anyway``, ``check_again``, ``confirm_cost``, ``resume``,
  ``cancel``, ``remove``, ``withdraw``, ``clear_finished``, ``request_preview``, ``shutdown``;
- ``intake`` (``add_paths``, ``add_sources``, ``add_mime``, ``add_url``, ``add_capture``,
  ``crop_to_face``), ``set_case``/``case_reference`` (the reference of the next photos) and
  ``decisions`` (``decide``, ``approve``, ``refuse``, ``withdraw``, ``next_undecided``);
- lent to views for their own background work: ``io_work``, ``trail_access()``,
  ``keyring_access()``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from livedetect_gui.core.checks.intake import stop_downloads
from livedetect_gui.core.checks.recording import removal_recorded
from livedetect_gui.core.names import operator_name
from livedetect_gui.core.result import CheckResult
from livedetect_gui.core.service.connection import Connection
from livedetect_gui.core.service.credentials import Credentials, CredentialStore
from livedetect_gui.core.trail.cases import case_reference
from livedetect_gui.core.trail.chain import ChainState, DecisionError
from livedetect_gui.core.trail.decision_rules import checked_reason
from livedetect_gui.core.trail.history import default_path as default_history_path
from livedetect_gui.core.trail.kept_photos import KeptPhotos, photo_days
from livedetect_gui.core.trail.lazy_history import LazyHistory
from livedetect_gui.core.trail.reasons import Reason
from livedetect_gui.ui.common.tasks import Pools, TaskRunner
from livedetect_gui.ui.desk.access import Background, KeyringAccess, TrailAccess
from livedetect_gui.ui.desk.batch_cost import BatchCost, CostBasis
from livedetect_gui.ui.desk.connection import ServiceConnection
from livedetect_gui.ui.desk.decisions import Decisions
from livedetect_gui.ui.desk.intake import PhotoIntake
from livedetect_gui.ui.desk.previews import Previews
from livedetect_gui.ui.desk.queue_saver import SavedQueue
from livedetect_gui.ui.desk.runs import CheckRuns
from livedetect_gui.ui.desk.settings import DeskSettings
from livedetect_gui.ui.desk.settings_saver import SettingsSaver
from livedetect_gui.ui.desk.trail_watch import TrailWatch
from livedetect_gui.ui.desk.unsent_records import UnsentRecords
from livedetect_gui.ui.queue.model import QueueItem, QueueModel, Status

# How long closing the desk waits for the history to close (a shared one flushes to its
# server first).
HISTORY_CLOSE_SECONDS = 10.0


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
    held: int = 0  # held by the pre-checks: waiting for Send anyway or removal
    refused: int = 0  # refused before sending (unreadable, not an image): never sent


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
    # The queue paused (the service rejected the credentials) or resumed.
    pauseChanged = Signal()
    # A batch over the configured size: its cost line, for the operator to run or cancel
    # (answer with ``confirm_cost``).
    costReady = Signal(str)
    # The trail refused an operator's decision on this check: why, in the desk's language.
    decisionRefused = Signal(str, str)
    operatorChanged = Signal(str)
    trailChanged = Signal()
    chainChecked = Signal()

    def __init__(self, settings: DeskSettings, *, store: CredentialStore | None = None,
                 history_path: Path | None = None, lang: str = "en",
                 env: Mapping[str, str] | None = None, persist: bool = True,
                 queue_path: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks = TaskRunner(self)
        self.tasks.failed.connect(self._task_failed)
        self.pools = Pools(self)
        self.model = QueueModel(self)
        self.model.countsChanged.connect(self.stateChanged)
        self.settings_saver = SettingsSaver(settings, store or CredentialStore(), self.tasks,
                                            self.pools.io, persist=persist, parent=self)
        # A shared history's forwarder says, from its own thread, how many records wait.
        self.history = LazyHistory(history_path, settings.operator,
                                   url=settings.history_url or None,
                                   on_pending=self.sharedWaiting.emit,
                                   env=os.environ if env is None else env)
        self.photos = KeptPhotos.beside(history_path or default_history_path())
        self.runs = CheckRuns(self.model, self.tasks, self.pools.network, self.history, self)
        self._configure_runs(settings)
        self.runs.thresholds = lambda api: self.settings.threshold_for(api)
        self.runs.finished.connect(self._runs_finished)
        self.runs.credentialsRejected.connect(self._credentials_rejected)
        self.runs.held.connect(self._held)
        self.service = ServiceConnection(self.settings_saver, self.tasks, self.pools.io,
                                         os.environ if env is None else env,
                                         busy=lambda: self.runs.running, parent=self)
        self.service.changed.connect(self._connected)
        self.intake = PhotoIntake(self.model, self.tasks, self.pools, self.settings_saver,
                                  self.service, self)
        self.intake.runRequested.connect(self.run)
        self.intake.prepared.connect(self._prepared)
        self.intake.changed.connect(self.stateChanged)
        self.decisions = Decisions(self.model, self.history, self.tasks, self.pools.io,
                                   lambda: self.reasons,
                                   four_eyes=lambda: self.settings.four_eyes, parent=self)
        self.decisions.refused.connect(self.decisionRefused)
        self.decisions.recorded.connect(lambda _records: self.trailChanged.emit())
        self.watch = TrailWatch(self.history, self.tasks, self.pools.trail, lang, self)
        self.watch.checked.connect(lambda _state: self.chainChecked.emit())
        self.watch.unverifiable.connect(lambda _text: self.chainChecked.emit())
        self.watch.changed.connect(self._trail_changed)
        self.previews = Previews(self.tasks, self.pools, lambda: self.intake.basis()[0], self)
        self.previews.ready.connect(self.previewReady)
        self.cost = BatchCost(self.history, self.tasks, self.pools.prepare, self)
        self.unsent = UnsentRecords(self.model, self.history, self.tasks, self.pools.io,
                                    self._simulated, self)
        self.unsent.recorded.connect(self.trailChanged)
        self.cost.ready.connect(self._cost_ready)
        self.saved = (SavedQueue(self.model, self.tasks, self.pools.io, queue_path, self)
                      if queue_path is not None else None)  # None: not kept (tests, self-test)
        if self.saved is not None:
            self.saved.restored.connect(self.intake.analyse)  # prepared again
            self.saved.restored.connect(lambda _items: self.stateChanged.emit())
            self.saved.restored.connect(self.decisions.read_states)  # their decisions back
            self.saved.notice.connect(self.notice)
            self.saved.failed.connect(self.failed)
        self.service.notice.connect(self.notice)
        self.service.failed.connect(self.failed)
        self.intake.notice.connect(self.notice)
        self.lang = lang
        # The result that paused the queue (the service rejected the credentials); None: not
        # paused.
        self.paused: CheckResult | None = None
        # The connection the service refused: resuming on it would pay for another refusal.
        self._paused_on: Connection | None = None
        self._run_when_ready: set[int] = set()

    def _configure_runs(self, settings: DeskSettings) -> None:
        self.runs.limits = settings.limits()
        self.runs.prechecks = settings.prechecks
        self.runs.set_concurrency(settings.concurrency)
        self.runs.reuse_days = settings.reuse_days
        self.runs.photos = self.photos if settings.keep_photos_days > 0 else None

    # -- what views borrow ---------------------------------------------------------------------

    @property
    def io_work(self) -> Background:  # captures, keyring: in order, off the GUI thread
        return Background(self.tasks, self.pools.io)

    def trail_access(self) -> TrailAccess:
        return TrailAccess(self.history, self.photos, Background(self.tasks, self.pools.trail))

    def keyring_access(self) -> KeyringAccess:
        return KeyringAccess(self.service.store, self.service.env, self.io_work)

    # -- connection --------------------------------------------------------------------------

    def start(self, force_sandbox: bool = False) -> None:
        """The saved queue back, connect by the core's policy, then housekeeping."""
        if self.saved is not None:
            self.saved.restore()
        self.service.start(force_sandbox)
        self.watch.start()
        settings, history = self.settings, self.history
        if settings.retention_days > 0:
            days = settings.retention_days
            self.tasks.run(self.pools.io,
                           lambda: (h := history.get()) and h.purge_older_than(days))
        photo_retention = photo_days(settings.keep_photos_days, settings.retention_days)
        if photo_retention > 0:
            photos = self.photos
            self.tasks.run(self.pools.io, lambda: photos.purge_older_than(photo_retention))

    def use_sandbox(self, api: str | None = None) -> bool:
        return self.service.use_sandbox(api)

    def use_credentials(self, credentials: Credentials, profile: str, saved: bool) -> bool:
        return self.service.use_credentials(credentials, profile, saved)

    def connect(self, chosen: Connection) -> bool:
        return self.service.connect(chosen)

    def _connected(self) -> None:
        self.runs.session = self.service.session
        self.model.api = self.api
        self.model.retranslate()  # rows of the other generation say so now
        self.intake.rules_changed()  # photos not yet sent, by this service's rules
        self.connectionChanged.emit()
        self._flush_run_when_ready()
        self.stateChanged.emit()

    @property
    def connection(self) -> Connection | None:
        return self.service.current

    @property
    def api(self) -> str:
        """The generation checks go to now ("legacy" or "tc3")."""
        return self.service.api

    @property
    def ready(self) -> bool:
        return self.runs.client is not None

    # -- settings, threshold, operator, language ---------------------------------------------

    @property
    def settings(self) -> DeskSettings:
        return self.settings_saver.settings

    def save_settings(self, settings: DeskSettings) -> None:
        self.settings_saver.save(settings)

    def remember_history_password(self, url: str, password: str) -> None:
        """The shared history's database password, into the OS keyring (on a worker)."""
        self.settings_saver.remember_history_password(url, password)

    def apply_settings(self, settings: DeskSettings) -> None:
        old = self.settings
        self.save_settings(settings)
        self._configure_runs(settings)
        if old.prechecks and not settings.prechecks:  # the operator turned the holds off
            for item in self.model.items():
                if item.status is Status.HELD:
                    self.model.mark_forced(item)
        self.intake.rules_changed()
        self.service.settings_changed(old, settings)

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
        name = operator_name(name)  # NFC, no bidi controls: the core's one rule
        if not name or name == self.settings.operator:
            return
        self.history.operator = name
        self.save_settings(replace(self.settings, operator=name))
        self.operatorChanged.emit(name)
        self.notice.emit(self.tr("Operator: %1").replace("%1", name))

    @property
    def reasons(self) -> tuple[Reason, ...]:
        return self.settings.decision_reasons()

    @property
    def lang(self) -> str:
        return self._lang

    @lang.setter
    def lang(self, lang: str) -> None:
        """The language of the desk's sentences (without rebuilding the client)."""
        self._lang = self.model.lang = self.service.lang = self.decisions.lang = lang
        self.watch.lang = lang

    def set_language(self, lang: str) -> None:
        self.lang = lang
        # The client answers in the operator's language (API 3.0's X-TC-Language): rebuilt
        # now, or when the running checks end (their client stays until then).
        self.service.rebuild()

    # -- the trail: cases, changes, the chain ------------------------------------------------

    @property
    def case_reference(self) -> str:
        return self.intake.reference

    def set_case(self, reference: str) -> None:
        """Photos added from now on come in under this case/applicant reference ("" none)."""
        self.intake.reference = case_reference(reference)

    def _trail_changed(self) -> None:
        """Written behind the desk (another desk, the CLI): queue rows and views read again."""
        self.decisions.read_states()
        self.trailChanged.emit()

    @property
    def chain(self) -> ChainState | None:
        """The trail as last verified (None: not yet, or it could not be: ``watch.error``)."""
        return self.watch.state

    # -- photos in and out -------------------------------------------------------------------

    def withdraw(self, item_id: int) -> None:
        """A retaken capture leaves the queue unless it is already on its way."""
        item = self.model.item(item_id)
        if item is not None and item.status is not Status.SENDING:
            self.remove({item_id})

    def _prepared(self, item_id: int) -> None:
        if item_id in self._run_when_ready:
            self._flush_run_when_ready()

    # -- running -----------------------------------------------------------------------------

    def run(self, items: list[QueueItem], *, confirmed: bool = False) -> None:
        """Check these items: those still preparing (or before the connection is ready) as
        soon as they can be. A refused photo is never sent; it is recorded once, connected. A
        photo the pre-checks hold waits for "Send anyway". While the queue is paused nothing
        new is sent. A batch over the configured size shows its cost first (``costReady``)."""
        if self.paused is not None:
            self.notice.emit(self.tr("Paused: the service rejected the credentials. Fix them, "
                                     "then resume."))
            return
        if not confirmed and 0 < self.settings.confirm_over < len(items):
            self._plan_cost(items)
            return
        refused = [i for i in items if i.refused]
        if self.ready:
            self.unsent.refusals(refused)
        else:  # recorded once connected: only then is it known whether this is the sandbox
            self._run_when_ready |= {i.id for i in refused}
        held = [i for i in items if i.status is Status.HELD]
        if held and self.ready:
            self.notice.emit(self.tr("%n photo(s) held by the pre-checks: see the preview, "
                                     "then Send anyway or remove them.", "", len(held)))
            self.runs.record_holds(held)  # as the CLI records a hold (by the core's batch)
        elif held:  # told and recorded once connected, when this runs again
            self._run_when_ready |= {i.id for i in held}
        wanted = [i for i in items if not i.refused and i.status is not Status.HELD]
        if not self.ready:
            self._run_when_ready |= {i.id for i in wanted}
            self.notice.emit(self.tr("Starting… the checks begin in a moment."))
        else:
            self._run_when_ready |= {i.id for i in wanted if i.status is Status.PREPARING}
            self.runs.run([i for i in wanted if i.status is not Status.PREPARING])
        self.stateChanged.emit()

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
        self.intake.run_scanned = self.intake.scanning
        # Held photos are part of the batch asked for: the cost line counts them, and the
        # operator hears they wait for Send anyway.
        self.run([i for i in self.model.items()
                  if i.status in (Status.QUEUED, Status.PREPARING, Status.HELD)
                  or (i.refused and not i.recorded)])

    def retryable(self) -> list[QueueItem]:
        return [i for i in self.model.items() if i.retryable]

    # -- holds, check again, cost, pause -------------------------------------------------

    def send_anyway(self, items: list[QueueItem], reason: str | None = None,
                    note: str = "") -> bool:
        """The operator overrides the pre-checks for these photos and sends them; an optional
        ``reason`` (a configured key, the core's rule for a decision's reason) and ``note``
        go on the override record. False, and nothing sent, for a reason not configured."""
        try:
            reason = checked_reason(reason or None, self.reasons)
        except DecisionError as exc:
            self.notice.emit(exc.message(self.lang))
            return False
        for item in items:
            self.model.mark_forced(item, (reason, note.strip()))
        self.run(items, confirmed=True)
        return True

    def check_again(self, items: list[QueueItem]) -> None:
        """A new billed call for each, even for a photo judged before (the window asked)."""
        for item in items:
            self.model.mark_recheck(item, True)
        self.run(items, confirmed=True)

    def _held(self, _item_id: int) -> None:
        """The service the photo was going to would refuse it (a rule the desk learned only
        when it connected): held, not sent."""
        self.notice.emit(self.tr("%n photo(s) held by the pre-checks: see the preview, "
                                 "then Send anyway or remove them.", "", 1))

    def _plan_cost(self, items: list[QueueItem]) -> None:
        """The window shows the batch's cost line with Run and Cancel (``costReady``)."""
        self.notice.emit(self.tr("Working out what %n photo(s) will cost…", "", len(items)))
        client, limits = self.runs.client, self.runs.limits
        self.cost.plan(items, CostBasis(
            client.preparation_limits(limits) if client is not None else limits,
            self.threshold, client.url if client is not None else "", self.settings.reuse_days,
            self.service.session, self.intake.precheck_policy(), self.lang))

    def _cost_ready(self, line: str) -> None:
        self.notice.emit("")  # the "working out" line has had its say: the dialog shows it
        self.costReady.emit(line)

    def confirm_cost(self, run: bool) -> None:
        """The operator's answer to the cost line: run the batch, or send nothing."""
        alive = [i for i in self.cost.take() if self.model.item(i.id) is i]
        if run:
            self.run(alive, confirmed=True)
        else:
            self.intake.run_scanned = False
            for item in alive:
                if item.recheck:
                    self.model.mark_recheck(item, False)
            self.notice.emit(self.tr("Nothing sent."))

    def _credentials_rejected(self, result: CheckResult) -> None:
        """The core stopped the run: nothing new starts until the operator resumes."""
        if self.paused is None:
            self.paused = result
            self._paused_on = self.service.current
            self._run_when_ready.clear()
            self.intake.run_scanned = False
            self.pauseChanged.emit()
            self.stateChanged.emit()

    def resume(self) -> None:
        """One click after fixing the credentials: the photos the stop left unsent (and the
        one the service rejected) are sent again. Only once the connection changed (other
        credentials, another connection): the same ones would be refused again, each call
        paid."""
        if self.paused is None:
            return
        if self.service.current == self._paused_on:
            self.notice.emit(self.tr("Still paused: the service rejected these credentials. "
                                     "Enter the right ones (Settings, Credentials) or choose "
                                     "another connection, then resume."))
            return
        self.paused = None
        self.pauseChanged.emit()
        again = [i for i in self.model.items() if i.result is not None and (
            i.result.problem_key == "not_sent_credentials" or i.result.credentials_rejected)]
        self.run(again, confirmed=True)
        self.stateChanged.emit()

    @property
    def running(self) -> bool:
        """Checks are in flight."""
        return self.runs.running

    @property
    def cancellable(self) -> bool:
        return (self.runs.running or bool(self._run_when_ready) or self.intake.run_scanned
                or self.cost.pending)

    def cancel(self) -> bool:
        """Stop unsent work; True if there was any."""
        had = self.cancellable
        self._run_when_ready.clear()
        self.intake.run_scanned = False
        self.cost.take()  # a batch whose cost is being worked out is not run
        if self.runs.running:
            self.runs.cancel()
            self.notice.emit(self.tr("Cancelled: photos not yet sent stay in the queue; those "
                                     "already sent finish."))
        self.stateChanged.emit()
        return had

    def remove(self, ids: set[int]) -> None:
        """These rows leave the queue (never one being sent). A check waiting its turn is
        taken back, never sent; a photo leaving without a result is recorded as removed (who,
        when), by the core's rule."""
        items = [item for i in ids if (item := self.model.item(i)) is not None
                 and item.status is not Status.SENDING]
        ids = {i.id for i in items}
        under_way = self.runs.withdraw(ids)  # their checks end and are recorded as usual
        self._run_when_ready -= ids
        gone = [i for i in items if i.id not in under_way and removal_recorded(i.result)]
        for item in [i for i in gone if self.runs.holding(i.id)]:
            self.runs.when_held(item, lambda i: self.unsent.removals([i]))  # naming it
        self.unsent.removals([i for i in gone if not self.runs.holding(i.id)])
        self.model.remove(ids)

    def _simulated(self) -> bool:
        """The desk is on a sandbox: what it records now is simulated, even unsent."""
        current = self.connection
        return current is not None and current.simulated

    def clear_finished(self) -> None:
        self.remove({i.id for i in self.model.items() if i.judged})

    def retryable_count(self) -> int:
        return sum(i.retryable for i in self.model.items()) if self.ready else 0

    def progress(self) -> Progress:
        counts = self.model.counts()
        return Progress(len(self.model.items()), counts[Status.PASS], counts[Status.FAIL],
                        counts[Status.ERROR], self.runs.running, self.runs.done,
                        self.runs.total, self.runs.eta_seconds(), counts[Status.HELD],
                        counts[Status.REFUSED])

    def _runs_finished(self) -> None:
        self.service.checks_ended()
        self.stateChanged.emit()
        self.batchFinished.emit()

    # -- preview --------------------------------------------------------------------------

    def request_preview(self, item: QueueItem) -> None:
        """The full preview of ``item`` on a worker; ``previewReady`` brings it (the newest
        request wins)."""
        self.previews.request(item)

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
        self.watch.stop()
        self.settings_saver.flush()  # a change made just before closing is kept
        if self.runs.running:
            self.runs.cancel()
        stop_downloads()  # a stalled URL preview must not hold the close for its deadline
        self.pools.shutdown()
        if self.saved is not None:
            self.saved.save_last()
        self.service.close()
        # A shared history flushes to its server as it closes (network): on a thread of its
        # own, waited for a bounded time; what it could not send stays spooled for the next start.
        closing = threading.Thread(target=self.history.close, name="history-close",
                                   daemon=True)
        closing.start()
        closing.join(HISTORY_CLOSE_SECONDS)
