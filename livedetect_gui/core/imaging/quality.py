"""Cheap checks of a captured frame before any paid call: too dark, overexposed, blurred.

Measured on a 320-pixel-wide grey copy, so a 1280x720 frame costs a few milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageFilter, ImageStat

DARK_MEAN = 55.0  # mean luma below this: faces lose their detail
BRIGHT_MEAN = 205.0  # mean luma above this, or
CLIPPED_SHARE = 0.25  # a quarter of the pixels blown out to white
BLUR_VARIANCE = 40.0  # variance of the Laplacian (320 px wide) below this: no sharp edges
# For photos sent from files, tuned on the real photos scikit-image ships: sharp ones measure
# 243 (a cat's soft fur) to 1265; the same photos blurred (Gaussian, 3 px at 512 px) 62-115.
PHOTO_BLUR_VARIANCE = 100.0

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


def assess(image: Image.Image) -> FrameQuality:
    grey = image.convert("L")
    if grey.width > 320:
        grey = grey.resize((320, max(1, round(grey.height * 320 / grey.width))),
                           Image.Resampling.BILINEAR)
    stat = ImageStat.Stat(grey)
    histogram = grey.histogram()
    clipped = sum(histogram[250:]) / max(1, grey.width * grey.height)
    edges = ImageStat.Stat(grey.filter(_LAPLACIAN))
    return FrameQuality(brightness=stat.mean[0], clipped=clipped, sharpness=edges.var[0])
