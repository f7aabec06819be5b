"""Never pay twice for the same photo: reuse an earlier judgement of the same content.

What counts as "the same": both the original file's content (``source_sha256``) and the bytes
sent (``sha256``). The original's digest is known before any preparation, so a photo checked
before costs one read and one lookup, and it survives a change of the preparation settings; the
sent bytes catch a copy whose file differs (metadata edited, renamed, re-saved by a tool that
kept the pixels) but whose prepared photo, and so the service's answer, is the same.

Only judgements are reused (pass/fail with a score; never a refusal, an error or a reuse), and
only within a window (default 30 days): the service and the threshold policy move on. Only a
judgement of the same service generation (the legacy API and API 3.0 score on different
scales: 55 fails at 87 but would pass at 40) and of the same kind (simulated or live, as the
record says, never guessed from a URL) is reused.
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
from livedetect_gui.core.user_files import open_regular


class JudgedStore(Protocol):
    """What reuse needs from the history (COMMON.md's shared decision)."""

    def find_judged(self, digests: list[str], since: float, *, api: str | None = None,
                    simulated: bool | None = None) -> CheckResult | None: ...


def file_sha256(path: str | Path) -> str | None:
    """The content digest of a file, or None when it cannot be read (preparation then says
    why, as a refusal)."""
    digest = hashlib.sha256()
    try:
        with open_regular(path) as handle:  # never a FIFO or a device: they never end
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
    # Whether this run is simulated (the desk's sandbox mode, the CLI's --sandbox): a
    # simulated judgement is never reused for a live check, nor the reverse.
    simulated: bool = False
    # The service generation this run calls ("legacy", "tc3"); None: unknown, nothing reused.
    api: str | None = None

    def lookup(self, digests: list[str | None], source: str, threshold: float
               ) -> CheckResult | None:
        """An earlier judgement of any of ``digests`` as a result for ``source``, judged
        against today's ``threshold``; None when there is none to reuse."""
        wanted = [d for d in digests if d]
        if not wanted or not self.api:
            return None
        since = time.time() - self.window_days * 86400
        try:
            found = self.store.find_judged(wanted, since, api=self.api,
                                           simulated=self.simulated)
        except Exception:  # a broken history costs the saving, never the check
            return None
        # Checked here too: a store that ignored the filter must not turn a FAIL into a PASS.
        if (found is None or not found.judged or found.api != self.api
                or found.simulated != self.simulated):
            return None
        return reused_copy(found, source, threshold)


def reused_copy(original: CheckResult, source: str, threshold: float) -> CheckResult:
    """``original``'s judgement as this source's result: no call, the original's time kept."""
    return dataclasses.replace(
        original, source=source, threshold=threshold, attempts=0, elapsed_ms=0,
        maybe_billed_twice=False, reused_from=original.reused_from or original.checked_at,
        checked_at=time.time(),
    )
