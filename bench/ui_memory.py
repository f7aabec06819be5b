"""Peak memory with 500 photos of 12 MP in the queue.

Loads 500 generated 12 MP JPEGs (10 distinct pictures, hard-linked 50 times each: the desk
reads every file on its own) into the window's queue, waits until each is prepared and has its
thumbnail, and prints the process's peak RSS (Linux VmHWM) against the RSS of the empty
window measured in the same run. Target: peak under 400 MB.

    .venv/bin/python bench/ui_memory.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402

from devsupport.photos import make_photo  # noqa: E402
from livedetect_gui.ui.app import create_app  # noqa: E402
from livedetect_gui.ui.queue.model import Status  # noqa: E402
from livedetect_gui.ui.window.main_window import MainWindow  # noqa: E402

COUNT, DISTINCT, SIZE = 500, 10, (4000, 3000)


def status_mb(field: str) -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise KeyError(field)


def main() -> None:
    app = create_app([sys.argv[0]])  # as the desk starts: same process settings
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "photos"
        folder.mkdir()
        for i in range(DISTINCT):
            make_photo(i, SIZE).save(folder / f"src{i}.jpg", quality=90)
        for n in range(COUNT):
            os.link(folder / f"src{n % DISTINCT}.jpg", folder / f"photo{n:04}.jpg")
        for i in range(DISTINCT):
            (folder / f"src{i}.jpg").unlink()
        from livedetect_gui.ui.desk.settings import DeskSettings

        window = MainWindow(DeskSettings(prechecks=False, confirm_over=0), force_sandbox=True,
                            history_path=Path(tmp) / "history.sqlite3")
        window.show()
        app.processEvents()
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # reset the peak so generating the photos does not count
        empty = status_mb("VmRSS")
        started = time.perf_counter()
        window.add_paths([str(folder)])
        loop = QEventLoop()
        poll = QTimer()
        poll.timeout.connect(lambda: loop.quit() if len(window.model.items()) == COUNT and all(
            i.status is not Status.PREPARING for i in window.model.items()) else None)
        poll.start(100)
        QTimer.singleShot(600_000, loop.quit)
        loop.exec()
        seconds = time.perf_counter() - started
        ready = sum(i.status is Status.QUEUED for i in window.model.items())
        peak, now = status_mb("VmHWM"), status_mb("VmRSS")
        window.shutdown()
    print(f"{COUNT} photos of {SIZE[0]}x{SIZE[1]} (12 MP) queued and prepared in {seconds:.1f} s "
          f"({ready} ready)")
    print(f"RSS: empty window {empty:.0f} MB, peak {peak:.0f} MB, after loading {now:.0f} MB")
    print("target: peak < 400 MB")


if __name__ == "__main__":
    main()
