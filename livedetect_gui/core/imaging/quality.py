"""Cheap checks of a photo before any paid call: too dark, overexposed, blurred.

Measured where it matters: the pre-checks pass the face's box (or the centre when no face is
found), so black letterbox bars, a white wall or dark clothes do not hold a good portrait. A
camera frame is measured whole. The region is looked at on a small grey copy of fixed width,
so the figures do not depend on the photo's size and a frame costs a few milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageFilter, ImageStat

DARK_MEAN = 55.0  # mean luma below this: faces lose their detail
BRIGHT_MEAN = 205.0  # mean luma above this, or
CLIPPED_SHARE = 0.25  # a quarter of the pixels blown out to white
BLUR_VARIANCE = 40.0  # variance of the Laplacian (320 px wide) below this: no sharp edges
# The same rules on a face's box, seen FACE_SIDE px wide. Tuned on the one-face photos of
# bench/faces_labels.csv: their faces measure 233-1309; blurred (Gaussian, 3 px at 512 px)
# 44-277, so only a blur that is large for the face's size is held.
FACE_SIDE = 96
FACE_BLUR_VARIANCE = 150.0
# The centre looked at when no face was found: the middle half of each side.
CENTRE_SHARE = 0.5

_LAPLACIAN = ImageFilter.Kernel((3, 3), [0, 1, 0, 1, -4, 1, 0, 1, 0], scale=1, offset=128)

QUALITY_TEXT: dict[str, tuple[str, str]] = {
    "dark": ("Very dark: add light on the face and retake.", "画面过暗：请增加面部光照后重拍。"),
    "overexposed": ("Overexposed: reduce the light or move away from the window, then retake.",
                    "曝光过度：请减少光照或远离窗户后重拍。"),
    "blurred": ("Blurred: hold still and let the camera focus, then retake.",
                "画面模糊：请保持不动、等待对焦后重拍。"),
}


@dataclass(frozen=True)
class FrameQuality:
    brightness: float
    clipped: float
    sharpness: float

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.issues()

    def issues(self, blur_variance: float = BLUR_VARIANCE) -> tuple[str, ...]:
        found = []
        if self.brightness < DARK_MEAN:
            found.append("dark")
        if self.brightness > BRIGHT_MEAN or self.clipped > CLIPPED_SHARE:
            found.append("overexposed")
        # A dark frame has weak edges anyway: call it dark, not blurred.
        if self.sharpness < blur_variance and "dark" not in found:
            found.append("blurred")
        return tuple(found)

    def describe(self, lang: str = "en") -> list[str]:
        index = 1 if lang.startswith("zh") else 0
        return [QUALITY_TEXT[w][index] for w in self.warnings]


Region = tuple[int, int, int, int]  # left, top, right, bottom in the image's pixels


def centre(size: tuple[int, int], share: float = CENTRE_SHARE) -> Region:
    """The middle ``share`` of each side of an image of ``size``."""
    width, height = size
    margin_x, margin_y = round(width * (1 - share) / 2), round(height * (1 - share) / 2)
    return margin_x, margin_y, width - margin_x, height - margin_y


def assess(image: Image.Image, region: Region | None = None, width: int = 320) -> FrameQuality:
    """Brightness, clipping and sharpness of ``region`` of ``image`` (the whole image when
    None), seen on a grey copy ``width`` px wide."""
    grey = image.convert("L") if region is None else image.crop(region).convert("L")
    if grey.width != width and (grey.width > width or region is not None):
        grey = grey.resize((width, max(1, round(grey.height * width / grey.width))),
                           Image.Resampling.BILINEAR)
    stat = ImageStat.Stat(grey)
    histogram = grey.histogram()
    clipped = sum(histogram[250:]) / max(1, grey.width * grey.height)
    edges = ImageStat.Stat(grey.filter(_LAPLACIAN))
    return FrameQuality(brightness=stat.mean[0], clipped=clipped, sharpness=edges.var[0])
