"""Defects found in review of the second round: each test failed before its fix."""

from __future__ import annotations

from livedetect_gui.ui.queue_model import Status
from tests.conftest import make_photo
from tests.ui.conftest import point_at, wait_final, wait_prepared


def test_photos_run_after_cancel_are_sent_while_earlier_checks_are_in_flight(
        qtbot, window, start_sandbox, tmp_path) -> None:
    slow = start_sandbox(latency_ms=1500)
    point_at(window, slow)
    window.desk.runs.set_concurrency(1)
    first, second = tmp_path / "first.jpg", tmp_path / "second.jpg"
    make_photo(1, (320, 240)).save(first)
    make_photo(2, (320, 240)).save(second)
    window.add_paths([str(first)])
    wait_prepared(qtbot, window, 1)
    window.run_all()
    qtbot.waitUntil(lambda: window.model.items()[0].status is Status.SENDING, timeout=10_000)
    window.desk.runs.cancel()  # the first is in flight: it ends normally
    window.add_paths([str(second)])
    wait_prepared(qtbot, window, 2)
    later = [i for i in window.model.items() if i.name == "second.jpg"]
    assert window.desk.runs.run(later) == 1
    wait_final(qtbot, window)
    assert all(i.status in (Status.PASS, Status.FAIL) for i in window.model.items())
    assert slow.stats["requests"] == 2
