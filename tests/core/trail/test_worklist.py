"""The worklist: what needs a decision, oldest first, paged in SQL, across restarts."""

from __future__ import annotations

from livedetect_gui.core.trail.events import record_recheck, record_removed
from livedetect_gui.core.trail.history import History
from livedetect_gui.core.trail.review import Review, ReviewPolicy
from livedetect_gui.core.trail.worklist import Worklist, WorkState
from tests.core.trail.trail_data import add_check


def test_oldest_first_paged_and_counted(tmp_path) -> None:
    history = History(tmp_path / "h.sqlite3", operator="ann")
    ids = [add_check(history, f"p{i}.jpg", at=100 - i) for i in range(5)]  # newest first
    add_check(history, "held.jpg", problem_key="held_dark")  # not a result to decide
    add_check(history, "notes.jpg", problem_key="not_image")  # refused: never sent nor judged
    Review(history).decide(ids[0], "accept")
    Review(history).decide(ids[1], "escalate")
    worklist = Worklist(history)
    first = worklist.page(0, 2)
    rest = worklist.page(2, 10)
    assert [i.check.id for i in first + rest] == [ids[4], ids[3], ids[2], ids[1]]
    assert [i.state for i in first + rest][-1] is WorkState.ESCALATED
    assert worklist.counts() == {WorkState.UNDECIDED: 3, WorkState.AWAITING_APPROVAL: 0,
                                 WorkState.ESCALATED: 1, WorkState.DECIDED: 1}
    history.close()
    # Another process, another desk: the same list, read from the store.
    again = History(tmp_path / "h.sqlite3", operator="bob")
    assert [i.check.id for i in Worklist(again).page()] == [ids[4], ids[3], ids[2], ids[1]]
    again.close()


def test_pending_items_and_simulated_filter(tmp_path) -> None:
    history = History(tmp_path / "h.sqlite3", operator="ann")
    live = add_check(history, "live.jpg", score=20, at=1)
    add_check(history, "sim.jpg", at=2, simulated=True)
    Review(history, ReviewPolicy(four_eyes=True)).decide(live, "accept", reason="in_person")
    worklist = Worklist(history)
    assert worklist.counts()[WorkState.AWAITING_APPROVAL] == 1
    assert worklist.counts(viewer="ann")[WorkState.AWAITING_APPROVAL] == 0
    assert [i.check.source for i in worklist.page(simulated=False)] == ["live.jpg"]
    assert [i.check.source for i in worklist.page(simulated=True)] == ["sim.jpg"]
    history.close()


def test_a_rechecked_check_leaves_the_worklist(tmp_path) -> None:
    history = History(tmp_path / "h.sqlite3", operator="ann")
    old = add_check(history, "a.jpg", problem_key="timeout", score=None)
    record_recheck(history, old)
    new = add_check(history, "a.jpg")
    assert [i.check.id for i in Worklist(history).page()] == [new]
    history.close()


def test_only_judgements_are_counted_as_undecided(tmp_path) -> None:
    """Refused, held and removed photos are nothing to decide, nor a judgement checked again
    and judged again since; an error someone decided anyway (escalated) stays, with its
    decision."""
    history = History(tmp_path / "h.sqlite3", operator="ann")
    judged = add_check(history, "judged.jpg", at=1)
    add_check(history, "refused.jpg", problem_key="not_image", score=None, at=2)
    add_check(history, "missing.jpg", problem_key="file_missing", score=None, at=3)
    held = add_check(history, "held.jpg", problem_key="held_dark", score=None, at=4)
    record_removed(history, "held.jpg", "sha-held.jpg", held)
    removed = add_check(history, "removed.jpg", score=20, at=5)
    record_removed(history, "removed.jpg", "sha-removed.jpg", removed)
    rechecked = add_check(history, "again.jpg", at=6)
    record_recheck(history, rechecked)
    judged_again = add_check(history, "again.jpg", score=30, at=6.5)  # the one to decide now
    error = add_check(history, "error.jpg", problem_key="timeout", score=None, at=7)
    Review(history).decide(error, "escalate")
    worklist = Worklist(history)
    assert worklist.counts() == {WorkState.UNDECIDED: 2, WorkState.AWAITING_APPROVAL: 0,
                                 WorkState.ESCALATED: 1, WorkState.DECIDED: 0}
    assert [i.check.id for i in worklist.page()] == [judged, judged_again, error]
    assert set(worklist.states([judged, held, removed, rechecked, error])) == {judged, error}
    history.close()


def test_the_same_worklist_on_a_shared_postgresql_store(pg_url, tmp_path) -> None:
    """Two desks on one centre's store: the same SQL, the same answers, four eyes across desks."""
    from livedetect_gui.core.trail.cases import case
    from livedetect_gui.core.trail.history import open_history
    from livedetect_gui.core.trail.location import parse

    def desk(name: str, operator: str) -> History:
        return open_history(parse(pg_url), operator=operator,
                            spool=tmp_path / f"{name}-spool.sqlite3")

    one, two = desk("desk1", "ann"), desk("desk2", "bob")
    try:
        fail = add_check(one, "f.jpg", score=20, at=1, reference="APP-9")
        passed = add_check(one, "p.jpg", at=2, reference="APP-9")
        one.store.flush()
        made = Review(one, ReviewPolicy(four_eyes=True)).decide(fail, "accept",
                                                                reason="in_person")
        one.store.flush()
        assert [i.record_id for i in Worklist(two).page(viewer="bob")] == [made.id, passed]
        assert [i.check.id for i in Worklist(two).page(viewer="ann")] == [passed]
        Review(two, ReviewPolicy(four_eyes=True)).approve(made.id)
        Review(two).decide(passed, "accept")
        two.store.flush()
        assert Worklist(one).counts()[WorkState.DECIDED] == 2
        assert case(one, "APP-9").complete
        assert one.latest_decisions([fail])[fail].id == made.id
        assert one.verify().intact
    finally:
        one.close()
        two.close()
