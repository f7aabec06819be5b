"""Seeded fault injection, for tests and training: latency, HTTP 5xx, dropped connections,
non-JSON answers and throttling, drawn once per request the same way for both generations."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass
class Faults:
    latency_ms: int = 0
    fail_rate: float = 0.0  # HTTP 500/502/503
    reset_rate: float = 0.0  # connection dropped without an answer
    garbage_rate: float = 0.0  # HTTP 200 with a non-JSON body
    throttle_rate: float = 0.0  # the protocol's own throttling answer
    seed: int = 0


class FaultDraws:
    """One seeded draw per request decides its fault, if any: the same seed gives the same
    sequence, so a run with faults can be repeated."""

    def __init__(self, faults: Faults) -> None:
        self.faults = faults
        self._rng = random.Random(faults.seed)
        self._lock = threading.Lock()

    def draw(self) -> str | None:
        """None, "reset", "fail:<status>", "garbage" or "throttle"."""
        f = self.faults
        with self._lock:
            roll = self._rng.random()
            status = self._rng.choice((500, 502, 503))
        for name, rate in (("reset", f.reset_rate), ("fail", f.fail_rate),
                           ("garbage", f.garbage_rate), ("throttle", f.throttle_rate)):
            if roll < rate:
                return f"fail:{status}" if name == "fail" else name
            roll -= rate
        return None


class _Answering(Protocol):
    def reply(self, payload: dict | None = None, status: int = 200, raw: bytes | None = None,
              content_type: str = "application/json", close: bool = False) -> None: ...

    def drop(self) -> None: ...


ANSWERED = "answered"


def inject(draws: FaultDraws, answer: _Answering, count: Callable[[str], None]) -> str | None:
    """Latency, then the request's draw: ANSWERED when a fault already answered (or dropped)
    the request, "throttle" for the protocol's own throttling answer, else None. ``count``
    is the sandbox's counter."""
    if draws.faults.latency_ms:
        time.sleep(draws.faults.latency_ms / 1000)
    fault = draws.draw()
    if fault == "reset":
        count("fault:reset")
        answer.drop()
        return ANSWERED
    if fault and fault.startswith("fail:"):
        status = int(fault[5:])
        count(f"fault:{status}")
        answer.reply(raw=b"<html><body>Server Error</body></html>", status=status,
                     content_type="text/html")
        return ANSWERED
    if fault == "garbage":
        count("fault:garbage")
        answer.reply(raw=b"<html>upstream says hello</html>", content_type="text/html")
        return ANSWERED
    return fault
