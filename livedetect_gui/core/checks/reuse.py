"""Never pay twice for the same photo: reuse an earlier judgement of the same content.

What counts as "the same": both the original file's content (``source_sha256``) and the bytes
sent (``sha256``). The original's digest is known before any preparation, so a photo checked
before costs one read and one lookup, and it survives a change of the preparation settings; the
sent bytes catch a copy whose file differs (metadata edited, renamed, re-saved by a tool that
kept the pixels) but whose prepared photo, and so the service's answer, is the same.

Only judgements are reused (pass/fail with a score; never a refusal, an error or a reuse), and
only within a window (default 30 days): the service and the threshold policy move on.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from livedetect_gui.core import defaults
from livedetect_gui.core.result import CheckResult


class JudgedStore(Protocol):
    """What reuse needs from the history (COMMON.md's shared decision)."""

    def find_judged(self, digests: list[str], since: float) -> CheckResult | None: ...


def file_sha256(path: str | Path) -> str | None:
    """The content digest of a file, or None when it cannot be read (preparation then says
    why, as a refusal)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


@dataclass(frozen=True)
class Reuse:
    """The duplicate rule of one run: where to look, how far back, and for which mode."""

    store: JudgedStore
    window_days: float = defaults.REUSE_WINDOW_DAYS
    # A sandbox (simulated) judgement is never reused for a real check, nor the reverse:
    # ``simulated`` says whether this run is known to be one (the desk's sandbox mode, the
    # CLI's --sandbox). A sandbox found only by its answers (an endpoint that says so) is
    # recognised by ``endpoint``: its own simulated judgements are reused there, nowhere else.
    simulated: bool = False
    endpoint: str | None = None

    def lookup(self, digests: list[str | None], source: str, threshold: float
               ) -> CheckResult | None:
        """An earlier judgement of any of ``digests`` as a result for ``source``, judged
        against today's ``threshold``; None when there is none to reuse."""
        wanted = [d for d in digests if d]
        if not wanted:
            return None
        since = time.time() - self.window_days * 86400
        try:
            found = self.store.find_judged(wanted, since)
        except Exception:  # a broken history costs the saving, never the check
            return None
        if found is None or not found.judged:
            return None
        same_sandbox = found.simulated and self.endpoint is not None and (
            found.endpoint == self.endpoint)
        if found.simulated != self.simulated and not same_sandbox:
            return None
        return reused_copy(found, source, threshold)


def reused_copy(original: CheckResult, source: str, threshold: float) -> CheckResult:
    """``original``'s judgement as this source's result: no call, the original's time kept."""
    return dataclasses.replace(
        original, source=source, threshold=threshold, attempts=0, elapsed_ms=0,
        maybe_billed_twice=False, reused_from=original.reused_from or original.checked_at,
        checked_at=time.time(),
    )
