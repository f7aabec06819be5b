"""The audit trail's records and its hash chain, independent of where they are stored.

Every record (a check, an operator's decision, a retention cut) carries a SHA-256 over its
canonical content and the previous record's hash, and a position ``seq`` (1, 2, 3, ... with
no gaps). Editing, inserting or deleting a record breaks the chain at that point; deleting the
newest records is caught by the anchor (the head's seq and hash kept outside the database,
see ``sqlite_store.FileAnchor``).

What this protects against: edits made behind the program's back with a database tool.
It is not a signature: someone who knows this algorithm and can write both the database and
the anchor can rebuild a consistent chain. A keyed (HMAC) chain with the key in the OS keyring
would close that gap; the record layout leaves room for it (``hash`` is just a hex string).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from livedetect_gui.core.names import visible
from livedetect_gui.core.result import CheckResult, PreparedInfo
from livedetect_gui.core.verdict import Verdict, verdict_word

GENESIS = "0" * 64


class Kind(StrEnum):
    CHECK = "check"
    DECISION = "decision"
    # Retention removed every record below ``cut_seq``: the chain legitimately starts later.
    CUT = "cut"
    # An operator re-made a lost anchor (``history verify --reanchor``); the note says when
    # and how it was lost. Until then every verification reports the loss.
    REANCHOR = "reanchor"
    # A supervisor's signed statement of the chain's head (``checkpoints.py``).
    CHECKPOINT = "checkpoint"
    # The events around checks (core/trail/events.py, review.py). Each is only a new value of
    # ``kind``: no new column, so every record written before keeps its hash.
    # A held photo the operator sent anyway: ``check_id`` the check the forced send made,
    # ``detail`` the holds overridden (space-separated keys), ``reason``/``note`` why.
    SENT_ANYWAY = "sent_anyway"
    # A photo removed from the desk without a result: ``check_id`` its held/refused record
    # when it had one, ``source``/``source_sha256`` the photo.
    REMOVED = "removed"
    # A photo sent again on request (billed again): ``check_id`` the check it repeats.
    RECHECK = "recheck"
    # Four-eyes: a second operator approves (``decision`` "approve") or refuses ("refuse")
    # a pending decision: ``check_id`` the check, ``detail`` the decision record's id.
    APPROVAL = "approval"
    # Undo: the operator withdraws their decision ``detail`` on ``check_id``.
    WITHDRAWAL = "withdrawal"


class Decision(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    ESCALATE = "escalate"


class DecisionError(ValueError):
    """A decision the trail refuses: an override with no reason, an unknown reason or check."""

    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(f"{key}: {detail}" if detail else key)
        self.key = key
        self.detail = detail

    def message(self, lang: str = "en") -> str:
        """What the operator is told, in ``lang`` (the desk shows it beside the panel)."""
        texts = DECISION_PROBLEMS.get(self.key, (self.key, self.key))
        detail = self.detail
        if self.key == "reason_required" and detail in {v.value for v in Verdict}:
            detail = verdict_word(Verdict(detail), lang)  # the verdict the check was given
        return texts[1 if lang.lower().startswith("zh") else 0].format(detail=detail)


DECISION_PROBLEMS: dict[str, tuple[str, str]] = {
    "reason_required": ("This decision goes against the machine's verdict ({detail}): choose "
                        "a reason.",
                        "此决定与机器判定（{detail}）相反：请选择理由。"),
    "unknown_reason": ("{detail!r} is not one of the configured reasons (see Settings).",
                       "“{detail}”不在已配置的理由列表中（见设置）。"),
    "unknown_check": ("This photo's check is not in the audit trail (yet): the decision was "
                      "not recorded. Check the history, then decide again.",
                      "此照片的检测记录不在审计记录中（或尚未写入）：决定未记录。请查看历史记录后重新决定。"),
    "history_off": ("The history cannot be opened, so decisions cannot be recorded now: "
                    "{detail}",
                    "无法打开历史记录，暂时不能记录决定：{detail}"),
}


def is_override(decision: Decision, verdict: str) -> bool:
    """A decision against the machine's verdict: accepting what did not pass (a FAIL or an
    ERROR, which has no judgement at all) or rejecting a PASS. Escalating never overrides."""
    if decision is Decision.ACCEPT:
        return verdict != Verdict.PASS.value
    if decision is Decision.REJECT:
        return verdict == Verdict.PASS.value
    return False


@dataclass(frozen=True)
class Record:
    """One row of the trail. Check fields are empty on decisions and vice versa."""

    id: str
    kind: str
    at: float
    operator: str
    os_user: str
    desk: str
    source: str = ""
    sha256: str | None = None
    source_sha256: str | None = None
    score: float | None = None
    threshold: float | None = None
    verdict: str = ""
    code: int | str | None = None
    problem_key: str | None = None
    detail: str = ""
    endpoint: str = ""
    api: str = ""
    request_id: str | None = None
    simulated: bool = False
    reused_from: float | None = None
    attempts: int = 0
    elapsed_ms: int = 0
    prepared_width: int | None = None
    prepared_height: int | None = None
    prepared_bytes: int | None = None
    maybe_billed_twice: bool = False
    check_id: str | None = None  # a decision: the check it decides
    decision: str | None = None
    reason: str | None = None
    note: str = ""
    reference: str = ""
    override: bool = False
    cut_seq: int | None = None  # a cut: the lowest seq kept
    seq: int = 0
    prev_hash: str = ""
    hash: str = ""
    # Stamped by a shared store's server on every row (its clock, the role that logged in):
    # not hashed and not written by a desk, so never among FIELDS.
    server_at: float | None = None
    db_role: str = ""

    @property
    def time_text(self) -> str:
        try:
            return datetime.fromtimestamp(self.at).astimezone().isoformat(timespec="seconds")
        except (OverflowError, OSError, ValueError, TypeError):  # a tampered value
            return str(self.at)

    def to_result(self) -> CheckResult:
        """The check as the rest of the desk knows it (messages in any language)."""
        prepared = (PreparedInfo(self.prepared_width, self.prepared_height, self.prepared_bytes)
                    if self.prepared_width is not None and self.prepared_height is not None
                    and self.prepared_bytes is not None else None)
        return CheckResult(
            source=self.source, threshold=self.threshold or 0.0, score=self.score,
            code=self.code, problem_key=self.problem_key, detail=self.detail,
            attempts=self.attempts, elapsed_ms=self.elapsed_ms, prepared=prepared,
            sha256=self.sha256, source_sha256=self.source_sha256, endpoint=self.endpoint,
            api=self.api or "legacy", request_id=self.request_id, simulated=self.simulated,
            reused_from=self.reused_from, maybe_billed_twice=self.maybe_billed_twice,
            checked_at=self.at,
        )

    def message(self, lang: str = "en") -> str:
        if self.kind != Kind.CHECK:
            return self.note
        if self.verdict == Verdict.ERROR.value and self.problem_key is None and not self.code:
            return self.detail  # carried over from an old file: only its English text is known
        return self.to_result().message(lang)


SERVER_STAMPS: tuple[str, ...] = ("server_at", "db_role")
FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Record)
                                if f.name not in SERVER_STAMPS)
# What the hash covers: everything except the hash itself.
HASHED: tuple[str, ...] = tuple(f for f in FIELDS if f != "hash")
BOOL_FIELDS = frozenset({"simulated", "maybe_billed_twice", "override"})


def new_id() -> str:
    """A record id made at the desk: inserts into a shared store can be idempotent."""
    return uuid.uuid4().hex


def canonical(record: Record) -> bytes:
    """The bytes the hash covers: sorted keys, no spaces, numbers as numbers.

    Floats go through ``repr`` (shortest round-trip), so a value read back from SQLite or
    PostgreSQL double precision hashes the same as the one written.
    """
    values: dict[str, Any] = {}
    for name in HASHED:
        value = getattr(record, name)
        values[name] = int(value) if isinstance(value, bool) else value
    # default=str: a value of an unexpected type (written behind the program's back) must
    # give a hash that does not match, not an exception.
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str).encode("utf-8", "replace")


def compute_hash(record: Record) -> str:
    return hashlib.sha256(str(record.prev_hash).encode("utf-8", "replace") + b"\n"
                          + canonical(record)).hexdigest()


def chained(record: Record, seq: int, prev_hash: str) -> Record:
    linked = dataclasses.replace(record, seq=seq, prev_hash=prev_hash, hash="")
    return dataclasses.replace(linked, hash=compute_hash(linked))


def from_row(row: Mapping[str, Any]) -> Record:
    """A record from a database row (SQLite gives 0/1 for booleans, ints for whole REALs)."""
    values = {name: row[name] for name in FIELDS}
    for name in SERVER_STAMPS:
        with contextlib.suppress(KeyError, IndexError):
            values[name] = row[name] if row[name] is not None or name == "server_at" else ""
    for name in BOOL_FIELDS:
        values[name] = bool(values[name])
    values["code"] = service_code(values["code"])
    for name in ("score", "threshold", "at", "reused_from"):
        # A non-number stored behind the program's back stays as it is: its hash won't match.
        with contextlib.suppress(TypeError, ValueError):
            values[name] = None if values[name] is None else float(values[name])
    return Record(**values)


def service_code(value: Any) -> int | str | None:
    """A service code as the API gave it: a legacy number stored as text comes back an int."""
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return int(value)
    return value


def storable(record: Record) -> Record:
    """Every text field UTF-8 safe: a file, login or host name that is not valid UTF-8 (lone
    surrogates) is written as its bytes (``caf\\xe9.jpg``), never a crash at the database."""
    changes = {f: visible(v) for f in FIELDS if isinstance(v := getattr(record, f), str)
               and not v.isascii()}
    return dataclasses.replace(record, **changes) if changes else record


def check_record(result: CheckResult, operator: str, os_user: str, desk: str,
                 record_id: str | None = None, reference: str = "") -> Record:
    prepared = result.prepared
    return storable(Record(
        id=record_id or new_id(), kind=Kind.CHECK.value, at=float(result.checked_at),
        operator=operator, os_user=os_user, desk=desk, source=result.source,
        sha256=result.sha256, source_sha256=result.source_sha256,
        score=None if result.score is None else float(result.score),
        threshold=float(result.threshold), verdict=result.verdict.value,
        code=service_code(result.code),
        problem_key=result.problem_key, detail=result.detail, endpoint=result.endpoint,
        api=result.api, request_id=result.request_id, simulated=result.simulated,
        reused_from=result.reused_from, attempts=result.attempts, elapsed_ms=result.elapsed_ms,
        prepared_width=prepared.width if prepared else None,
        prepared_height=prepared.height if prepared else None,
        prepared_bytes=prepared.bytes if prepared else None,
        maybe_billed_twice=result.maybe_billed_twice, reference=reference.strip(),
    ))


@dataclass(frozen=True)
class Anchor:
    """The chain's head as last written: kept outside the records so that deleting the newest
    records (which leaves an intact but shorter chain) is caught."""

    seq: int
    hash: str
    # Written before its transaction committed and not yet confirmed after it: a process
    # killed between the two leaves the records at the head before (``prev_seq`` and
    # ``prev_hash``; 0 and GENESIS for the first). That is a crash, not an alteration. A
    # confirmed anchor accepts nothing less than its own head.
    pending: bool = False
    prev_seq: int | None = None
    prev_hash: str | None = None
    # The anchor was found missing or unreadable when the chain stood at ``lost_at``; the
    # desk anchored again to keep working but keeps saying so (``lost_how``: "missing",
    # "unreadable") until an operator re-anchors on purpose.
    lost_at: int | None = None
    lost_how: str = ""

    @property
    def unreadable(self) -> bool:
        return self.seq < 0


# What a store's ``anchor()`` returns when the anchor exists but cannot be used.
UNREADABLE_ANCHOR = Anchor(-1, "unreadable")
MISSING_HEAD = Anchor(-1, "missing")  # a shared store's chain head row was deleted


@dataclass(frozen=True)
class ChainState:
    count: int
    intact: bool
    # The first record that does not match (its seq), and why, as a message key + detail.
    bad_seq: int | None = None
    bad_id: str | None = None
    problem: str = ""
    detail: str = ""

    def message(self, lang: str = "en") -> str:
        zh = lang.startswith("zh")
        if self.intact:
            return (f"{self.count} 条记录，哈希链完好" if zh
                    else f"{self.count} records, chain intact")
        texts = CHAIN_PROBLEMS.get(self.problem, (self.problem, self.problem))
        detail = self.detail
        if self.problem == "anchor_lost":
            detail = LOST_WORDS.get(detail, (detail, detail))[1 if zh else 0]
        text = (texts[1] if zh else texts[0]).format(detail=detail)
        if "{detail}" not in (texts[1] if zh else texts[0]) and self.detail:
            text += f" — {self.detail}"
        if self.bad_seq is None or self.bad_seq < 1:
            return text  # about the trail as a whole, not one record
        where = f"第 {self.bad_seq} 条记录" if zh else f"record #{self.bad_seq}"
        if self.bad_id:
            where += f" ({self.bad_id})"
        return f"{where}: {text}"


LOST_WORDS: dict[str, tuple[str, str]] = {
    "missing": ("missing", "缺失"), "unreadable": ("unreadable", "无法读取")}

CHAIN_PROBLEMS: dict[str, tuple[str, str]] = {
    "edited": ("content does not match its hash (edited after it was written)",
               "内容与其哈希不符（写入后被修改）"),
    "relinked": ("does not follow the record before it (a record was inserted or deleted "
                 "before it)", "与前一条记录不衔接（其前有记录被插入或删除）"),
    "missing": ("missing (deleted)", "缺失（已被删除）"),
    "newest_missing": ("the newest records are missing (deleted after they were written)",
                       "最新的记录缺失（写入后被删除）"),
    "head_changed": ("the newest record is not the one written last (replaced)",
                     "最新记录不是最后写入的那一条（已被替换）"),
    "beyond_anchor": ("records after the last one written by the desk (inserted)",
                      "存在晚于最后写入记录的记录（被插入）"),
    "repeated": ("this position appears twice or out of order (a record was copied or "
                 "re-numbered)", "此位置重复或顺序错乱（有记录被复制或重新编号）"),
    "anchor_unreadable": ("the anchor file cannot be read (damaged or replaced), so deleting "
                          "the newest records cannot be ruled out",
                          "锚点文件无法读取（已损坏或被替换），无法排除最新记录被删除"),
    "head_missing": ("the shared history's chain head is missing (deleted), so deleting the "
                     "newest records cannot be ruled out",
                     "共享历史记录的链头缺失（已被删除），无法排除最新记录被删除"),
    "photo_replaced": ("kept photos are not the photo their record says was sent (replaced "
                       "or edited after the check, or kept without a record): {detail}",
                       "留存照片与其记录中发送的照片不一致（检测后被替换或修改，或无对应记录）：{detail}"),
    "spool_refused": ("spooled records that failed authentication (hand-written or altered) "
                      "were not recorded; they are kept as evidence: {detail}. Move that file "
                      "aside once it has been looked into",
                      "暂存区中未通过验证的记录（手写或被篡改）未被写入；已留作证据：{detail}。"
                      "核查后请将该文件移走"),
    "anchor_lost": ("the anchor file was {detail} when this record was the newest and was "
                    "made again by the next write: records deleted before then cannot be "
                    "ruled out. Once accounted for, an operator runs `livedetect history "
                    "verify --reanchor`",
                    "写入此记录后锚点文件{detail}，之后的写入重建了锚点：无法排除此前有记录被删除。"
                    "核实后请由操作员运行 `livedetect history verify --reanchor`"),
    "no_anchor": ("the anchor file is missing, so deleting the newest records cannot be "
                  "ruled out", "锚点文件缺失，无法排除最新记录被删除"),
    "impossible_scores": ("records hold scores the desk cannot write (not a number or "
                          "infinite): the trail was altered",
                          "有记录的分数是程序不可能写入的值（非数字或无穷大）：审计记录已被篡改"),
}


def verify_chain(records: Iterable[Record], anchor: Anchor | None,
                 start: int = 1) -> ChainState:
    """Walk the records in seq order; the first one that does not match is named.

    ``start`` is where the chain begins: 1, or the ``cut_seq`` of the newest retention cut
    (the records below it were deleted on purpose, and the cut record says so).
    """
    count = 0
    prev: Record | None = None
    for record in records:
        if prev is None:
            if record.seq < start:
                return ChainState(count, False, record.seq, record.id, "repeated")
            if record.seq != start:
                return ChainState(count, False, start, None, "missing",
                                  _span(start, record.seq - 1))
            if start == 1 and record.prev_hash != GENESIS:
                return ChainState(count, False, record.seq, record.id, "relinked")
        elif record.seq <= prev.seq:
            return ChainState(count, False, record.seq, record.id, "repeated")
        elif record.seq != prev.seq + 1:
            return ChainState(count, False, prev.seq + 1, None, "missing",
                              _span(prev.seq + 1, record.seq - 1))
        elif record.prev_hash != prev.hash:
            return ChainState(count, False, record.seq, record.id, "relinked")
        if compute_hash(record) != record.hash:
            return ChainState(count, False, record.seq, record.id, "edited")
        count += 1
        prev = record
    if anchor is None:
        if prev is None:
            return ChainState(0, True)
        return ChainState(count, False, prev.seq, prev.id, "no_anchor")
    if anchor.unreadable:
        return ChainState(count, False, None, None,
                          "head_missing" if anchor == MISSING_HEAD else "anchor_unreadable")
    head_seq = prev.seq if prev else 0
    if (anchor.pending and head_seq < anchor.seq and head_seq == anchor.prev_seq
            and (prev.hash if prev else GENESIS) == anchor.prev_hash):
        # The newest transaction was anchored but never committed (killed in between):
        # the records end exactly where the anchor says they ended before it.
        return _lost(count, anchor)
    if head_seq < anchor.seq:
        return ChainState(count, False, head_seq + 1, None, "newest_missing",
                          _span(head_seq + 1, anchor.seq))
    if head_seq > anchor.seq:
        return ChainState(count, False, anchor.seq + 1, None, "beyond_anchor",
                          _span(anchor.seq + 1, head_seq))
    if prev is not None and prev.hash != anchor.hash:
        return ChainState(count, False, prev.seq, prev.id, "head_changed")
    return _lost(count, anchor)


def _lost(count: int, anchor: Anchor) -> ChainState:
    """An anchor re-made after it was lost: reported until an operator re-anchors."""
    if anchor.lost_at is None:
        return ChainState(count, True)
    return ChainState(count, False, anchor.lost_at, None, "anchor_lost",
                      anchor.lost_how or "lost")


def _span(first: int, last: int) -> str:
    return f"#{first}" if first >= last else f"#{first}–#{last}"


def row_values(record: Record) -> dict[str, Any]:
    """The record as database values, by column name (booleans as 0/1)."""
    return dict(zip(FIELDS, row_tuple(record), strict=True))


def row_tuple(record: Record) -> list[Any]:
    """The record as database values in ``FIELDS`` order, ready for ``insert_sql``."""
    return [int(v) if isinstance(v, bool) else v for v in map(record.__getattribute__, FIELDS)]
