"""The sandbox as a program and as a service: start-up, shutdown, scores, fault injection."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys

from PIL import Image

from livedetect_gui.core.checking import Source, run_batch
from livedetect_gui.core.imaging import Limits, prepare_file
from livedetect_gui.core.sandbox import Sandbox, SandboxConfig, simulated_score
from livedetect_gui.core.verdict import Verdict
from tests.conftest import make_photo


def test_cli_sandbox_announces_and_stops_on_sigterm() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "livedetect_gui.cli", "sandbox", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        demo = proc.stdout.readline()
        listening = proc.stdout.readline()
        assert demo.startswith("demo credentials: appid=")
        assert listening.startswith("listening on http://127.0.0.1:")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "Traceback" not in proc.stderr.read()


def test_cli_sandbox_with_given_credentials_and_sigint() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "livedetect_gui.cli", "sandbox", "--appid", "1000001",
         "--secret-id", "AKIDx", "--secret-key", "given-key"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        first = proc.stdout.readline()
        assert first.startswith("listening on http://")  # no demo credentials printed
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


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


def test_fault_draws_are_seeded() -> None:
    def draws(seed: int) -> list:
        config = SandboxConfig(port=0)
        config.faults.fail_rate = config.faults.garbage_rate = 0.2
        config.faults.seed = seed
        box = Sandbox(config)
        try:
            return [box.draw_fault() for _ in range(50)]
        finally:
            box.stop()

    assert draws(7) == draws(7)
    assert draws(7) != draws(8)
    assert any(d and d.startswith("fail:") for d in draws(7))


def test_mixed_faults_lose_no_item(tmp_path, start_sandbox, make_client) -> None:
    """Every fault mode at once: each item ends in a definite state, none is lost."""
    sandbox = start_sandbox(fail_rate=0.15, reset_rate=0.15, garbage_rate=0.1,
                            throttle_rate=0.15, seed=3)
    sources = []
    for i in range(24):
        path = tmp_path / f"p{i}.jpg"
        make_photo(i, (320, 240)).save(path)
        sources.append(Source.file(path))
    client = make_client(sandbox, max_attempts=3, concurrency=4)
    results = run_batch(sources, client, Limits(), 87, concurrency=4)
    assert [r.source for r in results] == [s.label for s in sources]
    verdicts = {r.verdict for r in results}
    assert verdicts <= {Verdict.PASS, Verdict.FAIL, Verdict.ERROR}
    assert Verdict.ERROR in verdicts and (Verdict.PASS in verdicts or Verdict.FAIL in verdicts)
    for r in results:
        if r.verdict is Verdict.ERROR:
            assert r.problem_key in {"http_error", "connection_lost", "bad_json"} or r.code == 15
            assert r.message() and r.hint()
    assert sum(r.attempts for r in results) == sandbox.stats["requests"]
    assert any(r.maybe_billed_twice for r in results)


def test_url_download_is_capped(tmp_path, start_sandbox, make_client) -> None:
    from tests.core.servers import file_server

    (tmp_path / "big.jpg").write_bytes(b"\xff" * 200_000)
    sandbox = start_sandbox(max_body_bytes=100_000, allow_loopback_urls=True)
    with file_server(tmp_path) as base:
        result = make_client(sandbox).check_url(f"{base}/big.jpg")
    assert result.code == -5805 and "too large" in result.message()


def test_prepared_sample_is_accepted() -> None:
    from livedetect_gui import resource

    prepared = prepare_file(resource("samples/face.jpg"))
    assert prepared.width <= 1280 and prepared.height <= 1280
    assert os.path.getsize(resource("samples/face.jpg")) < 200_000


def test_concurrent_requests_are_served_in_parallel(tmp_path, start_sandbox,
                                                    make_client) -> None:
    sandbox = start_sandbox(latency_ms=300)
    sources = []
    for i in range(4):
        path = tmp_path / f"c{i}.jpg"
        make_photo(i, (200, 150)).save(path)
        sources.append(Source.file(path))
    client = make_client(sandbox, concurrency=4)
    results = run_batch(sources, client, Limits(), 87, concurrency=4)
    assert all(r.code == 0 for r in results)
    # Four 300 ms requests sent together were served side by side, not one by one.
    assert sandbox.stats["max_in_flight"] >= 3
    assert sandbox.stats["in_flight"] == 0


def test_multipart_bodies_from_both_http_libraries() -> None:
    import requests
    import urllib3

    from livedetect_gui.core.sandbox import _multipart_fields

    payload = b"\xff\xd8binary\r\n--not-a-boundary\r\n\r\nstill data\r\n"
    built = requests.Request("POST", "http://127.0.0.1/", data={"appid": "42"},
                             files={"image": ("a.jpg", payload, "image/jpeg")}).prepare()
    fields = _multipart_fields(built.body, built.headers["Content-Type"])
    assert fields == {"appid": b"42", "image": payload}
    body, ctype = urllib3.encode_multipart_formdata([("appid", "42"), ("image", ("a", payload))])
    assert _multipart_fields(body, ctype) == {"appid": b"42", "image": payload}
    for bad_body, bad_type in ((body, "multipart/form-data"), (body[:-10], ctype),
                               (b"--x\r\nno blank line--x--", "multipart/form-data; boundary=x")):
        try:
            _multipart_fields(bad_body, bad_type)
        except ValueError:
            continue
        raise AssertionError(f"accepted {bad_type}")
