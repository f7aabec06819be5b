from __future__ import annotations

import contextlib
import io
import os
import struct
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from devsupport.windows import WINDOWS
from livedetect_gui.core.imaging.prepare import (
    ImageRefused,
    Limits,
    load_thumbnail,
    prepare_bytes,
    prepare_file,
    strip_jpeg_metadata,
)
from tests.conftest import make_photo


def decoded(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def refusal(path: Path | str, limits: Limits = Limits()) -> str:
    with pytest.raises(ImageRefused) as info:
        prepare_file(path, limits)
    return info.value.key


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "BMP", "TIFF", "GIF", "HEIF"])
def test_every_accepted_format_becomes_a_fitting_jpeg(photo, fmt: str) -> None:
    path = photo(seed=3, size=(1600, 1200), fmt=fmt)
    prepared = prepare_file(path)
    out = decoded(prepared.data)
    assert out.format == "JPEG"
    assert out.size == (prepared.width, prepared.height) == (960, 720)
    assert prepared.original_format == fmt
    assert "downscaled" in prepared.actions


@pytest.mark.parametrize(("size", "expected"), [
    ((4000, 3000), (960, 720)),   # landscape: the short side limits
    ((3000, 4000), (720, 960)),   # portrait
    ((4000, 1000), (1280, 320)),  # panorama: the long side limits
    ((500, 400), (500, 400)),     # small: never upscaled
])
def test_fits_the_recommended_size_without_upscaling(photo, size, expected) -> None:
    prepared = prepare_file(photo(seed=1, size=size, fmt="PNG"))
    assert (prepared.width, prepared.height) == expected


def test_limits_are_configurable(photo) -> None:
    prepared = prepare_file(photo(size=(4000, 3000)), Limits(max_long_side=400,
                                                              max_short_side=400))
    assert (prepared.width, prepared.height) == (400, 300)


@pytest.mark.parametrize("orientation", [2, 3, 4, 5, 6, 7, 8])
def test_exif_orientation_is_applied(tmp_path: Path, orientation: int) -> None:
    # A marker in the top-left corner of the *displayed* image must stay there.
    upright = Image.new("RGB", (400, 300), (255, 255, 255))
    upright.paste((255, 0, 0), (0, 0, 80, 80))
    inverse = {2: 2, 3: 3, 4: 4, 5: 5, 6: 8, 7: 7, 8: 6}[orientation]
    stored = upright.transpose({2: Image.Transpose.FLIP_LEFT_RIGHT,
                                3: Image.Transpose.ROTATE_180,
                                4: Image.Transpose.FLIP_TOP_BOTTOM,
                                5: Image.Transpose.TRANSPOSE,
                                6: Image.Transpose.ROTATE_270,
                                7: Image.Transpose.TRANSVERSE,
                                8: Image.Transpose.ROTATE_90}[inverse])
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / "oriented.jpg"
    stored.save(path, exif=exif, quality=95)
    prepared = prepare_file(path)
    out = decoded(prepared.data)
    assert out.size == (400, 300)
    assert "rotated" in prepared.actions
    red, green, _ = out.getpixel((20, 20))
    assert red > 200 and green < 60
    assert out.getpixel((380, 280))[1] > 200
    assert 0x0112 not in out.getexif()


def test_cmyk_is_converted(tmp_path: Path) -> None:
    path = tmp_path / "cmyk.jpg"
    Image.new("CMYK", (300, 200), (0, 255, 255, 0)).save(path)  # pure red in CMYK
    prepared = prepare_file(path)
    out = decoded(prepared.data)
    assert out.mode == "RGB"
    red, green, blue = out.getpixel((10, 10))
    assert red > 200 and green < 60 and blue < 60
    assert "converted" in prepared.actions


def test_palette_and_alpha_are_flattened_on_white(tmp_path: Path) -> None:
    rgba = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    rgba.paste((0, 0, 255, 255), (0, 0, 50, 100))
    rgba.save(tmp_path / "alpha.png")
    out = decoded(prepare_file(tmp_path / "alpha.png").data)
    assert min(out.getpixel((80, 50))) > 240  # transparent -> white, not black
    assert out.getpixel((20, 50))[2] > 200

    palette = rgba.convert("P", palette=Image.Palette.ADAPTIVE, colors=4)
    palette.info["transparency"] = palette.getpixel((80, 50))
    palette.save(tmp_path / "palette.gif", transparency=palette.getpixel((80, 50)))
    prepared = prepare_file(tmp_path / "palette.gif")
    assert min(decoded(prepared.data).getpixel((80, 50))) > 240
    assert "alpha_flattened" in prepared.actions


def test_16_bit_grey_is_scaled_not_clipped(tmp_path: Path) -> None:
    # Left half at half of full scale, right half black.
    row = struct.pack("<64H", *([32768] * 32 + [0] * 32))
    im = Image.frombytes("I;16", (64, 64), row * 64)
    im.save(tmp_path / "deep.png")
    assert Image.open(tmp_path / "deep.png").mode.startswith("I;16")
    out = decoded(prepare_file(tmp_path / "deep.png").data)
    assert 120 <= out.getpixel((10, 10)) <= 135  # 32768/65535*255 = 127.5, not clipped to 255
    assert out.getpixel((50, 10)) < 5


def test_fitting_jpeg_is_sent_without_reencoding_but_without_metadata(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 0.0)}  # GPS
    path = tmp_path / "fits.jpg"
    make_photo(5, (640, 480)).save(path, quality=80, exif=exif, comment=b"private note")
    original = path.read_bytes()
    prepared = prepare_file(path)
    assert prepared.actions == ("passthrough", "metadata_stripped")
    assert b"CameraMaker" in original and b"CameraMaker" not in prepared.data
    assert b"private note" not in prepared.data
    # Same compressed pixels: decoding both gives identical images (no second lossy encode).
    assert ImageChops.difference(decoded(original).convert("RGB"),
                                 decoded(prepared.data)).getbbox() is None
    # The entropy-coded scan is byte for byte the original's.
    scan = original.index(b"\xff\xda")
    assert original[scan:] == prepared.data[prepared.data.index(b"\xff\xda"):]


def test_reencoded_output_carries_no_exif(photo) -> None:
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    path = photo(size=(2000, 1500), exif=exif)
    prepared = prepare_file(path)
    assert "reencoded" in prepared.actions
    assert b"CameraMaker" not in prepared.data


def test_strip_refuses_non_jpeg_and_malformed_data() -> None:
    # None: the caller re-encodes from the pixels; never sent as it is.
    assert strip_jpeg_metadata(b"not a jpeg") is None
    assert strip_jpeg_metadata(b"\xff\xd8\xff\xe1\x99\x99short") is None


def test_body_budget_lowers_quality_then_size(photo) -> None:
    path = photo(seed=9, size=(1280, 720), fmt="PNG")
    limits = Limits(max_body_bytes=60_000, envelope_reserve=1024)
    prepared = prepare_file(path, limits)
    assert len(prepared.data) <= limits.max_image_bytes
    assert "quality_lowered" in prepared.actions


def test_impossible_budget_is_refused(photo) -> None:
    assert refusal(photo(size=(800, 600), fmt="PNG"),
                   Limits(max_body_bytes=1500, envelope_reserve=1024)) == "too_large"


def test_large_jpeg_is_decoded_scaled(photo) -> None:
    # 24 MP: with DCT scaling the decode is 1/4 size; the output is exact all the same.
    path = photo(seed=2, size=(6000, 4000), quality=85)
    prepared = prepare_file(path)
    assert (prepared.width, prepared.height) == (1080, 720)
    assert (prepared.original_width, prepared.original_height) == (6000, 4000)


@pytest.mark.parametrize("fmt", ["GIF", "WEBP", "PNG"])
def test_animations_are_refused(tmp_path: Path, fmt: str) -> None:
    frames = [make_photo(i, (120, 90)) for i in range(3)]
    path = tmp_path / f"anim.{fmt.lower()}"
    frames[0].save(path, fmt, save_all=True, append_images=frames[1:], duration=100)
    assert refusal(path) == "animated"


def test_still_gif_is_accepted(photo) -> None:
    prepared = prepare_file(photo(fmt="GIF"))
    assert prepared.original_format == "GIF"


def test_bad_files_are_refused_with_their_reason(tmp_path: Path, photo) -> None:
    (tmp_path / "empty.jpg").write_bytes(b"")
    assert refusal(tmp_path / "empty.jpg") == "file_empty"
    (tmp_path / "notes.jpg").write_text("this is not a photo\n" * 50)
    assert refusal(tmp_path / "notes.jpg") == "not_image"
    whole = photo(size=(800, 600)).read_bytes()
    (tmp_path / "cut.jpg").write_bytes(whole[: len(whole) // 2])
    assert refusal(tmp_path / "cut.jpg") == "truncated"
    (tmp_path / "cut_small.jpg").write_bytes(whole[:-200])  # would be sent as is if not checked
    assert refusal(tmp_path / "cut_small.jpg") == "truncated"
    assert refusal(tmp_path / "gone.jpg") == "file_missing"
    assert refusal(tmp_path) == "file_unreadable"
    # A path through a file: POSIX says "not a directory", Windows "not found".
    assert refusal(photo() / "inside-a-file.jpg") == ("file_missing" if WINDOWS
                                                      else "file_unreadable")


@pytest.mark.skipif(WINDOWS or os.geteuid() == 0,
                    reason="mode bits deny nothing on Windows (see the locked-file test), and "
                    "root reads any file")
def test_unreadable_file_is_refused(photo) -> None:
    path = photo()
    path.chmod(0)
    assert refusal(path) == "file_unreadable"


@pytest.mark.skipif(not WINDOWS, reason="Windows only: POSIX has no mandatory file locks")
def test_a_file_another_program_holds_exclusively_is_refused(photo) -> None:
    """Windows' unreadable file: one a scanner or editor has open without sharing it."""
    import ctypes
    from ctypes import wintypes

    path = photo()
    kernel = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel.CreateFileW.restype = wintypes.HANDLE
    kernel.CreateFileW.argtypes = [wintypes.LPCWSTR, wintypes.DWORD, wintypes.DWORD,
                                   ctypes.c_void_p, wintypes.DWORD, wintypes.DWORD,
                                   wintypes.HANDLE]
    generic_read, no_sharing, open_existing = 0x80000000, 0, 3
    handle = kernel.CreateFileW(str(path), generic_read, no_sharing, None, open_existing, 0, None)
    assert handle not in (None, wintypes.HANDLE(-1).value), ctypes.get_last_error()
    try:
        assert refusal(path) == "file_unreadable"
    finally:
        kernel.CloseHandle(handle)
    assert prepare_file(path).data[:2] == b"\xff\xd8"  # readable again once let go


def test_pixel_guard_refuses_decompression_bombs(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    Image.new("L", (12000, 12000)).save(path)  # tiny file, 144 MP
    assert path.stat().st_size < 1_000_000
    assert refusal(path) == "too_many_pixels"
    assert refusal(path, Limits(max_pixels=1_000_000)) == "too_many_pixels"


def test_prepare_bytes_and_thumbnail(photo) -> None:
    path = photo(size=(3000, 2000))
    prepared = prepare_bytes(path.read_bytes())
    assert (prepared.width, prepared.height) == (1080, 720)
    with pytest.raises(ImageRefused):
        prepare_bytes(b"")
    thumb = load_thumbnail(path, 128)
    assert max(thumb.size) == 128 and thumb.mode == "RGB"
    from_bytes = load_thumbnail(prepared.data, 96)
    assert from_bytes.size == (96, 64) and from_bytes.mode == "RGB"
    with pytest.raises(ImageRefused):
        load_thumbnail(b"not an image", 96)


def test_describe_in_both_languages(photo) -> None:
    prepared = prepare_file(photo(size=(2000, 1500)))
    assert "scaled down to the service's size" in prepared.describe("en")
    assert "已缩小到服务建议尺寸" in prepared.describe("zh_CN")


def test_frame_quality_flags_dark_overexposed_and_blurred() -> None:
    from PIL import ImageEnhance, ImageFilter

    from livedetect_gui import resource
    from livedetect_gui.core.imaging.quality import assess

    face = Image.open(resource("samples/face.jpg")).convert("RGB")
    assert assess(face).warnings == ()
    assert assess(ImageEnhance.Brightness(face).enhance(0.15)).warnings == ("dark",)
    assert "overexposed" in assess(ImageEnhance.Brightness(face).enhance(3)).warnings
    assert assess(face.filter(ImageFilter.GaussianBlur(10))).warnings == ("blurred",)
    assert "retake" in assess(face.filter(ImageFilter.GaussianBlur(10))).describe()[0]


# -- hostile and damaged files ----------------------------------------------------------------


def _jpeg(seed: int, kind: str) -> bytes:
    im = make_photo(seed, (1200, 900) if seed % 2 else (640, 480))
    options: dict = {"quality": (70, 85, 95)[seed % 3]}
    if kind == "progressive":
        options["progressive"] = True
    elif kind == "444":
        options["subsampling"] = 0
    elif kind == "optimized":
        options["optimize"] = True
    elif kind == "grey":
        im = im.convert("L")
    elif kind == "restarts":
        # Re-encoded the way some tools do it: through a full decode, with restart markers.
        first = io.BytesIO()
        im.save(first, "JPEG", quality=90)
        im = Image.open(io.BytesIO(first.getvalue()))
        options["restart_marker_blocks"] = 4
    buf = io.BytesIO()
    im.save(buf, "JPEG", **options)
    return buf.getvalue()


@pytest.mark.parametrize("kind", ["baseline", "444", "optimized", "grey", "restarts",
                                  "progressive"])
def test_jpegs_cut_short_but_closed_with_eoi_are_refused(kind: str) -> None:
    import random

    rnd = random.Random(kind)
    for seed in range(25):
        whole = _jpeg(seed, kind)
        prepare_bytes(whole)  # the complete file is accepted
        scans = [i for i in range(len(whole) - 1) if whole[i:i + 2] == b"\xff\xda"]
        # Progressive: a cut inside the final refinement scan leaves every pixel present (only
        # the last bit of precision of the tail is missing); every earlier cut is refused.
        last = scans[-1] if kind == "progressive" else len(whole) - 200
        cut = whole[: rnd.randrange(scans[0] + 40, last)] + b"\xff\xd9"
        with pytest.raises(ImageRefused) as info:
            prepare_bytes(cut)
        assert info.value.key == "truncated", (kind, seed)


def test_truncated_tiff_is_reported_as_truncated(photo) -> None:
    whole = photo(size=(400, 300), fmt="TIFF").read_bytes()
    for length in (10, 200, len(whole) // 2, len(whole) - 50):
        with pytest.raises(ImageRefused) as info:
            prepare_bytes(whole[:length])
        assert info.value.key == "truncated", length
    with pytest.raises(ImageRefused) as info:
        prepare_bytes(b"just some text that is not a picture at all")
    assert info.value.key == "not_image"


def _png_header_only(width: int, height: int, colour_type: int, depth: int = 8) -> bytes:
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))

    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))


def test_decode_budget_counts_bytes_per_pixel_of_the_decoded_mode(photo) -> None:
    # The audit's near-guard files: 10950^2 RGBA PNG (480 MB decoded) and 16383x7300 RGB:
    # refused from the header, before a byte of pixels is decoded.
    for width, height, colour_type in ((10950, 10950, 6), (16383, 7300, 2)):
        with pytest.raises(ImageRefused) as info:
            prepare_bytes(_png_header_only(width, height, colour_type))
        assert info.value.key == "too_many_pixels" and "MB to decode" in info.value.detail
    limits = Limits(max_decode_bytes=3_500_000)
    # 1000x1000 RGBA takes 4 MB: refused; a 12 MP JPEG decodes at 1/4 scale (3 MB): accepted.
    with pytest.raises(ImageRefused) as info:
        prepare_file(photo(size=(1000, 1000), fmt="PNG"), limits)
    assert info.value.key == "too_many_pixels"
    prepared = prepare_file(photo(seed=4, size=(4000, 3000)), limits)
    assert (prepared.width, prepared.height) == (960, 720)


def test_concurrent_preparations_share_one_memory_budget() -> None:
    import threading
    import time

    from livedetect_gui.core.imaging.decode_memory import PREPARATION_BUDGET, MemoryBudget

    budget = MemoryBudget(100)
    order: list[str] = []
    first_in = threading.Event()

    def queued(count: int) -> bool:
        """Wait (bounded) until ``count`` requests wait for the budget."""
        deadline = time.monotonic() + 5
        while len(budget._waiting) != count:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.005)
        return True

    def big() -> None:
        with budget.reserve(80):
            first_in.set()
            queued(1)  # the second is waiting behind this one
            order.append("big done")

    def second() -> None:
        first_in.wait(5)
        with budget.reserve(50):
            order.append("second in")

    threads = [threading.Thread(target=big), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert order == ["big done", "second in"]  # the second waited instead of adding up
    with budget.reserve(10_000):  # larger than the whole budget: runs, alone
        assert budget.peak == 100
    # In arrival order: a small request that would fit does not overtake a waiting large one.
    order.clear()
    holding = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with budget.reserve(60):
            holding.set()
            release.wait(5)

    def ask(name: str, nbytes: int) -> None:
        with budget.reserve(nbytes):
            order.append(name)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(5)
    large = threading.Thread(target=ask, args=("large", 80))
    large.start()
    assert queued(1)
    small = threading.Thread(target=ask, args=("small", 10))
    small.start()
    assert queued(2)  # the small one fits, yet waits behind the large one
    assert order == []
    release.set()
    for t in (holder, large, small):
        t.join(5)
    assert order == ["large", "small"]
    # The real preparations reserve from the process-wide budget and stay within it.
    assert PREPARATION_BUDGET.total <= 320_000_000
    from concurrent.futures import ThreadPoolExecutor

    datas = []
    for seed in range(4):
        buf = io.BytesIO()
        make_photo(seed, (1600, 1200)).convert("RGBA").save(buf, "PNG", compress_level=1)
        datas.append(buf.getvalue())
    with ThreadPoolExecutor(4) as pool:
        assert all(p.width == 960 for p in pool.map(prepare_bytes, datas))
    assert 0 < PREPARATION_BUDGET.peak <= PREPARATION_BUDGET.total


def test_mutated_files_are_refused_never_crash() -> None:
    """A malformed-file corpus: flipped bytes, cuts, cuts closed with EOI, insertions, in every
    format we read. Each ends in ImageRefused (a message for the operator), nothing else."""
    import random

    from livedetect_gui.sandbox.scoring import ImageProblem, score_image

    rnd = random.Random(5)
    bases = []
    for fmt, options in (("JPEG", {}), ("JPEG", {"progressive": True}), ("PNG", {}),
                         ("GIF", {}), ("TIFF", {}), ("WEBP", {}), ("BMP", {}),
                         ("TIFF", {"compression": "tiff_deflate"})):
        buf = io.BytesIO()
        make_photo(rnd.randrange(100), (300, 200)).save(buf, fmt, **options)
        bases.append(buf.getvalue())
    for _ in range(1500):
        data = bytearray(rnd.choice(bases))
        how = rnd.randrange(4)
        if how == 0:
            for _ in range(rnd.randrange(1, 20)):
                data[rnd.randrange(len(data))] = rnd.randrange(256)
        elif how == 1:
            data = data[: rnd.randrange(1, len(data))]
        elif how == 2:
            data = data[: rnd.randrange(1, len(data))] + b"\xff\xd9"
        else:
            at = rnd.randrange(len(data))
            data[at:at] = bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 50)))
        for attempt in (prepare_bytes, lambda d: load_thumbnail(d, 64)):
            with contextlib.suppress(ImageRefused):
                attempt(bytes(data))
        with contextlib.suppress(ImageProblem):
            score_image(bytes(data))
