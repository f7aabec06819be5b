"""Checks written straight into a real history, for the trail's query tests."""

from __future__ import annotations

from livedetect_gui.core.result import CheckResult
from livedetect_gui.core.trail.history import History


def add_check(history: History, name: str, score: float | None = 95, at: float = 1000.0,
              reference: str = "", problem_key: str | None = None,
              simulated: bool = False) -> str:
    """A judged check (PASS above 87, FAIL below) or, with ``problem_key``, a local problem."""
    result = CheckResult(source=name, threshold=87, score=score, checked_at=at,
                         problem_key=problem_key, source_sha256=f"sha-{name}",
                         simulated=simulated)
    return history.record(result, reference=reference)


def as_operator(history: History, name: str) -> History:
    history.operator = name
    return history
