"""The sandbox's SIMULATED scores, and the image checks the service makes before scoring.

Scores derive from a hash of the decoded pixels (the same photo always gets the same score);
they say nothing about liveness. A nearly uniform picture (a blank frame) has "no face".
"""

from __future__ import annotations

import hashlib
import io

from PIL import Image, ImageStat

from livedetect_gui.core.imaging.decode_memory import PREPARATION_BUDGET, working_bytes
from livedetect_gui.core.imaging.prepare import READ_FORMATS

# Image dimensions the service decodes (API 3.0's documented limits; the legacy page only
# recommends 1280x720): JPEG long side at most 4000 px, other formats at most 2000 px.
MAX_JPEG_SIDE = 4000
MAX_OTHER_SIDE = 2000


def pixel_digest(image: Image.Image) -> bytes | None:
    """A digest of a small greyscale rendering, or None for a nearly uniform (blank) frame."""
    if image.format == "JPEG":
        image.draft("L", (64, 64))
    small = image.convert("L")
    small.thumbnail((64, 64))
    if ImageStat.Stat(small).stddev[0] < 2.0:
        return None
    return hashlib.sha256(small.tobytes()).digest()


def simulated_score(image: Image.Image) -> int | None:
    """The legacy API's stable pseudo-score (int) for the decoded pixels, or None when there
    is "no face" to find (the service's -4015).

    A JPEG is decoded at reduced scale (the whole stream is still read, so a corrupt one
    still fails): the sandbox runs inside the desk in sandbox mode and should cost little.
    """
    digest = pixel_digest(image)
    if digest is None:
        return None
    # 40..100: most photos fail a threshold of 87, a fair share pass.
    return 40 + int.from_bytes(digest[:4], "big") % 61


def simulated_score_api3(image: Image.Image) -> float | None:
    """API 3.0's pseudo-score (a float spread over 0..100, both sides of the recommended 40),
    or None for "no face"."""
    digest = pixel_digest(image)
    if digest is None:
        return None
    return int.from_bytes(digest[4:8], "big") % 10001 / 100


class ImageProblem(Exception):
    """The uploaded or fetched image cannot be scored: ``code`` is the service's answer."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def score_image(data: bytes) -> int | None:
    """The legacy simulated score of image bytes, decoded the way the service would refuse
    them: over-limit dimensions and undecodable or animated files raise ImageProblem(-4016)
    from the header, before any pixels are decoded; the decode itself is reduced (JPEG 1/8)
    and counted in the process's preparation memory budget."""
    try:
        im = Image.open(io.BytesIO(data), formats=READ_FORMATS)
    except Exception as exc:  # any decoder failure is the service's -4016
        raise ImageProblem(-4016, f"image decode failed ({type(exc).__name__})") from None
    with im:
        width, height = im.size
        side = MAX_JPEG_SIDE if im.format in ("JPEG", "MPO") else MAX_OTHER_SIDE
        if max(width, height) > side:
            raise ImageProblem(-4016, f"image decode failed ({width}x{height}: {im.format} "
                                      f"long side over {side} px)")
        if im.format != "MPO" and getattr(im, "is_animated", False):
            raise ImageProblem(-4016, "image decode failed (animated image)")
        try:
            if im.format in ("JPEG", "MPO"):  # simulated_score decodes it at 1/8 scale
                nbytes = -(-width // 8) * -(-height // 8) * 4
            else:
                nbytes = working_bytes(im, side * side * 4)
            with PREPARATION_BUDGET.reserve(nbytes):
                return simulated_score(im)
        except Exception as exc:
            raise ImageProblem(-4016, f"image decode failed ({type(exc).__name__})") from None
