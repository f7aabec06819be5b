"""Capture latency: key press to the photo in the queue, and key press to the verdict.

The capture panel is driven by the synthetic frame source at 1280x720 (30 frames a second
pushed from the bundled sample); the window is offscreen; the sandbox runs as its own program
so the verdict time includes a real HTTP round trip over loopback. Target: press to queued
well under 300 ms; press to verdict dominated by the service (compare with its latency).

    .venv/bin/python bench/capture_latency.py [--runs 10] [--latency-ms 0]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from bench import sandbox_process  # noqa: E402
from livedetect_gui import resource  # noqa: E402
from livedetect_gui.core.service.connection import Connection, Mode  # noqa: E402
from livedetect_gui.core.service.credentials import Credentials  # noqa: E402
from livedetect_gui.ui.app import create_app  # noqa: E402
from livedetect_gui.ui.capture.camera import SyntheticFrameSource  # noqa: E402
from livedetect_gui.ui.desk.settings import DeskSettings  # noqa: E402
from livedetect_gui.ui.queue.model import FINAL  # noqa: E402
from livedetect_gui.ui.window.main_window import MainWindow  # noqa: E402


def wait_for(condition, timeout_s: float = 30.0) -> float:
    """Spin the event loop until condition() holds; returns the moment it did."""
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(1)
    poll.timeout.connect(lambda: loop.quit() if condition() else None)
    poll.start()
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    if not condition():
        loop.exec()
    poll.stop()
    if not condition():
        raise TimeoutError("condition not met")
    return time.perf_counter()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--latency-ms", type=int, default=0)
    args = parser.parse_args()
    app = create_app([sys.argv[0]])  # as the desk starts: same process settings
    frame = QImage(str(resource("samples/face.jpg"))).scaled(1280, 960).copy(0, 120, 1280, 720)
    with tempfile.TemporaryDirectory() as tmp:
        sandbox, url = sandbox_process.start(args.latency_ms)
        source = SyntheticFrameSource()
        window = MainWindow(DeskSettings(prechecks=False, confirm_over=0), force_sandbox=True,
                            frame_source=source,
                            history_path=Path(tmp) / "h.sqlite3",
                            captures_folder=Path(tmp) / "captures")
        window.show()
        window.capture_dock.show()
        window.activateWindow()
        window.desk.connect(Connection(Mode.SESSION, Credentials(
            sandbox_process.APPID, sandbox_process.SECRET_ID, sandbox_process.SECRET_KEY), url))
        feeder = QTimer()
        feeder.timeout.connect(lambda: source.push(frame))
        feeder.start(33)
        panel = window.capture_panel
        panel.check_mode.setChecked(True)
        wait_for(lambda: panel._frame is not None)
        queued, verdict = [], []
        try:
            for _ in range(args.runs):
                count = len(window.model.items())
                pressed = time.perf_counter()
                QTest.keyClick(window, Qt.Key.Key_Space)
                in_queue = wait_for(lambda c=count: len(window.model.items()) > c)
                item = window.model.items()[-1]
                done = wait_for(lambda i=item: i.status in FINAL)
                queued.append((in_queue - pressed) * 1000)
                verdict.append((done - pressed) * 1000)
                wait_for(lambda: not panel.busy)
        finally:
            feeder.stop()
            window.shutdown()
            sandbox_process.stop(sandbox)
    print(f"{args.runs} captures at 1280x720, capture-and-check, sandbox latency "
          f"{args.latency_ms} ms (own process, loopback)")
    print(f"key press -> in queue: median {statistics.median(queued):.0f} ms, "
          f"max {max(queued):.0f} ms")
    print(f"key press -> verdict:  median {statistics.median(verdict):.0f} ms, "
          f"max {max(verdict):.0f} ms")
    print("target: press to queued well under 300 ms")
    app.quit()


if __name__ == "__main__":
    main()
