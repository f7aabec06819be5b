"""Client-side pacing of billed calls: a token bucket per account that learns the service's limit.

Every worker of a batch (and every batch of the desk) that uses one account shares one
``Pacer``, so the rate is the account's, not a worker's. The client calls ``acquire`` before
every attempt, ``throttled`` when the service answers "too frequent" (legacy code 15, API 3.0
``RequestLimitExceeded``) and ``succeeded`` on any other answer.

How the rate moves:
- Told the account's limit (the profile's calls per second): start there, never go above it.
- Not told: start at ``START_RATE`` and grow multiplicatively each second without a throttle
  (slow start), so an account without a limit is not held back for long.
- On a throttle: the new rate is ``DECREASE`` times the lower of the current rate and the
  successes seen in the last second (what the service really let through): one decrease per
  second at most, since every call in flight when the limit is hit is throttled together.
- After the first throttle: additive increase, ``STEP`` calls/s per second of successes, so the
  rate probes the limit again slowly.
- ``Retry-After`` on a throttle blocks every worker until then.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

START_RATE = 4.0  # calls/s before anything is known
SLOW_START_GROWTH = 1.5  # per second without a throttle, until the first one
DECREASE = 0.85
STEP = 0.25  # calls/s gained per second of successes after the first throttle
MIN_RATE = 0.2
WINDOW = 1.0  # seconds over which successes are counted (the service's window)


class Pacer:
    """Thread-safe token bucket (one token of burst: calls are spread evenly)."""

    def __init__(
        self,
        limit: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit is not None and limit <= 0:
            raise ValueError("limit must be positive")
        self.limit = limit
        self._clock = clock
        self._lock = threading.Lock()
        self._rate = limit if limit is not None else START_RATE
        self._slow_start = limit is None
        now = clock()
        self._tokens = 1.0
        self._stamp = now
        self._blocked_until = 0.0
        self._last_decrease = -math.inf
        self._last_growth = now
        self._successes: deque[float] = deque()
        self.throttles = 0
        self.grants = 0

    @property
    def rate(self) -> float:
        with self._lock:
            return self._rate

    def acquire(self, cancel: threading.Event | None = None) -> bool:
        """Wait for a token; False (and no token) when ``cancel`` is set first."""
        while True:
            with self._lock:
                now = self._clock()
                if now >= self._blocked_until:
                    self._tokens = min(1.0, self._tokens + (now - self._stamp) * self._rate)
                    self._stamp = now
                    if self._tokens >= 1.0:
                        self._tokens -= 1.0
                        self.grants += 1
                        return True
                    wait = (1.0 - self._tokens) / self._rate
                else:
                    wait = self._blocked_until - now
            # Short naps: a rate raised or a cancel meanwhile is noticed soon.
            wait = min(max(wait, 0.001), 0.25)
            if cancel is not None:
                if cancel.wait(wait):
                    return False
            else:
                time.sleep(wait)

    def throttled(self, retry_after: float | None = None) -> None:
        with self._lock:
            now = self._clock()
            self.throttles += 1
            self._tokens = 0.0
            self._stamp = now
            if retry_after is not None and retry_after > 0:
                self._blocked_until = max(self._blocked_until, now + retry_after)
            if now - self._last_decrease < WINDOW:
                return  # the same burst: already answered
            self._trim(now)
            seen = len(self._successes) / WINDOW
            base = min(self._rate, seen) if seen > 0 else self._rate
            self._rate = max(MIN_RATE, base * DECREASE)
            self._slow_start = False
            self._last_decrease = now

    def succeeded(self) -> None:
        with self._lock:
            now = self._clock()
            self._successes.append(now)
            self._trim(now)
            if self._slow_start:
                if now - self._last_growth >= WINDOW:
                    self._rate *= SLOW_START_GROWTH
                    self._last_growth = now
            else:
                # STEP per second of successes: spread over the calls of that second.
                self._rate += STEP / max(self._rate, 1.0)
            if self.limit is not None:
                self._rate = min(self._rate, self.limit)

    def _trim(self, now: float) -> None:
        while self._successes and now - self._successes[0] > WINDOW:
            self._successes.popleft()


_shared: dict[tuple[str, str], Pacer] = {}
_shared_lock = threading.Lock()


def pacer_for(endpoint: str, appid: str, limit: float | None = None) -> Pacer:
    """The one pacer of an account at an endpoint, shared by every client in this process
    (the desk keeps what it learned across batches). A changed limit gives a fresh pacer."""
    key = (endpoint, appid)
    with _shared_lock:
        pacer = _shared.get(key)
        if pacer is None or pacer.limit != limit:
            pacer = _shared[key] = Pacer(limit)
        return pacer
