"""The trail events the desk writes (offscreen Qt, its own sandbox on loopback, a real history
file): a hold when the operator runs a held photo (once, across restarts), the override when it
is sent anyway (with an optional reason), a removal without a result (a retake too) and a
re-check before its call."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from livedetect_gui.core.service.credentials import CredentialStore
from livedetect_gui.core.trail.chain import Kind, Record
from livedetect_gui.core.trail.events import holds_of
from livedetect_gui.core.trail.history import History
from livedetect_gui.ui.desk.controller import Desk
from livedetect_gui.ui.desk.settings import DeskSettings
from livedetect_gui.ui.queue.model import FINAL, QueueItem, Status
from tests.conftest import make_photo
from tests.ui.conftest import WAIT_MS


@pytest.fixture
def make_desk(qtbot, tmp_path: Path):
    """A desk on its sandbox (simulated), operator "ann", history ``tmp_path/h.sqlite3``: the
    same one for every desk made (a restart is a second desk)."""
    made: list[Desk] = []

    def make(prechecks: bool) -> Desk:
        desk = Desk(DeskSettings(prechecks=prechecks, operator="ann", confirm_over=0),
                    history_path=tmp_path / "h.sqlite3",
                    store=CredentialStore(f"livedetect-gui-tests-{uuid.uuid4().hex[:8]}"),
                    env={}, persist=False)
        made.append(desk)
        desk.start(force_sandbox=True)
        qtbot.waitUntil(lambda: desk.ready, timeout=WAIT_MS)
        return desk

    yield make
    for desk in made:
        desk.shutdown()


def trail(path: Path) -> list[Record]:
    history = History(path)
    try:
        return sorted(history.stream(), key=lambda r: r.seq)
    finally:
        history.close()


def of_kind(path: Path, kind: Kind) -> list[Record]:
    return [r for r in trail(path) if r.kind == kind]


def add(qtbot, desk: Desk, paths: list[Path]) -> list[QueueItem]:
    before = len(desk.model.items())
    desk.intake.add_paths([str(p) for p in paths])
    qtbot.waitUntil(lambda: len(desk.model.items()) == before + len(paths) and all(
        i.status is not Status.PREPARING for i in desk.model.items()), timeout=WAIT_MS)
    return desk.model.items()[before:]


def photo(tmp_path: Path, name: str, seed: int) -> Path:
    """A generated picture has no face: with the pre-checks on, it is held."""
    path = tmp_path / name
    make_photo(seed, (320, 240)).save(path, quality=90)
    return path


def judged(qtbot, desk: Desk, path: Path) -> QueueItem:
    """Checked and recorded (the pre-checks off: the sandbox judges it)."""
    (item,) = add(qtbot, desk, [path])
    desk.run_all()
    qtbot.waitUntil(lambda: item.status in FINAL and item.record_id is not None,
                    timeout=WAIT_MS)
    return item


def test_a_hold_is_recorded_once_across_restarts_then_sent_anyway(
        qtbot, make_desk, tmp_path) -> None:
    history = tmp_path / "h.sqlite3"
    held = photo(tmp_path, "held.jpg", 5)
    desk = make_desk(prechecks=True)
    desk.set_case("  A-17   Li ")
    (item,) = add(qtbot, desk, [held])
    assert item.status is Status.HELD
    assert not history.exists() or not trail(history)  # held at intake: not yet run
    desk.run_all()
    qtbot.waitUntil(lambda: item.held_id is not None and not desk.running, timeout=WAIT_MS)
    record, = trail(history)
    assert record.id == item.held_id and record.kind == Kind.CHECK
    assert record.problem_key == "held_no_face" and holds_of(record) == ("held_no_face",)
    assert record.operator == "ann" and record.simulated and record.reference == "A-17 Li"
    desk.shutdown()

    again = make_desk(prechecks=True)  # a restart with the photo queued again
    (item,) = add(qtbot, again, [held])
    again.run_all()
    qtbot.waitUntil(lambda: item.held_id is not None and not again.running, timeout=WAIT_MS)
    assert item.held_id == record.id and len(trail(history)) == 1  # not recorded again

    # Sent anyway with a reason, by the rule of a decision's reason: a configured key.
    assert not again.send_anyway([item], reason="because")
    assert item.status is Status.HELD and not again.running
    assert again.send_anyway([item], reason="in_person", note=" lamp broken ")
    qtbot.waitUntil(lambda: item.status in FINAL and not again.running, timeout=WAIT_MS)
    _held, forced, event = trail(history)
    assert forced.override and forced.attempts > 0 and forced.id == item.record_id
    assert event.kind == Kind.SENT_ANYWAY and event.check_id == forced.id
    assert holds_of(event) == ("held_no_face",) and event.operator == "ann" and event.simulated
    assert event.reason == "in_person" and event.note == "lamp broken"


def test_held_and_refused_photos_run_before_the_connection_are_recorded_once_connected(
        qtbot, tmp_path) -> None:
    desk = Desk(DeskSettings(prechecks=True, operator="ann", confirm_over=0),
                history_path=tmp_path / "h.sqlite3",
                store=CredentialStore(f"livedetect-gui-tests-{uuid.uuid4().hex[:8]}"),
                env={}, persist=False)
    notices: list[str] = []
    desk.notice.connect(notices.append)
    try:
        broken = tmp_path / "broken.jpg"
        broken.write_bytes(b"\xff\xd8\xff\xe0 broken")
        item, refused = add(qtbot, desk, [photo(tmp_path, "held.jpg", 5), broken])
        assert item.status is Status.HELD and refused.refused and not desk.ready
        desk.run_all()  # before the desk has connected: run once it has
        desk.start(force_sandbox=True)
        qtbot.waitUntil(lambda: item.held_id is not None and refused.record_id is not None
                        and not desk.running, timeout=WAIT_MS)
        records = of_kind(tmp_path / "h.sqlite3", Kind.CHECK)
        assert len(records) == 2 and all(r.simulated for r in records)  # on the sandbox
        assert sum("held by the pre-checks" in n for n in notices) == 1, notices
    finally:
        desk.shutdown()


def test_removing_a_row_without_a_result_is_recorded(qtbot, make_desk, tmp_path) -> None:
    history = tmp_path / "h.sqlite3"
    desk = make_desk(prechecks=True)
    held, waiting = add(qtbot, desk, [photo(tmp_path, "held.jpg", 5),
                                      photo(tmp_path, "waiting.jpg", 6)])
    desk.run([held])
    qtbot.waitUntil(lambda: held.held_id is not None, timeout=WAIT_MS)
    desk.set_case("B-2")  # a removal carries the reference its photo came in under
    desk.remove({held.id, waiting.id})
    qtbot.waitUntil(lambda: len(of_kind(history, Kind.REMOVED)) == 2, timeout=WAIT_MS)
    removed = {Path(r.source).name: r for r in of_kind(history, Kind.REMOVED)}
    assert removed["held.jpg"].check_id == held.held_id  # the hold it had
    assert removed["waiting.jpg"].check_id is None  # never run: nothing before it
    for record in removed.values():
        assert record.operator == "ann" and record.simulated and record.source_sha256
        assert record.reference == ""


def test_a_row_removed_while_its_hold_is_being_recorded_names_the_hold(
        qtbot, make_desk, tmp_path) -> None:
    desk = make_desk(prechecks=True)
    (item,) = add(qtbot, desk, [photo(tmp_path, "held.jpg", 5)])
    desk.run_all()  # the hold is written on a worker...
    assert desk.runs.running and item.held_id is None
    desk.remove({item.id})  # ...and the operator removes the row at once
    qtbot.waitUntil(lambda: len(trail(tmp_path / "h.sqlite3")) == 2, timeout=WAIT_MS)
    hold, removed = trail(tmp_path / "h.sqlite3")
    assert hold.problem_key == "held_no_face"
    assert removed.kind == Kind.REMOVED and removed.check_id == hold.id


def test_removing_a_judged_row_adds_nothing(qtbot, make_desk, tmp_path) -> None:
    history = tmp_path / "h.sqlite3"
    desk = make_desk(prechecks=False)
    judged(qtbot, desk, photo(tmp_path, "judged.jpg", 7))
    before = trail(history)
    desk.clear_finished()
    assert not desk.model.items()
    desk.shutdown()  # the io pool has done whatever it was given
    assert trail(history) == before and not of_kind(history, Kind.REMOVED)


def test_a_retaken_capture_is_removed(qtbot, make_desk, tmp_path) -> None:
    history = tmp_path / "h.sqlite3"
    desk = make_desk(prechecks=False)
    capture = photo(tmp_path, "capture-1.jpg", 8)
    item = desk.intake.add_capture(str(capture), "capture 1", check_now=False)
    desk.withdraw(item.id)  # the capture panel's retake
    qtbot.waitUntil(lambda: len(of_kind(history, Kind.REMOVED)) == 1, timeout=WAIT_MS)
    removed, = trail(history)
    assert removed.source == "capture 1" and removed.operator == "ann" and removed.simulated
    assert not desk.model.items()


def test_check_again_records_who_asked_before_the_call(qtbot, make_desk, tmp_path) -> None:
    history = tmp_path / "h.sqlite3"
    desk = make_desk(prechecks=False)
    item = judged(qtbot, desk, photo(tmp_path, "judged.jpg", 9))
    first = item.record_id
    desk.set_operator("bob")
    desk.check_again([item])
    qtbot.waitUntil(lambda: item.status in FINAL and item.record_id not in (None, first),
                    timeout=WAIT_MS)
    event, = of_kind(history, Kind.RECHECK)
    assert event.check_id == first and event.operator == "bob" and event.simulated
    new = next(r for r in trail(history) if r.id == item.record_id)
    assert event.seq < new.seq and new.attempts > 0  # written before the (billed) call


def test_a_refusal_is_recorded_once_across_restarts(qtbot, make_desk, tmp_path) -> None:
    history = tmp_path / "h.sqlite3"
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 broken")
    for _start in range(2):  # the desk restarted with the photo queued again
        desk = make_desk(prechecks=False)
        (item,) = add(qtbot, desk, [broken])
        assert item.refused
        desk.run_all()
        qtbot.waitUntil(lambda item=item: item.record_id is not None, timeout=WAIT_MS)
        desk.shutdown()
    refusal, = trail(history)
    assert refusal.kind == Kind.CHECK and refusal.problem_key and refusal.attempts == 0
    assert refusal.operator == "ann" and refusal.simulated


def test_sent_anyway_while_its_hold_is_being_recorded_waits_for_the_hold(
        qtbot, make_desk, tmp_path) -> None:
    from livedetect_gui.core.trail.history import Query

    history = tmp_path / "h.sqlite3"
    desk = make_desk(prechecks=True)
    (item,) = add(qtbot, desk, [photo(tmp_path, "held.jpg", 5)])
    desk.run_all()  # the hold is written on a worker...
    assert desk.runs.running and item.held_id is None
    assert desk.send_anyway([item])  # ...and the operator sends it anyway at once
    qtbot.waitUntil(lambda: item.status in FINAL and not desk.running, timeout=WAIT_MS)
    hold, forced, event = trail(history)  # in this order: the hold before its override
    assert hold.problem_key == "held_no_face" and forced.attempts > 0
    assert event.kind == Kind.SENT_ANYWAY and event.check_id == forced.id
    assert item.held_id == hold.id
    reader = History(history)
    try:
        assert reader.count(Query(state="held")) == 0  # sent: not "held, not sent"
    finally:
        reader.close()
