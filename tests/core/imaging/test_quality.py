"""Brightness, exposure and blur measured on a region: real photos from scikit-image and
generated ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFilter

from livedetect_gui.core.imaging.quality import FACE_SIDE, assess, centre

skimage = pytest.importorskip("skimage")
DATA = Path(skimage.__file__).parent / "data"


def test_centre_is_the_middle_half() -> None:
    assert centre((800, 600)) == (200, 150, 600, 450)
    assert centre((3, 3)) == (1, 1, 2, 2)


def test_a_region_is_judged_alone_not_with_its_surroundings() -> None:
    face = Image.open(DATA / "astronaut.png").convert("RGB")
    # Dark clothes and a black border around a well-lit subject.
    canvas = Image.new("RGB", (1200, 900))
    canvas.paste(face, (344, 194))
    ImageDraw.Draw(canvas).rectangle((0, 700, 1200, 900), fill=(10, 10, 10))
    whole = assess(canvas)
    region = assess(canvas, (344 + 173, 194 + 68, 344 + 279, 194 + 174), FACE_SIDE)
    assert "dark" in whole.issues()
    assert region.issues(150) == () and region.brightness > 100


def test_the_figures_do_not_depend_on_the_photos_size() -> None:
    face = Image.open(DATA / "astronaut.png").convert("RGB")
    box = (173, 68, 279, 174)
    big = assess(face.resize((1024, 1024)), tuple(v * 2 for v in box), FACE_SIDE)
    small = assess(face, box, FACE_SIDE)
    assert abs(big.brightness - small.brightness) < 3
    assert 0.7 < big.sharpness / small.sharpness < 1.3


def test_a_blurred_region_and_an_overexposed_one() -> None:
    face = Image.open(DATA / "astronaut.png").convert("RGB")
    box = (173, 68, 279, 174)
    assert "blurred" in assess(face.filter(ImageFilter.GaussianBlur(6)), box, FACE_SIDE).issues(150)
    white = Image.new("RGB", (400, 400), "white")
    assert "overexposed" in assess(white, centre(white.size), FACE_SIDE).issues()
