"""Photos into the desk's queue: files, folders, URLs, pastes, drops, captures and face crops.

Folders are walked on the io pool (they can be large or remote); every photo is prepared and
pre-checked on the preparation pool (the face detector never runs on the GUI thread); a URL's
thumbnail is fetched on the network pool (a slow server must not hold up the io pool's keyring,
settings and scans) and its bytes kept for the preview. A photo the service will refuse is
marked refused here, before any call.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QMimeData, QObject, Signal
from PySide6.QtGui import QImage

from livedetect_gui.core.checks.intake import THUMB_SIZE, Intake, analyse, url_thumbnail
from livedetect_gui.core.checks.planning import Source, collect, refused
from livedetect_gui.core.checks.recording import internal_error
from livedetect_gui.core.imaging.face_crop import crop_source
from livedetect_gui.core.imaging.prechecks import PrecheckPolicy
from livedetect_gui.core.imaging.prepare import Limits
from livedetect_gui.core.service.client import (
    BadEndpoint,
    precheck_policy,
    validate_image_url,
)
from livedetect_gui.ui.common.qimages import image_to_png, to_qimage
from livedetect_gui.ui.common.tasks import Pools, TaskRunner
from livedetect_gui.ui.desk.connection import ServiceConnection
from livedetect_gui.ui.desk.settings_saver import SettingsSaver
from livedetect_gui.ui.queue.model import QueueItem, QueueModel, Status

log = logging.getLogger(__name__)


class PhotoIntake(QObject):
    # Items to check as soon as they can be: a folder scanned after "Run all", a capture
    # taken with "check now".
    runRequested = Signal(list)
    # This item finished preparing (its refusal, if any, is marked).
    prepared = Signal(int)
    # The queue grew; a sentence for the status bar.
    changed = Signal()
    notice = Signal(str)
    # A copy cropped to the face joined the queue (the window selects it: never out of view).
    cropAdded = Signal(object)

    def __init__(self, model: QueueModel, tasks: TaskRunner, pools: Pools,
                 saver: SettingsSaver, service: ServiceConnection,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.tasks = tasks
        self.pools = pools
        self.saver = saver
        self.service = service
        self._scans = 0  # folder scans still running
        # The case/applicant reference photos added from now on come in under ("" none).
        self.reference = ""
        # "Run all" was pressed while folders were scanned: the photos they find run too.
        self.run_scanned = False
        # The rules the queue's photos were last analysed by (``basis``).
        self._basis: tuple[Limits, PrecheckPolicy | None] | None = None

    @property
    def scanning(self) -> bool:
        return self._scans > 0

    def precheck_policy(self) -> PrecheckPolicy | None:
        # The face-size rule is the service's: the core decides it from the generation.
        return precheck_policy(self.service.api) if self.saver.settings.prechecks else None

    def basis(self) -> tuple[Limits, PrecheckPolicy | None]:
        """What a photo is prepared and pre-checked by: the limits and rules of the service it
        will be sent to (the session's client; the settings' alone until there is one), so
        its face size and preview are measured on the pixels sent."""
        limits = self.saver.settings.limits()
        client = self.service.client
        return (client.preparation_limits(limits) if client is not None else limits,
                self.precheck_policy())

    def rules_changed(self) -> None:
        """The connection or the settings changed what a photo is prepared and pre-checked
        by: the photos not yet sent are analysed again (the pre-checks are remembered by
        content, so a photo judged before costs little)."""
        if self.basis() == self._basis:
            return
        items = [i for i in self.model.items() if i.source.url is None
                 and i.status in (Status.QUEUED, Status.HELD)]
        for item in items:
            self.model.mark_preparing(item)
        self.analyse(items)

    def add_paths(self, paths: list[str]) -> None:
        """Files and folders; folders are walked on the io pool."""
        if not paths:
            return
        self._scans += 1
        self.tasks.run(self.pools.io, lambda: collect(paths), self._collected)

    def _collected(self, future: Future) -> None:
        self._scans -= 1
        run_them = self.run_scanned
        if self._scans == 0:
            self.run_scanned = False
        sources, skipped = future.result()  # a failed scan takes the default failure path
        if skipped:
            self.notice.emit(self.tr("%1 files skipped (not images)").replace(
                "%1", str(len(skipped))))
        items = self.add_sources(sources)
        if run_them:
            self.runRequested.emit(items)

    def add_sources(self, sources: list[Source]) -> list[QueueItem]:
        items = self.model.add(sources, reference=self.reference)
        self.analyse(items)
        self.changed.emit()
        return items

    def analyse(self, items: list[QueueItem]) -> None:
        """Prepare (and pre-check) on the preparation pool."""
        basis = self._basis = self.basis()
        for item in items:
            if item.source.url is not None:
                # The service fetches the URL; the desk fetches it too, for the thumbnail only.
                self.model.mark_ready(item)
                self.tasks.run(self.pools.network, lambda u=item.source.url: _url_thumb(u),
                               lambda f, item_id=item.id: self._url_thumb(item_id, f))
                continue
            self.tasks.run(self.pools.prepare, lambda s=item.source: _analyse(s, *basis),
                           lambda f, item_id=item.id: self._analysed(item_id, basis, f))

    def _analysed(self, item_id: int, basis: tuple[Limits, PrecheckPolicy | None],
                  future: Future) -> None:
        item = self.model.item(item_id)
        if item is None:
            return
        if basis != self.basis() and item.status is Status.PREPARING:
            self.analyse([item])  # the service changed meanwhile: by the new one's rules
            return
        threshold = self.saver.settings.threshold_for(self.service.api)
        try:
            intake, thumbnail = future.result()
        except Exception as exc:  # a decoder bug costs this item, not the queue
            log.exception("analysis failed")
            self.model.mark_refused(item, internal_error(item.source.label, threshold, exc))
            return
        self.model.mark_prepared(item, thumbnail, intake.original, intake.prepared,
                                 intake.actions, intake.precheck)
        if intake.refusal is not None:
            self.model.mark_refused(item, replace(
                refused(item.source, intake.refusal, threshold, self.service.endpoint),
                api=self.service.api))
        self.prepared.emit(item_id)

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
            self.runRequested.emit([item])
        return item

    def crop_to_face(self, item: QueueItem) -> bool:
        """A copy of the photo cropped to its one face at the provider's advised 3:4, added to
        the queue beside it (the original stays: the operator chooses). False when the photo
        has not exactly one face found."""
        precheck = item.precheck
        if (precheck is None or len(precheck.faces) != 1 or item.source.url is not None
                or item.cropped):  # a crop is already the face: never "(face) (face)"
            return False
        source, limits = item.source, self.basis()[0]  # the pixels its faces were found on
        label = self.tr("%1 (face)").replace("%1", item.name)

        def added(future: Future) -> None:
            copy = self.add_sources([future.result()])[0]
            copy.cropped = True
            self.cropAdded.emit(copy)  # the window brings it into view

        self.tasks.run(self.pools.prepare, lambda: crop_source(source, precheck, limits, label),
                       added)
        return True


def _analyse(source: Source, limits: Limits, policy: PrecheckPolicy | None = None
             ) -> tuple[Intake, QImage | None]:
    intake = analyse(source, limits, policy)
    return intake, (to_qimage(intake.thumbnail) if intake.thumbnail is not None else None)


def _url_thumb(url: str) -> tuple[QImage, bytes]:
    thumbnail, data = url_thumbnail(url, THUMB_SIZE)
    return to_qimage(thumbnail), data
