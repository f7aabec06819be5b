"""``livedetect worklist`` against a real history file."""

from __future__ import annotations

import json

from livedetect_gui.cli.main import main
from livedetect_gui.core.trail.history import History
from livedetect_gui.core.trail.review import Review, ReviewPolicy
from tests.core.trail.trail_data import add_check


def test_worklist_lists_what_needs_a_decision(tmp_path, monkeypatch, capsys) -> None:
    path = tmp_path / "h.sqlite3"
    history = History(path, operator="ann")
    old = add_check(history, "old.jpg", at=1, reference="APP-7")
    new = add_check(history, "new.jpg", score=20, at=2)
    done = add_check(history, "done.jpg", at=3)
    Review(history).decide(done, "accept")
    pending = Review(history, ReviewPolicy(four_eyes=True)).decide(new, "accept",
                                                                   reason="in_person")
    history.close()
    monkeypatch.setenv("LIVEDETECT_OPERATOR", "bob")
    assert main(["worklist", "--history", str(path), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [i["record_id"] for i in listed["items"]] == [old, pending.id]
    assert [i["state"] for i in listed["items"]] == ["undecided", "awaiting_approval"]
    assert listed["items"][0]["reference"] == "APP-7"
    assert listed["counts"] == {"undecided": 1, "awaiting_approval": 1, "escalated": 0,
                                "decided": 1}
    # The maker does not see their own pending decision.
    monkeypatch.setenv("LIVEDETECT_OPERATOR", "ann")
    assert main(["worklist", "--history", str(path), "--lang", "zh"]) == 0
    out, err = capsys.readouterr()
    assert old in out and pending.id not in out and "待决定 1" in err


def test_worklist_usage_errors(tmp_path, capsys) -> None:
    assert main(["worklist", "--history", str(tmp_path / "h.sqlite3"), "--limit", "-1"]) == 64
    assert "--limit" in capsys.readouterr().err
