"""Cases: a reference's photos, checks and decisions, complete or not."""

from __future__ import annotations

from livedetect_gui.core.trail.cases import case
from livedetect_gui.core.trail.history import History
from livedetect_gui.core.trail.review import Review, ReviewPolicy
from tests.core.trail.trail_data import add_check, as_operator


def test_case_lists_its_checks_and_decisions_and_completes(tmp_path) -> None:
    history = History(tmp_path / "h.sqlite3", operator="ann")
    front = add_check(history, "front.jpg", reference="APP-1", at=1)
    side = add_check(history, "side.jpg", score=20, at=2)  # joins the case by its decision
    add_check(history, "other.jpg", reference="APP-2", at=3)
    review = Review(history, ReviewPolicy(four_eyes=True))
    review.decide(front, "accept")
    pending = review.decide(side, "accept", reason="document_verified", reference="APP-1")
    found = case(history, "APP-1")
    assert found.photos == ("front.jpg", "side.jpg")
    assert [r.kind for r in found.records] == ["check", "check", "decision", "decision"]
    assert not found.complete and [i.check.id for i in found.open_items] == [side]
    Review(as_operator(history, "bob"), ReviewPolicy(four_eyes=True)).approve(pending.id)
    assert case(history, "APP-1").complete
    assert not case(history, "APP-2").complete  # undecided
    assert not case(history, "nobody").complete and case(history, "nobody").items == ()
    history.close()
