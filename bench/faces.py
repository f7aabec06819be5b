"""The local face detector on labelled real photos: time per photo, hits and false alarms.

The set (all shipped inside the scikit-image wheel, installed for this measurement only):
- faces: ``astronaut.png`` (Eileen Collins, frontal, large) and ``camera.png`` (the
  cameraman: small, turned to the side): 2 photos with exactly one face each;
- non-faces: every other photo in ``skimage/data`` (cat, coffee, rocket, brick, coins, horse,
  moon, textures, microscopy, text...);
- ``lfw_subset``: 100 tiny (25x25) Labeled-Faces-in-the-Wild face crops and 100 non-face
  crops, padded with a grey border and scaled up to 200 px, as a harder second set.

    .venv/bin/pip install scikit-image   # not a dependency of the desk
    .venv/bin/python bench/faces.py
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

from PIL import Image

from livedetect_gui.core.imaging.faces import detect_faces

FACES = {"astronaut.png", "camera.png"}


def main() -> None:
    try:
        import numpy as np
        import skimage
        from skimage import data as skdata
    except ImportError:
        raise SystemExit("install scikit-image first (only this benchmark needs it)") from None
    folder = Path(skimage.__file__).parent / "data"
    photos = sorted(p for p in folder.iterdir() if p.suffix in (".png", ".jpg"))
    detect_faces(Image.open(folder / "astronaut.png"))  # load the cascades once
    times: list[float] = []
    cpu: list[float] = []  # CPU time of the detecting thread: what the photo costs, load or not
    hits = misses = false_alarms = negatives = 0
    print(f"{'photo':<24} {'size':>9} {'faces':>5} {'wall ms':>7} {'cpu ms':>6}")
    for path in photos:
        image = Image.open(path).convert("RGB")
        start, start_cpu = time.perf_counter(), time.thread_time()
        found = detect_faces(image)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - start_cpu) * 1000)
        if path.name in FACES:
            hits += len(found) == 1
            misses += len(found) != 1
        else:
            negatives += 1
            false_alarms += len(found) > 0
        print(f"{path.name:<24} {image.width:>4}x{image.height:<4} {len(found):>5} "
              f"{times[-1]:>7.1f} {cpu[-1]:>6.1f}")
    print(f"\nscikit-image photos: faces found exactly once {hits}/{len(FACES)}, "
          f"false alarms {false_alarms}/{negatives} non-face photos; per photo: CPU median "
          f"{statistics.median(cpu):.0f} ms, max {max(cpu):.0f} ms; wall median "
          f"{statistics.median(times):.0f} ms (load {os.getloadavg()[0]:.1f})")

    crops = skdata.lfw_subset()  # first 100 faces, then 100 non-faces
    found_counts = []
    for crop in crops:
        tile = Image.fromarray((crop * 255).astype(np.uint8))
        canvas = Image.new("L", (50, 50), 128)
        canvas.paste(tile, (12, 12))
        found_counts.append(len(detect_faces(canvas.resize((200, 200), Image.Resampling.BICUBIC))))
    face_hits = sum(c >= 1 for c in found_counts[:100])
    non_alarms = sum(c >= 1 for c in found_counts[100:])
    print(f"lfw_subset (25x25 crops scaled up): faces found {face_hits}/100, "
          f"false alarms {non_alarms}/100")


if __name__ == "__main__":
    main()
