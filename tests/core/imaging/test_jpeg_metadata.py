"""Nothing but pixels leaves: comments, EXIF, XMP, IPTC are removed on every path, and what
was removed is said."""

from __future__ import annotations

import io

import pytest
from PIL import Image, PngImagePlugin

from devsupport.photos import make_photo
from livedetect_gui.core.imaging.prepare import prepare_file

SECRET = b"private-note-7f3a"


def _exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker-7f3a"
    return exif


def test_a_comment_is_not_carried_into_a_reencoded_jpeg(tmp_path) -> None:
    path = tmp_path / "big.jpg"  # larger than the service's size: re-encoded
    make_photo(1, (2000, 1500)).save(path, "JPEG", comment=SECRET, exif=_exif())
    prepared = prepare_file(path)
    assert "reencoded" in prepared.actions
    assert SECRET not in prepared.data and b"CameraMaker" not in prepared.data
    assert {"comment", "EXIF"} <= set(prepared.removed)
    assert any("comment" in line for line in prepared.describe())


def test_a_gif_comment_is_not_carried(tmp_path) -> None:
    path = tmp_path / "c.gif"
    make_photo(2, (320, 240)).convert("P").save(path, "GIF", comment=SECRET)
    assert Image.open(path).info.get("comment") == SECRET
    prepared = prepare_file(path)
    assert SECRET not in prepared.data and "comment" in prepared.removed


def test_png_text_is_not_carried(tmp_path) -> None:
    path = tmp_path / "t.png"
    info = PngImagePlugin.PngInfo()
    info.add_text("comment", SECRET.decode())
    info.add_text("Author", "someone-7f3a")
    make_photo(3, (320, 240)).save(path, "PNG", pnginfo=info)
    prepared = prepare_file(path)
    assert SECRET not in prepared.data and b"someone-7f3a" not in prepared.data
    assert "comment" in prepared.removed and "text" in prepared.removed


def test_a_jpeg_with_a_malformed_segment_is_reencoded_not_sent_with_its_exif(tmp_path) -> None:
    buffer = io.BytesIO()
    make_photo(4, (640, 480)).save(buffer, "JPEG", exif=_exif(), comment=SECRET)
    data = buffer.getvalue()
    # Stray bytes between two segments: decoders skip them, a strict walk cannot.
    at = data.index(b"\xff\xdb")
    damaged = data[:at] + b"\x00\x00" + data[at:]
    path = tmp_path / "stray.jpg"
    path.write_bytes(damaged)
    prepared = prepare_file(path)
    assert prepared.data != damaged
    assert b"CameraMaker" not in prepared.data and SECRET not in prepared.data
    assert "passthrough" not in prepared.actions


def test_bytes_after_the_end_of_the_image_are_removed(tmp_path) -> None:
    buffer = io.BytesIO()
    make_photo(5, (640, 480)).save(buffer, "JPEG")
    path = tmp_path / "tail.jpg"
    path.write_bytes(buffer.getvalue() + b"PK\x03\x04 hidden archive " + SECRET)
    prepared = prepare_file(path)
    assert "passthrough" in prepared.actions
    assert SECRET not in prepared.data and prepared.data.endswith(b"\xff\xd9")
    assert "trailing data" in prepared.removed


@pytest.mark.parametrize("segment", [
    b"\xff\xe1\x00\x00http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>7f3a</x:xmpmeta>",
    b"\xff\xed\x00\x00Photoshop 3.0\x008BIM 7f3a"])
def test_xmp_and_iptc_segments_are_removed_from_a_passthrough(tmp_path, segment) -> None:
    buffer = io.BytesIO()
    make_photo(6, (640, 480)).save(buffer, "JPEG")
    data = buffer.getvalue()
    # Insert the application segment right after SOI (its length set to cover it exactly).
    body = segment[4:]
    marker = segment[:2] + (len(body) + 2).to_bytes(2, "big") + body
    path = tmp_path / "app.jpg"
    path.write_bytes(data[:2] + marker + data[2:])
    prepared = prepare_file(path)
    assert "passthrough" in prepared.actions and body not in prepared.data
    assert prepared.removed and prepared.removed[0] in ("XMP", "IPTC")
