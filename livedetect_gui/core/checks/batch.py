"""One check from source to result, and a concurrent batch of them.

Used by the CLI directly; the GUI runs the same ``run_check`` steps on its own thread pool.
Every item ends in a definite CheckResult: refusals, network trouble and even unexpected
exceptions become results, so one bad item never stops a batch.

A batch never spends a call that cannot help (issue 12): a photo judged before is reused
(``duplicates``), the same content twice in one batch is sent once, a photo the pre-checks
hold is not sent unless forced, and once the service rejects the credentials, or the operator
interrupts, nothing new is sent: calls in flight finish, the rest end "not sent".
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from livedetect_gui.core.checks.recording import internal_error, record_result
from livedetect_gui.core.checks.reuse import Reuse, file_sha256, reused_copy
from livedetect_gui.core.imaging.prepare import (
    ImageRefused,
    Limits,
    PreparedImage,
    is_image_path,
    prepare_bytes,
    prepare_file,
)
from livedetect_gui.core.result import CheckResult

if TYPE_CHECKING:  # the client pulls in requests: only the commands that send import it
    from livedetect_gui.core.imaging.prechecks import Precheck, PrecheckPolicy
    from livedetect_gui.core.service.client import LiveDetectClient
    from livedetect_gui.core.trail.history import History

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Source:
    """Something to check: a file, a URL for the service to fetch, or bytes in memory."""

    label: str
    path: Path | None = None
    url: str | None = None
    data: bytes | None = None

    @staticmethod
    def file(path: str | Path) -> Source:
        return Source(label=str(path), path=Path(path))

    @staticmethod
    def remote(url: str) -> Source:
        return Source(label=url, url=url)


def collect(paths: Iterable[str | Path]) -> tuple[list[Source], list[str]]:
    """Files as given; folders recursed for images (sorted). Returns (sources, skip notes)."""
    sources: list[Source] = []
    skipped: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = 0
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if is_image_path(child):
                    sources.append(Source.file(child))
                    found += 1
                else:
                    skipped.append(f"skipped (not an image): {child}")
            if not found:
                skipped.append(f"no images in folder: {path}")
        else:
            # A file given by name is always tried: a wrong suffix or a missing file gets a
            # clear refusal in the results rather than vanishing.
            sources.append(Source.file(path))
    return sources, skipped


def prepare(source: Source, limits: Limits) -> PreparedImage:
    if source.path is not None:
        return prepare_file(source.path, limits)
    if source.data is not None:
        return prepare_bytes(source.data, limits)
    raise ValueError("a URL source is prepared by the service")


def refused(source: Source, exc: ImageRefused, threshold: float, endpoint: str) -> CheckResult:
    return CheckResult(source=source.label, threshold=threshold, problem_key=exc.key,
                       detail=exc.detail, endpoint=endpoint)


def run_check(
    source: Source,
    client: LiveDetectClient,
    limits: Limits,
    threshold: float,
    cancel: threading.Event | None = None,
    on_sending: Callable[[PreparedImage | None], None] | None = None,
) -> CheckResult:
    """Prepare and send one source. ``on_sending`` hears when the photo is ready to go out
    (the GUI shows "sending"); a URL source goes out with no preparation (None)."""
    started = time.monotonic()
    try:
        if source.url is not None:
            if on_sending is not None:
                on_sending(None)
            return client.check_url(source.url, source.label, threshold, cancel)
        try:
            prepared = prepare(source, client.preparation_limits(limits))
        except ImageRefused as exc:
            result = refused(source, exc, threshold, client.url)
            return replace(result, api=client.api.value,
                           elapsed_ms=round((time.monotonic() - started) * 1000))
        if on_sending is not None:
            on_sending(prepared)
        return client.check_image(prepared, source.label, threshold, cancel)
    except Exception as exc:  # a bug must cost one item, never the batch
        log.exception("unexpected error checking %s", source.label)
        return internal_error(source.label, threshold, exc, client.url)


# -- batches (issue 12) -----------------------------------------------------------------------


class StopReason(StrEnum):
    INTERRUPTED = "interrupted"  # Ctrl+C / SIGTERM, or the desk's stop
    CREDENTIALS = "credentials"  # the service rejected the credentials or the account


_NOT_SENT_KEY = {StopReason.INTERRUPTED: "not_sent_interrupted",
                 StopReason.CREDENTIALS: "not_sent_credentials"}


class BatchStop:
    """Stops a batch: nothing new is sent, calls in flight finish. The first reason wins."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self._lock = threading.Lock()
        self.reason: StopReason | None = None

    def stop(self, reason: StopReason) -> bool:
        """True when this call stopped the batch (it was still running)."""
        with self._lock:
            if self.reason is not None:
                return False
            self.reason = reason
        self.event.set()
        return True

    @property
    def stopped(self) -> bool:
        return self.event.is_set()


@dataclass(frozen=True)
class CheckOptions:
    """The rules of one run: what may be reused, what is held, what the operator forced."""

    reuse: Reuse | None = None  # None: every photo is sent (no history, or --recheck)
    prechecks: PrecheckPolicy | None = None  # None: no pre-checks
    force: bool = False  # send photos the pre-checks hold
    simulated: bool = False  # the endpoint is the sandbox: results are marked simulated


class Plan(StrEnum):
    SEND = "send"
    REUSED = "reused"
    REFUSED = "refused"
    HELD = "held"
    DUPLICATE = "duplicate"


@dataclass
class Planned:
    """One source after the local steps, before any call: digests, the prepared photo (may be
    dropped to bound memory: it is prepared again when sent), and what was decided."""

    source: Source
    source_sha256: str | None = None
    prepared: PreparedImage | None = field(default=None, repr=False)
    sent_sha256: str | None = None
    outcome: CheckResult | None = None  # decided without a call: reused, refused or held
    precheck: Precheck | None = None
    duplicate_of: int | None = None  # index of the same content earlier in the batch

    @property
    def plan(self) -> Plan:
        if self.duplicate_of is not None:
            return Plan.DUPLICATE
        if self.outcome is None:
            return Plan.SEND
        if self.outcome.reused_from is not None:
            return Plan.REUSED
        return Plan.HELD if self.outcome.held else Plan.REFUSED


def source_digest(source: Source) -> str | None:
    if source.path is not None:
        return file_sha256(source.path)
    if source.data is not None:
        return hashlib.sha256(source.data).hexdigest()
    return None


def plan_one(source: Source, limits: Limits, threshold: float, endpoint: str,
             options: CheckOptions) -> Planned:
    """The local steps for one source: reuse by the original's content, prepare (refusal),
    reuse by the bytes to send, pre-checks (hold). No call is made."""
    planned = Planned(source, source_sha256=source_digest(source))
    if source.url is not None:
        return planned  # the service fetches it: nothing to look at here
    reuse = options.reuse
    if reuse is not None:
        planned.outcome = reuse.lookup([planned.source_sha256], source.label, threshold)
        if planned.outcome is not None:
            return planned
    try:
        planned.prepared = prepare(source, limits)
    except ImageRefused as exc:
        planned.outcome = replace(refused(source, exc, threshold, endpoint),
                                  source_sha256=planned.source_sha256)
        return planned
    planned.sent_sha256 = planned.prepared.sha256
    if reuse is not None:
        planned.outcome = reuse.lookup([planned.sent_sha256], source.label, threshold)
        if planned.outcome is not None:
            return planned
    if options.prechecks is not None:
        from livedetect_gui.core.imaging.prechecks import precheck

        # Forced photos are pre-checked too: the trail says which holds were overridden.
        planned.precheck = precheck(planned.prepared, options.prechecks)
        if planned.precheck.held and not options.force:
            prepared = planned.prepared
            planned.outcome = CheckResult(
                source=source.label, threshold=threshold, problem_key=planned.precheck.holds[0],
                detail=held_detail(planned.precheck.holds, planned.precheck.detail),
                endpoint=endpoint, prepared=prepared.info,
                sha256=prepared.sha256, source_sha256=planned.source_sha256)
    return planned


def held_detail(holds: Sequence[str], detail: str) -> str:
    """A held result's detail: the holds after the first (by key), then the pre-checks'
    own detail, so every hold is shown and recorded, not only the first."""
    return "; ".join([*holds[1:], *([detail] if detail else [])])


def plan_batch(sources: Sequence[Source], limits: Limits, threshold: float, endpoint: str,
               options: CheckOptions, *, workers: int = 2,
               keep_bytes: int = 256 * 1024 * 1024,
               stop: BatchStop | None = None) -> list[Planned]:
    """Plan every source before the batch starts (for the cost line): in-batch duplicates
    marked, prepared photos kept while they fit in ``keep_bytes`` (the rest are prepared
    again when sent). Once ``stop`` is set the rest is left unplanned (and so unsent by a
    ``run_batch`` sharing that stop)."""

    def plan(source: Source) -> Planned:
        if stop is not None and stop.stopped:
            return Planned(source)
        return _plan_safely(source, limits, threshold, endpoint, options)

    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="plan") as pool:
        plans = list(pool.map(plan, sources))
    first: dict[str, int] = {}
    kept = 0
    for index, planned in enumerate(plans):
        for digest in (planned.source_sha256, planned.sent_sha256):
            if digest and digest in first and planned.outcome is None:
                planned.duplicate_of = first[digest]
                break
        else:
            for digest in (planned.source_sha256, planned.sent_sha256):
                if digest:
                    first.setdefault(digest, index)
        if planned.prepared is not None:
            if planned.plan is Plan.SEND and kept + len(planned.prepared.data) <= keep_bytes:
                kept += len(planned.prepared.data)
            else:
                planned.prepared = None
    return plans


def _plan_safely(source: Source, limits: Limits, threshold: float, endpoint: str,
                 options: CheckOptions) -> Planned:
    try:
        return plan_one(source, limits, threshold, endpoint, options)
    except Exception as exc:  # a bug must cost one item, never the batch
        log.exception("unexpected error preparing %s", source.label)
        return Planned(source, outcome=internal_error(source.label, threshold, exc, endpoint))


@dataclass(frozen=True)
class Cost:
    """What a batch will cost before it starts."""

    billed: int
    duplicates: int
    refused: int
    held: int

    def line(self, lang: str = "en") -> str:
        if lang.startswith("zh"):
            return (f"{self.billed} 次计费调用（{self.duplicates} 张重复照片复用已有结果，"
                    f"{self.refused} 张被拒绝，{self.held} 张被预检暂缓）")
        return (f"{self.billed} billed call{'s' if self.billed != 1 else ''} "
                f"({self.duplicates} duplicates reused, {self.refused} refused, "
                f"{self.held} held by pre-checks)")


DEFAULT_CONFIRM_OVER = 20  # batches larger than this show their cost before they start


def estimate(plans: Sequence[Planned]) -> Cost:
    kinds = [p.plan for p in plans]
    return Cost(billed=kinds.count(Plan.SEND),
                duplicates=kinds.count(Plan.REUSED) + kinds.count(Plan.DUPLICATE),
                refused=kinds.count(Plan.REFUSED), held=kinds.count(Plan.HELD))


def not_sent(source: Source, reason: StopReason, threshold: float, endpoint: str
             ) -> CheckResult:
    return CheckResult(source=source.label, threshold=threshold,
                       problem_key=_NOT_SENT_KEY[reason], endpoint=endpoint)


def send_planned(planned: Planned, client: LiveDetectClient, limits: Limits, threshold: float,
                 stop: BatchStop, options: CheckOptions = CheckOptions()) -> CheckResult:
    """The paid step for one planned source (``plan.plan`` is SEND): nothing is sent once
    ``stop`` is set; a result that rejects the credentials stops every other item sharing
    ``stop``. Runs on a worker thread."""
    source = planned.source
    endpoint = client.url
    if stop.reason is not None:
        return not_sent(source, stop.reason, threshold, endpoint)
    if source.url is not None:
        result = client.check_url(source.url, source.label, threshold, stop.event)
    else:
        prepared = planned.prepared
        planned.prepared = None  # sent once: let the memory go
        if prepared is None:
            try:
                prepared = prepare(source, limits)
            except ImageRefused as exc:
                return replace(refused(source, exc, threshold, endpoint),
                               source_sha256=planned.source_sha256)
        result = client.check_image(prepared, source.label, threshold, stop.event)
    if result.problem_key == "cancelled" and result.attempts == 0 and stop.reason:
        return not_sent(source, stop.reason, threshold, endpoint)
    if result.credentials_rejected:
        stop.stop(StopReason.CREDENTIALS)
    return replace(result, source_sha256=planned.source_sha256,
                   simulated=result.simulated or options.simulated)


class _Claims:
    """Which item of the batch sends each content digest first; the others wait for it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owner: dict[str, int] = {}
        self._done: dict[int, threading.Event] = {}
        self._results: dict[int, CheckResult] = {}

    def claim(self, index: int, digest: str | None) -> int | None:
        """None when ``index`` is the first with ``digest``; else the index that was."""
        if not digest:
            return None
        with self._lock:
            owner = self._owner.setdefault(digest, index)
            self._done.setdefault(index, threading.Event())
            return None if owner == index else owner

    def finish(self, index: int, result: CheckResult) -> None:
        with self._lock:
            self._results[index] = result
            event = self._done.setdefault(index, threading.Event())
        event.set()

    def wait(self, index: int) -> CheckResult:
        with self._lock:
            event = self._done.setdefault(index, threading.Event())
        event.wait()
        return self._results[index]


def run_batch(
    sources: Sequence[Source | Planned],
    client: LiveDetectClient,
    limits: Limits,
    threshold: float,
    *,
    concurrency: int = 4,
    history: History | None = None,
    on_result: Callable[[int, CheckResult], None] | None = None,
    stop: BatchStop | None = None,
    options: CheckOptions = CheckOptions(),
) -> list[CheckResult]:
    """Check every source (or plan from ``plan_batch``); results come back in source order.
    Each is in history as it ends. ``stop`` ends the batch early (the caller's interruption);
    the batch stops itself when the service rejects the credentials."""
    stop = stop or BatchStop()
    claims = _Claims()
    holds: dict[int, tuple[str, ...]] = {}  # what the pre-checks found, by item
    endpoint = client.url
    limits = client.preparation_limits(limits)  # within what this backend's service accepts

    def work(index: int) -> CheckResult:
        item = sources[index]
        planned = item if isinstance(item, Planned) else None
        source = planned.source if planned else item
        try:
            result = _work(index, source, planned)
        except Exception as exc:  # a bug must cost one item, never the batch
            log.exception("unexpected error checking %s", source.label)
            result = internal_error(source.label, threshold, exc, endpoint)
        if result.attempts == 0 and result.reused_from is None:  # decided here, not sent
            result = replace(result, api=client.api.value)
        claims.finish(index, result)
        return result

    def _work(index: int, source: Source, planned: Planned | None) -> CheckResult:
        if stop.reason is not None:
            return not_sent(source, stop.reason, threshold, endpoint)
        if planned is None:
            digest = source_digest(source)
            owner = claims.claim(index, digest)
            if owner is not None:
                return _same_as(claims.wait(owner), source)
            planned = plan_one(source, limits, threshold, endpoint, options)
        else:
            claims.claim(index, planned.source_sha256)
        if planned.precheck is not None and planned.precheck.held:
            holds[index] = planned.precheck.holds
        owner = claims.claim(index, planned.sent_sha256)
        if owner is None and planned.duplicate_of is not None:
            owner = planned.duplicate_of
        if owner is not None:
            return _same_as(claims.wait(owner), source)
        if planned.outcome is not None:
            return planned.outcome
        return send_planned(planned, client, limits, threshold, stop, options)

    def _same_as(first: CheckResult, source: Source) -> CheckResult:
        """The result of the same content sent by another item of this batch."""
        if first.judged:
            return reused_copy(first, source.label, threshold)
        return replace(first, source=source.label, attempts=0, elapsed_ms=0,
                       maybe_billed_twice=False, checked_at=time.time())

    results: list[CheckResult | None] = [None] * len(sources)
    with ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="check") as pool:
        futures = {pool.submit(work, index): index for index in range(len(sources))}
        for future in as_completed(futures):
            index = futures[future]
            result = future.result()  # work never raises
            if history is not None:
                found = holds.get(index, ())
                record_result(history, result, simulated=options.simulated, holds=found,
                              forced=bool(found) and options.force and result.attempts > 0)
            results[index] = result
            if on_result is not None:
                on_result(index, result)
    return [r for r in results if r is not None]
