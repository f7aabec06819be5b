"""Evidence files: written from a trail, checked with nothing but the trusted key."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from livedetect_gui.core.result import CheckResult, PreparedInfo
from livedetect_gui.core.trail import checkpoints, evidence
from livedetect_gui.core.trail.history import History


def result(source: str, score: float, at: float) -> CheckResult:
    return CheckResult(source=source, threshold=87, score=score, code=0,
                       prepared=PreparedInfo(640, 480, 1000), sha256="ef" * 32,
                       endpoint="http://127.0.0.1:1/face/livedetectpicture", attempts=1,
                       checked_at=at)


@pytest.fixture
def trail(tmp_path: Path):
    history = History(tmp_path / "h.sqlite3", operator="ann")
    day = 86400
    start = time.time() - 10 * day
    for i in range(9):
        history.record(result(f"p{i}.jpg", 80 + i, start + i * day))
    return history, start, day


def test_the_evidence_of_a_range_checks_on_its_own(trail, tmp_path) -> None:
    history, start, day = trail
    key = checkpoints.generate_key()
    checkpoints.append_checkpoint(history, key)
    out = tmp_path / "evidence.jsonl"
    written = evidence.write(history, out, start + 2 * day, start + 5 * day)
    assert written == 3
    proven = evidence.check_file(out, checkpoints.parse_public(checkpoints.public_text(key)))
    assert proven.in_range == 3 and proven.checkpoint.seq == 9
    assert "3 records" in proven.message()


def edit_line(path: Path, index: int, **changes) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    value = json.loads(lines[index])
    value.update(changes)
    lines[index] = json.dumps(value)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_changed_dropped_or_foreign_signed_evidence_fails(trail, tmp_path) -> None:
    history, start, day = trail
    key = checkpoints.generate_key()
    checkpoints.append_checkpoint(history, key)
    out = tmp_path / "e.jsonl"
    evidence.write(history, out, start + 2 * day, start + 5 * day)

    changed = tmp_path / "changed.jsonl"
    changed.write_bytes(out.read_bytes())
    edit_line(changed, 2, score=10.0)
    with pytest.raises(evidence.EvidenceError) as caught:
        evidence.check_file(changed, key.public_key())
    assert caught.value.key == "edited"

    dropped = tmp_path / "dropped.jsonl"
    lines = out.read_text(encoding="utf-8").splitlines()
    dropped.write_text("\n".join([lines[0], *lines[3:]]) + "\n", encoding="utf-8")
    with pytest.raises(evidence.EvidenceError) as caught:
        evidence.check_file(dropped, key.public_key())
    assert caught.value.key == "incomplete"

    with pytest.raises(evidence.EvidenceError) as caught:
        evidence.check_file(out, checkpoints.generate_key().public_key())
    assert caught.value.key == "not_signed"


def test_no_covering_checkpoint_or_empty_range_says_what_to_do(trail, tmp_path) -> None:
    history, start, day = trail
    with pytest.raises(evidence.EvidenceError) as caught:
        evidence.write(history, tmp_path / "e.jsonl", start, start + day)
    assert caught.value.key == "no_checkpoint" and "checkpoint" in caught.value.message()
    checkpoints.append_checkpoint(history, checkpoints.generate_key())
    with pytest.raises(evidence.EvidenceError) as caught:
        evidence.write(history, tmp_path / "e.jsonl", start + 100 * day, None)
    assert caught.value.key == "empty_range"
    assert not (tmp_path / "e.jsonl").exists()


@pytest.mark.parametrize("content", [b"", b"\xff\xfe garbage", b"[1,2]\n", b"{}\n",
                                     b'{"format":"livedetect-evidence","v":1}\n' + b"x" * 5000])
def test_a_file_that_is_not_evidence_is_refused_not_crashed(tmp_path, content: bytes) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)
    with pytest.raises(evidence.EvidenceError):
        evidence.check_file(path, checkpoints.generate_key().public_key())
