"""A batch of 100 photos, for each service generation: our concurrent keep-alive client vs what the
official SDKs do.

Both run in the same process against one sandbox started as a separate program on loopback
(`livedetect sandbox`, which serves the legacy API and API 3.0), so the server does not share
our GIL. The baseline sends the photos one by one, each with a fresh signature and a new
connection (no keep-alive), as the SDKs do (legacy: multipart upload; API 3.0: the base64
Image in JSON, TC3-signed); ours prepares and checks them with one Batch at --concurrency 4.
Printed for a sandbox with no added latency and with 100 ms (closer to a real round trip).
Target: ratio >= 2.5x for both.

With ``--prechecks``: 100 real 640x480 face photos (scikit-image's astronaut and cameraman,
each framed differently) and our side runs the pre-checks (face detector included) before
sending, as the desk and the CLI do; the baseline sends without looking.

    .venv/bin/python bench/batch.py [--prechecks]
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests

from livedetect_gui.core.checks.batch import Batch
from livedetect_gui.core.checks.planning import CheckOptions, Source
from livedetect_gui.core.imaging.prechecks import PrecheckPolicy
from livedetect_gui.core.imaging.prepare import Limits
from livedetect_gui.core.service.client import ClientConfig, LiveDetectClient
from livedetect_gui.core.service.credentials import Api, Credentials
from livedetect_gui.core.service.signing_legacy import sign
from livedetect_gui.core.service.signing_tc3 import request_headers
from livedetect_gui.core.verdict import Verdict

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.sandbox_process import APPID, SECRET_ID, SECRET_KEY, start, stop  # noqa: E402
from devsupport.photos import make_photo  # noqa: E402  (the same generated photos as the tests)

COUNT = 100
REGION = "ap-guangzhou"


def baseline_legacy(paths: list[Path], url: str) -> tuple[float, int]:
    """One at a time, a new connection and a new signature per call, no preparation."""
    start = time.perf_counter()
    ok = 0
    for path in paths:
        signature = sign(APPID, SECRET_ID, SECRET_KEY)
        with open(path, "rb") as handle:
            response = requests.post(
                f"{url}/face/livedetectpicture", data={"appid": APPID},
                files={"image": (path.name, handle, "image/jpeg")},
                headers={"Authorization": signature, "Connection": "close"}, timeout=60,
            )
        ok += response.json().get("code") == 0
    return time.perf_counter() - start, ok


def baseline_tc3(paths: list[Path], url: str) -> tuple[float, int]:
    """As the API 3.0 SDKs do: base64 of the file as it is, TC3 per call, a new connection."""
    start = time.perf_counter()
    ok = 0
    host = urlsplit(url).netloc
    for path in paths:
        body = json.dumps({"Image": base64.b64encode(path.read_bytes()).decode(),
                           "FaceModelVersion": "3.0"}).encode()
        headers = request_headers(SECRET_ID, SECRET_KEY, body=body, host=host,
                                  action="DetectLiveFaceAccurate", version="2020-03-03",
                                  region=REGION, language="en-US")
        headers["Connection"] = "close"
        response = requests.post(f"{url}/", data=body, headers=headers, timeout=60)
        ok += "Score" in response.json().get("Response", {})
    return time.perf_counter() - start, ok


def ours(paths: list[Path], url: str, api: Api, concurrency: int,
         prechecks: bool = False) -> tuple[float, int]:
    creds = Credentials(APPID, SECRET_ID, SECRET_KEY, api=api, region=REGION)
    options = CheckOptions(prechecks=PrecheckPolicy() if prechecks else None)
    start = time.perf_counter()
    with LiveDetectClient(creds, ClientConfig(endpoint=url, concurrency=concurrency)) as client:
        batch = Batch(client, Limits(), client.default_threshold(), options)
        results = batch.run([Source.file(p) for p in paths], concurrency=concurrency)
    return time.perf_counter() - start, sum(r.verdict is not Verdict.ERROR and not r.held
                                            for r in results)


def real_faces(folder: Path) -> list[Path]:
    """COUNT distinct 640x480 JPEGs of real faces (scikit-image's photos, shifted and scaled)."""
    from PIL import Image
    from skimage import data as skdata

    faces = [Image.fromarray(skdata.astronaut()), Image.fromarray(skdata.camera()).convert("RGB")]
    paths = []
    for i in range(COUNT):
        face = faces[i % 2]
        side = 560 + (i * 7) % 120
        canvas = Image.new("RGB", (640, 480), (90 + i % 60, 100, 110))
        canvas.paste(face.resize((side, side)), ((640 - side) // 2 + (i % 9) * 4 - 16, -40))
        path = folder / f"face{i:03}.jpg"
        canvas.save(path, quality=90)
        paths.append(path)
    return paths


BASELINES = {Api.LEGACY: baseline_legacy, Api.TC3: baseline_tc3}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--prechecks", action="store_true",
                        help="real 640x480 faces, pre-checked before sending")
    prechecks = parser.parse_args().prechecks
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        if prechecks:
            paths = real_faces(Path(tmp))
        for i in range(0 if prechecks else COUNT):
            path = Path(tmp) / f"photo{i:03}.jpg"
            make_photo(i, (1280, 720)).save(path, quality=90)
            paths.append(path)
        what = "real faces of 640x480, pre-checked" if prechecks else "photos of 1280x720"
        print(f"{COUNT} {what} against a local sandbox")
        print(f"{'api':>6} {'latency':>8} {'baseline s':>11} {'ours s':>7} {'ratio':>6}  (ok/ok)")
        for latency in (0, 100):
            proc, url = start(latency)
            try:
                for api, baseline in BASELINES.items():
                    base_s, base_ok = baseline(paths, url)
                    our_s, our_ok = ours(paths, url, api, concurrency=4, prechecks=prechecks)
                    print(f"{api.value:>6} {latency:>6}ms {base_s:>11.2f} {our_s:>7.2f} "
                          f"{base_s / our_s:>5.1f}x  ({base_ok}/{our_ok})", flush=True)
            finally:
                stop(proc)
    print("target: ratio >= 2.5x with --concurrency 4, for each generation")


if __name__ == "__main__":
    main()
