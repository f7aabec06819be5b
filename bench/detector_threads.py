"""Fresh processes whose worker threads all run their first face detection at the same moment,
as a batch's workers do when it starts: does any process crash?

Each attempt is a new interpreter (OpenCV's first-use state is per process) in which
``--threads`` threads wait at a barrier, then detect faces in a generated photo (so each loads
its own net). A crash is an ending killed by a signal or faulthandler's "Fatal Python error";
its stderr (every thread's stack) goes to ``--out``. Target: 0 crashes.

    .venv/bin/python bench/detector_threads.py [--attempts 200] [--threads 8] [--out DIR]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import sys, threading
sys.path.insert(0, {root!r})
from devsupport.photos import make_photo
from livedetect_gui.core.imaging.faces import detect_faces
picture = make_photo(1, (320, 240))
start = threading.Barrier({threads})
def work():
    start.wait()
    detect_faces(picture)
threads = [threading.Thread(target=work) for _ in range({threads})]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=200)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--out", type=Path, help="folder for the stderr of each crash")
    options = parser.parse_args()
    out = options.out or Path(tempfile.mkdtemp(prefix="detector-crashes-"))
    out.mkdir(parents=True, exist_ok=True)
    code = CHILD.format(root=str(ROOT), threads=options.threads)
    crashes = 0
    for attempt in range(1, options.attempts + 1):
        proc = subprocess.run([sys.executable, "-X", "faulthandler", "-c", code],
                              capture_output=True, text=True, timeout=120)
        if proc.returncode != 0 or "Fatal Python error" in proc.stderr:
            crashes += 1
            (out / f"crash{attempt:04}.txt").write_text(f"exit {proc.returncode}\n{proc.stderr}")
            print(f"crash: attempt {attempt} exit {proc.returncode} -> {out}", flush=True)
    print(f"crashes/attempts: {crashes}/{options.attempts} ({options.threads} threads each)")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
