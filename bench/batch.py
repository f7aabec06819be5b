"""A batch of 100 photos: our concurrent keep-alive client vs what the official SDKs do.

Both run in the same process against one sandbox started as a separate program on loopback
(`livedetect sandbox`), so the server does not share our GIL. The baseline sends the photos
one by one, each with a fresh signature and a new connection (no keep-alive), as the SDKs do;
ours prepares and checks them with run_batch at --concurrency 4. Printed for a sandbox with no
added latency and with 100 ms (closer to a real round trip). Target: ratio >= 2.5x.

    .venv/bin/python bench/batch.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import requests

from livedetect_gui.core.checking import Source, run_batch
from livedetect_gui.core.client import ClientConfig, LiveDetectClient
from livedetect_gui.core.credentials import Credentials
from livedetect_gui.core.imaging import Limits
from livedetect_gui.core.signing import sign

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.photos import make_photo  # noqa: E402  (the same generated photos as the tests)
from bench.sandbox_process import APPID, SECRET_ID, SECRET_KEY, start, stop  # noqa: E402

COUNT = 100


def baseline(paths: list[Path], url: str) -> tuple[float, int]:
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


def ours(paths: list[Path], url: str, concurrency: int) -> tuple[float, int]:
    creds = Credentials(APPID, SECRET_ID, SECRET_KEY)
    start = time.perf_counter()
    with LiveDetectClient(creds, ClientConfig(endpoint=url, concurrency=concurrency)) as client:
        results = run_batch([Source.file(p) for p in paths], client, Limits(), 87,
                            concurrency=concurrency)
    return time.perf_counter() - start, sum(r.code == 0 for r in results)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i in range(COUNT):
            path = Path(tmp) / f"photo{i:03}.jpg"
            make_photo(i, (1280, 720)).save(path, quality=90)
            paths.append(path)
        print(f"{COUNT} photos of 1280x720 against a local sandbox")
        print(f"{'latency':>8} {'baseline s':>11} {'ours s':>7} {'ratio':>6}  (ok/ok)")
        for latency in (0, 100):
            proc, url = start(latency)
            try:
                base_s, base_ok = baseline(paths, url)
                our_s, our_ok = ours(paths, url, concurrency=4)
            finally:
                stop(proc)
            print(f"{latency:>6}ms {base_s:>11.2f} {our_s:>7.2f} {base_s / our_s:>5.1f}x  "
                  f"({base_ok}/{our_ok})")
    print("target: ratio >= 2.5x with --concurrency 4")


if __name__ == "__main__":
    main()
