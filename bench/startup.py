"""Start-up of the command line: ``livedetect --version`` against a bare interpreter.

Both as whole processes, best of 15 runs each (a shared machine's noise only ever adds time).
Goal: within 3x the bare interpreter. The whole-process ``prepare`` ratio is printed by
bench/prepare.py.

    .venv/bin/python bench/startup.py
"""

from __future__ import annotations

import subprocess
import sys
import time

RUNS = 15
# What the installed ``livedetect`` console script runs.
ENTRY = "import sys; from livedetect_gui.cli.main import main; sys.exit(main())"


def best(command: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(command, check=False, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    bare = best([sys.executable, "-c", "pass"])
    version = best([sys.executable, "-c", ENTRY, "--version"])
    helped = best([sys.executable, "-c", ENTRY, "check", "--help"])
    print(f"bare interpreter        {bare * 1000:6.1f} ms")
    print(f"livedetect --version    {version * 1000:6.1f} ms  {version / bare:4.2f}x")
    print(f"livedetect check --help {helped * 1000:6.1f} ms  {helped / bare:4.2f}x")
    print("goal: --version within 3x the bare interpreter")


if __name__ == "__main__":
    main()
