"""Evidence for an auditor: a date range's records, their chain links and the covering
checkpoint, in one file that can be checked on another machine with nothing else.

The file is JSON Lines (streamed both ways, so a month of a busy centre never sits in memory):
a header line, then every record from the first one in the range up to the first checkpoint
that signs a head at or after the last one (each with its ``seq``, ``prev_hash`` and
``hash``; the ones outside the range are marked ``context``: they are needed to link the
range to the signed head, and are exported in full because a hash can only be recomputed from
the whole content). ``check_file`` recomputes every hash, follows every link and checks the
checkpoint's signature with the trusted public key: it proves the range's records are exactly
those in the chain the supervisor signed — nothing changed, inserted or left out between them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from livedetect_gui.core.paths import atomic_private
from livedetect_gui.core.trail.chain import (
    GENESIS,
    Kind,
    Record,
    compute_hash,
    from_row,
    row_values,
)
from livedetect_gui.core.trail.checkpoints import Checkpoint, from_record, signed_by
from livedetect_gui.core.trail.store import Query

if TYPE_CHECKING:
    from livedetect_gui.core.trail.history import History

FORMAT = "livedetect-evidence"
VERSION = 1
MAX_LINE = 1 << 20  # a record line is a few hundred bytes; anything longer is not ours


class EvidenceError(ValueError):
    """Evidence that cannot be written or checked, as a message key + detail."""

    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(f"{key}: {detail}" if detail else key)
        self.key = key
        self.detail = detail

    def message(self, lang: str = "en") -> str:
        texts = EVIDENCE_PROBLEMS.get(self.key, (self.key, self.key))
        text = texts[1 if lang.startswith("zh") else 0]
        return text + (f" — {self.detail}" if self.detail else "")


EVIDENCE_PROBLEMS: dict[str, tuple[str, str]] = {
    "empty_range": ("no records in this date range", "此日期范围内没有记录"),
    "no_checkpoint": ("no checkpoint covers this range yet: a supervisor runs `livedetect "
                      "history checkpoint`, then export again",
                      "尚无检查点覆盖此范围：请主管运行 `livedetect history checkpoint` 后再导出"),
    "not_evidence": ("not an evidence file of LiveDetect Desk", "不是 LiveDetect Desk 的证据文件"),
    "unreadable": ("the evidence file cannot be read", "无法读取证据文件"),
    "edited": ("a record does not match its hash (changed)", "有记录与其哈希不符（被修改）"),
    "relinked": ("a record does not follow the one before it (inserted or removed)",
                 "有记录与前一条不衔接（被插入或删除）"),
    "not_signed": ("the checkpoint is not signed by the trusted key",
                   "检查点不是由受信任密钥签署的"),
    "head_differs": ("the signed head is not the record in the file",
                     "签署的链头与文件中的记录不符"),
    "incomplete": ("records are missing from the file (its start, or up to the signed "
                   "checkpoint)", "文件缺少记录（开头部分，或截至签署检查点的部分）"),
}


@dataclass(frozen=True)
class Evidence:
    """What a checked evidence file proves."""

    in_range: int  # records of the requested range
    context: int  # records after it, up to the checkpoint
    since: float | None
    until: float | None
    checkpoint: Checkpoint

    def message(self, lang: str = "en") -> str:
        signed = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.checkpoint.at))
        if lang.startswith("zh"):
            return (f"已证实：{self.in_range} 条记录完整无改动，由 {signed} 签署的检查点"
                    f"（第 {self.checkpoint.seq} 条）覆盖")
        return (f"proven: {self.in_range} records unchanged and complete, covered by the "
                f"checkpoint signed {signed} (record #{self.checkpoint.seq})")


def write(history: History, path: str | Path, since: float | None, until: float | None,
          progress: Callable[[int], None] | None = None) -> int:
    """Write the evidence of ``[since, until)`` to ``path`` (private, replaced whole).
    Returns how many records of the range it holds."""
    # Checkpoints are statements about other records: the range is what they sign.
    kinds = [kind.value for kind in Kind if kind is not Kind.CHECKPOINT]
    in_range = Query(since=since, until=until, kinds=kinds, sort="seq", descending=False)
    first = history.store.page(in_range, 0, 1)
    if not first:
        raise EvidenceError("empty_range")
    last = history.store.page(dataclasses.replace(in_range, descending=True), 0, 1)[0]
    covering = _covering_checkpoint(history, last.seq)
    if covering is None:
        raise EvidenceError("no_checkpoint")
    checkpoint, checkpoint_seq = covering
    count = 0
    with atomic_private(path, "w", encoding="utf-8", newline="\n") as out:
        _line(out, {"format": FORMAT, "v": VERSION, "since": since, "until": until,
                    "created": time.time(), "checkpoint_record": checkpoint_seq})
        # One record before the range leads the file: it shows the range was not cut short
        # at its start (the first record's predecessor is outside the range).
        lead = max(first[0].seq - 1, 1)
        for record in history.store.stream(Query(sort="seq", descending=False)):
            if record.seq < lead:
                continue
            if record.seq > checkpoint_seq:
                break
            inside = _inside(record, since, until)
            count += inside and record.kind != Kind.CHECKPOINT
            _line(out, {"role": "record" if inside else "context", **row_values(record)})
            if progress is not None and record.seq % 1000 == 0:
                progress(count)
    return count


def _covering_checkpoint(history: History, seq: int) -> tuple[Checkpoint, int] | None:
    """The first checkpoint record that signs a head at or after ``seq`` (the fewest context
    records), with its own seq."""
    query = Query(kinds=["checkpoint"], sort="seq", descending=False)
    for record in history.store.stream(query):
        found = from_record(record)
        if found is not None and found.seq >= seq:
            return found, record.seq
    return None


def _inside(record: Record, since: float | None, until: float | None) -> bool:
    return ((since is None or record.at >= since) and (until is None or record.at < until))


def _line(out: IO[str], value: dict[str, Any]) -> None:
    out.write(json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
    out.write("\n")


def _lines(path: str | Path) -> Iterator[dict[str, Any]]:
    try:
        source = open(path, encoding="utf-8", errors="strict")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise EvidenceError("unreadable", exc.strerror or "") from None
    with source:
        try:
            while True:
                line = source.readline(MAX_LINE + 1)
                if not line:
                    return
                if len(line) > MAX_LINE:
                    raise EvidenceError("not_evidence", "a line is too long")
                if line.strip():
                    value = json.loads(line)
                    if not isinstance(value, dict):
                        raise EvidenceError("not_evidence")
                    yield value
        except (UnicodeDecodeError, ValueError) as exc:
            if isinstance(exc, EvidenceError):
                raise
            raise EvidenceError("not_evidence", type(exc).__name__) from None


def check_file(path: str | Path, public: Ed25519PublicKey) -> Evidence:
    """Check an evidence file with the trusted key alone; raises EvidenceError naming the
    first thing that does not hold."""
    lines = _lines(path)
    header = next(lines, None)
    if not header or header.get("format") != FORMAT or header.get("v") != VERSION:
        raise EvidenceError("not_evidence")
    checkpoint_seq = header.get("checkpoint_record")
    prev: Record | None = None
    heads: dict[int, str] = {}
    checkpoint: Checkpoint | None = None
    in_range = context = 0
    since, until = header.get("since"), header.get("until")
    if not all(v is None or isinstance(v, int | float) for v in (since, until)):
        raise EvidenceError("not_evidence", "a bad date range")
    for value in lines:
        value.pop("role", None)  # informational: what counts is each record's own time
        try:
            record = from_row(value)
        except (KeyError, TypeError, ValueError):
            raise EvidenceError("not_evidence", "a record line is malformed") from None
        if compute_hash(record) != record.hash:
            raise EvidenceError("edited", f"#{record.seq}")
        if prev is not None and (record.seq != prev.seq + 1 or record.prev_hash != prev.hash):
            raise EvidenceError("relinked", f"#{record.seq}")
        if prev is None and _inside(record, since, until) and record.prev_hash != GENESIS:
            # The range's first record must follow one outside it (or start the chain).
            raise EvidenceError("incomplete", "the start of the range is missing")
        if _inside(record, since, until) and record.kind != Kind.CHECKPOINT:
            in_range += 1
        else:
            context += 1
        heads[record.seq] = record.hash
        if record.seq == checkpoint_seq:
            checkpoint = from_record(record)
            break
        prev = record
    if checkpoint is None:
        raise EvidenceError("incomplete")
    with contextlib.suppress(StopIteration):
        next(lines)  # anything after the checkpoint is ignored, but must still parse
    if not signed_by(checkpoint, public):
        raise EvidenceError("not_signed")
    if heads.get(checkpoint.seq) != checkpoint.head:
        raise EvidenceError("head_differs", f"#{checkpoint.seq}")
    return Evidence(in_range, context, since, until, checkpoint)
