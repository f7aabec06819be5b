"""The local face detector on real photos shipped by scikit-image (a test-only dependency) and
on generated ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from livedetect_gui.core.imaging.faces import FaceBox, crop_to_face, detect_faces

skimage = pytest.importorskip("skimage")
DATA = Path(skimage.__file__).parent / "data"
NON_FACES = ["chelsea.png", "coffee.png", "rocket.jpg", "brick.png", "coins.png", "horse.png",
             "moon.png", "text.png", "motorcycle_left.png"]


def real(name: str) -> Image.Image:
    return Image.open(DATA / name).convert("RGB")


@pytest.mark.parametrize("name", ["astronaut.png", "camera.png"])
def test_one_face_in_the_real_face_photos(name) -> None:
    faces = detect_faces(real(name))
    assert len(faces) == 1
    face = faces[0]
    # Both faces are in the upper middle of their 512x512 photos, some 70-110 px wide.
    assert 150 < face.left + face.width / 2 < 300 and 80 < face.top + face.height / 2 < 200
    assert 60 < face.width < 130 and 0.6 <= face.score <= 1


@pytest.mark.parametrize("name", NON_FACES)
def test_no_face_in_real_non_face_photos(name) -> None:
    assert detect_faces(real(name)) == []


def test_no_face_in_a_blank_or_tiny_picture() -> None:
    assert detect_faces(Image.new("RGB", (640, 480), "grey")) == []
    assert detect_faces(Image.new("L", (3, 2))) == []


def test_two_people_side_by_side_are_two_faces_at_their_places() -> None:
    astronaut, cameraman = real("astronaut.png"), real("camera.png")
    pair = Image.new("RGB", (1024, 512))
    pair.paste(astronaut, (0, 0))
    pair.paste(cameraman, (512, 0))
    faces = sorted(detect_faces(pair), key=lambda f: f.left)
    assert len(faces) == 2
    assert faces[0].right < 512 < faces[1].left


def test_boxes_follow_the_photo_when_it_is_letterboxed_or_scaled() -> None:
    astronaut = real("astronaut.png")
    (plain,) = detect_faces(astronaut)
    frame = Image.new("RGB", (910, 512))
    frame.paste(astronaut, (199, 0))
    (boxed,) = detect_faces(frame)
    assert abs(boxed.left - 199 - plain.left) <= 6 and abs(boxed.top - plain.top) <= 6
    (halved,) = detect_faces(astronaut.resize((256, 256)))
    assert abs(halved.left * 2 - plain.left) <= 8 and abs(halved.width * 2 - plain.width) <= 12


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


def test_threads_load_their_nets_one_at_a_time(monkeypatch) -> None:
    """OpenCV's TFLite importer fills a shared table on first use without a lock: two threads
    loading at once crashed a batch whose workers started together. Loads never overlap (each
    is held open here long enough for an overlap to show), and every thread gets a working net
    of its own."""
    import threading
    import time

    cv2 = pytest.importorskip("cv2")
    from livedetect_gui.core.imaging import faces

    real_load = cv2.dnn.readNetFromTFLite
    inside = 0
    most = 0
    count_lock = threading.Lock()

    def load(path: str):
        nonlocal inside, most
        with count_lock:
            inside += 1
            most = max(most, inside)
        try:
            time.sleep(0.05)
            return real_load(path)
        finally:
            with count_lock:
                inside -= 1

    monkeypatch.setattr(cv2.dnn, "readNetFromTFLite", load)
    start = threading.Barrier(4)
    nets: list[object] = []
    found: list[int] = []

    def work() -> None:  # a new thread: no net of its own yet
        start.wait()
        nets.append(faces._net()[1])
        found.append(len(detect_faces(real("astronaut.png"))))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert most == 1
    assert len({id(net) for net in nets}) == 4 and found == [1, 1, 1, 1]


def test_a_model_opencv_cannot_run_is_an_unavailable_detector(monkeypatch) -> None:
    """OpenCV's own failure at inference (a real, empty network here) is reported as the
    detector missing, which the pre-checks skip, never as an unexpected exception."""
    cv2 = pytest.importorskip("cv2")
    from livedetect_gui.core.imaging import faces

    monkeypatch.setattr(faces._local, "net", (cv2, cv2.dnn.Net()), raising=False)
    with pytest.raises(faces.DetectorUnavailable):
        detect_faces(real("astronaut.png"))
