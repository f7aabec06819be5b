"""``livedetect check`` interrupted at random moments: does the process ever crash?

Runs the real command again and again over generated photos (small ones and large ones, so a
signal often lands while a worker is preparing a photo or detecting faces in it), sends SIGTERM
or SIGINT after a random delay, and sorts every ending: the exit statuses the CLI owes (130
interrupted; 0/1/2 when the batch ended before the signal) or a crash (killed by a signal, or
faulthandler's "Fatal Python error" on stderr). A SIGTERM that lands before the command has
put its handlers in place (still starting, nothing sent) or after it has taken them away
(every result printed) ends it the default way, killed by SIGTERM: counted apart, not as a
crash (so is a SIGINT while Python is still importing); killed mid-batch would be one. Both
ways of reaching a sandbox are used: the in-process one (``--sandbox``) and a sandbox program
on loopback with the history recorded. Crash output is written to ``--out`` for its stacks.
``--load N`` runs N busy loops beside it (the CI machine is shared). Target: 0 crashes.

    .venv/bin/python bench/interrupt_crashes.py [--minutes 10] [--load 2] [--out DIR]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.sandbox_process import APPID, SECRET_ID, SECRET_KEY, start, stop  # noqa: E402
from devsupport.photos import write_photos  # noqa: E402

OWED = {0, 1, 2, 130}  # passed, failed, an error, interrupted
PHOTOS, BIG = 40, 10  # in all, and how many of them are 4000x3000


def _busy() -> None:
    while True:
        sum(i * i for i in range(10_000))


def attempt(folder: Path, mode: str, url: str, data: Path, rng: random.Random
            ) -> tuple[str, int, int, str]:
    """One run interrupted after a random delay: (signal name, exit status, results printed,
    stderr)."""
    args = [sys.executable, "-X", "faulthandler", "-m", "livedetect_gui.cli", "check", "--force",
            "--json", "--yes", "--concurrency", str(rng.choice((2, 4, 8)))]
    env = {**os.environ, "XDG_DATA_HOME": str(data)}
    if mode == "sandbox":
        args += ["--sandbox", "--no-history"]
    else:
        env |= {"LIVEDETECT_APPID": APPID, "LIVEDETECT_SECRET_ID": SECRET_ID,
                "LIVEDETECT_SECRET_KEY": SECRET_KEY, "LIVEDETECT_ENDPOINT": url}
    if rng.random() < 0.5:  # over --confirm-over: the photos are planned on a pool first
        args += ["--confirm-over", "5"]
    proc = subprocess.Popen([*args, str(folder)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    time.sleep(rng.uniform(0.2, 4.0))
    signum = rng.choice((signal.SIGTERM, signal.SIGINT))
    proc.send_signal(signum)
    try:
        out, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return signum.name, -999, len(out.splitlines()), err
    return signum.name, proc.returncode, len(out.splitlines()), err


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--load", type=int, default=0, help="busy loops beside the runs")
    parser.add_argument("--out", type=Path, help="folder for the stderr of each crash")
    parser.add_argument("--seed", type=int, default=None)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    busy = [multiprocessing.Process(target=_busy, daemon=True) for _ in range(options.load)]
    for process in busy:
        process.start()
    sandbox, url = start(latency_ms=150)
    endings: Counter[str] = Counter()
    crashes = attempts = 0
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "photos"
            write_photos(folder, PHOTOS - BIG, (320, 240))
            for index, path in enumerate(write_photos(Path(tmp) / "big", BIG, (4000, 3000))):
                path.rename(folder / f"big{index:02}.jpg")
            out = options.out or Path(tmp) / "crashes"
            out.mkdir(parents=True, exist_ok=True)
            until = time.monotonic() + options.minutes * 60
            while time.monotonic() < until:
                mode = rng.choice(("sandbox", "loopback"))
                data = Path(tmp) / f"data{attempts}"
                name, status, printed, err = attempt(folder, mode, url, data, rng)
                attempts += 1
                ending = f"exit {status}"
                if status in (-signal.SIGTERM, -signal.SIGINT) and printed in (0, PHOTOS):
                    ending = "killed " + ("while starting" if not printed else "after the batch")
                crashed = ("killed" not in ending and status not in OWED) or (
                    "Fatal Python error" in err)
                endings[f"{mode} {name} {ending}"] += 1
                if crashed:
                    crashes += 1
                    (out / f"crash{attempts:04}.txt").write_text(
                        f"{mode} {name} exit {status}, {printed} printed\n{err}")
                    print(f"crash: {mode} {name} exit {status}, {printed} printed -> {out}",
                          flush=True)
    finally:
        stop(sandbox)
        for process in busy:
            process.terminate()
    for ending, count in sorted(endings.items()):
        print(f"  {ending}: {count}")
    print(f"crashes/attempts: {crashes}/{attempts}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
