"""Worker-side steps of getting a photo into the queue: prepare it, make its thumbnail.

These functions run on pool threads (QImage is safe there; QPixmap is not). They return plain
values the GUI thread stores in the queue model.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from PIL import Image
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QImage

from livedetect_gui.core.checking import Source, prepare
from livedetect_gui.core.imaging import ImageRefused, Limits, PreparedImage, load_thumbnail
from livedetect_gui.core.result import PreparedInfo

THUMB_SIZE = 96


@dataclass(frozen=True)
class Analysis:
    thumbnail: QImage | None
    original: tuple[int, int, int] | None  # width, height, bytes
    prepared: PreparedInfo | None
    actions: tuple[str, ...]
    refusal: ImageRefused | None


def to_qimage(image: Image.Image) -> QImage:
    rgb = image.convert("RGB")
    data = rgb.tobytes()
    # copy(): the QImage must own its pixels once `data` goes away.
    return QImage(data, rgb.width, rgb.height, rgb.width * 3, QImage.Format.Format_RGB888).copy()


def jpeg_to_qimage(data: bytes) -> QImage:
    return QImage.fromData(data, "JPEG")


def analyse(source: Source, limits: Limits) -> Analysis:
    """Prepare the photo once to learn what will be sent; keep only its thumbnail."""
    try:
        prepared = prepare(source, limits)
    except ImageRefused as refusal:
        return Analysis(_thumbnail_anyway(source), _original_size(source), None, (), refusal)
    return Analysis(
        # From the bytes just prepared, at 1/8 scale in Pillow (which releases the GIL):
        # a full-size Qt decode and smooth scale held it long enough to stall the window.
        thumbnail=to_qimage(load_thumbnail(prepared.data, THUMB_SIZE)),
        original=(prepared.original_width, prepared.original_height, prepared.original_bytes),
        prepared=prepared.info,
        actions=prepared.actions,
        refusal=None,
    )


def preview(source: Source, limits: Limits) -> tuple[QImage, PreparedImage]:
    """The photo exactly as it will be sent, for the preview panel."""
    prepared = prepare(source, limits)
    return jpeg_to_qimage(prepared.data), prepared


def image_to_png(image: QImage) -> bytes:
    """Clipboard and camera images become PNG bytes (lossless; preparation re-encodes once)."""
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(array.data())


def _thumbnail_anyway(source: Source) -> QImage | None:
    if source.path is None:
        return None
    try:
        return to_qimage(load_thumbnail(source.path, THUMB_SIZE))
    except (ImageRefused, OSError, ValueError):
        return None


def _original_size(source: Source) -> tuple[int, int, int] | None:
    if source.path is None:
        return None
    try:
        size = os.path.getsize(source.path)
        with Image.open(source.path) as im:
            return im.width, im.height, size
    except Exception:  # refused files are often unreadable: no size is fine
        return None
