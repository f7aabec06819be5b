"""Full previews of queue items, made on a worker: the photo as it will be sent, or the image
a URL gave (fetched once, for the thumbnail, and kept). The newest request wins."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from livedetect_gui.core.checks.intake import fetch_url_image
from livedetect_gui.core.imaging.prepare import Limits
from livedetect_gui.ui.common.qimages import bytes_preview, prepared_preview
from livedetect_gui.ui.common.tasks import Pools, TaskRunner
from livedetect_gui.ui.queue.model import QueueItem, Status


class Previews(QObject):
    ready = Signal(int, QImage)  # the item's id, its full preview

    def __init__(self, tasks: TaskRunner, pools: Pools, limits: Callable[[], Limits],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.pools = pools
        self.limits = limits  # the preparation limits as they are now
        self._generation = 0

    def request(self, item: QueueItem) -> None:
        self._generation += 1
        generation = self._generation
        if item.source.url is not None and item.fetched is not None:
            data = item.fetched
            job, pool = (lambda: bytes_preview(data)), self.pools.prepare
        elif item.source.url is not None:  # the thumbnail's download failed or still runs
            url = item.source.url
            job, pool = (lambda: bytes_preview(fetch_url_image(url))), self.pools.network
        elif item.refused or item.status is Status.PREPARING:
            return
        else:
            limits = self.limits()
            job, pool = (lambda s=item.source: prepared_preview(s, limits)), self.pools.prepare
        self.tasks.run(pool, job, lambda f: self._done(generation, item.id, f))

    def _done(self, generation: int, item_id: int, future: Future) -> None:
        if generation != self._generation or future.exception() is not None:
            return  # a newer one is coming, or the item shows its refusal instead
        self.ready.emit(item_id, future.result())
