"""Render the application icon (resources/icons/livedetect.svg) at the usual sizes, plus the
Windows .ico and macOS .icns, all from that one source. Run after changing the SVG:

    .venv/bin/python packaging/make_icons.py
"""

from __future__ import annotations

import io
import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image  # noqa: E402
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "resources" / "icons" / "livedetect.svg"
OUT = ROOT / "resources" / "icons" / "app"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(renderer: QSvgRenderer, size: int) -> Image.Image:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(data.data()))).convert("RGBA")


def main() -> None:
    QGuiApplication([])
    renderer = QSvgRenderer(str(SOURCE))
    OUT.mkdir(parents=True, exist_ok=True)
    rendered = {size: render(renderer, size) for size in SIZES}
    for size, image in rendered.items():
        image.save(OUT / f"livedetect-gui-{size}.png", optimize=True)
    rendered[256].save(OUT / "livedetect-gui.ico",
                       sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
    rendered[512].save(OUT / "livedetect-gui.icns")
    print(f"wrote {len(SIZES)} PNGs, .ico and .icns to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
