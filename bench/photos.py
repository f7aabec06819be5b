"""Generated test pictures, shared by the benchmarks and the tests (benchmarks never import
test modules: they run where pytest is not installed)."""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw


def make_photo(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A varied, face-free test picture: gradients and shapes, different for every seed."""
    rnd = random.Random(seed)
    width, height = size
    im = Image.new("RGB", size)
    draw = ImageDraw.Draw(im)
    base = [rnd.randrange(256) for _ in range(3)]
    for y in range(0, height, max(1, height // 64)):
        shade = tuple((c + y * 255 // height) % 256 for c in base)
        draw.rectangle([0, y, width, y + height // 64], fill=shade)
    for _ in range(12):
        x0, y0 = rnd.randrange(width), rnd.randrange(height)
        box = [x0, y0, x0 + rnd.randrange(20, max(21, width // 3)),
               y0 + rnd.randrange(20, max(21, height // 3))]
        draw.ellipse(box, fill=tuple(rnd.randrange(256) for _ in range(3)))
    return im


def write_photos(folder: Path, count: int, size: tuple[int, int]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"photo{i:04}.jpg"
        make_photo(i, size).save(path, quality=90)
        paths.append(path)
    return paths
