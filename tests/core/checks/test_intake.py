"""The desk's own download of a URL image (thumbnail and preview): bounded as a whole."""

from __future__ import annotations

import io
import time

import pytest

from livedetect_gui.core.checks.intake import fetch_url_image
from livedetect_gui.core.imaging.prepare import ImageRefused
from tests.conftest import make_photo
from tests.core.servers import image_server


def _jpeg() -> bytes:
    out = io.BytesIO()
    make_photo(5, (160, 120)).save(out, "JPEG")
    return out.getvalue()


def test_a_dripping_server_is_cut_at_the_overall_deadline() -> None:
    # Every pause (0.2 s) is far under the read timeout: only an overall deadline ends it.
    with image_server(_jpeg(), drip_seconds=0.2) as (url, hits):
        started = time.monotonic()
        with pytest.raises(ImageRefused) as caught:
            fetch_url_image(f"{url}/face.jpg", timeout=(2.0, 2.0), deadline=1.0)
        elapsed = time.monotonic() - started
    assert caught.value.key == "timeout" and hits == ["/face.jpg"]
    assert elapsed < 3.0


def test_a_prompt_server_is_read_whole() -> None:
    body = _jpeg()
    with image_server(body) as (url, hits):
        assert fetch_url_image(f"{url}/face.jpg", deadline=5.0) == body
    assert hits == ["/face.jpg"]


def test_stop_downloads_ends_one_under_way_before_its_deadline() -> None:
    import threading

    from livedetect_gui.core.checks.intake import stop_downloads

    outcome: list[BaseException] = []

    def download(url: str) -> None:
        try:
            fetch_url_image(url, deadline=60.0)  # the server would drip for minutes
        except ImageRefused as exc:
            outcome.append(exc)

    with image_server(_jpeg(), drip_seconds=0.2) as (url, hits):
        worker = threading.Thread(target=download, args=(f"{url}/face.jpg",))
        worker.start()
        deadline = time.monotonic() + 10
        while not hits and time.monotonic() < deadline:  # the request has reached the server
            time.sleep(0.01)
        stop_downloads()  # as a closing desk does
        worker.join(10)
        assert not worker.is_alive()  # ended now, not after 60 s
    assert [e.key for e in outcome] == ["timeout"]
