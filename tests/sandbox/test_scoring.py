"""The sandbox's simulated scores and the image checks made before scoring."""

from __future__ import annotations

import io
import os

from PIL import Image

from livedetect_gui.core.imaging.prepare import prepare_file
from livedetect_gui.sandbox.scoring import simulated_score
from tests.conftest import make_photo
from tests.sandbox.wire import exchange, jpeg_bytes, signed_request


def test_scores_are_deterministic_and_cover_both_sides() -> None:
    scores = []
    for seed in range(40):
        buf = io.BytesIO()
        make_photo(seed).save(buf, "JPEG")
        first = simulated_score(Image.open(io.BytesIO(buf.getvalue())))
        again = simulated_score(Image.open(io.BytesIO(buf.getvalue())))
        assert first == again and first is not None and 0 <= first <= 100
        scores.append(first)
    assert any(s > 87 for s in scores) and any(s <= 87 for s in scores)
    assert simulated_score(Image.new("RGB", (100, 100), (40, 40, 40))) is None


def test_prepared_sample_is_accepted() -> None:
    from livedetect_gui import resource

    prepared = prepare_file(resource("samples/face.jpg"))
    assert prepared.width <= 1280 and prepared.height <= 1280
    assert os.path.getsize(resource("samples/face.jpg")) < 200_000


def test_uploads_are_refused_from_their_header_over_the_services_dimensions(sandbox) -> None:
    from tests.core.imaging.test_prepare import _png_header_only

    # 13000^2 PNG: the audit's 854 MB decode. Refused from its header, as the service does.
    status, answer = exchange(sandbox, signed_request(
        sandbox, image=_png_header_only(13000, 13000, 2)))
    assert status == 200 and answer["code"] == -4016 and "2000" in answer["message"]
    big_jpeg = jpeg_bytes(2, (4100, 300))
    assert exchange(sandbox, signed_request(sandbox, image=big_jpeg))[1]["code"] == -4016
    fits = io.BytesIO()
    make_photo(3, (2000, 1500)).save(fits, "PNG", compress_level=1)
    assert exchange(sandbox, signed_request(sandbox, image=fits.getvalue()))[1]["code"] == 0
