"""Signed checkpoints: what a trusted key proves, and what rewriting the file and its anchor
can no longer hide."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest

from devsupport.windows import WINDOWS
from livedetect_gui.core.result import CheckResult, PreparedInfo
from livedetect_gui.core.trail import checkpoints
from livedetect_gui.core.trail.chain import Anchor, chained, compute_hash, from_row, row_tuple
from livedetect_gui.core.trail.history import History
from livedetect_gui.core.trail.sqlite_store import FileAnchor
from livedetect_gui.core.trail.store import Query, insert_sql


def result(source: str, score: float) -> CheckResult:
    return CheckResult(source=source, threshold=87, score=score, code=0,
                       prepared=PreparedInfo(640, 480, 1000), sha256="cd" * 32,
                       endpoint="http://127.0.0.1:1/face/livedetectpicture", attempts=1)


def filled(path: Path, count: int) -> History:
    history = History(path, operator="ann")
    for i in range(count):
        history.record(result(f"p{i}.jpg", 50 + i))
    return history


def rewrite_consistently(path: Path, change_seq: int, score: float) -> None:
    """What someone with a database tool and this algorithm can do: edit a record, rebuild
    every hash after it and the anchor, so the plain chain walk says intact."""
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    rows = [from_row(r) for r in db.execute("SELECT * FROM records ORDER BY seq")]
    db.execute("DELETE FROM records")
    prev = "0" * 64
    rebuilt = []
    for record in rows:
        if record.seq == change_seq:
            record = dataclasses.replace(record, score=score)
        record = chained(record, record.seq, prev)
        prev = record.hash
        rebuilt.append(record)
    db.executemany(insert_sql(), [row_tuple(r) for r in rebuilt])
    db.commit()
    db.close()
    FileAnchor(path.with_name(path.name + ".anchor")).write(
        Anchor(rebuilt[-1].seq, rebuilt[-1].hash))


def test_key_round_trips_through_its_public_text_pem_file_and_keyring_form(tmp_path) -> None:
    key = checkpoints.generate_key()
    public = checkpoints.public_text(key)
    assert public.startswith("ed25519:")
    assert checkpoints.fingerprint(checkpoints.parse_public(public)) == \
        checkpoints.fingerprint(key)
    path = tmp_path / "supervisor.pem"
    checkpoints.write_private(key, path)
    assert checkpoints.fingerprint(checkpoints.read_private(path)) == \
        checkpoints.fingerprint(key)
    if not WINDOWS and path.stat().st_mode & 0o077:  # Windows: the folder's ACL
        pytest.fail("the private key file is readable by others")
    secret = checkpoints.private_to_secret(key)
    assert checkpoints.fingerprint(checkpoints.private_from_secret(secret)) == \
        checkpoints.fingerprint(key)


@pytest.mark.parametrize("text", ["", "ed25519:not-base64!", "ed25519:" + "A" * 8,
                                  "-----BEGIN PUBLIC KEY-----\ngarbage\n-----END PUBLIC KEY-----"])
def test_a_bad_public_key_is_refused_with_a_message(text: str) -> None:
    with pytest.raises(checkpoints.KeyError_):
        checkpoints.parse_public(text)


def test_an_untouched_trail_is_proven_up_to_its_newest_checkpoint(tmp_path) -> None:
    key = checkpoints.generate_key()
    history = filled(tmp_path / "h.sqlite3", 5)
    signed = checkpoints.append_checkpoint(history, key)
    history.record(result("later.jpg", 99))
    state = checkpoints.verify_history(history, checkpoints.parse_public(
        checkpoints.public_text(key)))
    assert state.chain.intact
    assert state.proven and state.checkpoint == signed and signed.seq == 5
    assert "#5" in state.message()
    assert checkpoints.newest_checkpoint(history) == signed


def test_a_rewritten_file_and_anchor_pass_the_plain_walk_but_not_the_trusted_key(
        tmp_path) -> None:
    path = tmp_path / "h.sqlite3"
    key = checkpoints.generate_key()
    history = filled(path, 6)
    checkpoints.append_checkpoint(history, key)
    history.close()
    rewrite_consistently(path, change_seq=3, score=99.0)
    history = History(path, operator="eve")
    assert history.verify().intact  # the gap a signature closes
    state = checkpoints.verify_history(history, key.public_key())
    assert not state.proven
    assert state.problem == "head_differs"


def test_a_checkpoint_signed_by_another_key_proves_nothing_and_is_reported(tmp_path) -> None:
    history = filled(tmp_path / "h.sqlite3", 3)
    forger = checkpoints.generate_key()
    checkpoints.append_checkpoint(history, forger)
    state = checkpoints.verify_history(history, checkpoints.generate_key().public_key())
    assert not state.proven and state.problem == "no_checkpoint" and state.forged == 1
    assert "forged" in state.message()


def test_deleting_the_newest_checkpoint_and_all_after_it_is_caught_by_the_kept_statement(
        tmp_path) -> None:
    path = tmp_path / "h.sqlite3"
    key = checkpoints.generate_key()
    history = filled(path, 4)
    kept = checkpoints.append_checkpoint(history, key)
    history.close()
    db = sqlite3.connect(path)
    db.execute("DELETE FROM records WHERE seq >= 4")
    last = from_row(dict(zip([c[0] for c in db.execute("SELECT * FROM records ORDER BY seq "
                                                        "DESC LIMIT 1").description],
                             db.execute("SELECT * FROM records ORDER BY seq DESC LIMIT 1")
                             .fetchone(), strict=True)))
    db.commit()
    db.close()
    FileAnchor(path.with_name(path.name + ".anchor")).write(Anchor(last.seq, last.hash))
    history = History(path, operator="eve")
    assert history.verify().intact
    in_trail = checkpoints.verify_history(history, key.public_key())
    assert in_trail.problem == "no_checkpoint"
    external = checkpoints.Checkpoint.from_json(kept.to_json())
    state = checkpoints.verify_history(history, key.public_key(), external)
    assert not state.proven and state.problem == "signed_missing"


def test_a_tampered_checkpoint_statement_is_not_accepted(tmp_path) -> None:
    key = checkpoints.generate_key()
    signed = checkpoints.sign(key, 7, "ab" * 32)
    assert checkpoints.signed_by(signed, key.public_key())
    moved = dataclasses.replace(signed, seq=8)
    assert not checkpoints.signed_by(moved, key.public_key())
    assert checkpoints.Checkpoint.from_json("{not json") is None
    assert checkpoints.Checkpoint.from_json('{"v":1,"seq":"7"}') is None


def test_verify_reads_the_trail_twice_without_holding_it(tmp_path) -> None:
    history = filled(tmp_path / "h.sqlite3", 3)
    key = checkpoints.generate_key()
    checkpoints.append_checkpoint(history, key)
    walks = []

    def records():
        walks.append(1)
        return history.store.stream(Query(sort="seq", descending=False))

    state = checkpoints.verify_trusted(records, key.public_key(), history.verify())
    assert state.proven and len(walks) == 2
    assert all(compute_hash(r) == r.hash for r in records())


def test_a_deleted_prefix_is_not_proven(tmp_path) -> None:
    path = tmp_path / "h.sqlite3"
    key = checkpoints.generate_key()
    history = filled(path, 5)
    checkpoints.append_checkpoint(history, key)
    history.close()
    db = sqlite3.connect(path)
    db.execute("DELETE FROM records WHERE seq <= 2")
    db.commit()
    db.close()
    history = History(path, operator="eve")
    state = checkpoints.verify_history(history, key.public_key())
    assert not state.proven and state.problem == "chain_broken"
