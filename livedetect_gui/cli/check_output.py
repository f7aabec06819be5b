"""How ``livedetect check`` speaks on a terminal: one line per result, the self-overwriting
progress line, and the question before a large batch."""

from __future__ import annotations

import sys

from livedetect_gui.cli.output import moment
from livedetect_gui.core.names import for_terminal

TYPE_CHECKING = False  # not typing's: importing typing costs every start a few milliseconds
if TYPE_CHECKING:
    from collections.abc import Callable

    from livedetect_gui.core.result import CheckResult


def human_line(result: CheckResult, lang: str) -> str:
    from livedetect_gui.core.messages import text as message
    from livedetect_gui.core.verdict import Verdict, verdict_word

    verdict = result.verdict
    # One short capital word per line, as PASS/FAIL/ERROR: held and refused photos were not sent.
    word = (message("held_word", lang) if result.held
            else message("refused_word", lang) if result.refused else verdict_word(verdict, lang))
    extra = f"  ({message('maybe_billed_twice', lang)})" if result.maybe_billed_twice else ""
    if result.reused_from is not None:
        # Where the reused judgement came from: its time, and whether it was simulated.
        kind = message("kind_simulated" if result.simulated else "kind_live", lang)
        when = moment(result.reused_from)
        extra += f"  ({message('checked_before', lang, when=when, kind=kind)})"
    source = for_terminal(result.source)  # a file name never drives the terminal
    if verdict is Verdict.ERROR:
        line = f"{word}  {source}: {for_terminal(result.message(lang))}{extra}"
        from livedetect_gui.core.errors import Audience

        hint = result.hint(lang, Audience.CLI)
        return f"{line}\n       -> {hint}" if hint else line
    score = result.score
    shown = f"{score:>3}" if isinstance(score, int) else f"{score:>6.2f}"
    sign_ = ">" if verdict is Verdict.PASS else "<="
    return (f"{word:<5}  {shown} {sign_} {result.threshold:g}  "
            f"{source}{extra}")


def confirm(lang: str) -> bool:
    """Ask before a large batch is sent; end of input is no."""
    from livedetect_gui.core.messages import text as message

    # On stderr, not input()'s stdout: stdout carries the results (JSON lines with --json).
    sys.stderr.write(message("cost_prompt", lang) + " ")
    sys.stderr.flush()
    answer = sys.stdin.readline()  # "" at end of input: no
    return answer.strip().lower() in ("y", "yes", "是")


class Progress:
    """One self-overwriting status line on a terminal's stderr."""

    def __init__(self, total: int) -> None:
        import threading
        from collections import Counter

        from livedetect_gui.core.verdict import Verdict

        self.total = total
        self.counts: Counter[Verdict] = Counter()
        self._pass, self._fail, self._error = Verdict.PASS, Verdict.FAIL, Verdict.ERROR
        self._lock = threading.Lock()

    def add(self, result: CheckResult) -> None:
        with self._lock:
            self.counts[result.verdict] += 1
            done = sum(self.counts.values())
            sys.stderr.write(
                f"\r[{done}/{self.total}] pass {self.counts[self._pass]}  fail "
                f"{self.counts[self._fail]}  error {self.counts[self._error]}"
            )
            sys.stderr.flush()

    def clear(self) -> None:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()


class InOrder:
    """Results shown in the order the photos were given, each as soon as it and every one
    before it are done (the batch finishes them in any order): never waiting for the whole
    batch, never out of order."""

    def __init__(self, show: Callable[[CheckResult], None]) -> None:
        import threading

        self.show = show
        self.next = 0
        self.waiting: dict[int, CheckResult] = {}
        self._lock = threading.Lock()

    def add(self, index: int, result: CheckResult) -> None:
        with self._lock:
            self.waiting[index] = result
            while self.next in self.waiting:
                self.show(self.waiting.pop(self.next))
                self.next += 1

    def finish(self, results: list[CheckResult]) -> None:
        """Show what was never reported one by one (a batch stopped before it reached some
        photos, or a result reported twice over), in order: every photo gets its line."""
        with self._lock:
            for index in range(self.next, len(results)):
                self.show(self.waiting.pop(index, results[index]))
            self.next = max(self.next, len(results))
