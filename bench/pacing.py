"""Pacing against a throttling service: the sandbox as its own program with --rate-limit 10.

120 photos at --concurrency 8, the client NOT told the limit (it learns it from the throttled
answers). Printed: photos that ended in an error, the throttled share of all calls, and the
total time against the 12 s floor (120 calls at 10/s). Goals: 0 errors, <= 10% throttled,
<= 1.5x the floor. For comparison, the same batch without a pacer.

    .venv/bin/python bench/pacing.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.sandbox_process import APPID, SECRET_ID, SECRET_KEY, start, stop  # noqa: E402
from devsupport.photos import write_photos  # noqa: E402
from livedetect_gui.core.checks.batch import Batch  # noqa: E402
from livedetect_gui.core.checks.planning import Source  # noqa: E402
from livedetect_gui.core.imaging.prepare import Limits  # noqa: E402
from livedetect_gui.core.service.client import ClientConfig, LiveDetectClient  # noqa: E402
from livedetect_gui.core.service.credentials import Credentials  # noqa: E402
from livedetect_gui.core.service.pacing import Pacer  # noqa: E402

COUNT, CONCURRENCY, LIMIT = 120, 8, 10.0


def run(paths: list[Path], url: str, paced: bool) -> tuple[float, int, int, int, float]:
    pacer = Pacer() if paced else None
    throttles = calls = 0
    creds = Credentials(APPID, SECRET_ID, SECRET_KEY)
    config = ClientConfig(endpoint=url, concurrency=CONCURRENCY)
    with LiveDetectClient(creds, config, pacer=pacer) as client:
        started = time.perf_counter()
        results = Batch(client, Limits(), 87).run([Source.file(p) for p in paths],
                                                  concurrency=CONCURRENCY)
        elapsed = time.perf_counter() - started
    errors = sum(r.code != 0 for r in results)
    calls = sum(r.attempts for r in results)
    # Every attempt but the last of a photo that ended well was throttled (the sandbox has no
    # other faults here); a photo that ended in code 15 was throttled on every attempt.
    throttles = sum(r.attempts - (r.code != 15) for r in results)
    return elapsed, errors, throttles, calls, pacer.rate if pacer else 0.0


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_photos(Path(tmp), COUNT, (640, 480))
        floor = COUNT / LIMIT
        print(f"{COUNT} photos, --concurrency {CONCURRENCY}, sandbox --rate-limit {LIMIT:g}, "
              f"client not told the limit; floor {floor:.0f} s")
        print(f"{'client':<10} {'errors':>6} {'throttled':>10} {'calls':>6} {'time s':>7} "
              f"{'x floor':>7} {'final rate':>10}")
        for paced in (False, True):
            proc, url = start(rate_limit=LIMIT)
            try:
                elapsed, errors, throttles, calls, rate = run(paths, url, paced)
            finally:
                stop(proc)
            print(f"{'paced' if paced else 'unpaced':<10} {errors:>6} "
                  f"{throttles / max(1, calls):>9.1%} {calls:>6} {elapsed:>7.1f} "
                  f"{elapsed / floor:>6.2f}x {rate:>9.1f}/s")
    print("goals (paced): 0 errors, <= 10% throttled, <= 1.5x the floor")


if __name__ == "__main__":
    main()
