"""The status bar's counts follow the queue as it changes, without polling."""

from __future__ import annotations

from livedetect_gui.ui.queue.model import Status
from livedetect_gui.ui.window.main_window import MainWindow
from tests.conftest import make_photo
from tests.ui.conftest import WAIT_MS, wait_prepared


def items_status(window: MainWindow) -> list[Status]:
    return [i.status for i in window.model.items()]


def test_status_counts_follow_the_queue_without_a_poll(qtbot, window, tmp_path) -> None:
    make_photo(5).save(tmp_path / "a.jpg")
    window.add_paths([str(tmp_path / "a.jpg")])
    wait_prepared(qtbot, window, 1)
    qtbot.waitUntil(lambda: window.status.progress_label.text().startswith("1 photos"),
                    timeout=WAIT_MS)
    assert window.desk.progress().photos == 1 and items_status(window) == [Status.QUEUED]
