"""JPEG data that ends early but still decodes: found before a truncated photo is sent.

A JPEG cut short and closed with an end-of-image marker decodes without an error: a baseline
one shows its missing blocks as flat mid-grey, a progressive one lacks its last scans. Both
would be sent (and billed) as a photo the service judges on damaged pixels.
"""

from __future__ import annotations

import io
import mmap

from PIL import Image

# A cut-short JPEG that still ends in an end-of-image marker decodes with its missing blocks
# as flat mid-grey (every coefficient zero). This many trailing grey blocks on the last row
# means data is missing; a real photo never has that many blocks of exactly neutral 128.
MISSING_TAIL_BLOCKS = 16


def missing_tail(im: Image.Image) -> bool:
    """A JPEG cut short and closed with an end-of-image marker decodes its missing blocks as
    exact mid-grey (128 in every component, as YCbCr or L). True when the last row ends in
    a run of them; a picture that is all mid-grey is left to the service to judge."""
    if im.mode not in ("YCbCr", "L"):
        return False
    scale = im.decoderconfig[0] if getattr(im, "decoderconfig", ()) else 1  # set by draft()
    block = max(1, 8 // scale)  # pixels per 8x8 block at this decode scale
    run_needed = min(im.size[0], MISSING_TAIL_BLOCKS * block)
    bands = len(im.getbands())
    last_row = im.crop((im.size[0] - run_needed, im.size[1] - 1, im.size[0], im.size[1]))
    if last_row.tobytes() != b"\x80" * (run_needed * bands):
        return False
    return not all(low == high == 128 for low, high in _extrema(im))


def _extrema(im: Image.Image) -> list[tuple[int, int]]:
    extrema = im.getextrema()
    return [extrema] if im.mode == "L" else list(extrema)  # type: ignore[list-item]


def missing_scans(handle: io.BufferedIOBase | io.BytesIO) -> bool:
    """A progressive JPEG cut short and closed with an end-of-image marker lacks its last
    scans: True unless every coefficient of every component reached full precision."""
    data = _whole(handle)
    if data is None:
        return False
    try:
        return not _scans_complete(data)
    finally:
        if isinstance(data, mmap.mmap):
            data.close()


def _whole(handle: io.BufferedIOBase | io.BytesIO) -> bytes | mmap.mmap | None:
    if isinstance(handle, io.BytesIO):
        return handle.getvalue()
    try:
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError, AttributeError):
        return None


_PROGRESSIVE_SOF = (0xC2, 0xC6, 0xCA, 0xCE)


def _scans_complete(data: bytes | mmap.mmap) -> bool:
    """Walk the markers; True unless a progressive frame's scans leave coefficients short."""
    pos, end = 2, len(data)
    components: list[int] = []
    progressive = False
    # Lowest successive-approximation bit reached per (component, coefficient).
    precision: dict[int, list[int]] = {}
    while pos + 4 <= end:
        if data[pos] != 0xFF:
            return True  # not a marker where one belongs: leave it to the decoder
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker == 0xD9:
            break
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        segment = data[pos + 4 : pos + 2 + length]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            progressive = marker in _PROGRESSIVE_SOF
            if not progressive:
                return True  # one scan holds it all: a cut shows in the pixels instead
            count = segment[5] if len(segment) > 5 else 0
            components = [segment[6 + 3 * i] for i in range(count) if 6 + 3 * i < len(segment)]
            precision = {c: [99] * 64 for c in components}
        pos += 2 + length
        if marker == 0xDA and len(segment) >= 1:
            count = segment[0]
            if len(segment) < 1 + 2 * count + 3:
                return False
            ids = [segment[1 + 2 * i] for i in range(count)]
            ss, se, approx = segment[1 + 2 * count : 4 + 2 * count]
            al = approx & 0x0F
            for cid in ids:
                levels = precision.get(cid)
                if levels is not None:
                    for k in range(ss, min(se, 63) + 1):
                        levels[k] = min(levels[k], al)
            pos = scan_end(data, pos)
    return not progressive or all(level == 0 for c in components for level in precision.get(c, [0]))


def scan_end(data: bytes | mmap.mmap, pos: int) -> int:
    """Where the entropy-coded data that starts at ``pos`` ends (the next real marker)."""
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= len(data):
            return len(data)
        following = data[pos + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            pos += 1 if following == 0xFF else 2
            continue
        return pos
