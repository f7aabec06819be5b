"""A generated audit trail: realistic checks and decisions for benchmarks, tests and the
screenshots of the history and reports views. Deterministic for a seed; nothing is sent."""

from __future__ import annotations

import random
import time

from livedetect_gui.core.result import CheckResult, PreparedInfo
from livedetect_gui.core.trail.chain import Decision, Kind, Record, is_override, new_id
from livedetect_gui.core.trail.history import History
from livedetect_gui.core.trail.reasons import DEFAULT_REASONS

OPERATORS = ("ann", "bo", "chen", "dara")
ERRORS = (("timeout", None), ("connection", None), ("truncated", None), (None, -1101),
          (None, 15), ("too_large", None))


def fill(history: History, count: int, *, days: float = 30.0, seed: int = 0,
         end: float | None = None, batch: int = 5000, simulated_share: float = 0.1) -> int:
    """Append about ``count`` records (checks, ~30 % of them followed by a decision) spread
    over the ``days`` before ``end``, in time order. Returns how many were written."""
    rnd = random.Random(seed)
    end = time.time() if end is None else end
    start = end - days * 86400
    # About 1.28 records per check (30 % of the judged ones get a decision).
    step = (end - start) / max(1.0, count / 1.28)
    pending: list[Record] = []
    written = 0
    moment = start
    while written + len(pending) < count:
        moment += step
        operator = rnd.choice(OPERATORS)
        check = history.check_record(_result(rnd, moment))
        check = _as(check, operator, simulated=rnd.random() < simulated_share)
        pending.append(check)
        if rnd.random() < 0.3 and written + len(pending) < count and check.verdict != "error":
            pending.append(_decision(rnd, check, moment + step / 2))
        if len(pending) >= batch:
            written += len(history.store.append(pending))
            pending = []
    if pending:
        written += len(history.store.append(pending))
    return written


def _as(record: Record, operator: str, simulated: bool) -> Record:
    from dataclasses import replace

    return replace(record, operator=operator, simulated=simulated)


def _result(rnd: random.Random, moment: float) -> CheckResult:
    roll = rnd.random()
    base = dict(source=f"/photos/{int(moment) % 100000:05d}-{rnd.randrange(10**6):06d}.jpg",
                threshold=87.0, checked_at=moment,
                endpoint="https://recognition.image.myqcloud.com/face/livedetectpicture",
                api="legacy", sha256=f"{rnd.getrandbits(256):064x}")
    if roll < 0.06:
        key, code = rnd.choice(ERRORS)
        refused = key in ("truncated", "too_large")
        return CheckResult(**base, problem_key=key, code=code, detail="",
                           attempts=0 if refused else rnd.randint(1, 3),
                           elapsed_ms=rnd.randint(3, 40) if refused else rnd.randint(800, 30000))
    score = min(100.0, max(0.0, rnd.gauss(88, 12) if rnd.random() < 0.8 else rnd.gauss(40, 20)))
    reused = moment - rnd.uniform(60, 86400) if roll > 0.96 else None
    return CheckResult(**base, score=round(score, 2), code=0,
                       attempts=0 if reused else 1,
                       elapsed_ms=2 if reused else int(rnd.lognormvariate(6.3, 0.4)),
                       prepared=PreparedInfo(960, 720, rnd.randint(60_000, 300_000)),
                       reused_from=reused)


def _decision(rnd: random.Random, check: Record, moment: float) -> Record:
    machine = Decision.ACCEPT if check.verdict == "pass" else Decision.REJECT
    roll = rnd.random()
    decision = machine if roll < 0.85 else (
        Decision.ESCALATE if roll < 0.93 else
        (Decision.REJECT if machine is Decision.ACCEPT else Decision.ACCEPT))
    override = is_override(decision, check.verdict)
    reason = rnd.choice(DEFAULT_REASONS).key if override or rnd.random() < 0.2 else None
    return Record(id=new_id(), kind=Kind.DECISION.value, at=moment, operator=check.operator,
                  os_user=check.os_user, desk=check.desk, source=check.source,
                  sha256=check.sha256, verdict=check.verdict, score=check.score,
                  threshold=check.threshold, simulated=check.simulated, endpoint=check.endpoint,
                  api=check.api, check_id=check.id, decision=decision.value, reason=reason,
                  reference=f"CASE-{rnd.randrange(10**5):05d}" if rnd.random() < 0.5 else "",
                  override=override)
