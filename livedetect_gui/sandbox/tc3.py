"""The sandbox's API 3.0 side: ``POST /`` answering ``DetectLiveFaceAccurate`` as the service does.

Same process, same accounts (secret id and key), same fault injection as the legacy path.
Verifies TC3 (the Host received, the timestamp within 5 minutes, the secret id known), checks
action, version and region, and answers in API 3.0's shape with HTTP 200 for every error.
Scores are SIMULATED: a float per image, deterministic, spread over 0..100 (both sides of
the recommended 40).
"""

from __future__ import annotations

import base64
import binascii
import io
import uuid
from typing import TYPE_CHECKING

from PIL import Image

from livedetect_gui.core.service.backend import parse_json
from livedetect_gui.core.service.backend_tc3 import (
    ACTION,
    FACE_MODEL_VERSION,
    IMAGE_BASE64_LIMIT,
    VERSION,
)
from livedetect_gui.core.service.credentials import TC3_REGIONS
from livedetect_gui.core.service.signing_tc3 import Tc3Error, verify

if TYPE_CHECKING:
    from livedetect_gui.sandbox.server import _Handler

# API 3.0 takes the whole request up to 10 MB; beyond it the sandbox stops reading.
MAX_REQUEST_BYTES = 2 * IMAGE_BASE64_LIMIT
# JPEG long side at most 4000 px, other formats at most 2000 px (the provider's limits).
MAX_JPEG_SIDE = 4000
MAX_OTHER_SIDE = 2000
ACCEPTED_FORMATS = ("JPEG", "PNG", "BMP")


def simulated_score(image: Image.Image) -> float | None:
    """The API 3.0 pseudo-score of decoded pixels (None: "no face", a blank frame)."""
    from livedetect_gui.sandbox.server import pixel_digest

    digest = pixel_digest(image)
    if digest is None:
        return None
    return int.from_bytes(digest[4:8], "big") % 10001 / 100


def serve(handler: _Handler) -> None:
    """Answer one API 3.0 request on ``handler`` (the legacy handler's plumbing is reused)."""
    sandbox = handler.server.sandbox
    sandbox.count("requests:tc3")
    request_id = str(uuid.uuid4())

    def error(code: str, message: str, close: bool = False) -> None:
        sandbox.count(f"tc3:{code}")
        handler._reply({"Response": {"Error": {"Code": code, "Message": message},
                                     "RequestId": request_id}}, close=close)

    length_header = handler.headers.get("Content-Length", "")
    if not (length_header.isascii() and length_header.isdigit()) or len(length_header) > 12:
        error("MissingParameter.ErrorParameterEmpty", "Content-Length required", close=True)
        return
    length = int(length_header)
    if length > MAX_REQUEST_BYTES:
        error("RequestSizeLimitExceeded", "The request is over 10 MB.", close=True)
        return
    body = handler.rfile.read(length)

    fault = handler.inject_fault()
    if fault == "answered":
        return

    headers = dict(handler.headers.items())
    keys = {a.secret_id: a.secret_key for a in sandbox.config.accounts}
    try:
        secret_id = verify(headers, body, keys)
    except Tc3Error as exc:
        error(exc.code, exc.message)
        return
    if handler.headers.get("X-TC-Action") != ACTION:
        error("InvalidAction", "The action does not exist.")
        return
    if handler.headers.get("X-TC-Version") != VERSION:
        error("NoSuchVersion", "The API version does not exist.")
        return
    if handler.headers.get("X-TC-Region") not in TC3_REGIONS:
        error("UnsupportedRegion", "The action is not supported in this region.")
        return
    if fault == "throttle" or not sandbox.limiter.allow(secret_id):
        error("RequestLimitExceeded", "Too many requests.")
        return

    data = parse_json(body)
    if not isinstance(data, dict):
        error("InvalidParameter", "The body is not a JSON object.")
        return
    model = data.get("FaceModelVersion")
    if model is not None and model != FACE_MODEL_VERSION:
        error("InvalidParameterValue.FaceModelVersionIllegal", "FaceModelVersion must be 3.0.")
        return
    url, image = data.get("Url"), data.get("Image")
    if url:  # Url wins when both are given
        if not isinstance(url, str):
            error("InvalidParameterValue.UrlIllegal", "Url must be a string.")
            return
        from livedetect_gui.sandbox.server import fetch_image

        try:
            raw = fetch_image(url, IMAGE_BASE64_LIMIT,
                              allow_loopback=sandbox.config.allow_loopback_urls)
        except ValueError as exc:
            error("FailedOperation.ImageDownloadError", f"Image download failed: {exc}")
            return
    else:
        if not image or not isinstance(image, str):
            error("InvalidParameterValue.ImageEmpty", "Image and Url are both empty.")
            return
        if len(image) > IMAGE_BASE64_LIMIT:
            error("FailedOperation.ImageSizeExceed", "The base64 image is over 5 MB.")
            return
        try:
            raw = base64.b64decode(image, validate=True)
        except (binascii.Error, ValueError):
            error("FailedOperation.ImageDecodeFailed", "The image is not valid base64.")
            return
    if not raw:
        error("InvalidParameterValue.ImageEmpty", "The image is empty.")
        return
    try:
        with Image.open(io.BytesIO(raw)) as im:
            limit = MAX_JPEG_SIDE if im.format == "JPEG" else MAX_OTHER_SIDE
            if max(im.size) > limit:
                error("FailedOperation.ImageResolutionExceed",
                      f"The image's long side is over {limit} px.")
                return
            if im.format not in ACCEPTED_FORMATS:
                raise ValueError(f"format {im.format}")
            score = simulated_score(im)
    except Image.DecompressionBombError:
        error("FailedOperation.ImageResolutionExceed", "The image's resolution is too large.")
        return
    except Exception as exc:  # any decoder failure is the service's ImageDecodeFailed
        error("FailedOperation.ImageDecodeFailed", f"Image decode failed ({type(exc).__name__}).")
        return
    if score is None:
        error("InvalidParameterValue.NoFaceInPhoto", "There is no face in the image.")
        return
    sandbox.count("billed")
    sandbox.count("billed:tc3")
    handler._reply({"Response": {"Score": score, "FaceModelVersion": FACE_MODEL_VERSION,
                                 "RequestId": request_id}})



