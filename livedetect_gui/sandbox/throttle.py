"""The service's own throttling ("operation too frequent"), per appid or secret id."""

from __future__ import annotations

import threading
import time
from collections import deque


class RateLimiter:
    """Fixed one-second windows per caller: simple, and what "too frequent" means to an
    operator. ``per_second`` 0 or less means no limit."""

    def __init__(self, per_second: float) -> None:
        self.per_second = per_second
        self._lock = threading.Lock()
        self._hits: dict[str, deque[float]] = {}

    def allow(self, caller: str) -> bool:
        if self.per_second <= 0:
            return True
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(caller, deque())
            while hits and now - hits[0] >= 1.0:
                hits.popleft()
            if len(hits) >= self.per_second:
                return False
            hits.append(now)
            return True
