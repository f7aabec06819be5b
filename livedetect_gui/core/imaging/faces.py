"""Local face detection before a paid call: how many faces, and where.

MediaPipe's BlazeFace detectors (Apache-2.0; ``resources/models``, see the README there for
where the files come from) run in OpenCV's own TFLite importer (``cv2.dnn``, inside the
``opencv-python-headless`` wheel): no TensorFlow, nothing downloaded. The work is CPU-bound and
takes about ten milliseconds: call it on a worker thread, never on the GUI thread.

Why (measured by ``bench/faces.py`` on labelled real photos, its docstring has the figures):
the earlier Haar cascades took 130-350 ms a photo and both missed turned faces and invented
faces in textures; BlazeFace's full-range model sees frontal and turned faces from selfie size
down to a person in a group, in ~10 ms. The photo is letterboxed to a square (the model's
input) so its proportions survive, and boxes are merged MediaPipe's way (weighted by score).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from PIL import Image

from livedetect_gui import resource

MODEL = "models/face_detection_full_range.tflite"
INPUT_SIDE = 192  # the full-range model's square input
MIN_SCORE = 0.6  # MediaPipe's own threshold for this model
OVERLAP = 0.3  # intersection over union above this: the same face
# Faces smaller than this share of the photo's long side are not counted: a face on a poster
# behind the sitter, or a crowd far away, is not a second person at the desk.
MIN_FACE_SHARE = 0.05
# A photo this much longer than wide (or the reverse) is also looked at in two square tiles.
TILE_ASPECT = 1.5
DETECT_SIDE = 512  # a decode of this size is plenty: the model sees 192 px


@dataclass(frozen=True)
class FaceBox:
    """A face in the pixels of the image given to ``detect_faces`` (upright)."""

    left: int
    top: int
    width: int
    height: int
    kind: str = "face"
    score: float = 1.0

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height


class DetectorUnavailable(RuntimeError):
    """OpenCV or the model file is missing from this installation."""


# One thread at a time imports cv2 and loads a net: cv2's loader swaps itself in sys.modules
# while it imports (a second importer can see a half-made module), and OpenCV's TFLite importer
# fills a process-wide table of operator parsers on its first use without a lock, so two
# threads loading their first nets at once can corrupt it and crash the process (SIGSEGV in
# ``readNetFromTFLite``, seen when a batch's workers start together). A load takes a few
# milliseconds, once per thread; inference runs in parallel, each thread on its own net.
_load_lock = threading.Lock()
_local = threading.local()  # a cv2.dnn.Net is not safe to share between threads: one each
_anchors: Any = None


def _net() -> tuple[Any, Any]:
    found = getattr(_local, "net", None)
    if found is None:
        with _load_lock:
            try:
                import cv2
            except ImportError as exc:
                raise DetectorUnavailable(f"OpenCV is not installed ({exc})") from None
            # The desk's workers are the parallelism: OpenCV's own threads would only fight
            # them (and the GUI thread) for the same cores.
            cv2.setNumThreads(1)
            path = resource(MODEL)
            if not path.is_file():
                raise DetectorUnavailable(f"face model missing: {path}")
            try:
                net = cv2.dnn.readNetFromTFLite(str(path))
            except cv2.error as exc:
                raise DetectorUnavailable(f"face model unreadable: {exc}") from None
        found = (cv2, net)
        _local.net = found
    return found


def available() -> bool:
    try:
        _net()
    except DetectorUnavailable:
        return False
    return True


def _anchor_centres() -> Any:
    """The model's 48x48 anchor grid (MediaPipe's SSD anchors for full range: one layer,
    stride 4, one fixed-size anchor per cell), as (x, y) centres in 0..1."""
    global _anchors
    if _anchors is None:
        import numpy as np

        cells = INPUT_SIDE // 4
        ys, xs = np.mgrid[0:cells, 0:cells]
        _anchors = np.stack([(xs.ravel() + 0.5) / cells, (ys.ravel() + 0.5) / cells], axis=1)
    return _anchors


def detect_faces(image: Image.Image) -> list[FaceBox]:
    """Faces in ``image`` (an upright PIL image of any mode), largest first."""
    import numpy as np

    rgb = image.convert("RGB")
    width, height = rgb.size
    side = max(width, height)
    regions = [(0, 0, width, height)]
    if side > TILE_ASPECT * min(width, height):
        # A wide (or tall) photo is seen small as a whole: look again at each end as a square,
        # so two people side by side are both seen at a usable size.
        short = min(width, height)
        regions += [(0, 0, short, short),
                    (width - short, 0, width, short) if width > height
                    else (0, height - short, short, height)]
    corners_all, scores_all = [], []
    for region in regions:
        corners, scores = _infer(rgb.crop(region) if region != regions[0] else rgb)
        corners_all.append(corners + np.array(region[:2] * 2))
        scores_all.append(scores)
    corners = np.concatenate(corners_all)
    if not len(corners):
        return []
    merged = _weighted_merge(corners, np.concatenate(scores_all))
    smallest = MIN_FACE_SHARE * side
    found: list[FaceBox] = []
    for (x0, y0, x1, y1), score in merged:
        x0, y0 = max(0.0, x0), max(0.0, y0)
        x1, y1 = min(float(width), x1), min(float(height), y1)
        if min(x1 - x0, y1 - y0) < smallest:
            continue
        found.append(FaceBox(round(x0), round(y0), round(x1 - x0), round(y1 - y0),
                             score=round(float(score), 3)))
    return sorted(found, key=lambda f: -f.width * f.height)


def _infer(picture: Image.Image) -> tuple[Any, Any]:
    """The model's boxes over ``MIN_SCORE`` in ``picture`` as (x0, y0, x1, y1) pixels, and
    their scores."""
    import numpy as np

    cv2, net = _net()
    side = max(picture.size)
    # Letterbox into a black square: the model needs one and faces keep their shape.
    scale = INPUT_SIDE / side
    inner = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
    square = Image.new("RGB", (INPUT_SIDE, INPUT_SIDE))
    pad = ((INPUT_SIDE - inner[0]) // 2, (INPUT_SIDE - inner[1]) // 2)
    # Reduce first (cheap box filter), then a proper resample to the model's size.
    if side > INPUT_SIDE * 4:
        picture = picture.reduce(side // (INPUT_SIDE * 2))
    square.paste(picture.resize(inner, Image.Resampling.BILINEAR), pad)
    try:
        blob = cv2.dnn.blobFromImage(np.asarray(square), 1 / 127.5,
                                     mean=(127.5, 127.5, 127.5))
        net.setInput(blob)
        scores, boxes = net.forward(net.getUnconnectedOutLayersNames())
    except cv2.error as exc:
        # An OpenCV build that cannot run the model is a missing detector, not a bug: the
        # pre-check goes on without faces rather than failing the photo.
        raise DetectorUnavailable(f"face model failed: {exc}") from None
    if scores.shape[-1] != 1:  # output order is the importer's: the 1-wide one is the score
        scores, boxes = boxes, scores
    logits = np.clip(scores.reshape(-1), -100, 100)
    chosen = np.nonzero(logits > np.log(MIN_SCORE / (1 - MIN_SCORE)))[0]
    raw = boxes.reshape(-1, 16)[chosen, :4] / INPUT_SIDE
    centres = _anchor_centres()[chosen]
    cx, cy = raw[:, 0] + centres[:, 0], raw[:, 1] + centres[:, 1]
    half_w, half_h = raw[:, 2] / 2, raw[:, 3] / 2
    # Back to the picture's pixels: undo the letterbox.
    corners = np.stack([cx - half_w, cy - half_h, cx + half_w, cy + half_h], axis=1)
    corners = (corners * INPUT_SIDE - np.array([pad[0], pad[1], pad[0], pad[1]])) / scale
    return corners, 1 / (1 + np.exp(-logits[chosen]))


def _weighted_merge(corners: Any, scores: Any) -> list[tuple[tuple[float, ...], float]]:
    """MediaPipe's weighted non-maximum suppression: the best-scored box takes every box
    overlapping it, and the face is their score-weighted mean (steadier than the best alone)."""
    import numpy as np

    order = np.argsort(-scores)
    left = list(order)
    merged: list[tuple[tuple[float, ...], float]] = []
    while left:
        best = left[0]
        others = np.array(left)
        ious = _iou(corners[best], corners[others])
        same = others[ious > OVERLAP]
        weights = scores[same]
        box = (corners[same] * weights[:, None]).sum(axis=0) / weights.sum()
        merged.append((tuple(float(v) for v in box), float(scores[best])))
        left = [i for i in left if i not in set(same.tolist())]
    return merged


def _iou(box: Any, others: Any) -> Any:
    import numpy as np

    x0 = np.maximum(box[0], others[:, 0])
    y0 = np.maximum(box[1], others[:, 1])
    x1 = np.minimum(box[2], others[:, 2])
    y1 = np.minimum(box[3], others[:, 3])
    inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (others[:, 2] - others[:, 0]) * (others[:, 3] - others[:, 1])
    return inter / np.maximum(area + areas - inter, 1e-9)


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
