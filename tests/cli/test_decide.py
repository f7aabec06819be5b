"""``livedetect decide``: exit 0 when recorded, 1 with the core's message when refused."""

from __future__ import annotations

import sqlite3

import pytest

from livedetect_gui.cli.main import main
from livedetect_gui.core.trail.history import History
from livedetect_gui.core.trail.worklist import Worklist, WorkState
from tests.core.trail.trail_data import add_check


@pytest.fixture
def trail(tmp_path, monkeypatch):
    path = tmp_path / "h.sqlite3"
    history = History(path, operator="ann")
    ids = {"pass": add_check(history, "p.jpg", at=1), "fail": add_check(history, "f.jpg",
                                                                        score=20, at=2)}
    history.close()
    monkeypatch.setenv("LIVEDETECT_OPERATOR", "ann")
    monkeypatch.delenv("LIVEDETECT_FOUR_EYES", raising=False)
    return path, ids


def states(path) -> dict[str, WorkState]:
    history = History(path)
    try:
        return {cid: item.state for cid, item in Worklist(history).states(
            [r.id for r in history.entries(kinds=["check"])]).items()}
    finally:
        history.close()


def decide(path, *args: str) -> int:
    return main(["decide", "--history", str(path), *args])


def test_accept_reject_and_batch(trail, capsys) -> None:
    path, ids = trail
    assert decide(path, ids["pass"], ids["fail"], "--reject", "--reason", "suspected_spoof",
                  "--case", "APP-1") == 0
    out = capsys.readouterr().out
    assert out.count("decision:reject") == 2
    assert set(states(path).values()) == {WorkState.DECIDED}


def test_refusals_are_explained_in_both_languages(trail, capsys) -> None:
    path, ids = trail
    assert decide(path, ids["fail"], "--accept") == 1
    assert "choose a reason" in capsys.readouterr().err
    assert decide(path, ids["fail"], "--accept", "--lang", "zh") == 1
    assert "请选择理由" in capsys.readouterr().err
    assert decide(path, "no-such-id", "--accept") == 1
    assert "not in the audit trail" in capsys.readouterr().err
    assert decide(path, "--accept") == 64  # no id: a usage error
    assert states(path)[ids["fail"]] is WorkState.UNDECIDED


def test_four_eyes_approve_refuse_and_own_approval(trail, monkeypatch, capsys) -> None:
    path, ids = trail
    monkeypatch.setenv("LIVEDETECT_FOUR_EYES", "1")
    assert decide(path, ids["fail"], "--accept", "--reason", "in_person") == 0
    assert "awaiting approval" in capsys.readouterr().out
    assert decide(path, ids["fail"], "--approve") == 1  # ann made it
    assert "another operator" in capsys.readouterr().err
    assert states(path)[ids["fail"]] is WorkState.AWAITING_APPROVAL
    monkeypatch.setenv("LIVEDETECT_OPERATOR", "bob")
    assert decide(path, ids["fail"], "--approve", "--note", "ID seen") == 0
    assert states(path)[ids["fail"]] is WorkState.DECIDED
    assert decide(path, ids["pass"], "--escalate") == 0
    monkeypatch.setenv("LIVEDETECT_OPERATOR", "ann")
    assert decide(path, ids["pass"], "--refuse") == 0
    assert states(path)[ids["pass"]] is WorkState.UNDECIDED


def test_withdraw_the_last_decision(trail, capsys) -> None:
    path, ids = trail
    assert decide(path, ids["pass"], "--accept") == 0
    assert decide(path, "--withdraw") == 0
    assert "withdrawal" in capsys.readouterr().out
    assert states(path)[ids["pass"]] is WorkState.UNDECIDED
    assert decide(path, "--withdraw") == 1
    assert "no decision to withdraw" in capsys.readouterr().err


def test_an_altered_trail_is_warned_about(trail, capsys) -> None:
    path, ids = trail
    with sqlite3.connect(path) as db:
        db.execute("UPDATE records SET score = 99 WHERE id = ?", (ids["fail"],))
    assert decide(path, ids["pass"], "--accept") == 0
    err = capsys.readouterr().err
    assert "does not verify" in err and "edited" in err
