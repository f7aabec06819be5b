"""Pre-checks before a paid call: hold a photo the service would refuse or score meaninglessly.

Too small, an extreme aspect ratio, too dark / overexposed / blurred, no face or more than one
face (the local detector in ``faces``). A held photo is never sent unless the operator says so
(``--force`` in the CLI, "send anyway" in the desk). Everything here is CPU work of some
milliseconds: run it on a worker thread.

Brightness, exposure and blur are judged on the face (on the centre when there is none), and
results are remembered by content: the same photo added again, or a queue restored, is never
analysed twice in a process.
"""

from __future__ import annotations

import io
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace

from PIL import Image

from livedetect_gui.core.imaging import faces
from livedetect_gui.core.imaging.faces import FaceBox
from livedetect_gui.core.imaging.prepare import PreparedImage
from livedetect_gui.core.imaging.quality import (
    FACE_BLUR_VARIANCE,
    FACE_SIDE,
    FrameQuality,
    assess,
    centre,
)
from livedetect_gui.core.messages import detail as detail_message

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PrecheckPolicy:
    min_short_side: int = 240  # of the original photo
    max_aspect: float = 2.5  # long side over short side
    # Smallest face (its box's shorter side, in the pixels sent) for backends that require
    # one (API 3.0: 100); None: no rule. Set from the backend by ``policy_for``.
    min_face_px: int | None = None
    quality: bool = True
    faces: bool = True
    blur_variance: float = FACE_BLUR_VARIANCE  # on the face (or centre) at FACE_SIDE px wide


def policy_for(min_face_px: int | None, base: PrecheckPolicy | None = None) -> PrecheckPolicy:
    """The pre-checks for a backend whose service wants faces of at least ``min_face_px``
    (``ServiceLimits.min_face_px``): one rule for the CLI and the desk alike."""
    return replace(base or PrecheckPolicy(), min_face_px=min_face_px)


@dataclass(frozen=True)
class Precheck:
    """What the pre-checks found. ``faces`` are in the pixels of the analysed copy of the
    prepared photo, whose size is ``size``: scale them to draw on any preview."""

    holds: tuple[str, ...]  # catalogue keys ("held_no_face", ...), most important first
    size: tuple[int, int] = (0, 0)
    faces: tuple[FaceBox, ...] = ()
    quality: FrameQuality | None = None
    detail: str = ""
    # False when the face detector could not run here (OpenCV missing): no face rule applied.
    faces_checked: bool = field(default=False)

    @property
    def held(self) -> bool:
        return bool(self.holds)


CACHE_SIZE = 1024  # results kept (a few hundred bytes each): more than a desk's queue
_cache: OrderedDict[tuple[str, tuple[int, int, int, int], PrecheckPolicy], Precheck] = (
    OrderedDict())
_cache_lock = threading.Lock()


def precheck(prepared: PreparedImage, policy: PrecheckPolicy = PrecheckPolicy()) -> Precheck:
    """Run the pre-checks on a prepared photo (the original's size comes with it). Remembered
    by the content of the photo to send and the policy: the same content is analysed once."""
    key = (prepared.sha256, (prepared.original_width, prepared.original_height,
                             prepared.width, prepared.height), policy)
    with _cache_lock:
        known = _cache.get(key)
        if known is not None:
            _cache.move_to_end(key)
            return known
    found = _precheck(prepared, policy)
    with _cache_lock:
        _cache[key] = found
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return found


def forget_prechecks() -> None:
    """Drop every remembered result (the detector or its rules changed under a test)."""
    with _cache_lock:
        _cache.clear()


def _precheck(prepared: PreparedImage, policy: PrecheckPolicy) -> Precheck:
    long_side = max(prepared.original_width, prepared.original_height)
    short_side = min(prepared.original_width, prepared.original_height)
    if short_side < policy.min_short_side:
        return Precheck(("held_small",), detail=detail_message(
            "small_photo", width=prepared.original_width, height=prepared.original_height,
            limit=policy.min_short_side))
    if long_side / short_side > policy.max_aspect:
        return Precheck(("held_aspect",), detail=detail_message(
            "aspect", width=prepared.original_width, height=prepared.original_height,
            ratio=f"{long_side / short_side:.1f}"))
    with Image.open(io.BytesIO(prepared.data)) as im:
        # A reduced-scale decode is plenty for brightness, blur and the detector's 512 px.
        im.draft("RGB", (faces.DETECT_SIDE, faces.DETECT_SIDE))
        picture = im.convert("RGB")
    # The face-size rule is the service's: it sees the prepared photo, not the original.
    return precheck_image(picture, (prepared.width, prepared.height), policy)


def precheck_image(picture: Image.Image, sent_size: tuple[int, int],
                   policy: PrecheckPolicy = PrecheckPolicy()) -> Precheck:
    """The quality and face rules on an upright picture (any size) of a photo sent at
    ``sent_size``."""
    holds: list[str] = []
    details: list[str] = []
    found: tuple[FaceBox, ...] = ()
    checked = False
    if policy.faces:
        try:
            found = tuple(faces.detect_faces(picture))
            checked = True
        except faces.DetectorUnavailable as exc:
            log.warning("face pre-check skipped: %s", exc)
        if checked and not found:
            holds.insert(0, "held_no_face")
        elif len(found) > 1:
            holds.insert(0, "held_faces")
            details.append(detail_message("faces", count=len(found)))
        elif found and policy.min_face_px is not None:
            scale = max(sent_size) / max(picture.size)
            face_px = round(min(found[0].width, found[0].height) * scale)
            if face_px < policy.min_face_px:
                holds.insert(0, "held_small_face")
                details.append(detail_message("face_px", size=face_px, limit=policy.min_face_px))
    quality = None
    if policy.quality:
        # The largest face is the sitter; with none, the centre is where one should be.
        region = (found[0].left, found[0].top, found[0].right, found[0].bottom) if found \
            else centre(picture.size)
        quality = assess(picture, region, FACE_SIDE)
        holds += [f"held_{issue}" for issue in quality.issues(policy.blur_variance)]
    return Precheck(tuple(holds), picture.size, found, quality, "; ".join(details), checked)
