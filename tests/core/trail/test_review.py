"""Decisions through the review: four eyes enforced by the core, undo, batches."""

from __future__ import annotations

import pytest

from livedetect_gui.core.trail.chain import DecisionError, Kind
from livedetect_gui.core.trail.history import History
from livedetect_gui.core.trail.review import Review, ReviewPolicy
from livedetect_gui.core.trail.worklist import Worklist, WorkState
from tests.core.trail.trail_data import add_check, as_operator


@pytest.fixture
def history(tmp_path):
    opened = History(tmp_path / "h.sqlite3", operator="ann")
    yield opened
    opened.close()


FOUR_EYES = ReviewPolicy(four_eyes=True)


def state(history: History, check_id: str) -> WorkState:
    return Worklist(history).states([check_id])[check_id].state


def test_override_is_pending_until_another_operator_approves(history) -> None:
    fail = add_check(history, "a.jpg", score=20)
    made = Review(history, FOUR_EYES).decide(fail, "accept", reason="in_person")
    assert made.problem_key == "awaiting_approval" and made.override
    assert state(history, fail) is WorkState.AWAITING_APPROVAL
    # Not in the maker's own worklist, in everyone else's.
    assert [i.check.id for i in Worklist(history).page(viewer="ann")] == []
    assert [i.record_id for i in Worklist(history).page(viewer="bob")] == [made.id]
    approval = Review(as_operator(history, "bob"), FOUR_EYES).approve(made.id, note="seen")
    assert approval.kind == Kind.APPROVAL and approval.detail == made.id
    assert approval.decision == "approve" and approval.check_id == fail
    assert state(history, fail) is WorkState.DECIDED
    assert history.verify().intact


def test_the_core_refuses_the_makers_own_approval(history) -> None:
    fail = add_check(history, "a.jpg", score=20)
    made = Review(history, FOUR_EYES).decide(fail, "accept", reason="in_person")
    for step in (Review(history, FOUR_EYES).approve, Review(history, FOUR_EYES).refuse):
        with pytest.raises(DecisionError) as caught:
            step(made.id)
        assert caught.value.key == "own_approval"
        assert "另一位操作员" in caught.value.message("zh")
    assert state(history, fail) is WorkState.AWAITING_APPROVAL


def test_a_refused_decision_leaves_the_check_undecided(history) -> None:
    passed = add_check(history, "a.jpg", score=99)
    made = Review(history, FOUR_EYES).decide(passed, "escalate")
    assert made.problem_key == "awaiting_approval"
    Review(as_operator(history, "bob"), FOUR_EYES).refuse(made.id, note="decide it yourself")
    assert state(history, passed) is WorkState.UNDECIDED
    with pytest.raises(DecisionError) as caught:  # refused once: no longer pending
        Review(history, FOUR_EYES).approve(made.id)
    assert caught.value.key == "not_pending"


def test_an_approved_escalation_stays_open_for_a_supervisor(history) -> None:
    passed = add_check(history, "a.jpg", score=99)
    made = Review(history, FOUR_EYES).decide(passed, "escalate")
    Review(as_operator(history, "bob"), FOUR_EYES).approve(made.id)
    assert state(history, passed) is WorkState.ESCALATED
    Review(as_operator(history, "sue"), FOUR_EYES).decide(passed, "accept")
    assert state(history, passed) is WorkState.DECIDED


def test_agreeing_with_the_machine_needs_no_second_operator(history) -> None:
    passed = add_check(history, "a.jpg", score=99)
    made = Review(history, FOUR_EYES).decide(passed, "accept")
    assert made.problem_key is None and state(history, passed) is WorkState.DECIDED


def test_four_eyes_needs_a_named_operator(history) -> None:
    fail = add_check(history, "a.jpg", score=20)
    with pytest.raises(DecisionError) as caught:
        Review(as_operator(history, ""), FOUR_EYES).decide(fail, "accept", reason="in_person")
    assert caught.value.key == "operator_required"


def test_withdraw_supersedes_the_last_decision(history) -> None:
    first, second = add_check(history, "a.jpg", at=1), add_check(history, "b.jpg", at=2)
    review = Review(history)
    review.decide(first, "accept")
    last = review.decide(second, "reject", reason="suspected_spoof")
    withdrawal = review.withdraw()
    assert withdrawal.kind == Kind.WITHDRAWAL and withdrawal.detail == last.id
    assert state(history, second) is WorkState.UNDECIDED
    assert state(history, first) is WorkState.DECIDED
    review.withdraw()
    assert state(history, first) is WorkState.UNDECIDED
    with pytest.raises(DecisionError) as caught:
        review.withdraw()
    assert caught.value.key == "nothing_to_withdraw"
    # Nothing was edited: every decision is still there, and the chain verifies.
    assert history.count() == 6 and history.verify().intact


def test_another_operators_decision_is_not_withdrawn(history) -> None:
    check = add_check(history, "a.jpg")
    Review(history).decide(check, "accept")
    with pytest.raises(DecisionError):
        Review(as_operator(history, "bob")).withdraw(check)
    assert state(history, check) is WorkState.DECIDED


def test_an_approved_decision_cannot_be_withdrawn(history) -> None:
    fail = add_check(history, "a.jpg", score=20)
    made = Review(history, FOUR_EYES).decide(fail, "accept", reason="in_person")
    Review(as_operator(history, "bob"), FOUR_EYES).approve(made.id)
    with pytest.raises(DecisionError) as caught:
        Review(as_operator(history, "ann"), FOUR_EYES).withdraw(fail)
    assert caught.value.key == "approved_final"


def test_batch_writes_one_record_per_check_or_none(history) -> None:
    ids = [add_check(history, f"p{i}.jpg", at=i) for i in range(3)]
    records = Review(history).decide_many(ids, "accept", note="batch")
    assert [r.check_id for r in records] == ids
    assert {r.note for r in records} == {"batch"}
    assert Worklist(history).counts()[WorkState.DECIDED] == 3
    fail = add_check(history, "f.jpg", score=10)
    before = history.count()
    with pytest.raises(DecisionError) as caught:  # the FAIL needs a reason: nothing written
        Review(history).decide_many([*ids, fail], "accept")
    assert caught.value.key == "reason_required" and history.count() == before
    with pytest.raises(DecisionError) as unknown:
        Review(history).decide_many(["nope"], "accept")
    assert unknown.value.key == "unknown_check"


def test_a_voided_decision_no_longer_counts_as_the_checks_decision(history) -> None:
    check = add_check(history, "a.jpg")
    review = Review(history)
    first = review.decide(check, "accept")
    review.decide(check, "reject", reason="suspected_spoof")
    review.withdraw(check)
    assert history.latest_decisions([check])[check].id == first.id
    review.withdraw(check)
    assert history.latest_decisions([check]) == {}
