"""What happens to a photo before any paid call: what to check, preparation, reuse, holds, cost.

A source is read, its content digest taken, an earlier judgement of the same content looked up
(``Reuse``), the photo prepared to the service's limits (or refused), and held when the
pre-checks say the service would refuse it. ``plan_batch`` does this for a whole batch before
it starts, so the CLI and the desk can show what it will cost (``estimate``); the batch engine
(``batch.Batch``) runs the same ``plan_one`` for a photo that was not planned ahead.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from livedetect_gui.core.checks.recording import internal_error
from livedetect_gui.core.checks.reuse import Reuse, file_sha256
from livedetect_gui.core.imaging.prepare import (
    ImageRefused,
    Limits,
    PreparedImage,
    is_image_path,
    prepare_bytes,
    prepare_file,
)
from livedetect_gui.core.names import visible
from livedetect_gui.core.result import CheckResult

if TYPE_CHECKING:
    from livedetect_gui.core.imaging.prechecks import Precheck, PrecheckPolicy

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
        # A name that is not UTF-8 is labelled by its bytes (caf\xe9.jpg): storable, shown.
        return Source(label=visible(str(path)), path=Path(path))

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


@dataclass(frozen=True)
class CheckOptions:
    """The rules of one run: what may be reused, what is held, what the operator forced."""

    reuse: Reuse | None = None  # None: every photo is sent (no history, or --recheck)
    prechecks: PrecheckPolicy | None = None  # None: no pre-checks
    force: bool = False  # send photos the pre-checks hold
    simulated: bool = False  # the endpoint is the sandbox: results are marked simulated
    # Every photo is a re-check (the CLI's --recheck): one judged before gets a ``recheck``
    # event naming that judgement before it is sent again.
    recheck: bool = False
    # Why the operator forced the photos the pre-checks hold (a configured reason key; the
    # core's rule: decision_rules.checked_reason) and a free note, on the override record.
    reason: str | None = None
    note: str = ""


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
             options: CheckOptions, *, source_sha256: str | None = None) -> Planned:
    """The local steps for one source: reuse by the original's content, prepare (refusal),
    reuse by the bytes to send, pre-checks (hold). No call is made. ``source_sha256``: the
    original's digest when the caller has read it already."""
    planned = Planned(source, source_sha256=source_sha256 or source_digest(source))
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
                endpoint=endpoint, prepared=prepared.info, sha256=prepared.sha256,
                source_sha256=planned.source_sha256)
    return planned


def held_detail(holds: Sequence[str], detail: str) -> str:
    """A held result's detail: the holds after the first (by key), then the pre-checks'
    own detail, so every hold is shown and recorded, not only the first."""
    return "; ".join([*holds[1:], *([detail] if detail else [])])


def plan_batch(sources: Sequence[Source], limits: Limits, threshold: float, endpoint: str,
               options: CheckOptions, *, workers: int = 2,
               keep_bytes: int = 256 * 1024 * 1024,
               stop: threading.Event | None = None) -> list[Planned]:
    """Plan every source before the batch starts (for the cost line): in-batch duplicates
    marked, prepared photos kept while they fit in ``keep_bytes`` (the rest are prepared
    again when sent). Once ``stop`` is set the rest is left unplanned (and so unsent by a
    batch sharing that stop: ``BatchStop.event``)."""

    def plan(source: Source) -> Planned:
        if stop is not None and stop.is_set():
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


def estimate(plans: Sequence[Planned]) -> Cost:
    kinds = [p.plan for p in plans]
    return Cost(billed=kinds.count(Plan.SEND),
                duplicates=kinds.count(Plan.REUSED) + kinds.count(Plan.DUPLICATE),
                refused=kinds.count(Plan.REFUSED), held=kinds.count(Plan.HELD))

