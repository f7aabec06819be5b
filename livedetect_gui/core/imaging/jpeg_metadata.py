"""A fitting JPEG sent without re-encoding, and without anything but its pixels.

The JPEG's markers are walked end to end: the segments a decoder needs to reproduce the
pixels (tables, frame, scans, restart interval, the ICC profile and Adobe's colour transform)
are kept; every application segment (EXIF, XMP, IPTC/Photoshop, JFIF and its thumbnail,
maker notes, MPF), every comment and anything after the end of the image are removed, and
named. A file that cannot be walked whole (a malformed segment, stray bytes between
segments, no end) returns None: the caller re-encodes it from its pixels rather than send it
as it is, metadata included.
"""

from __future__ import annotations

from dataclasses import dataclass

from livedetect_gui.core.imaging.jpeg_truncation import scan_end

SOI, EOI = b"\xff\xd8", b"\xff\xd9"
# Segments a decoder needs: SOFn, DHT, DAC, DQT, DRI, DNL, DHP, EXP (and SOS below).
_NEEDED = frozenset([*range(0xC0, 0xD0), 0xDB, 0xDC, 0xDD, 0xDE, 0xDF]) - {0xC8}
_SOS, _COM, _APP2, _APP14 = 0xDA, 0xFE, 0xE2, 0xEE


@dataclass(frozen=True)
class Stripped:
    data: bytes
    removed: tuple[str, ...]  # what was taken out: "EXIF", "XMP", "IPTC", "comment", ...


def kind_of_segment(marker: int, body: bytes) -> str:
    """What an application segment or comment carries, in a word."""
    if marker == _COM:
        return "comment"
    if marker == 0xE1:
        if body.startswith(b"Exif\x00"):
            return "EXIF"
        if body.startswith((b"http://ns.adobe.com/xap/", b"http://ns.adobe.com/xmp/")):
            return "XMP"
    if marker == 0xED:
        return "IPTC"
    if marker == 0xE0:
        return "JFIF"
    if marker == _APP2 and body.startswith(b"MPF\x00"):
        return "MPF"
    return f"APP{marker - 0xE0}"


def _kept(marker: int, body: bytes) -> bool:
    if marker in _NEEDED:
        return True
    if marker == _APP2:
        return body.startswith(b"ICC_PROFILE\x00")  # colours read right: part of the pixels
    if marker == _APP14:
        return body.startswith(b"Adobe")  # says how to read the colour channels
    return False


def strip_jpeg_metadata(data: bytes) -> Stripped | None:
    """The same compressed pixels with nothing else, or None when the file cannot be walked
    whole (then it must be re-encoded, never sent as it is)."""
    if not data.startswith(SOI):
        return None
    out = bytearray(SOI)
    removed: list[str] = []
    pos, end = 2, len(data)
    while pos < end:
        if data[pos] != 0xFF:
            return None  # stray bytes where a marker belongs
        while pos + 1 < end and data[pos + 1] == 0xFF:
            pos += 1  # fill bytes
        if pos + 1 >= end:
            return None
        marker = data[pos + 1]
        if marker == 0xD9:
            out += EOI
            if pos + 2 < end:
                removed.append("trailing data")
            return Stripped(bytes(out), tuple(dict.fromkeys(removed)))
        if marker in (0x00, 0x01, 0xD8) or 0xD0 <= marker <= 0xD7 or pos + 4 > end:
            return None  # a standalone marker outside a scan, or cut short
        length = int.from_bytes(data[pos + 2:pos + 4], "big")
        if length < 2 or pos + 2 + length > end:
            return None
        body = data[pos + 4:pos + 2 + length]
        if marker == _SOS or _kept(marker, body):
            out += data[pos:pos + 2 + length]
        elif 0xE0 <= marker <= 0xEF or marker == _COM:
            removed.append(kind_of_segment(marker, body))
        else:
            return None  # a marker this walk does not know: not sent as it is
        pos += 2 + length
        if marker == _SOS:
            stop = scan_end(data, pos)
            out += data[pos:stop]
            pos = stop
    return None  # no end of image


# Keys Pillow puts in ``Image.info`` that carry metadata (rather than how to read pixels).
_INFO_KINDS = {"exif": "EXIF", "xmp": "XMP", "XML:com.adobe.xmp": "XMP", "photoshop": "IPTC",
               "iptc": "IPTC", "comment": "comment", "Comment": "comment", "mp": "MPF",
               "mpoffset": "MPF"}
_INFO_FORMAT = {"dpi", "jfif", "jfif_version", "jfif_unit", "jfif_density", "adobe",
                "adobe_transform", "progressive", "progression", "icc_profile", "transparency",
                "gamma", "srgb", "chromaticity", "interlace", "aspect", "duration", "loop",
                "background", "version", "extension", "compression", "resolution",
                "disposal", "timestamp", "default_image", "exif_offset"}


def info_metadata(info: dict[str, object]) -> tuple[str, ...]:
    """What metadata a decoded image's ``info`` carries (removed by re-encoding)."""
    kinds = [_INFO_KINDS.get(key, "text") for key in info
             if key not in _INFO_FORMAT and info[key] not in (None, b"", "")]
    return tuple(dict.fromkeys(kinds))
