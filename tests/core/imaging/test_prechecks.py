"""Pre-checks and the local face detector, on real photos shipped by scikit-image (a test-only
dependency) and on generated ones."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageEnhance, ImageFilter

from livedetect_gui.core.imaging.faces import FaceBox, crop_to_face, detect_faces
from livedetect_gui.core.imaging.prechecks import PrecheckPolicy, precheck, precheck_image
from livedetect_gui.core.imaging.prepare import prepare_bytes
from tests.conftest import make_photo

skimage = pytest.importorskip("skimage")
DATA = Path(skimage.__file__).parent / "data"
NON_FACES = ["chelsea.png", "coffee.png", "rocket.jpg", "brick.png", "coins.png", "horse.png",
             "moon.png"]


def real(name: str) -> Image.Image:
    return Image.open(DATA / name).convert("RGB")


def png_bytes(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


@pytest.mark.parametrize("name", ["astronaut.png", "camera.png"])
def test_one_face_in_the_real_face_photos(name) -> None:
    faces = detect_faces(real(name))
    assert len(faces) == 1
    face = faces[0]
    # Both faces are in the upper middle of their 512x512 photos.
    assert 100 < face.left + face.width / 2 < 400 and face.top + face.height / 2 < 260


@pytest.mark.parametrize("name", NON_FACES)
def test_no_face_in_real_non_face_photos(name) -> None:
    assert detect_faces(real(name)) == []


def test_two_people_side_by_side_are_two_faces() -> None:
    astronaut = real("astronaut.png")
    pair = Image.new("RGB", (1024, 512))
    pair.paste(astronaut, (0, 0))
    pair.paste(astronaut, (512, 0))
    assert len(detect_faces(pair)) == 2
    check = precheck(prepare_bytes(png_bytes(pair)))
    assert check.holds[0] == "held_faces"


def test_precheck_passes_a_good_face_photo_and_holds_the_rest() -> None:
    astronaut = real("astronaut.png")
    good = precheck(prepare_bytes(png_bytes(astronaut)))
    assert not good.held and good.faces_checked and len(good.faces) == 1
    dark = precheck(prepare_bytes(png_bytes(ImageEnhance.Brightness(astronaut).enhance(0.3))))
    assert "held_dark" in dark.holds
    blurred = precheck_image(astronaut.filter(ImageFilter.GaussianBlur(3)), astronaut.size)
    assert "held_blurred" in blurred.holds
    assert precheck(prepare_bytes(png_bytes(real("coffee.png")))).holds == ("held_no_face",)
    small = precheck(prepare_bytes(png_bytes(astronaut.resize((200, 200)))))
    assert small.holds == ("held_small",)
    panorama = precheck(prepare_bytes(png_bytes(make_photo(1, (10000, 400)))))
    assert panorama.holds == ("held_aspect",) and "25.0:1" in panorama.detail
    tiny_face = precheck(prepare_bytes(png_bytes(astronaut)), PrecheckPolicy(min_face_px=300))
    assert tiny_face.holds == ("held_small_face",)


def test_crop_to_face_is_three_by_four_inside_the_image() -> None:
    left, top, right, bottom = crop_to_face((512, 512), FaceBox(175, 64, 100, 100, "frontal"))
    assert abs((right - left) / (bottom - top) - 0.75) < 0.01
    assert 0 <= left < 175 and 0 <= top <= 64 and right >= 275 and bottom <= 512
    # A face at the edge of a wide photo: the crop stays inside and keeps 3:4.
    left, top, right, bottom = crop_to_face((2000, 600), FaceBox(1900, 100, 90, 90, "frontal"))
    assert right <= 2000 and left >= 0 and top >= 0 and bottom <= 600
    assert abs((right - left) / (bottom - top) - 0.75) < 0.01


def test_first_detection_from_several_threads_at_once() -> None:
    """Workers start together: OpenCV's first import must not race (a fresh process)."""
    import subprocess
    import sys

    code = ("import threading\nfrom PIL import Image\n"
            "from livedetect_gui.core.imaging.faces import detect_faces\nerrors = []\n"
            "def work():\n    try:\n        detect_faces(Image.new('RGB', (100, 100)))\n"
            "    except Exception as exc:\n        errors.append(repr(exc))\n"
            "threads = [threading.Thread(target=work) for _ in range(4)]\n"
            "[t.start() for t in threads]\n[t.join() for t in threads]\nprint(errors)")
    for _ in range(3):
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=60)
        assert proc.stdout.strip() == "[]", proc.stdout + proc.stderr
