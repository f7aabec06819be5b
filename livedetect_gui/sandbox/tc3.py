"""The sandbox's API 3.0 side: ``/`` answering ``DetectLiveFaceAccurate`` as the service does.

Same process, same accounts (secret id and key), same fault injection as the legacy path.
Authenticates the request (tc3_auth: TC3 over POST or GET, or the older v1 signature), checks
action, version and region, and answers in API 3.0's shape with HTTP 200 for every error.
Scores are SIMULATED (scoring.simulated_score_api3).
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import uuid
from collections.abc import Callable

from PIL import Image

from livedetect_gui.core.service.backend_tc3 import (
    ACTION,
    FACE_MODEL_VERSION,
    IMAGE_BASE64_LIMIT,
    VERSION,
)
from livedetect_gui.core.service.credentials import TC3_REGIONS
from livedetect_gui.core.service.signing_tc3 import Tc3Error
from livedetect_gui.sandbox.exchange import Exchange
from livedetect_gui.sandbox.faults import ANSWERED
from livedetect_gui.sandbox.fetch import fetch_image
from livedetect_gui.sandbox.scoring import MAX_JPEG_SIDE, MAX_OTHER_SIDE, simulated_score_api3
from livedetect_gui.sandbox.tc3_auth import authenticate

# API 3.0 takes the whole request up to 10 MB; beyond it the sandbox stops reading.
MAX_REQUEST_BYTES = 2 * IMAGE_BASE64_LIMIT
ACCEPTED_FORMATS = ("JPEG", "PNG", "BMP")
_CONTENT_LENGTH = re.compile(r"[0-9]{1,12}")


def serve(exchange: Exchange) -> None:
    """Answer one API 3.0 request (a POST, or a GET with its parameters in the query)."""
    service = exchange.service
    service.count("requests:tc3")
    request_id = str(uuid.uuid4())

    def error(code: str, message: str, close: bool = False) -> None:
        service.count(f"tc3:{code}")
        exchange.reply({"Response": {"Error": {"Code": code, "Message": message},
                                     "RequestId": request_id}}, close=close)

    length_header = (exchange.headers.get("Content-Length") or "").strip()
    if exchange.command == "GET" and not length_header:
        length_header = "0"  # a GET's parameters are in its query string
    if _CONTENT_LENGTH.fullmatch(length_header) is None:
        error("MissingParameter.ErrorParameterEmpty", "Content-Length required", close=True)
        return
    length = int(length_header)
    if length > MAX_REQUEST_BYTES:
        error("RequestSizeLimitExceeded", "The request is over 10 MB.", close=True)
        return
    # Bodies held at once stay within the budget here too.
    with service.bodies.reserve(length):
        body = exchange.rfile.read(length) if length else b""
        if len(body) < length:  # the client went away mid-body: nobody to answer
            exchange.close_connection = True
            service.count("dropped")
            return
        fault = exchange.inject_fault()
        if fault == ANSWERED:
            return
        keys = {a.secret_id: a.secret_key for a in service.config.accounts}
        try:
            call = authenticate(exchange.command, exchange.path, dict(exchange.headers.items()),
                                body, keys)
        except Tc3Error as exc:
            error(exc.code, exc.message)
            return
        if call.action != ACTION:
            error("InvalidAction", "The action does not exist.")
            return
        if call.version != VERSION:
            error("NoSuchVersion", "The API version does not exist.")
            return
        if call.region not in TC3_REGIONS:
            error("UnsupportedRegion", "The action is not supported in this region.")
            return
        if fault == "throttle" or not service.limiter.allow(call.secret_id):
            error("RequestLimitExceeded", "Too many requests.")
            return
        if call.params is None:
            error("InvalidParameter", "The body is not a JSON object.")
            return
        _detect(exchange, call.params, error, request_id)


def _detect(exchange: Exchange, data: dict[str, object], error: Callable[[str, str], None],
            request_id: str) -> None:
    service = exchange.service
    model = data.get("FaceModelVersion")
    if model is not None and model != FACE_MODEL_VERSION:
        error("InvalidParameterValue.FaceModelVersionIllegal", "FaceModelVersion must be 3.0.")
        return
    url, image = data.get("Url"), data.get("Image")
    if url:  # Url wins when both are given
        if not isinstance(url, str):
            error("InvalidParameterValue.UrlIllegal", "Url must be a string.")
            return
        try:
            raw = fetch_image(url, IMAGE_BASE64_LIMIT,
                              allow_loopback=service.config.allow_loopback_urls)
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
            score = simulated_score_api3(im)
    except Image.DecompressionBombError:
        error("FailedOperation.ImageResolutionExceed", "The image's resolution is too large.")
        return
    except Exception as exc:  # any decoder failure is the service's ImageDecodeFailed
        error("FailedOperation.ImageDecodeFailed", f"Image decode failed ({type(exc).__name__}).")
        return
    if score is None:
        error("InvalidParameterValue.NoFaceInPhoto", "There is no face in the image.")
        return
    service.count("billed")
    service.count("billed:tc3")
    exchange.reply({"Response": {"Score": score, "FaceModelVersion": FACE_MODEL_VERSION,
                                 "RequestId": request_id}})
