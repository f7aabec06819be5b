"""The batch engine never pays for a call that cannot help: calls counted at a real sandbox on
loopback."""

from __future__ import annotations

import shutil
import threading
import time

from livedetect_gui.core.checks.batch import Batch, BatchStop, StopReason
from livedetect_gui.core.checks.planning import CheckOptions, Plan, Source, estimate, plan_batch
from livedetect_gui.core.checks.reuse import Reuse
from livedetect_gui.core.imaging.prechecks import PrecheckPolicy
from livedetect_gui.core.imaging.prepare import Limits
from livedetect_gui.core.service.credentials import Credentials
from livedetect_gui.core.service.pacing import Pacer
from livedetect_gui.core.trail.history import History
from tests.conftest import make_photo


def photos(folder, count, size=(320, 240), start=0):
    paths = []
    for i in range(start, start + count):
        path = folder / f"p{i:03}.jpg"
        make_photo(i, size).save(path, quality=90)
        paths.append(path)
    return paths


def test_same_content_is_sent_once_and_reused_later(tmp_path, sandbox, make_client) -> None:
    a, b, c = photos(tmp_path, 3)
    shutil.copy(a, tmp_path / "copy_of_a.jpg")
    history = History(tmp_path / "h.sqlite3")
    # the sandbox's scores
    options = CheckOptions(reuse=Reuse(history, simulated=True, api="legacy"))
    sources = [Source.file(p) for p in (a, b, c, tmp_path / "copy_of_a.jpg")]
    client = make_client(sandbox, concurrency=2)
    first = Batch(client, Limits(), 87, options, trail=history).run(sources, concurrency=2)
    assert sandbox.stats["requests"] == 3  # the copy of a was not sent
    copy = first[3]
    assert copy.reused_from is not None and copy.score == first[0].score
    assert copy.to_json()["reused"] is True

    again = Batch(client, Limits(), 50, options, trail=history).run(sources, concurrency=2)
    assert sandbox.stats["requests"] == 3  # 3 identical files checked twice = 3 calls, not 6
    assert all(r.reused_from is not None for r in again)
    assert [r.score for r in again] == [r.score for r in first]
    assert again[0].threshold == 50  # judged against today's threshold
    assert again[0].reused_from == first[0].checked_at  # the original check's time

    # --recheck: no reuse, a new call each
    Batch(client, Limits(), 87, CheckOptions(), trail=history).run(sources[:1])
    assert sandbox.stats["requests"] == 4
    history.close()


def test_refusals_errors_and_old_judgements_are_not_reused(tmp_path, start_sandbox,
                                                           make_client) -> None:
    sandbox = start_sandbox(fail_rate=1.0)
    (path,) = photos(tmp_path, 1)
    history = History(tmp_path / "h.sqlite3")
    client = make_client(sandbox, max_attempts=1)
    options = CheckOptions(reuse=Reuse(history, simulated=True, api=client.api.value))
    (failed,) = Batch(client, Limits(), 87, options, trail=history).run([Source.file(path)])
    assert failed.problem_key == "http_error"
    Batch(client, Limits(), 87, options, trail=history).run([Source.file(path)])
    assert sandbox.stats["requests"] == 2  # an error is never reused

    good = start_sandbox()
    client = make_client(good)
    Batch(client, Limits(), 87, options, trail=history).run([Source.file(path)])
    assert good.stats["requests"] == 1
    stale = CheckOptions(reuse=Reuse(history, window_days=-1, simulated=True,
                                     api=client.api.value))  # too old
    Batch(client, Limits(), 87, stale, trail=history).run([Source.file(path)])
    assert good.stats["requests"] == 2
    # A sandbox score is never reused for a live check, whatever URL both used.
    real = CheckOptions(reuse=Reuse(history, simulated=False, api=client.api.value))
    Batch(client, Limits(), 87, real, trail=history).run([Source.file(path)])
    assert good.stats["requests"] == 3
    history.close()


def test_rejected_credentials_stop_the_batch(tmp_path, sandbox, make_client) -> None:
    paths = photos(tmp_path, 60, size=(64, 48))
    acc = sandbox.account
    wrong = Credentials(acc.appid, acc.secret_id, "not-the-secret-key")
    client = make_client(sandbox, credentials=wrong, concurrency=4)
    stop = BatchStop()
    results = Batch(client, Limits(), 87, stop=stop).run([Source.file(p) for p in paths],
                                                         concurrency=4)
    assert sandbox.stats["requests"] <= 4 + 1  # at most concurrency + 1 calls
    assert stop.reason is StopReason.CREDENTIALS
    rejected = [r for r in results if r.code == 14]
    not_sent = [r for r in results if r.problem_key == "not_sent_credentials"]
    assert len(rejected) >= 1 and len(rejected) + len(not_sent) == 60
    assert all(r.credentials_rejected for r in rejected)
    assert "rejected the credentials" in not_sent[0].message("en")
    assert "拒绝了凭据" in not_sent[0].message("zh")


def test_api3_auth_failure_stops_the_batch_too(tmp_path, sandbox, make_client) -> None:
    """API 3.0: AuthFailure.* is marked in the catalogue like the legacy codes."""
    from livedetect_gui.core.service.credentials import Api

    paths = photos(tmp_path, 40, size=(64, 48))
    wrong = Credentials("", sandbox.account.secret_id, "not-the-key", api=Api.TC3,
                        region="ap-guangzhou")
    client = make_client(sandbox, credentials=wrong, concurrency=4)
    results = Batch(client, Limits(), 40).run([Source.file(p) for p in paths], concurrency=4)
    assert sandbox.stats["requests"] <= 4 + 1
    codes = {r.code for r in results if r.code is not None}
    assert codes and all(str(c).startswith("AuthFailure.") for c in codes)
    assert sum(r.problem_key == "not_sent_credentials" for r in results) >= 35


def test_expired_signatures_stop_after_one_renewal_probe(tmp_path, sandbox) -> None:
    """Code 9 even after renewal (this computer's clock is a day behind): concurrency + 1."""
    from livedetect_gui.core.service.client import ClientConfig, LiveDetectClient
    from tests.conftest import FAST, sandbox_credentials

    paths = photos(tmp_path, 30, size=(64, 48))
    config = ClientConfig(**{**FAST, "endpoint": sandbox.url, "concurrency": 4})
    with LiveDetectClient(sandbox_credentials(sandbox), config,
                          clock=lambda: time.time() - 86400) as client:
        results = Batch(client, Limits(), 87).run([Source.file(p) for p in paths], concurrency=4)
    assert sandbox.stats["requests"] <= 4 + 1
    assert {r.code for r in results if r.code is not None} == {9}
    assert all(r.credentials_rejected for r in results if r.code == 9)
    assert all(r.problem_key in (None, "not_sent_credentials") for r in results)


def test_interruption_sends_nothing_new(tmp_path, start_sandbox, make_client) -> None:
    sandbox = start_sandbox(latency_ms=150)
    paths = photos(tmp_path, 30, size=(64, 48))
    client = make_client(sandbox, concurrency=2)
    stop = BatchStop()
    seen: list[int] = []
    sent_at_stop: list[int] = []

    def on_result(index, result) -> None:
        seen.append(index)
        if len(seen) == 3:
            # Results reach this callback a little after the calls end (a loaded machine
            # lets the workers run ahead), so the bound is taken from the moment of the stop.
            sent_at_stop.append(sandbox.stats["requests"])
            stop.stop(StopReason.INTERRUPTED)

    results = Batch(client, Limits(), 87, stop=stop).run([Source.file(p) for p in paths],
                                                         concurrency=2, on_result=on_result)
    sent = sandbox.stats["requests"]
    # The calls in flight when the stop came finished (at most one per worker), nothing new
    # started after them, and most of the batch was never sent.
    assert 3 <= sent <= sent_at_stop[0] + 2 and sent < 30 // 2
    judged = [r for r in results if r.judged]
    assert len(judged) == sent
    assert sum(r.problem_key == "not_sent_interrupted" for r in results) == 30 - sent


def test_pacer_learns_the_limit_without_errors(tmp_path, start_sandbox, make_client) -> None:
    sandbox = start_sandbox(rate_limit=10)
    paths = photos(tmp_path, 40, size=(64, 48))
    pacer = Pacer()
    client = make_client(sandbox, concurrency=8, backoff_base=0.5, backoff_cap=4.0)
    client.pacer = pacer
    results = Batch(client, Limits(), 87).run([Source.file(p) for p in paths], concurrency=8)
    assert all(r.code == 0 for r in results)
    throttled = sandbox.stats["code:15"]
    assert throttled <= 0.1 * sandbox.stats["requests"] + 1
    assert pacer.throttles == throttled and pacer.grants == sandbox.stats["requests"]


def test_pacer_rate_moves_and_honours_retry_after() -> None:
    now = [0.0]
    pacer = Pacer(clock=lambda: now[0])
    start = pacer.rate
    for _ in range(20):  # a second of successes: slow start grows the rate
        now[0] += 0.05
        pacer.succeeded()
    grown = pacer.rate
    assert grown > start
    pacer.throttled(retry_after=None)
    assert pacer.rate < grown
    cut = pacer.rate
    pacer.throttled(retry_after=None)  # the same burst: one decrease
    assert pacer.rate == cut
    now[0] += 5
    for _ in range(10):
        pacer.succeeded()
    assert pacer.rate > cut  # additive increase after the first throttle

    limited = Pacer(limit=2.0, clock=lambda: now[0])
    for _ in range(100):
        now[0] += 0.1
        limited.succeeded()
    assert limited.rate == 2.0  # never above the account's known limit

    real = Pacer(limit=100.0)
    real.throttled(retry_after=0.3)
    began = time.monotonic()
    assert real.acquire()
    assert time.monotonic() - began >= 0.25
    cancel = threading.Event()
    real.throttled(retry_after=5)
    cancel.set()
    assert real.acquire(cancel) is False


def test_cost_line_counts_what_will_be_billed(tmp_path, sandbox, make_client) -> None:
    paths = photos(tmp_path, 4)
    history = History(tmp_path / "h.sqlite3")
    client = make_client(sandbox)
    options = CheckOptions(reuse=Reuse(history, simulated=True, api="legacy"))
    Batch(client, Limits(), 87, options, trail=history).run([Source.file(paths[0])])
    shutil.copy(paths[1], tmp_path / "dup.jpg")
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff broken")
    make_photo(9, (1000, 300)).save(tmp_path / "panorama.jpg")
    sources = [Source.file(p) for p in [*paths, tmp_path / "dup.jpg", tmp_path / "broken.jpg",
                                        tmp_path / "panorama.jpg"]]
    held_options = CheckOptions(reuse=Reuse(history, simulated=True, api="legacy"),
                                prechecks=PrecheckPolicy(faces=False, quality=False))
    plans = plan_batch(sources, Limits(), 87, client.url, held_options)
    assert [p.plan for p in plans] == [Plan.REUSED, Plan.SEND, Plan.SEND, Plan.SEND,
                                       Plan.DUPLICATE, Plan.REFUSED, Plan.HELD]
    cost = estimate(plans)
    assert cost.line() == "3 billed calls (2 duplicates reused, 1 refused, 1 held by pre-checks)"
    assert "3 次计费调用" in cost.line("zh")
    before = sandbox.stats["requests"]
    results = Batch(client, Limits(), 87, held_options, trail=history).run(plans)
    assert sandbox.stats["requests"] - before == cost.billed  # the line told the truth
    assert results[-1].held and results[-1].problem_key == "held_aspect"
    history.close()


def test_a_forced_check_sends_a_held_photo_and_a_copy_decides_its_own_hold(
        tmp_path, sandbox, make_client) -> None:
    make_photo(9, (1000, 300)).save(tmp_path / "panorama.jpg")
    shutil.copy(tmp_path / "panorama.jpg", tmp_path / "copy.jpg")
    options = CheckOptions(prechecks=PrecheckPolicy(faces=False, quality=False))
    history = History(tmp_path / "h.sqlite3")
    batch = Batch(make_client(sandbox), Limits(), 87, options, trail=history)
    held = batch.check(Source.file(tmp_path / "panorama.jpg"))
    assert held.result.held and held.precheck is not None
    assert held.precheck.holds == ("held_aspect",)
    # The copy is held by its own look (no call), with what the pre-checks found.
    copy = batch.check(Source.file(tmp_path / "copy.jpg"))
    assert copy.result.held and copy.precheck == held.precheck
    assert sandbox.stats["requests"] == 0
    # The operator's "Send anyway": sent, though a copy was held in this batch.
    forced = batch.check(Source.file(tmp_path / "copy.jpg"), force=True)
    assert not forced.result.held and forced.result.attempts >= 1 and forced.precheck is None
    assert sandbox.stats["requests"] == 1
    # Its record says the hold it overrode, as a batch forced as a whole would.
    (check,) = [r for r in history.entries(kinds=["check"]) if r.id == forced.record_id]
    assert check.override
    history.close()
