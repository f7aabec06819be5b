"""How much memory decoding a photo takes, and a process-wide budget for it: a preparation
that would exceed the budget waits its turn; one that could never fit is refused, unbilled.
Shared by the desk's and the CLI's preparation and by the sandbox."""

from __future__ import annotations

import contextlib
import threading
from collections import deque
from collections.abc import Iterator

from PIL import Image

# What all preparations and thumbnails of one process may hold in decoded pixels at once
# (CLI batch, desk preparation pool and sandbox alike): a second large photo waits for the
# first instead of doubling the peak. Two worst-case decodes; small photos run side by side.
PREPARATION_MEMORY_BYTES = 320_000_000


class MemoryBudget:
    """Bytes of decoded pixels a process may hold at once; a preparation that would exceed it
    waits until others finish, in arrival order (small ones never starve a large one). One
    request larger than the whole budget still runs, alone."""

    def __init__(self, total: int) -> None:
        self.total = total
        self._used = 0
        self._peak = 0
        self._waiting: deque[object] = deque()
        self._cond = threading.Condition()

    @contextlib.contextmanager
    def reserve(self, nbytes: int) -> Iterator[None]:
        nbytes = min(max(0, nbytes), self.total)
        ticket = object()
        with self._cond:
            self._waiting.append(ticket)
            self._cond.wait_for(
                lambda: self._waiting[0] is ticket and self._used + nbytes <= self.total)
            self._waiting.popleft()
            self._used += nbytes
            self._peak = max(self._peak, self._used)
            self._cond.notify_all()  # the next in line may fit too
        try:
            yield
        finally:
            with self._cond:
                self._used -= nbytes
                self._cond.notify_all()

    @property
    def peak(self) -> int:
        """The most ever reserved at once (for tests and benchmarks)."""
        return self._peak


PREPARATION_BUDGET = MemoryBudget(PREPARATION_MEMORY_BYTES)


class ImageRefused(Exception):
    """The photo cannot be sent; ``key`` names the problem in the error catalogue."""

    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(f"{key}: {detail}" if detail else key)
        self.key = key
        self.detail = detail


def _pixel_bytes(mode: str) -> int:
    """Bytes per pixel Pillow uses to hold ``mode`` (every multi-band mode takes 4)."""
    if mode in ("1", "L", "P"):
        return 1
    if mode.startswith("I;16"):
        return 2
    return 4


# Extra bytes per pixel for the full-size copies a mode needs before it can be shrunk (as
# measured): the premultiplied copy a resize makes of alpha, the RGB(A) a palette or 1-bit
# picture becomes, the two 32-bit steps and the grey result of scaling 16 bits to 8.
_COPY_BYTES = {"L": 0, "RGB": 0, "YCbCr": 0, "CMYK": 0, "I": 0, "F": 0, "RGBA": 4, "LA": 3,
               "1": 4, "P": 8, "PA": 8, "I;16": 9, "I;16L": 9, "I;16B": 9, "I;16N": 9}
# Decoders that hand Pillow a whole decoded copy of their own (libwebp's RGBA frame, kept
# while Pillow copies it; libheif's buffer): extra bytes per pixel, as measured.
_DECODER_COPY_BYTES = {"WEBP": 12, "HEIF": 4, "AVIF": 4}


def working_bytes(im: Image.Image, max_decode_bytes: int,
                   budget: MemoryBudget | None = None) -> int:
    """What preparing ``im`` (after any draft) holds at its peak. Refuses a decode over
    ``max_decode_bytes``, or one that could never fit in the process's memory budget."""
    budget = budget or PREPARATION_BUDGET
    pixels = im.size[0] * im.size[1]
    decoded = pixels * _pixel_bytes(im.mode)
    extra = _COPY_BYTES.get(im.mode, 4)
    if im.mode == "P" and "transparency" not in im.info:
        extra = 4  # becomes RGB, no premultiplied copy
    working = decoded + pixels * (extra + _DECODER_COPY_BYTES.get(im.format or "", 0))
    if decoded > max_decode_bytes or working > budget.total:
        raise ImageRefused(
            "too_many_pixels",
            f"{im.size[0]}x{im.size[1]} {im.mode} takes {working / 1e6:.0f} MB to decode; "
            f"the limit is {min(max_decode_bytes, budget.total) / 1e6:.0f} MB",
        )
    return working
