"""Every event in the trail once, with the right flags: a sandbox run's refusals and holds are
simulated, a refusal is recorded once per content and reason, a forced send says which holds
it overrode, removals and re-checks are records of their own."""

from __future__ import annotations

import pytest

from livedetect_gui.core.checks.batch import Batch, CheckOptions, Source
from livedetect_gui.core.checks.recording import record_result
from livedetect_gui.core.imaging.prechecks import PrecheckPolicy
from livedetect_gui.core.imaging.prepare import Limits
from livedetect_gui.core.result import CheckResult
from livedetect_gui.core.trail.chain import DecisionError, Kind
from livedetect_gui.core.trail.decision_rules import checked_reason
from livedetect_gui.core.trail.events import (
    held_record_of,
    holds_of,
    record_recheck,
    record_removed,
)
from livedetect_gui.core.trail.history import History, Query
from livedetect_gui.core.trail.worklist import Worklist, WorkState
from tests.conftest import make_photo

SANDBOX_RUN = CheckOptions(prechecks=PrecheckPolicy(faces=False), simulated=True)


def files(tmp_path):
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    small = tmp_path / "small.jpg"
    make_photo(1, (120, 100)).save(small)
    return empty, small


def test_sandbox_refusals_and_holds_are_simulated(tmp_path, sandbox, make_client) -> None:
    history = History(tmp_path / "h.sqlite3", operator="ann")
    empty, small = files(tmp_path)
    batch = Batch(make_client(sandbox), Limits(), 87, SANDBOX_RUN, trail=history)
    results = batch.run([Source.file(empty), Source.file(small)])
    assert [r.problem_key for r in results] == ["file_empty", "held_small"]
    records = history.entries()
    assert len(records) == 2 and all(r.simulated for r in records)
    held = next(r for r in records if r.problem_key == "held_small")
    assert holds_of(held) == ("held_small",)
    assert sandbox.stats["requests"] == 0  # nothing was sent
    history.close()


def test_a_refusal_is_recorded_once_per_content_and_reason(tmp_path) -> None:
    history = History(tmp_path / "h.sqlite3", operator="ann")
    refused = CheckResult(source="empty.jpg", threshold=87, problem_key="file_empty",
                          source_sha256="e3b0")
    first = record_result(history, refused)
    assert first is not None
    for _start in range(3):  # the desk started three times with it queued
        assert record_result(history, refused) == first  # the record already there
    # Another file with the same (empty) content, refused for the same reason: still once.
    assert record_result(history, CheckResult(source="copy.jpg", threshold=87,
                                              problem_key="file_empty",
                                              source_sha256="e3b0")) == first
    # Another reason for the same content is another event.
    assert record_result(history, CheckResult(source="empty.jpg", threshold=87,
                                              problem_key="not_image",
                                              source_sha256="e3b0")) is not None
    # A judged check is never deduplicated here (reuse decides whether it is sent).
    judged = CheckResult(source="a.jpg", threshold=87, score=95, source_sha256="aa")
    assert record_result(history, judged) and record_result(history, judged)
    assert history.count(Query(kinds=["check"])) == 4
    history.close()


def test_sent_anyway_carries_the_override_and_the_holds(tmp_path, sandbox,
                                                        make_client) -> None:
    history = History(tmp_path / "h.sqlite3", operator="ann")
    _empty, small = files(tmp_path)
    forced = CheckOptions(prechecks=PrecheckPolicy(faces=False), force=True, simulated=True)
    batch = Batch(make_client(sandbox), Limits(), 87, forced, trail=history)
    results = batch.run([Source.file(small)])
    assert results[0].attempts > 0  # it was sent
    check, = history.entries(kinds=["check"])
    event, = history.entries(kinds=[Kind.SENT_ANYWAY.value])
    assert check.override and holds_of(check) == ("held_small",) and check.simulated
    assert event.check_id == check.id and holds_of(event) == ("held_small",)
    assert event.operator == "ann" and event.simulated
    assert history.verify().intact
    history.close()


def test_sent_anyway_from_the_desk_with_a_reason(tmp_path) -> None:
    history = History(tmp_path / "h.sqlite3", operator="ann")
    result = CheckResult(source="dark.jpg", threshold=87, score=91, attempts=1,
                         source_sha256="dd")
    check_id = record_result(history, result, holds=("held_no_face", "held_dark"),
                             forced=True, reason="in_person", note="lamp broken")
    event, = history.entries(kinds=[Kind.SENT_ANYWAY.value])
    assert event.check_id == check_id and event.reason == "in_person"
    assert event.note == "lamp broken" and holds_of(event) == ("held_no_face", "held_dark")
    history.close()


def test_a_hold_is_recorded_once_per_content_and_holds(tmp_path, sandbox,
                                                       make_client) -> None:
    history = History(tmp_path / "h.sqlite3", operator="ann")
    _empty, small = files(tmp_path)
    for _start in range(3):  # the CLI run three times on the same photo
        batch = Batch(make_client(sandbox), Limits(), 87, SANDBOX_RUN, trail=history)
        (result,) = batch.run([Source.file(small)])
        assert result.held
    held, = history.entries(kinds=["check"])
    assert held.problem_key == "held_small" and holds_of(held) == ("held_small",)
    assert held.simulated and held.operator == "ann" and held.attempts == 0
    # The same content held for other holds (other rules) is another event.
    other = CheckResult(source=small.name, threshold=87, problem_key="held_small",
                        source_sha256=held.source_sha256, simulated=True)
    assert record_result(history, other, holds=("held_small", "held_dark")) != held.id
    assert record_result(history, other, holds=("held_small", "held_dark")) is not None
    assert history.count(Query(kinds=["check"])) == 2
    assert sandbox.stats["requests"] == 0
    history.close()


def test_removed_and_recheck_are_recorded_once_each(tmp_path) -> None:
    history = History(tmp_path / "h.sqlite3", operator="ann")
    held = CheckResult(source="dark.jpg", threshold=87, problem_key="held_dark",
                       source_sha256="dd")
    record_result(history, held, holds=("held_dark", "held_blurred"))
    found = held_record_of(history, held)
    assert found is not None and holds_of(found) == ("held_dark", "held_blurred")
    removed_id = record_removed(history, "dark.jpg", "dd", held_id=found.id, simulated=True,
                                reference="  case  7 ")
    removed = history.get(removed_id)
    assert removed.kind == Kind.REMOVED and removed.check_id == found.id and removed.simulated
    assert removed.operator == "ann" and removed.source_sha256 == "dd"
    assert removed.reference == "case 7"
    judged = history.record(CheckResult(source="a.jpg", threshold=87, score=95))
    again = history.get(record_recheck(history, judged))
    assert again.kind == Kind.RECHECK and again.check_id == judged and again.operator == "ann"
    with pytest.raises(DecisionError) as caught:
        record_recheck(history, "nope")
    assert caught.value.key == "unknown_check"
    assert history.count(Query(kinds=["removed"])) == 1
    assert history.count(Query(kinds=["recheck"])) == 1
    assert history.verify().intact
    history.close()


def test_a_recheck_names_the_judgement_it_repeats_before_the_call(tmp_path, sandbox,
                                                                  make_client) -> None:
    history = History(tmp_path / "h.sqlite3", operator="ann")
    judged, fresh = tmp_path / "judged.jpg", tmp_path / "fresh.jpg"
    make_photo(2, (320, 240)).save(judged)
    make_photo(3, (320, 240)).save(fresh)
    first = Batch(make_client(sandbox), Limits(), 87, CheckOptions(simulated=True),
                  trail=history)
    first.run([Source.file(judged)])
    earlier, = history.entries(kinds=["check"])
    again = Batch(make_client(sandbox), Limits(), 87,
                  CheckOptions(simulated=True, recheck=True), trail=history)
    results = again.run([Source.file(judged), Source.file(fresh)], reference="A-1")
    assert all(r.attempts > 0 for r in results) and sandbox.stats["requests"] == 3
    # One event, for the photo judged before (the other had no judgement to repeat).
    event, = history.entries(kinds=[Kind.RECHECK.value])
    assert event.check_id == earlier.id and event.operator == "ann" and event.simulated
    assert event.reference == "A-1"
    new = next(r for r in history.entries(kinds=["check"])
               if r.source == str(judged) and r.id != earlier.id)
    assert event.seq < new.seq  # written before the paid call
    # The repeated check left the worklist; the new ones wait for a decision.
    waiting = {i.check.id for i in Worklist(history).page()}
    assert earlier.id not in waiting and new.id in waiting
    history.close()


def test_events_are_never_checks_to_decide(tmp_path) -> None:
    """Every event record is told apart by ``kind``: none is in the worklist or its counts."""
    history = History(tmp_path / "h.sqlite3", operator="ann")
    held = CheckResult(source="dark.jpg", threshold=87, problem_key="held_dark",
                       source_sha256="dd", simulated=True)
    held_id = record_result(history, held, holds=("held_dark",))
    record_removed(history, "dark.jpg", "dd", held_id=held_id, simulated=True)
    record_removed(history, "never.jpg", "ee")
    forced = CheckResult(source="dark.jpg", threshold=87, score=91, attempts=1,
                         source_sha256="dd")
    forced_id = record_result(history, forced, holds=("held_dark",), forced=True)
    judged = history.record(CheckResult(source="a.jpg", threshold=87, score=95))
    record_recheck(history, judged)  # not judged again (yet): the judgement still stands
    waiting = [i.check for i in Worklist(history).page()]
    assert {r.id for r in waiting} == {forced_id, judged}
    assert all(r.kind == Kind.CHECK for r in waiting)
    assert Worklist(history).counts()[WorkState.UNDECIDED] == 2
    history.close()


def test_an_override_reason_follows_the_decision_rule() -> None:
    assert checked_reason(None) is None
    assert checked_reason("in_person") == "in_person"
    with pytest.raises(DecisionError) as caught:
        checked_reason("because")
    assert caught.value.key == "unknown_reason"


def test_the_desks_lazy_history_follows_the_same_rules(tmp_path) -> None:
    from livedetect_gui.core.trail.lazy_history import LazyHistory

    lazy = LazyHistory(tmp_path / "h.sqlite3", operator="ann")
    refused = CheckResult(source="empty.jpg", threshold=87, problem_key="file_empty",
                          source_sha256="e3b0")
    first = record_result(lazy, refused, simulated=True)
    assert record_result(lazy, refused, simulated=True) == first  # the desk restarted
    record, = lazy.get().entries()
    assert record.id == first and record.simulated and record.operator == "ann"
    lazy.close()
