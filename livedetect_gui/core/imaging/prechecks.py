"""Pre-checks before a paid call: hold a photo the service would refuse or score meaninglessly.

Too small, an extreme aspect ratio, too dark / overexposed / blurred, no face or more than one
face (the local detector in ``faces``). A held photo is never sent unless the operator says so
(``--force`` in the CLI, "send anyway" in the desk). Everything here is CPU work of tens of
milliseconds: run it on a worker thread.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field

from PIL import Image

from livedetect_gui.core.imaging import faces
from livedetect_gui.core.imaging.faces import FaceBox
from livedetect_gui.core.imaging.prepare import PreparedImage
from livedetect_gui.core.imaging.quality import PHOTO_BLUR_VARIANCE, FrameQuality, assess
from livedetect_gui.core.messages import detail as detail_message

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PrecheckPolicy:
    min_short_side: int = 240  # of the original photo
    max_aspect: float = 2.5  # long side over short side
    # Smallest face (its box's shorter side, original pixels) for backends that require one
    # (API 3.0: 100); None: no rule.
    min_face_px: int | None = None
    quality: bool = True
    faces: bool = True
    blur_variance: float = PHOTO_BLUR_VARIANCE


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


def precheck(prepared: PreparedImage, policy: PrecheckPolicy = PrecheckPolicy()) -> Precheck:
    """Run the pre-checks on a prepared photo (the original's size comes with it)."""
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
    return precheck_image(picture, (prepared.original_width, prepared.original_height), policy)


def precheck_image(picture: Image.Image, original_size: tuple[int, int],
                   policy: PrecheckPolicy = PrecheckPolicy()) -> Precheck:
    """The quality and face rules on an upright picture (any size) of a photo whose original
    is ``original_size``."""
    holds: list[str] = []
    details: list[str] = []
    quality = assess(picture) if policy.quality else None
    if quality is not None:
        holds += [f"held_{issue}" for issue in quality.issues(policy.blur_variance)]
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
            scale = max(original_size) / max(picture.size)
            face_px = round(min(found[0].width, found[0].height) * scale)
            if face_px < policy.min_face_px:
                holds.insert(0, "held_small_face")
                details.append(detail_message("face_px", size=face_px, limit=policy.min_face_px))
    return Precheck(tuple(holds), picture.size, found, quality, "; ".join(details), checked)
