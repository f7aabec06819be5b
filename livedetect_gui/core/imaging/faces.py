"""Local face detection before a paid call: how many faces, and where.

OpenCV's Haar cascades, shipped inside the ``opencv-python-headless`` 4.x wheel (5.x ships
none: the dependency is pinned below 5). Nothing is downloaded: the cascade files are read
from the installed package. The work is CPU-bound and takes tens of milliseconds: call it on a
worker thread, never on the GUI thread (it releases the GIL while it runs).

Why this combination (measured by ``bench/faces.py`` on the real photos scikit-image ships):
a bare frontal cascade both invents faces (coins, moon) and misses turned ones (the
cameraman). So a frontal candidate (``alt2``, fewer false alarms than ``default``) must show
an eye in its upper part, and when there is none the profile cascade (both directions)
catches turned faces; overlapping boxes are one face.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from PIL import Image

DETECT_SIDE = 512  # long side of the grey copy the cascades see
MIN_FACE_SHARE = 0.06  # smallest face searched for, as a share of that long side
SCALE_STEP = 1.2
MIN_NEIGHBOURS = 5
EYE_SEARCH_WIDTH = 120
OVERLAP = 0.3  # intersection over the smaller box above this: the same face


@dataclass(frozen=True)
class FaceBox:
    """A face in the pixels of the image given to ``detect_faces`` (upright)."""

    left: int
    top: int
    width: int
    height: int
    kind: str  # "frontal" or "profile"

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height


class DetectorUnavailable(RuntimeError):
    """OpenCV or its cascade files are missing from this installation."""


_import_lock = threading.Lock()
_local = threading.local()  # cascades are not safe to share between threads: one set each


def _cascades() -> tuple[Any, Any, Any, Any]:
    found = getattr(_local, "cascades", None)
    if found is None:
        # cv2's loader swaps itself in sys.modules while it imports: two threads importing it
        # at once can see a half-made module (no ``cv2.data``). One at a time.
        with _import_lock:
            try:
                import cv2
            except ImportError as exc:
                raise DetectorUnavailable(f"OpenCV is not installed ({exc})") from None
            # The desk's workers are the parallelism: OpenCV's own threads would only fight
            # them (and the GUI thread) for the same cores.
            cv2.setNumThreads(1)
        folder = cv2.data.haarcascades
        found = tuple(cv2.CascadeClassifier(folder + name) for name in (
            "haarcascade_frontalface_alt2.xml", "haarcascade_eye.xml",
            "haarcascade_profileface.xml"))
        if any(c.empty() for c in found):
            raise DetectorUnavailable(f"cascade files missing in {folder}")
        found = (cv2, *found)
        _local.cascades = found
    return found


def available() -> bool:
    try:
        _cascades()
    except DetectorUnavailable:
        return False
    return True


def detect_faces(image: Image.Image) -> list[FaceBox]:
    """Faces in ``image`` (an upright PIL image of any mode), largest first."""
    import numpy as np

    cv2, frontal, eyes, profile = _cascades()
    grey = image.convert("L")
    scale = min(1.0, DETECT_SIDE / max(grey.size))
    if scale < 1.0:
        grey = grey.resize((max(1, round(grey.width * scale)), max(1, round(grey.height * scale))),
                           Image.Resampling.BILINEAR)
    pixels = np.asarray(grey)
    smallest = max(20, round(MIN_FACE_SHARE * max(grey.size)))
    found: list[tuple[int, int, int, int, str]] = []
    for x, y, w, h in frontal.detectMultiScale(pixels, SCALE_STEP, MIN_NEIGHBOURS,
                                               minSize=(smallest, smallest)):
        # The eye cascade's window is 20 px: look at the face's upper part at a fixed width
        # so small faces (a group, a person far away) can show their eyes too.
        upper = cv2.resize(pixels[y: y + h * 3 // 5, x: x + w], (EYE_SEARCH_WIDTH,
                           EYE_SEARCH_WIDTH * 3 // 5), interpolation=cv2.INTER_LINEAR)
        if len(eyes.detectMultiScale(upper, 1.1, 3, minSize=(20, 20))):
            found.append((int(x), int(y), int(w), int(h), "frontal"))
    width = pixels.shape[1]
    # The profile passes cost two thirds of the time: only when no frontal face was seen (the
    # usual desk photo is frontal). A second person seen only in profile beside a frontal
    # face is then not counted.
    for flipped in (() if found else (False, True)):
        view = cv2.flip(pixels, 1) if flipped else pixels
        for x, y, w, h in profile.detectMultiScale(view, SCALE_STEP, MIN_NEIGHBOURS,
                                                   minSize=(smallest, smallest)):
            left = width - int(x) - int(w) if flipped else int(x)
            found.append((left, int(y), int(w), int(h), "profile"))
    boxes = _merge(found)
    back = 1.0 / scale
    return [FaceBox(round(x * back), round(y * back), round(w * back), round(h * back), kind)
            for x, y, w, h, kind in boxes]


def _merge(boxes: list[tuple[int, int, int, int, str]]) -> list[tuple[int, int, int, int, str]]:
    """One box per face: a box overlapping a larger kept one is the same face (frontal boxes,
    being verified by an eye, win over profile ones of the same size)."""
    ordered = sorted(boxes, key=lambda b: (b[4] != "frontal", -b[2] * b[3]))
    kept: list[tuple[int, int, int, int, str]] = []
    for box in ordered:
        if all(_overlap(box, other) <= OVERLAP for other in kept):
            kept.append(box)
    return sorted(kept, key=lambda b: -b[2] * b[3])


def _overlap(a: tuple[int, int, int, int, str], b: tuple[int, int, int, int, str]) -> float:
    width = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    height = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return 0.0
    return width * height / min(a[2] * a[3], b[2] * b[3])


def crop_to_face(size: tuple[int, int], face: FaceBox, aspect: tuple[int, int] = (3, 4),
                 margin: float = 1.0) -> tuple[int, int, int, int]:
    """A (left, top, right, bottom) crop of an image of ``size`` around ``face`` at the
    provider's advised 3:4 (width:height), leaving ``margin`` face widths of room around the
    face where the image allows; clamped to the image. Never applied silently: the desk
    offers it, the operator chooses."""
    img_w, img_h = size
    ratio = aspect[0] / aspect[1]
    width = face.width * (1 + 2 * margin)
    height = max(face.height * (1 + 2 * margin), width / ratio)
    width = height * ratio
    # Shrink to fit the image, keeping the ratio.
    shrink = min(1.0, img_w / width, img_h / height)
    width, height = width * shrink, height * shrink
    centre_x = face.left + face.width / 2
    centre_y = face.top + face.height / 2
    left = min(max(0.0, centre_x - width / 2), img_w - width)
    top = min(max(0.0, centre_y - height / 2), img_h - height)
    return round(left), round(top), round(left + width), round(top + height)
