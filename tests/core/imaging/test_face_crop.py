"""Crop to the face (core/imaging/face_crop.py): a new lossless source at the provider's 3:4,
cut from the photo as it would be sent, around the face the pre-checks found."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from livedetect_gui.core.checks.planning import Source
from livedetect_gui.core.imaging.face_crop import ASPECT, crop_source
from livedetect_gui.core.imaging.faces import FaceBox
from livedetect_gui.core.imaging.prechecks import Precheck
from livedetect_gui.core.imaging.prepare import Limits

RED = (220, 20, 20)


def photo_with_a_face(path: Path, size: tuple[int, int], face: tuple[int, int, int, int]) -> Path:
    """A grey gradient with a red block where the "face" is (left, top, width, height)."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    left, top, w, h = face
    ImageDraw.Draw(image).rectangle((left, top, left + w - 1, top + h - 1), fill=RED)
    image.save(path, "PNG")
    return path


def found(size: tuple[int, int], *faces: tuple[int, int, int, int]) -> Precheck:
    """The pre-checks' finding: faces in the analysed copy's pixels, of size ``size``."""
    return Precheck(holds=(), size=size, faces=tuple(FaceBox(*f, "frontal") for f in faces),
                    faces_checked=True)


def crop(source: Source, precheck: Precheck, limits: Limits = Limits()) -> Image.Image:
    cropped = crop_source(source, precheck, limits, "face of p.png")
    assert cropped.label == "face of p.png" and cropped.path is None
    image = Image.open(io.BytesIO(cropped.data))
    assert image.format == "PNG"  # lossless: preparation encodes it once
    return image.convert("RGB")


def is_red(pixel: tuple[int, int, int]) -> bool:
    return pixel[0] > 180 and pixel[1] < 80 and pixel[2] < 80


def test_the_crop_is_three_by_four_around_the_face(tmp_path) -> None:
    path = photo_with_a_face(tmp_path / "p.png", (1280, 720), (600, 200, 80, 100))
    # The pre-checks analysed a half-size copy: the face is scaled back to the photo sent.
    image = crop(Source.file(path), found((640, 360), (300, 100, 40, 50)))
    assert image.width * ASPECT[1] == pytest.approx(image.height * ASPECT[0], abs=4)
    assert image.size == (240, 320)  # the face and a face width of room on each side
    assert is_red(image.getpixel((image.width // 2, image.height // 2)))
    assert not is_red(image.getpixel((5, 5)))  # room around the face, not only the face


def test_cut_from_the_photo_as_sent_not_the_original(tmp_path) -> None:
    # 2560x1440 is sent as 1280x720: the crop is in the sent photo's pixels.
    path = photo_with_a_face(tmp_path / "big.png", (2560, 1440), (1200, 400, 160, 200))
    image = crop(Source.file(path), found((640, 360), (300, 100, 40, 50)))
    assert image.size == (240, 320)
    assert is_red(image.getpixel((image.width // 2, image.height // 2)))


def test_a_face_near_the_edge_is_clamped_inside_the_photo(tmp_path) -> None:
    path = photo_with_a_face(tmp_path / "edge.png", (640, 480), (0, 0, 120, 160))
    with path.open("rb") as f:
        source = Source(label="pasted", data=f.read())
    image = crop(source, found((640, 480), (0, 0, 120, 160)))
    assert image.width <= 640 and image.height <= 480
    assert is_red(image.getpixel((0, 0)))  # the crop starts at the photo's corner


@pytest.mark.parametrize("faces", [(), ((10, 10, 40, 50), (100, 10, 40, 50))])
def test_only_a_photo_with_exactly_one_face_is_cropped(tmp_path, faces) -> None:
    path = photo_with_a_face(tmp_path / "p.png", (640, 480), (10, 10, 40, 50))
    with pytest.raises(ValueError):
        crop_source(Source.file(path), found((640, 480), *faces), Limits(), "x")
    with pytest.raises(ValueError):  # no analysed size: the face cannot be placed
        crop_source(Source.file(path), found((0, 0), (10, 10, 40, 50)), Limits(), "x")
