"""The pacer: one token bucket per account that learns the service's limit. Driven by a clock
the test moves, so every figure is exact and nothing waits for real time."""

from __future__ import annotations

import threading

import pytest

from livedetect_gui.core.service import pacing
from livedetect_gui.core.service.pacing import (
    DECREASE,
    MIN_RATE,
    SLOW_START_GROWTH,
    START_RATE,
    STEP,
    Pacer,
    pacer_for,
)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def cancelled() -> threading.Event:
    """Set from the start: ``acquire`` answers at once instead of waiting for a token."""
    event = threading.Event()
    event.set()
    return event


def test_a_limit_must_be_positive() -> None:
    for bad in (0, -1.5):
        with pytest.raises(ValueError):
            Pacer(bad)


def test_starts_at_the_accounts_limit_or_the_cautious_start_rate(clock) -> None:
    assert Pacer(clock=clock).rate == START_RATE
    assert Pacer(7.5, clock=clock).rate == 7.5


def test_tokens_come_at_the_rate_and_no_sooner(clock, cancelled) -> None:
    pacer = Pacer(8, clock=clock)  # one call every 0.125 s (binary-exact steps below)
    assert pacer.acquire(cancelled)  # one token of burst, no more
    assert not pacer.acquire(cancelled)
    clock.now += 0.0625
    assert not pacer.acquire(cancelled)  # half a token
    clock.now += 0.0625
    assert pacer.acquire(cancelled)
    clock.now += 5  # idle for long: still one token of burst, calls stay evenly spread
    assert pacer.acquire(cancelled) and not pacer.acquire(cancelled)
    assert pacer.grants == 3


def test_a_throttle_slows_to_below_what_the_service_let_through(clock, cancelled) -> None:
    pacer = Pacer(clock=clock)
    for _ in range(3):  # three calls went through in the last second
        clock.now += 0.1
        pacer.succeeded()
    clock.now += 0.1
    pacer.throttled()
    assert pacer.rate == pytest.approx(min(START_RATE, 3) * DECREASE)
    assert not pacer.acquire(cancelled)  # the token was taken back
    # Every call in flight is throttled together: one decrease per second at most.
    clock.now += 0.5
    pacer.throttled()
    assert pacer.rate == pytest.approx(3 * DECREASE) and pacer.throttles == 2
    # Then it probes upwards slowly: STEP calls/s per second of successes.
    before = pacer.rate
    clock.now += 0.6
    pacer.succeeded()
    assert pacer.rate == pytest.approx(before + STEP / max(before, 1.0))


def test_never_below_the_floor(clock) -> None:
    pacer = Pacer(clock=clock)
    for _ in range(60):
        clock.now += 1.5
        pacer.throttled()
    assert pacer.rate == pytest.approx(MIN_RATE)


def test_slow_start_grows_once_a_second_until_the_first_throttle(clock) -> None:
    pacer = Pacer(clock=clock)
    clock.now += 0.5
    pacer.succeeded()
    assert pacer.rate == START_RATE  # less than a second since the start
    clock.now += 0.5
    pacer.succeeded()
    assert pacer.rate == pytest.approx(START_RATE * SLOW_START_GROWTH)
    clock.now += 1.0
    pacer.succeeded()
    assert pacer.rate == pytest.approx(START_RATE * SLOW_START_GROWTH ** 2)


def test_never_above_the_accounts_limit(clock) -> None:
    pacer = Pacer(5, clock=clock)
    for _ in range(200):
        clock.now += 0.2
        pacer.succeeded()
    assert pacer.rate == 5


def test_retry_after_blocks_every_worker_until_then(clock, cancelled) -> None:
    pacer = Pacer(10, clock=clock)
    pacer.throttled(retry_after=30)
    clock.now += 10  # tokens would be back long ago: the service said to wait
    assert not pacer.acquire(cancelled)
    clock.now += 20.01
    assert pacer.acquire(cancelled)


def test_a_waiting_worker_is_freed_by_its_cancel(clock) -> None:
    pacer = Pacer(0.2, clock=clock)  # the clock never moves: no token will ever come
    assert pacer.acquire()
    cancel = threading.Event()
    answers: list[bool] = []
    worker = threading.Thread(target=lambda: answers.append(pacer.acquire(cancel)))
    worker.start()
    cancel.set()
    worker.join(5)
    assert answers == [False]


def test_one_pacer_per_account_and_endpoint(monkeypatch) -> None:
    monkeypatch.setattr(pacing, "_shared", {})
    first = pacer_for("https://a.example/", "1001")
    assert pacer_for("https://a.example/", "1001") is first
    assert pacer_for("https://a.example/", "1002") is not first
    assert pacer_for("https://b.example/", "1001") is not first
    limited = pacer_for("https://a.example/", "1001", 3)  # a changed limit: a fresh pacer
    assert limited is not first and limited.rate == 3
    assert pacer_for("https://a.example/", "1001", 3) is limited
