"""The paid step: one batch engine for the CLI and the desk.

``Batch`` decides, for every photo of a run, whether a call is spent on it: a photo judged
before is reused (``CheckOptions.reuse``), the same content twice in one run is sent once, a
photo the pre-checks hold is not sent unless forced, and once the service rejects the
credentials, or the operator interrupts (``BatchStop``), nothing new is sent: calls in flight
finish, the rest end "not sent". Pacing is the client's (one ``Pacer`` per account). Every
item ends in a definite CheckResult, recorded in the trail on the worker as it ends: refusals,
network trouble and even unexpected exceptions become results, so one bad item never stops a
batch. The CLI runs a batch on its own thread pool (``Batch.run``); the desk calls
``Batch.check`` from its Qt pool.

Copies in one run share the first copy's outcome, whatever it is. A second call for the same
content cannot change a judgement, a refusal, a hold or a definitive answer of the service;
after a failure a retry could cure (``CheckResult.retry_may_help``: a timeout, a 5xx) the
client has already spent its retry budget on that content, so a call for the copy would be an
unbudgeted extra retry, billed again if the first attempt reached the service. The shared
failure keeps its problem, so it stays retryable: the desk's "Retry failed" (or running the
CLI again) sends the content again, once for all its copies.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from livedetect_gui.core.checks.planning import (
    CheckOptions,
    Planned,
    Source,
    plan_one,
    prepare,
    refused,
    source_digest,
)
from livedetect_gui.core.checks.recording import Trail, internal_error, record_result, should_record
from livedetect_gui.core.checks.reuse import reused_copy
from livedetect_gui.core.imaging.prepare import ImageRefused, Limits, PreparedImage
from livedetect_gui.core.result import CheckResult

if TYPE_CHECKING:  # the client pulls in requests: only the commands that send import it
    from livedetect_gui.core.imaging.prechecks import Precheck
    from livedetect_gui.core.service.client import LiveDetectClient
    from livedetect_gui.core.trail.kept_photos import KeptPhotos

log = logging.getLogger(__name__)


def run_check(
    source: Source,
    client: LiveDetectClient,
    limits: Limits,
    threshold: float,
    cancel: threading.Event | None = None,
    on_sending: Callable[[PreparedImage | None], None] | None = None,
) -> CheckResult:
    """Prepare and send one source, outside any batch (the settings' connection test).
    ``on_sending`` hears when the photo is ready to go out; a URL source goes out with no
    preparation (None)."""
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


class StopReason(StrEnum):
    INTERRUPTED = "interrupted"  # Ctrl+C / SIGTERM, or the desk's Cancel
    CREDENTIALS = "credentials"  # the service rejected the credentials or the account


_JUDGED = ("pass", "fail")  # the verdicts of a judgement (what a re-check repeats)

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


def not_sent(source: Source, reason: StopReason, threshold: float, endpoint: str
             ) -> CheckResult:
    return CheckResult(source=source.label, threshold=threshold,
                       problem_key=_NOT_SENT_KEY[reason], endpoint=endpoint)


@dataclass(frozen=True)
class Checked:
    """One item's end: its result, the id of its record (what a decision refers to) and, for
    a photo the pre-checks held, what they found."""

    result: CheckResult
    record_id: str | None = None
    precheck: Precheck | None = None


class _First:
    """The outcome of the first check of some content in this batch, once it is known."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: CheckResult | None = None
        self.holds: tuple[str, ...] = ()  # what the pre-checks found (forced or held)

    def settle(self, result: CheckResult) -> None:
        if not self.done.is_set():
            self.result = result
            self.done.set()


class Batch:
    """One run of checks sharing a stop, a client (and so its pacer) and the run's rules.

    ``check`` is safe from any number of worker threads and never raises. Memory is bounded
    by the run: one small entry per content digest, dropped with the batch.
    """

    def __init__(self, client: LiveDetectClient, limits: Limits, threshold: float,
                 options: CheckOptions | None = None, *, stop: BatchStop | None = None,
                 trail: Trail | None = None, photos: KeptPhotos | None = None,
                 after: Batch | None = None) -> None:
        self.client = client
        self.limits = client.preparation_limits(limits)  # within what this backend accepts
        # Read as each check starts: the desk's threshold may move while a run goes on.
        self.threshold = threshold
        self.options = options or CheckOptions()
        self.stop = stop or BatchStop()
        self.trail = trail
        self.photos = photos  # where photos as sent are kept beside their records (desk)
        # The first check of each content digest. A batch that follows one still running
        # (the desk's run after a Cancel) shares it: a copy waits for a call in flight.
        self._lock = after._lock if after is not None else threading.Lock()
        self._first: dict[str, _First] = after._first if after is not None else {}

    def check(self, item: Source | Planned, *, recheck: bool = False, force: bool = False,
              on_sending: Callable[[PreparedImage | None], None] | None = None,
              reference: str = "", repeats: str | None = None,
              reason: str | None = None, note: str = "") -> Checked:
        """Check one item (a source, or a plan from ``plan_batch``) on this worker, and record
        it (under a case/applicant ``reference``). ``recheck``: the operator asked for a new
        call, so neither an earlier judgement nor a copy already settled in this run stands in
        for it; the judgement it repeats (``repeats``, else the newest of the same content) gets
        a ``recheck`` event just before the call. ``force``: the operator sends this photo
        though the pre-checks hold it (``reason``/``note`` why, else the run's). ``on_sending``
        hears when the photo is about to go out (None for a URL)."""
        planned = item if isinstance(item, Planned) else None
        source = planned.source if planned is not None else item
        threshold = self.threshold
        mine = _First()
        sent: PreparedImage | None = None
        result: CheckResult | None = None
        found: Precheck | None = None
        before_call = None
        if recheck or self.options.recheck:
            def before_call(sending: Planned) -> None:
                self._record_recheck(sending, repeats, reference)
        try:
            result, sent, found = self._check(source, planned, threshold, recheck, force, mine,
                                              on_sending, before_call)
        except Exception as exc:  # a bug must cost one item, never the batch
            log.exception("unexpected error checking %s", source.label)
            result = internal_error(source.label, threshold, exc, self.client.url)
        finally:
            # Copies waiting for this one must never wait for ever, whatever happened here.
            mine.settle(result or internal_error(source.label, threshold, RuntimeError(),
                                                 self.client.url))
        if result.attempts == 0 and result.reused_from is None:  # decided here, not sent
            result = replace(result, api=self.client.api.value)
        record_id = self._record(result, mine.holds, force or self.options.force, reference,
                                 reason or self.options.reason, note or self.options.note)
        if record_id is not None and self.photos is not None and sent is not None and (
                result.attempts > 0):
            self.photos.keep(record_id, sent.data)
        return Checked(result, record_id, found if result.held else None)

    def run(self, items: Sequence[Source | Planned], *, concurrency: int = 4,
            on_result: Callable[[int, CheckResult], None] | None = None,
            reference: str = "") -> list[CheckResult]:
        """Every item on a pool of ``concurrency`` threads, recorded under the case/applicant
        ``reference``; results in item order. ``on_result`` hears each (index, result) on the
        calling thread as it ends."""
        results: list[CheckResult | None] = [None] * len(items)
        with ThreadPoolExecutor(max_workers=max(1, concurrency),
                                thread_name_prefix="check") as pool:
            futures = {pool.submit(self.check, item, reference=reference): index
                       for index, item in enumerate(items)}
            for future in as_completed(futures):
                index = futures[future]
                result = future.result().result  # check never raises
                results[index] = result
                if on_result is not None:
                    on_result(index, result)
        return [r for r in results if r is not None]

    def hold(self, source: Source, *, reference: str = "") -> Checked | None:
        """A photo the pre-checks held before it was run (the desk's intake), recorded as a
        batch records a hold (once per content and holds), with no call; None when this
        batch's rules do not hold it (the caller runs it like any other)."""
        threshold = self.threshold
        try:
            planned = plan_one(source, self.limits, threshold, self.client.url,
                               replace(self.options, reuse=None, force=False))
        except Exception:  # a bug must cost one item, never the batch
            log.exception("unexpected error pre-checking %s", source.label)
            return None
        if planned.outcome is None or not planned.outcome.held or planned.precheck is None:
            return None
        result = replace(planned.outcome, api=self.client.api.value)
        record_id = self._record(result, planned.precheck.holds, False, reference)
        return Checked(result, record_id, planned.precheck)

    # -- the steps --------------------------------------------------------------------------

    def _check(self, source: Source, planned: Planned | None, threshold: float, recheck: bool,
               force: bool, mine: _First,
               on_sending: Callable[[PreparedImage | None], None] | None,
               before_call: Callable[[Planned], None] | None = None
               ) -> tuple[CheckResult, PreparedImage | None, Precheck | None]:
        endpoint = self.client.url
        if self.stop.reason is not None:
            return not_sent(source, self.stop.reason, threshold, endpoint), None, None
        options = replace(self.options, reuse=None) if recheck else self.options
        if force:
            options = replace(options, force=True)
        if planned is None:
            digest = source_digest(source)
            shared = self._copy_of(digest, mine, recheck, source, threshold)
            if shared is not None:
                return shared, None, None
            planned = plan_one(source, self.limits, threshold, endpoint, options,
                               source_sha256=digest)
        if planned.precheck is not None and planned.precheck.held:
            mine.holds = planned.precheck.holds
        if planned.outcome is not None:  # reused, refused or held: no call
            return planned.outcome, None, planned.precheck
        shared = self._copy_of(planned.sent_sha256, mine, recheck, source, threshold)
        if shared is not None:
            return shared, None, None
        return (*self._send(planned, threshold, on_sending, before_call), None)

    def _copy_of(self, digest: str | None, mine: _First, recheck: bool, source: Source,
                 threshold: float) -> CheckResult | None:
        """None when this check goes on itself: it is the first of ``digest`` in the run (and
        copies now wait for it). Else the outcome of the first, as this source's result. A
        recheck never waits: the operator asked for a new call. After a held first a copy goes
        on itself: a hold costs no call, and the copy may be one the operator forced."""
        while digest:
            with self._lock:
                first = self._first.get(digest)
                if first is None or first is mine or recheck:
                    self._first[digest] = mine
                    return None
            first.done.wait()
            result = first.result
            assert result is not None  # settled before done is set
            if (should_record(result) and not result.held) or self.stop.reason is not None:
                return self._same_as(result, source, threshold)
            # The first was never sent (a Cancel of the run before this one) or was held: go
            # on, first.
            with self._lock:
                if self._first.get(digest) is first:
                    self._first[digest] = mine
                    return None
        return None

    def _same_as(self, first: CheckResult, source: Source, threshold: float) -> CheckResult:
        """The outcome of the same content checked by another item of this run."""
        if self.stop.reason is not None and not first.judged:
            return not_sent(source, self.stop.reason, threshold, self.client.url)
        if first.judged:
            return reused_copy(first, source.label, threshold)
        return replace(first, source=source.label, threshold=threshold, attempts=0,
                       elapsed_ms=0, maybe_billed_twice=False, checked_at=time.time())

    def _send(self, planned: Planned, threshold: float,
              on_sending: Callable[[PreparedImage | None], None] | None,
              before_call: Callable[[Planned], None] | None = None
              ) -> tuple[CheckResult, PreparedImage | None]:
        """The paid call. Nothing is sent once the batch is stopped; a result that rejects
        the credentials stops every other item of the batch."""
        source, client, stop = planned.source, self.client, self.stop
        endpoint = client.url
        prepared: PreparedImage | None = None
        if stop.reason is not None:
            return not_sent(source, stop.reason, threshold, endpoint), None
        if source.url is None:
            prepared, planned.prepared = planned.prepared, None  # sent once: let it go
            if prepared is None:  # dropped by the planner to bound memory
                try:
                    prepared = prepare(source, self.limits)
                except ImageRefused as exc:
                    return replace(refused(source, exc, threshold, endpoint),
                                   source_sha256=planned.source_sha256), None
        if stop.reason is not None:
            return not_sent(source, stop.reason, threshold, endpoint), None
        if before_call is not None:
            before_call(planned)
        if on_sending is not None:
            on_sending(prepared)
        if prepared is None:
            result = client.check_url(source.url or "", source.label, threshold, stop.event)
        else:
            result = client.check_image(prepared, source.label, threshold, stop.event)
        if result.problem_key == "cancelled" and result.attempts == 0 and stop.reason:
            return not_sent(source, stop.reason, threshold, endpoint), None
        if result.credentials_rejected:
            stop.stop(StopReason.CREDENTIALS)
        return replace(result, source_sha256=planned.source_sha256,
                       simulated=result.simulated or self.options.simulated), prepared

    def _record(self, result: CheckResult, holds: tuple[str, ...], force: bool,
                reference: str = "", reason: str | None = None, note: str = "") -> str | None:
        """By the recording rules (core/checks/recording.py): a sandbox run's refusals and
        holds simulated, a refusal once, a forced send with the holds it overrode."""
        if self.trail is None:
            return None
        return record_result(self.trail, result, simulated=self.options.simulated, holds=holds,
                             forced=bool(holds) and force and result.attempts > 0,
                             reference=reference, reason=reason, note=note)

    def _record_recheck(self, planned: Planned, repeats: str | None, reference: str) -> None:
        """Before a re-check's call: who asked to pay again, naming the judgement repeated
        (the one the caller knows, else the newest of this content). Nothing when the photo
        was never judged; a trail that cannot be read costs the event, never the check."""
        from livedetect_gui.core.trail import events
        from livedetect_gui.core.trail.chain import Kind

        trail = self.trail
        history = trail.trail() if trail is not None else None
        if trail is None or history is None:
            return
        try:
            known = history.get(repeats) if repeats else None
            check_id = known.id if known is not None and known.kind == Kind.CHECK and (
                known.verdict in _JUDGED) else (
                events.judged_check_of(history, [planned.source_sha256, planned.sent_sha256],
                                       self.options.simulated))
            if check_id is not None:
                events.record_recheck(trail, check_id, reference)
        except Exception:  # noqa: BLE001 - the event may be lost, never the paid check
            log.warning("the re-check of %s could not be recorded", planned.source.label,
                        exc_info=True)

