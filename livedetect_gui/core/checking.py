"""One check from source to result, and a concurrent batch of them.

Used by the CLI directly; the GUI runs the same ``run_check`` steps on its own thread pool.
Every item ends in a definite CheckResult: refusals, network trouble and even unexpected
exceptions become results, so one bad item never stops a batch.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path

from .client import LiveDetectClient
from .history import History
from .imaging import ImageRefused, Limits, PreparedImage, is_image_path, prepare_bytes, prepare_file
from .recording import internal_error, should_record
from .result import CheckResult

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


def run_batch(
    sources: Sequence[Source],
    client: LiveDetectClient,
    limits: Limits,
    threshold: float,
    *,
    concurrency: int = 4,
    history: History | None = None,
    on_result: Callable[[int, CheckResult], None] | None = None,
    cancel: threading.Event | None = None,
) -> list[CheckResult]:
    """Check every source; results come back in source order. Each is in history as it ends."""
    results: list[CheckResult | None] = [None] * len(sources)
    with ThreadPoolExecutor(max_workers=max(1, concurrency),
                            thread_name_prefix="check") as pool:
        futures = {
            pool.submit(run_check, source, client, limits, threshold, cancel): index
            for index, source in enumerate(sources)
        }
        for future in as_completed(futures):
            index = futures[future]
            result = future.result()  # run_check never raises
            if history is not None and should_record(result):
                history.record_safely(result)
            results[index] = result
            if on_result is not None:
                on_result(index, result)
    return [r for r in results if r is not None]
