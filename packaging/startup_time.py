"""Cold-start time to the window shown, bundle vs running from source, in one run, under Xvfb.

Each program is started with --sandbox --startup-probe (it prints "window shown" once its
window is up, then quits); the time is from process start to that line. The first start of
each is the coldest this machine allows (the page cache is not dropped: that needs privileges
a session does not always have); the median of the following starts is the warm figure.

    xvfb-run -a .venv/bin/python packaging/startup_time.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "dist" / "livedetect-gui" / "livedetect-gui"


def start(command: list[str]) -> float:
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "HOME": home, "XDG_DATA_HOME": f"{home}/data",
               "XDG_CONFIG_HOME": f"{home}/config"}
        env.pop("QT_QPA_PLATFORM", None)  # a real (virtual) X window, not offscreen
        began = time.perf_counter()
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                text=True, env=env)
        line = proc.stdout.readline()
        shown = time.perf_counter()
        proc.wait(timeout=60)
    if "window shown" not in line:
        raise RuntimeError(f"{command[0]} did not show its window: {line!r}")
    return (shown - began) * 1000


def size_mb(folder: Path) -> float:
    # Symlinks (PyInstaller links Qt libraries) would count their target twice.
    return sum(p.stat().st_size for p in folder.rglob("*")
               if p.is_file() and not p.is_symlink()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not os.environ.get("DISPLAY"):
        sys.exit("run under xvfb-run (a real X display is measured, not offscreen)")
    if not BUNDLE.exists():
        sys.exit("no bundle: run packaging/build.sh first")
    programs = {
        "bundle": [str(BUNDLE), "--sandbox", "--startup-probe"],
        "source": [sys.executable, "-m", "livedetect_gui.ui.app", "--sandbox",
                   "--startup-probe"],
    }
    print(f"bundle: {size_mb(BUNDLE.parent):.0f} MB in {BUNDLE.parent.relative_to(ROOT)}")
    for name, command in programs.items():
        times = [start(command) for _ in range(args.runs)]
        print(f"{name}: first start {times[0]:.0f} ms, then median "
              f"{statistics.median(times[1:]):.0f} ms over {args.runs - 1} starts")


if __name__ == "__main__":
    main()
