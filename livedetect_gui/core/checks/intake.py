"""Getting a photo into the queue: what will be sent, its original size, a thumbnail; the
desk's own look at a URL image (for the thumbnail and preview only: the service still gets
the URL); and a camera capture written as a private JPEG.

Everything here runs on workers and goes through the imaging module's guards (allowed
formats, pixel limit), so a hostile file is refused the same way wherever it comes in.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image

from livedetect_gui.core.checks.planning import Source, prepare
from livedetect_gui.core.imaging.prechecks import Precheck, PrecheckPolicy, precheck
from livedetect_gui.core.imaging.prepare import READ_FORMATS, ImageRefused, Limits, load_thumbnail
from livedetect_gui.core.imaging.quality import FrameQuality, assess
from livedetect_gui.core.paths import capture_name, private_dir, write_private
from livedetect_gui.core.result import PreparedInfo
from livedetect_gui.core.user_files import open_regular

THUMB_SIZE = 96
# A URL image fetched for the preview: bounded in size and time, never sent anywhere.
URL_PREVIEW_MAX_BYTES = 15_000_000
URL_PREVIEW_TIMEOUT = (3.05, 10.0)
URL_PREVIEW_DEADLINE = 20.0  # seconds for the whole preview download
# Captures: high enough that preparation's own re-encode is the only visible loss.
CAPTURE_JPEG_QUALITY = 92


@dataclass(frozen=True)
class Intake:
    thumbnail: Image.Image | None
    original: tuple[int, int, int] | None  # width, height, bytes
    prepared: PreparedInfo | None
    actions: tuple[str, ...]
    refusal: ImageRefused | None
    # What the pre-checks found (None when they were not asked for); a held photo
    # is not sent unless the operator says so. Faces are in ``precheck.size`` pixels.
    precheck: Precheck | None = None


def analyse(source: Source, limits: Limits, policy: PrecheckPolicy | None = None) -> Intake:
    """Prepare the photo once to learn what will be sent; keep only its thumbnail. With a
    ``policy``, the pre-checks (face detector included) run here too: on the caller's worker."""
    try:
        prepared = prepare(source, limits)
    except ImageRefused as refusal:
        return Intake(_thumbnail_anyway(source, limits), probe_size(source, limits), None, (),
                      refusal)
    return Intake(
        # From the bytes just prepared, at 1/8 scale in Pillow (which releases the GIL).
        thumbnail=load_thumbnail(prepared.data, THUMB_SIZE),
        original=(prepared.original_width, prepared.original_height, prepared.original_bytes),
        prepared=prepared.info,
        actions=prepared.actions,
        refusal=None,
        precheck=precheck(prepared, policy) if policy is not None else None,
    )


def probe_size(source: Source, limits: Limits) -> tuple[int, int, int] | None:
    """Width, height and bytes of a file the desk may open (allowed formats, pixel guard);
    None when it may not or cannot."""
    if source.path is None:
        return None
    try:
        with open_regular(source.path) as handle, Image.open(handle, formats=READ_FORMATS) as im:
            if im.width * im.height > limits.max_pixels:
                return None
            return im.width, im.height, os.fstat(handle.fileno()).st_size
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError):
        return None


def _thumbnail_anyway(source: Source, limits: Limits) -> Image.Image | None:
    if source.path is None:
        return None
    try:
        return load_thumbnail(source.path, THUMB_SIZE, limits.max_pixels)
    except (ImageRefused, OSError, ValueError):
        return None


def fetch_url_image(url: str, max_bytes: int = URL_PREVIEW_MAX_BYTES,
                    timeout: tuple[float, float] = URL_PREVIEW_TIMEOUT,
                    deadline: float = URL_PREVIEW_DEADLINE) -> bytes:
    """The image at ``url``, for the desk's own preview; raises ImageRefused (``bad_url``,
    ``too_large``, ``timeout``, ``connection``...). Streams, stops at ``max_bytes``; the whole
    download ends after ``deadline`` seconds (the socket timeouts bound each silence only: a
    server dripping a byte a second never trips them)."""
    import requests

    from livedetect_gui.core.service.transport import DownloadDeadline

    if urlsplit(url).scheme not in ("http", "https"):
        raise ImageRefused("bad_url", url)
    download = DownloadDeadline(deadline)
    chunks: list[bytes] = []
    try:
        with download, download.session.get(url, stream=True, timeout=timeout) as response:
            if response.status_code != 200:
                raise ImageRefused("http_error", f"HTTP {response.status_code}")
            total = 0
            for chunk in response.iter_content(64 * 1024):
                total += len(chunk)
                if total > max_bytes:
                    raise ImageRefused("too_large", f"over {max_bytes} bytes")
                chunks.append(chunk)
    except requests.Timeout as exc:
        raise ImageRefused("timeout", type(exc).__name__) from None
    except requests.RequestException as exc:
        if download.fired:
            raise ImageRefused("timeout", f"over {deadline:g} s") from None
        raise ImageRefused("connection", type(exc).__name__) from None
    if download.fired:  # a cut socket can look like the end of a short answer
        raise ImageRefused("timeout", f"over {deadline:g} s")
    return b"".join(chunks)


def stop_downloads() -> None:
    """A closing desk ends the URL downloads under way now, not at their deadline."""
    from livedetect_gui.core.service.transport import cut_downloads

    cut_downloads()


def url_thumbnail(url: str, box: int = THUMB_SIZE) -> tuple[Image.Image, bytes]:
    """A thumbnail of a URL image and the bytes it came from (the preview decodes those)."""
    data = fetch_url_image(url)
    return load_thumbnail(data, box), data


@dataclass(frozen=True)
class Captured:
    path: Path
    quality: FrameQuality
    width: int
    height: int


def save_capture(picture: Image.Image, folder: Path) -> Captured:
    """A camera frame: its quality assessed, then written as a private JPEG (0600 in a 0700
    folder: a face photo is personal data)."""
    import io

    quality = assess(picture)
    private_dir(folder)
    path = folder / capture_name()
    buffer = io.BytesIO()
    picture.convert("RGB").save(buffer, "JPEG", quality=CAPTURE_JPEG_QUALITY)
    write_private(path, buffer.getvalue())
    return Captured(path, quality, picture.width, picture.height)
