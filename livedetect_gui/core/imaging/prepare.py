"""Image preparation: make a photo fit the service's limits before a paid call is made.

Orients (EXIF), converts (CMYK, palette, 16-bit, alpha), scales down and compresses into a JPEG
under the service's recommendation and its 6 MB body limit, and strips metadata. Large JPEGs are
decoded with libjpeg's DCT scaling (``Image.draft``) so a 48 MP photo never lives full size in
memory. Anything the service would reject (animations, corrupt files) is refused here, unbilled.

The decode-memory accounting is ``decode_memory.py``; the JPEG truncation checks are
``jpeg_truncation.py``.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import io
import os
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from struct import error as struct_error

from PIL import Image, ImageFile, UnidentifiedImageError

from livedetect_gui.core import defaults
from livedetect_gui.core.imaging.decode_memory import (
    PREPARATION_BUDGET,
    ImageRefused,
    working_bytes,
)
from livedetect_gui.core.imaging.jpeg_metadata import info_metadata, strip_jpeg_metadata
from livedetect_gui.core.imaging.jpeg_truncation import missing_scans, missing_tail
from livedetect_gui.core.names import visible
from livedetect_gui.core.result import PreparedInfo
from livedetect_gui.core.user_files import open_regular

try:  # HEIC/HEIF from phones; optional so a broken wheel does not take the desk down.
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIF_AVAILABLE = True
except ImportError:  # pragma: no cover - depends on the platform's wheel
    HEIF_AVAILABLE = False

# We enforce our own pixel guard (Limits.max_pixels) before decoding; Pillow's warning below
# its hard limit would only be noise on stderr.
warnings.simplefilter("ignore", Image.DecompressionBombWarning)
ImageFile.LOAD_TRUNCATED_IMAGES = False  # a truncated photo is refused, never half-sent

SERVICE_BODY_LIMIT = 6_000_000  # the provider's 6 MB, read as decimal to stay on the safe side

# Header-level sanity guard: nothing a camera makes is larger, and a JPEG this big still decodes
# at 1/8 scale (15 MP) for a few MB. Other formats are bounded by MAX_DECODE_BYTES below.
MAX_PIXELS = 120_000_000
# Bytes one decode may take (pixels x bytes per pixel of the mode as decoded; Pillow stores
# RGB as 4 bytes). 160 MB is a 40 MP RGB or RGBA picture: every phone's default output and a
# 36 MP camera's PNG/TIFF fit, and with the one working copy some modes need it still stays
# well under the 500 MB a desk may spend on preparation. A 120 MP PNG (480 MB+) is refused.
MAX_DECODE_BYTES = 160_000_000
# glibc raises its mmap threshold after each large free (up to 32 MB); from then on Pillow's
# 16 MB image blocks come from per-thread heaps that are not given back, and the process keeps
# the peak of every thread that ever held a big picture (1013 MB instead of 397 MB for the
# bench's eight large images). A fixed 1 MB threshold maps each block and unmaps it when freed.
MALLOC_MMAP_THRESHOLD = 1 << 20

# What Image.open may identify. A whitelist keeps exotic decoders (EPS via Ghostscript...) away.
# -- start-up: import just the whitelist's plugins. Image.init() imported all ~50
# (PDF, EPS, ICNS...), a tenth of a second of every `livedetect prepare`; with each named
# format already registered, Image.open(formats=...) never calls it.
from PIL import (  # noqa: E402, F401, I001
    BmpImagePlugin, GifImagePlugin, JpegImagePlugin, MpoImagePlugin, PngImagePlugin,
    TiffImagePlugin, WebPImagePlugin,
)

with contextlib.suppress(ImportError):  # Pillow 11.3+
    from PIL import AvifImagePlugin  # noqa: F401
# -- end start-up
READ_FORMATS = tuple(
    f for f in ("JPEG", "MPO", "PNG", "WEBP", "BMP", "DIB", "TIFF", "GIF", "HEIF", "AVIF")
    if f in Image.OPEN
)
IMAGE_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".webp", ".bmp", ".dib", ".tif", ".tiff", ".gif",
     ".heic", ".heif", ".avif"}
)

_ORIENTATION_TAG = 0x0112
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

ACTION_TEXT: dict[str, tuple[str, str]] = {
    "passthrough": ("sent as it is (no re-encoding)", "原图发送（未重新编码）"),
    "rotated": ("rotated upright (EXIF orientation)", "已按 EXIF 方向旋转"),
    "converted": ("colours converted", "已转换颜色模式"),
    "alpha_flattened": ("transparency flattened on white", "透明背景已填充为白色"),
    "downscaled": ("scaled down to the service's size", "已缩小到服务建议尺寸"),
    "reencoded": ("encoded as JPEG", "已编码为 JPEG"),
    "quality_lowered": ("compressed harder to fit 6 MB", "为满足 6MB 上限加大了压缩"),
    "metadata_stripped": ("metadata removed (privacy)", "已移除元数据（隐私）"),
}


REMOVED_WORDS: dict[str, tuple[str, str]] = {
    "comment": ("comment", "注释"), "text": ("text fields", "文本字段"),
    "trailing data": ("data after the image", "图像之后的数据"),
    "JFIF": ("JFIF header and thumbnail", "JFIF 头及缩略图"),
}


@dataclass(frozen=True)
class Limits:
    max_long_side: int = defaults.MAX_LONG_SIDE
    max_short_side: int = defaults.MAX_SHORT_SIDE
    max_body_bytes: int = SERVICE_BODY_LIMIT
    # Room left for the multipart envelope; the client measures the real body before sending.
    envelope_reserve: int = 1024
    max_pixels: int = MAX_PIXELS
    max_decode_bytes: int = MAX_DECODE_BYTES
    jpeg_quality: int = 90

    @property
    def max_image_bytes(self) -> int:
        return self.max_body_bytes - self.envelope_reserve

    def fit(self, width: int, height: int) -> tuple[int, int]:
        """The largest size within the limits with the same aspect; never larger than given."""
        long_side, short_side = max(width, height), min(width, height)
        scale = min(1.0, self.max_long_side / long_side, self.max_short_side / short_side)
        if scale >= 1.0:
            return width, height
        return max(1, round(width * scale)), max(1, round(height * scale))


def tune_allocator() -> None:
    """Process-wide: make glibc give freed image memory back (see MALLOC_MMAP_THRESHOLD).

    Called once by the programs that prepare photos (the CLI's image commands, the desk at
    start), never on import: a library must not change the process it is imported into."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None)
        libc.mallopt(-3, MALLOC_MMAP_THRESHOLD)  # -3: M_MMAP_THRESHOLD (glibc's malloc.h)
    except (OSError, AttributeError):  # not glibc (musl has no mallopt): nothing to tune
        pass


@dataclass(frozen=True)
class PreparedImage:
    data: bytes = field(repr=False)
    width: int
    height: int
    original_width: int
    original_height: int
    original_bytes: int
    original_format: str
    original_mode: str
    actions: tuple[str, ...]
    # The metadata kinds taken out ("EXIF", "XMP", "IPTC", "comment", ...).
    removed: tuple[str, ...] = ()
    content_type: str = "image/jpeg"

    @property
    def info(self) -> PreparedInfo:
        return PreparedInfo(self.width, self.height, len(self.data))

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def describe(self, lang: str = "en") -> list[str]:
        index = 1 if lang.startswith("zh") else 0
        lines = [ACTION_TEXT[a][index] for a in self.actions]
        if self.removed:
            words = [REMOVED_WORDS.get(k, (k, k))[index] for k in self.removed]
            lines.append(("已移除：" + "、".join(words)) if index else
                         ("removed: " + ", ".join(words)))
        return lines


def is_image_path(path: Path) -> bool:
    return path.suffix.lower() in IMAGE_SUFFIXES


def prepare_file(path: str | os.PathLike[str], limits: Limits = Limits()) -> PreparedImage:
    """Prepare a photo on disk; raises ImageRefused with a catalogue key."""
    with _open_file(Path(path)) as (handle, size):
        return _prepare(handle, size, limits)


def prepare_bytes(data: bytes, limits: Limits = Limits()) -> PreparedImage:
    """Prepare a photo held in memory (clipboard, camera, downloaded)."""
    if not data:
        raise ImageRefused("file_empty")
    return _prepare(io.BytesIO(data), len(data), limits)


def load_thumbnail(source: str | os.PathLike[str] | bytes, box: int,
                   max_pixels: int = MAX_PIXELS) -> Image.Image:
    """A small upright RGB copy of a file or of image bytes, decoded at reduced scale (JPEG:
    1/8 when that is enough); raises ImageRefused."""
    if isinstance(source, bytes):
        if not source:
            raise ImageRefused("file_empty")
        return _thumbnail(io.BytesIO(source), box, max_pixels)
    with _open_file(Path(source)) as (handle, _size):
        return _thumbnail(handle, box, max_pixels)


def _thumbnail(handle: io.BufferedIOBase | io.BytesIO, box: int, max_pixels: int
               ) -> Image.Image:
    im = _open(handle, max_pixels)
    _draft(im, *_fit_box(im.size, box))
    with PREPARATION_BUDGET.reserve(working_bytes(im, MAX_DECODE_BYTES)):
        _decode(im, handle)
        orientation = _orientation(im)
        im = _shrink(im, _fit_box(im.size, box))[0]
        im = _to_rgb(_upright(im, orientation))[0]
    im.thumbnail((box, box), Image.Resampling.BILINEAR)
    return im


# -- internals ---------------------------------------------------------------------------------


@contextlib.contextmanager
def _open_file(path: Path) -> Iterator[tuple[io.BufferedIOBase, int]]:
    """A regular, non-empty file open for reading, and its size; its type is checked on the
    open descriptor before a byte is read (a FIFO or a device never hangs a check)."""
    try:
        handle = open_regular(path)
    except FileNotFoundError:
        raise ImageRefused("file_missing", visible(str(path))) from None
    except OSError as exc:
        raise ImageRefused("file_unreadable", exc.strerror or type(exc).__name__) from None
    with handle:
        size = os.fstat(handle.fileno()).st_size
        if size == 0:
            raise ImageRefused("file_empty")
        yield handle, size  # type: ignore[misc]


# First bytes of the formats we read: a file that starts like one but cannot be opened is
# damaged (usually cut short), not "some other kind of file".
_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*",
          b"BM")


# What Pillow's decoders raise on damaged data (a malformed header can surface as any of them).
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, KeyError,
                  struct_error)


def _looks_like_image(handle: io.BufferedIOBase | io.BytesIO) -> bool:
    try:
        handle.seek(0)
        head = handle.read(16)
    except OSError:
        return False
    return head.startswith(_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP") or (
        head[4:8] == b"ftyp")


def _open(handle: io.BufferedIOBase | io.BytesIO, max_pixels: int) -> Image.Image:
    try:
        im = Image.open(handle, formats=READ_FORMATS)
    except Image.DecompressionBombError as exc:
        raise ImageRefused("too_many_pixels", str(exc)) from None
    except UnidentifiedImageError:
        if _looks_like_image(handle):  # e.g. a TIFF cut before its directory
            raise ImageRefused("truncated", "the file ends before the picture") from None
        raise ImageRefused("not_image") from None
    except _DECODE_ERRORS as exc:
        raise ImageRefused("truncated", str(exc)[:200] or type(exc).__name__) from None
    width, height = im.size
    if width * height > max_pixels:
        raise ImageRefused(
            "too_many_pixels", f"{width}x{height} is over {max_pixels / 1e6:.0f} megapixels"
        )
    if width < 1 or height < 1:
        raise ImageRefused("truncated", "zero-sized image")
    # MPO (a JPEG with a second picture appended by some cameras) is a still photo.
    try:
        animated = im.format != "MPO" and getattr(im, "is_animated", False)
        frames = getattr(im, "n_frames", "?") if animated else 1
    except _DECODE_ERRORS as exc:  # finding the next frame read a broken header
        raise ImageRefused("truncated", str(exc)[:200] or type(exc).__name__) from None
    if animated:
        from livedetect_gui.core.messages import detail as detail_message

        raise ImageRefused("animated", detail_message("animated_frames", format=im.format,
                                                      frames=frames))
    return im


def _orientation(im: Image.Image) -> int:
    try:
        value = im.getexif().get(_ORIENTATION_TAG, 1)
    except Exception:  # a broken EXIF block must not lose the photo; treat as upright
        return 1
    return value if value in _TRANSPOSE else 1


def _fit_box(size: tuple[int, int], box: int) -> tuple[int, int]:
    scale = min(1.0, box / max(size))
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _draft(im: Image.Image, width: int, height: int) -> None:
    """Let a JPEG decode at 1/2, 1/4 or 1/8 scale when that is enough, as YCbCr so that
    blocks missing from a cut-short file can be told apart (see jpeg_truncation.missing_tail)."""
    if im.format not in ("JPEG", "MPO"):
        return
    mode = im.mode if im.mode in ("L", "CMYK") else None
    if im.mode == "RGB" and im.info.get("adobe_transform", 1) != 0:
        mode = "YCbCr"
    try:
        im.draft(mode, (width, height))
    except (OSError, ValueError) as exc:
        raise ImageRefused("truncated", str(exc)[:200] or type(exc).__name__) from None


def _decode(im: Image.Image, handle: io.BufferedIOBase | io.BytesIO) -> None:
    """Load the pixels (after _draft); a JPEG must prove it is whole."""
    try:
        im.load()
    except Image.DecompressionBombError as exc:
        raise ImageRefused("too_many_pixels", str(exc)) from None
    except _DECODE_ERRORS as exc:
        raise ImageRefused("truncated", str(exc)[:200] or type(exc).__name__) from None
    except MemoryError:
        raise ImageRefused("too_many_pixels", "not enough memory to decode") from None
    if im.format in ("JPEG", "MPO"):
        if missing_tail(im):
            raise ImageRefused("truncated",
                               "image data ends early (the rest would be sent as grey)")
        if missing_scans(handle):
            raise ImageRefused("truncated", "image data ends early (scans are missing)")


def _shrink(im: Image.Image, size: tuple[int, int]) -> tuple[Image.Image, list[str]]:
    """Resize to ``size`` (in the stored orientation) before any full-size conversion; grey
    with alpha is flattened first (cheaper than a premultiplied copy, and Pillow cannot
    reduce it)."""
    actions: list[str] = []
    if im.mode in ("P", "1"):
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    elif im.mode.startswith("I;16"):  # Pillow cannot reduce it: scale to 8 bits first
        im, actions = _to_rgb(im)
    elif im.mode in ("LA", "La", "PA"):
        if im.mode == "PA":
            im = im.convert("RGBA")
        else:
            flat = Image.new("L", im.size, 255)
            flat.paste(im.getchannel("L"), mask=im.getchannel("A"))
            im = flat
            actions.append("alpha_flattened")
    if im.size == size:
        return im, actions
    return im.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0), actions


def _upright(im: Image.Image, orientation: int) -> Image.Image:
    method = _TRANSPOSE.get(orientation)
    return im.transpose(method) if method is not None else im


def _to_rgb(im: Image.Image) -> tuple[Image.Image, list[str]]:
    """RGB or L, whatever came in; returns the actions it took."""
    actions: list[str] = []
    mode = im.mode
    if mode in ("RGB", "L"):
        return im, actions
    if mode == "YCbCr" and im.format in ("JPEG", "MPO", None):
        return im.convert("RGB"), actions  # our own decode mode, not a conversion to report
    if mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
        mode = im.mode
        actions.append("converted")
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        # 16/32-bit grey: scale to 8 bits instead of clipping everything above 255 to white.
        peak = 65535 if mode.startswith("I;16") or (im.getextrema()[1] or 0) > 255 else 255
        im = im.convert("I") if mode != "F" else im
        im = im.point(lambda v: v * (255 / peak)).convert("L")
        return im, ["converted"]
    if mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = im.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat, [*actions, "alpha_flattened"]
    im = im.convert("RGB")  # CMYK, YCbCr, LAB, HSV, 1-bit...
    if "converted" not in actions:
        actions.append("converted")
    return im, actions


def _prepare(handle: io.BufferedIOBase | io.BytesIO, size: int, limits: Limits) -> PreparedImage:
    im = _open(handle, limits.max_pixels)
    fmt, mode = im.format or "?", im.mode
    width, height = im.size
    # Only a JPEG's EXIF is read from its header; Pillow loads every pixel of a PNG to look
    # for one, so other formats are asked after the budgeted decode.
    orientation = _orientation(im) if fmt in ("JPEG", "MPO") else 1
    target = limits.fit(width, height)

    stripped = None
    if (
        fmt == "JPEG"
        and orientation == 1
        and mode in ("RGB", "L")
        and target == (width, height)
        and size <= limits.max_image_bytes
    ):
        handle.seek(0)
        # None: not walkable whole, so re-encoded below rather than sent with its metadata.
        stripped = strip_jpeg_metadata(handle.read())
    if stripped is not None:
        # Already fits: send the original compressed pixels, only without the metadata.
        _draft(im, *_fit_box(im.size, 64))  # cheap 1/8-scale decode proves it is whole
        with PREPARATION_BUDGET.reserve(working_bytes(im, limits.max_decode_bytes)):
            _decode(im, handle)
        actions = ["passthrough"] + (["metadata_stripped"] if stripped.removed else [])
        return PreparedImage(stripped.data, width, height, width, height, size, fmt, mode,
                             tuple(actions), removed=stripped.removed)

    actions: list[str] = []
    _draft(im, *target)
    # Decoded pixels and every full-size copy live inside this reservation; what leaves it
    # is at most the service's size.
    with PREPARATION_BUDGET.reserve(working_bytes(im, limits.max_decode_bytes)):
        _decode(im, handle)
        if fmt not in ("JPEG", "MPO"):
            orientation = _orientation(im)
        removed = info_metadata(im.info)
        icc = im.info.get("icc_profile") if im.mode in ("RGB", "YCbCr") else None
        im, flattened = _shrink(im, target)
        actions += flattened
        if orientation != 1:
            im = _upright(im, orientation)
            actions.append("rotated")
        im, converted = _to_rgb(im)
        actions += converted
        if target != (width, height):
            actions.append("downscaled")
        actions += ["reencoded", "metadata_stripped"]
        data, out_width, out_height = _encode_within(im, limits, icc, actions)
    return PreparedImage(
        data, out_width, out_height, width, height, size, fmt, mode, tuple(actions), removed
    )


def _encode_within(
    im: Image.Image, limits: Limits, icc: bytes | None, actions: list[str]
) -> tuple[bytes, int, int]:
    """JPEG bytes under the size budget: lower the quality first, then the size."""
    qualities = [limits.jpeg_quality] + [q for q in (80, 70, 60, 50) if q < limits.jpeg_quality]
    # Pillow's JPEG encoder writes a comment found in ``info`` (a GIF's, a PNG's, the
    # source JPEG's) back out: only pixels, and the ICC profile passed explicitly, may leave.
    im.info = {}
    while True:
        for quality in qualities:
            buf = io.BytesIO()
            im.save(buf, "JPEG", quality=quality, icc_profile=icc)
            if buf.tell() <= limits.max_image_bytes:
                if quality != limits.jpeg_quality and "quality_lowered" not in actions:
                    actions.append("quality_lowered")
                return buf.getvalue(), im.width, im.height
        if min(im.size) <= 64:
            raise ImageRefused(
                "too_large", f"over {limits.max_image_bytes:,} bytes even at low quality"
            )
        im = im.resize((max(1, im.width * 4 // 5), max(1, im.height * 4 // 5)),
                       Image.Resampling.LANCZOS)
        if "quality_lowered" not in actions:
            actions.append("quality_lowered")

