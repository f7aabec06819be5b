"""Pre-checks on real photos shipped by scikit-image (a test-only dependency) and generated
ones: what is held and why, the service's face-size rule, results remembered by content."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageEnhance, ImageFilter

from livedetect_gui.core.imaging import faces, prechecks
from livedetect_gui.core.imaging.prechecks import (
    PrecheckPolicy,
    forget_prechecks,
    policy_for,
    precheck,
    precheck_image,
)
from livedetect_gui.core.imaging.prepare import prepare_bytes
from livedetect_gui.core.service.client import precheck_policy
from livedetect_gui.core.service.credentials import Api
from tests.conftest import make_photo

skimage = pytest.importorskip("skimage")
DATA = Path(skimage.__file__).parent / "data"


def real(name: str) -> Image.Image:
    return Image.open(DATA / name).convert("RGB")


def png_bytes(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def test_two_people_side_by_side_are_held_as_several() -> None:
    astronaut = real("astronaut.png")
    pair = Image.new("RGB", (1024, 512))
    pair.paste(astronaut, (0, 0))
    pair.paste(astronaut, (512, 0))
    check = precheck(prepare_bytes(png_bytes(pair)))
    assert check.holds[0] == "held_faces" and check.detail == "2 faces"


def test_precheck_passes_a_good_face_photo_and_holds_the_rest() -> None:
    astronaut = real("astronaut.png")
    good = precheck(prepare_bytes(png_bytes(astronaut)))
    assert not good.held and good.faces_checked and len(good.faces) == 1
    dark = precheck(prepare_bytes(png_bytes(ImageEnhance.Brightness(astronaut).enhance(0.3))))
    assert "held_dark" in dark.holds
    blurred = precheck_image(astronaut.filter(ImageFilter.GaussianBlur(6)), astronaut.size)
    assert "held_blurred" in blurred.holds
    assert precheck(prepare_bytes(png_bytes(real("coffee.png")))).holds == ("held_no_face",)
    small = precheck(prepare_bytes(png_bytes(astronaut.resize((200, 200)))))
    assert small.holds == ("held_small",)
    panorama = precheck(prepare_bytes(png_bytes(make_photo(1, (10000, 400)))))
    assert panorama.holds == ("held_aspect",) and "25.0:1" in panorama.detail


def test_a_letterboxed_portrait_is_judged_on_its_face() -> None:
    """Black bars pull the whole frame's mean down; the face itself is well lit."""
    astronaut = real("astronaut.png")
    frame = Image.new("RGB", (1600, 900))
    frame.paste(astronaut.resize((900, 900)), (350, 0))
    check = precheck(prepare_bytes(png_bytes(frame)))
    assert not check.held, check.holds
    assert check.quality is not None and check.quality.brightness > 100
    # The same portrait really too dark is still held.
    dim = precheck(prepare_bytes(png_bytes(ImageEnhance.Brightness(frame).enhance(0.25))))
    assert "held_dark" in dim.holds


def test_the_face_size_rule_is_the_services() -> None:
    assert precheck_policy(Api.TC3).min_face_px == 100
    assert precheck_policy(Api.LEGACY).min_face_px is None
    assert precheck_policy("tc3", PrecheckPolicy(quality=False)).quality is False
    astronaut = real("astronaut.png")  # a face about 106 px wide in 512 px
    framed = Image.new("RGB", (1024, 768), (120, 120, 120))
    framed.paste(astronaut.resize((384, 384)), (320, 192))  # the face now ~80 px
    data = prepare_bytes(png_bytes(framed))
    api3 = precheck(data, precheck_policy(Api.TC3))
    assert api3.holds == ("held_small_face",) and "under 100 px" in api3.detail
    assert not precheck(data, precheck_policy(Api.LEGACY)).held
    # The same face at full size passes API 3.0's rule.
    assert not precheck(prepare_bytes(png_bytes(astronaut)), policy_for(100)).held


def test_results_are_remembered_by_content_and_policy(monkeypatch) -> None:
    calls = []
    real_detect = faces.detect_faces

    def counting(image: Image.Image) -> list[faces.FaceBox]:
        calls.append(image.size)
        return real_detect(image)

    monkeypatch.setattr(faces, "detect_faces", counting)
    forget_prechecks()
    data = png_bytes(real("astronaut.png"))
    first = precheck(prepare_bytes(data))
    # The same content again (a re-added photo, a restored queue): no new analysis.
    again = precheck(prepare_bytes(bytes(data)))
    assert again == first and len(calls) == 1
    # Another policy is another question; other content another photo.
    precheck(prepare_bytes(data), policy_for(100))
    precheck(prepare_bytes(png_bytes(real("camera.png"))))
    assert len(calls) == 3
    forget_prechecks()
    precheck(prepare_bytes(data))
    assert len(calls) == 4


def test_the_remembered_results_are_bounded(monkeypatch) -> None:
    monkeypatch.setattr(prechecks, "CACHE_SIZE", 3)
    forget_prechecks()
    policy = PrecheckPolicy(faces=False)
    for seed in range(5):
        precheck(prepare_bytes(png_bytes(make_photo(seed, (400, 300)))), policy)
    assert len(prechecks._cache) == 3


def test_a_detector_failing_at_inference_skips_the_face_rules(monkeypatch) -> None:
    cv2 = pytest.importorskip("cv2")
    monkeypatch.setattr(faces._local, "net", (cv2, cv2.dnn.Net()), raising=False)
    forget_prechecks()
    found = precheck(prepare_bytes(png_bytes(real("astronaut.png"))), policy_for(100))
    forget_prechecks()
    assert not found.held and found.faces == ()
