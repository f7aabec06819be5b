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
from livedetect_gui.core.trail.events import (
    held_record_of,
    holds_of,
    record_recheck,
    record_removed,
)
from livedetect_gui.core.trail.history import History, Query
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


def test_removed_and_recheck_are_recorded_once_each(tmp_path) -> None:
    history = History(tmp_path / "h.sqlite3", operator="ann")
    held = CheckResult(source="dark.jpg", threshold=87, problem_key="held_dark",
                       source_sha256="dd")
    record_result(history, held, holds=("held_dark", "held_blurred"))
    found = held_record_of(history, held)
    assert found is not None and holds_of(found) == ("held_dark", "held_blurred")
    removed = record_removed(history, "dark.jpg", "dd", held_id=found.id, simulated=True)
    assert removed.kind == Kind.REMOVED and removed.check_id == found.id and removed.simulated
    judged = history.record(CheckResult(source="a.jpg", threshold=87, score=95))
    again = record_recheck(history, judged)
    assert again.kind == Kind.RECHECK and again.check_id == judged and again.operator == "ann"
    with pytest.raises(DecisionError) as caught:
        record_recheck(history, "nope")
    assert caught.value.key == "unknown_check"
    assert history.count(Query(kinds=["removed"])) == 1
    assert history.count(Query(kinds=["recheck"])) == 1
    history.close()


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
