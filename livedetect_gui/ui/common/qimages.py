"""Pictures between Pillow and Qt, on workers (QImage is safe there; QPixmap is not)."""

from __future__ import annotations

from PIL import Image
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QImage

from livedetect_gui.core.checks.planning import Source, prepare
from livedetect_gui.core.imaging.prepare import Limits, load_thumbnail


def to_qimage(image: Image.Image) -> QImage:
    rgb = image.convert("RGB")
    data = rgb.tobytes()
    # copy(): the QImage must own its pixels once `data` goes away.
    return QImage(data, rgb.width, rgb.height, rgb.width * 3, QImage.Format.Format_RGB888).copy()


def to_pil(image: QImage) -> Image.Image:
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    return Image.frombuffer("RGB", (rgb.width(), rgb.height()), bytes(rgb.constBits()), "raw",
                            "RGB", rgb.bytesPerLine(), 1).copy()


def prepared_preview(source: Source, limits: Limits) -> QImage:
    """The photo exactly as it will be sent, for the preview panel."""
    return QImage.fromData(prepare(source, limits).data, "JPEG")


def bytes_preview(data: bytes, box: int = 1280) -> QImage:
    """A picture the desk fetched itself (a URL image), through the core's guards."""
    return to_qimage(load_thumbnail(data, box))


def image_to_png(image: QImage) -> bytes:
    """Clipboard and camera images become PNG bytes (lossless; preparation re-encodes once)."""
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(array.data())
