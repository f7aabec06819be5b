"""A lost or unreadable anchor stays reported until an operator re-anchors on purpose; chain
problems are worded for what they are."""

from __future__ import annotations

import os
import subprocess
import sys

from livedetect_gui.core.result import CheckResult
from livedetect_gui.core.trail.chain import GENESIS, Kind, Record, chained, verify_chain
from livedetect_gui.core.trail.history import History


def _check(history: History, n: int) -> None:
    history.record(CheckResult(source=f"p{n}.jpg", threshold=87, score=90, code=0,
                               sha256=f"{n:064x}", attempts=1))


def test_a_deleted_anchor_is_not_silently_replaced(tmp_path) -> None:
    history = History(tmp_path / "h.sqlite3", operator="ann")
    for n in range(3):
        _check(history, n)
    history.store.anchor_file.path.unlink()
    assert history.verify().problem == "no_anchor"
    for n in range(3, 6):  # routine use goes on...
        _check(history, n)
    state = history.verify()  # ...and the loss is still reported
    assert not state.intact and state.problem == "anchor_lost" and state.bad_seq == 3
    assert "missing" in state.message() and "--reanchor" in state.message()
    assert "缺失" in state.message("zh")
    history.close()

    reopened = History(tmp_path / "h.sqlite3", operator="supervisor")
    assert reopened.verify().problem == "anchor_lost"  # across restarts too
    done = reopened.reanchor()
    assert done is not None and done.kind == Kind.REANCHOR and done.operator == "supervisor"
    assert "missing" in done.note and "#3" in done.note
    assert reopened.verify().intact
    _check(reopened, 9)
    assert reopened.verify().intact
    reopened.close()


def test_a_garbage_anchor_is_reported_as_unreadable_then_as_lost(tmp_path) -> None:
    history = History(tmp_path / "h.sqlite3")
    for n in range(4):
        _check(history, n)
    history.store.anchor_file.path.write_bytes(b"\x00garbage{")
    state = history.verify()
    assert state.problem == "anchor_unreadable"
    message = state.message()
    assert "#0" not in message and "inserted" not in message and "cannot be read" in message
    _check(history, 4)
    state = history.verify()
    assert state.problem == "anchor_lost" and state.bad_seq == 4
    assert "unreadable" in state.message()
    history.close()


def test_reanchoring_never_hides_another_alteration(tmp_path) -> None:
    import sqlite3

    history = History(tmp_path / "h.sqlite3")
    for n in range(3):
        _check(history, n)
    history.store.anchor_file.path.unlink()
    _check(history, 3)
    with sqlite3.connect(tmp_path / "h.sqlite3") as db:
        db.execute("UPDATE records SET score = 99 WHERE seq = 2")
    assert history.reanchor() is None
    assert history.verify().problem == "edited"
    history.close()


def test_cli_verify_reanchor_is_an_explicit_recorded_step(tmp_path) -> None:
    path = tmp_path / "h.sqlite3"
    history = History(path)
    for n in range(2):
        _check(history, n)
    history.store.anchor_file.path.unlink()
    _check(history, 2)
    history.close()
    env = {**os.environ, "LIVEDETECT_OPERATOR": "Lee"}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "livedetect_gui.cli", "history", *args,
                               "--history", str(path)], capture_output=True, text=True,
                              timeout=60, env=env)

    assert cli("verify").returncode == 1
    fixed = cli("verify", "--reanchor")
    assert fixed.returncode == 0 and "re-anchored" in fixed.stderr, fixed.stderr
    reopened = History(path)
    events = [r for r in reopened.entries() if r.kind == Kind.REANCHOR]
    assert len(events) == 1 and events[0].operator == "Lee"
    reopened.close()


def _records(seqs: list[int]) -> list[Record]:
    out, prev = [], GENESIS
    for seq in seqs:
        record = chained(Record(id=f"{seq:032x}", kind="check", at=1.0, operator="",
                                os_user="", desk=""), seq, prev)
        out.append(record)
        prev = record.hash
    return out


def test_a_repeated_position_is_not_called_a_backwards_gap() -> None:
    records = _records([1, 2, 3, 4, 5, 6])
    state = verify_chain([*records, records[3]], None)
    assert state.problem == "repeated" and state.bad_seq == 4
    assert "–" not in state.message() and "deleted" not in state.message()
