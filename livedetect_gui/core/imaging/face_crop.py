"""A photo cropped to its one face at the provider's advised 3:4, as a new source to check.

Offered by the desk as an explicit choice, never applied silently: the copy joins the queue
beside the original. Cropped from the photo as it would be sent (the imaging guards already
applied), kept lossless (PNG) so preparation encodes it once.
"""

from __future__ import annotations

import io

from PIL import Image

from livedetect_gui.core.checks.planning import Source, prepare
from livedetect_gui.core.imaging.faces import FaceBox, crop_to_face
from livedetect_gui.core.imaging.prechecks import Precheck
from livedetect_gui.core.imaging.prepare import Limits

# The provider's advice, shown where the crop is offered.
ASPECT = (3, 4)


def crop_source(source: Source, precheck: Precheck, limits: Limits, label: str) -> Source:
    """``source`` cropped around the face ``precheck`` found (its only one). CPU work: call it
    on a worker."""
    if len(precheck.faces) != 1 or not precheck.size[0]:
        raise ValueError("crop to the face needs exactly one face")
    prepared = prepare(source, limits)
    with Image.open(io.BytesIO(prepared.data)) as im:
        picture = im.convert("RGB")
    face = precheck.faces[0]
    scale = picture.width / precheck.size[0]  # faces are in the analysed copy's pixels
    scaled = FaceBox(round(face.left * scale), round(face.top * scale),
                     round(face.width * scale), round(face.height * scale), face.kind)
    box = crop_to_face(picture.size, scaled, ASPECT)
    out = io.BytesIO()
    picture.crop(box).save(out, "PNG")
    return Source(label=label, data=out.getvalue())
