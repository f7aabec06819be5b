"""How late the GUI event loop gets while a batch is prepared and checked.

A 10 ms precise timer runs on the GUI thread; each tick's delay beyond its interval is a stall
an operator would feel. Shared by bench/ui_responsiveness.py and the test (a loose bound).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt, QTimer

from livedetect_gui.ui.queue.model import FINAL
from livedetect_gui.ui.window.main_window import MainWindow

TICK_MS = 10


@dataclass(frozen=True)
class Stalls:
    photos: int
    seconds: float
    worst_ms: float
    p99_ms: float
    ticks: int
    # (seconds since start, stall ms) of every stall over 50 ms, to find their cause
    long_stalls: tuple[tuple[float, float], ...] = ()


def measure(window: MainWindow, folder: Path, count: int, timeout_s: float = 300) -> Stalls:
    """Drop ``folder`` (``count`` photos) into the window, run all, time the event loop."""
    last = [time.perf_counter()]
    lateness: list[float] = []
    long_stalls: list[tuple[float, float]] = []

    def tick() -> None:
        now = time.perf_counter()
        lateness.append(max(0.0, (now - last[0]) * 1000 - TICK_MS))
        if lateness[-1] > 50:
            long_stalls.append((round(now - started, 2), round(lateness[-1])))
        last[0] = now

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    loop = QEventLoop()

    def check_done() -> None:
        items = window.model.items()
        if len(items) == count and all(i.status in FINAL for i in items):
            loop.quit()

    poll = QTimer()
    poll.setInterval(50)
    poll.timeout.connect(check_done)
    started = time.perf_counter()
    timer.start()
    last[0] = time.perf_counter()
    window.add_paths([str(folder)])
    window.run_all()  # photos still preparing are run as soon as they are ready
    poll.start()
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    timer.stop()
    poll.stop()
    elapsed = time.perf_counter() - started
    done = [i for i in window.model.items() if i.status in FINAL]
    if len(done) != count:
        raise AssertionError(f"only {len(done)} of {count} photos finished in {timeout_s} s")
    ordered = sorted(lateness)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0
    return Stalls(count, elapsed, ordered[-1] if ordered else 0.0, p99, len(ordered),
                  tuple(long_stalls))
