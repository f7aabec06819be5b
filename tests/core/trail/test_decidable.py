"""The history's "undecided" and "held" filters: SQL on real records, the worklist's rule."""

from __future__ import annotations

from livedetect_gui.core.result import CheckResult
from livedetect_gui.core.trail.events import record_recheck, record_removed, sent_anyway_records
from livedetect_gui.core.trail.history import History, Query
from livedetect_gui.core.trail.review import Review
from livedetect_gui.core.trail.worklist import Worklist, WorkState
from tests.core.trail.trail_data import add_check


def sources(history: History, query: Query) -> list[str]:
    return sorted(r.source for r in history.page(query))


def test_undecided_is_the_worklists_undecided(tmp_path) -> None:
    history = History(tmp_path / "h.sqlite3", operator="ann")
    waiting = add_check(history, "waiting.jpg", at=1)
    add_check(history, "fail.jpg", score=20, at=2)
    decided = add_check(history, "decided.jpg", at=3)
    withdrawn = add_check(history, "withdrawn.jpg", at=4)
    again = add_check(history, "again.jpg", at=5)
    add_check(history, "refused.jpg", problem_key="not_image", score=None, at=6)
    add_check(history, "held.jpg", problem_key="held_dark", score=None, at=7)
    add_check(history, "timeout.jpg", problem_key="timeout", score=None, at=8)
    review = Review(history)
    review.decide(decided, "accept")
    review.decide(withdrawn, "accept")
    review.withdraw(withdrawn)
    stopped = add_check(history, "stopped.jpg", at=9)
    # Checked again on request and judged again: the new judgement is the one to decide.
    record_recheck(history, again)
    add_check(history, "again.jpg", score=30, at=10)
    # Checked again, but the call timed out: the first judgement still stands.
    record_recheck(history, stopped)
    add_check(history, "stopped.jpg", problem_key="timeout", score=None, at=11)
    undecided = Query(state="undecided")
    assert sources(history, undecided) == ["again.jpg", "fail.jpg", "stopped.jpg",
                                           "waiting.jpg", "withdrawn.jpg"]
    assert history.count(undecided) == Worklist(history).counts()[WorkState.UNDECIDED] == 5
    assert again not in {r.id for r in history.page(undecided)}
    assert stopped in {r.id for r in history.page(undecided)}
    assert {i.check.id for i in Worklist(history).page(states=[WorkState.UNDECIDED])} == {
        r.id for r in history.page(undecided)}
    assert waiting in {r.id for r in history.page(Query(state="undecided", verdicts=["pass"]))}
    history.close()


def test_held_is_held_and_never_sent(tmp_path) -> None:
    history = History(tmp_path / "h.sqlite3", operator="ann")
    add_check(history, "dark.jpg", problem_key="held_dark", score=None, at=1)
    forced = add_check(history, "blurred.jpg", problem_key="held_blurred", score=None, at=2)
    add_check(history, "judged-later.jpg", problem_key="held_small", score=None, at=3)
    add_check(history, "judged-later.jpg", at=4)
    add_check(history, "refused.jpg", problem_key="not_image", score=None, at=5)
    add_check(history, "fine.jpg", at=6)
    held = history.get(forced)
    assert held is not None
    sent = history.check_record(CheckResult(source="blurred.jpg", threshold=87, score=95,
                                            source_sha256="sha-blurred.jpg"))
    history.store.append(sent_anyway_records(sent, ["held_blurred"], reason="in_person"))
    assert sources(history, Query(state="held")) == ["dark.jpg"]
    # A held photo taken off the desk was never sent either.
    record_removed(history, "dark.jpg", "sha-dark.jpg", history.page(Query(state="held"))[0].id)
    assert sources(history, Query(state="held", simulated=False)) == ["dark.jpg"]
    history.close()
