"""The duplicate rule: only a judgement of the same generation and kind is reused."""

from __future__ import annotations

import time

from livedetect_gui.core.checks.reuse import Reuse
from livedetect_gui.core.result import CheckResult
from livedetect_gui.core.trail.history import History

SHA = "ab" * 32


def _judged(api: str, score: float, threshold: float, simulated: bool = False,
            endpoint: str = "https://service.example") -> CheckResult:
    return CheckResult(source="a.jpg", threshold=threshold, score=score, code=0, sha256=SHA,
                       api=api, simulated=simulated, endpoint=endpoint, attempts=1,
                       checked_at=time.time() - 60)


def test_a_legacy_fail_is_never_reused_at_the_other_generations_threshold(tmp_path) -> None:
    history = History(tmp_path / "h.sqlite3")
    history.record(_judged("legacy", 55, 87))  # FAIL on the legacy scale
    assert Reuse(history, api="tc3").lookup([SHA], "b.jpg", 40) is None  # would PASS at 40
    same = Reuse(history, api="legacy").lookup([SHA], "b.jpg", 87)
    assert same is not None and same.score == 55 and same.reused_from is not None
    assert Reuse(history).lookup([SHA], "b.jpg", 87) is None  # generation unknown: no reuse
    history.close()


def test_a_simulated_judgement_is_never_reused_for_a_live_check_even_at_the_same_url(
        tmp_path) -> None:
    history = History(tmp_path / "h.sqlite3")
    url = "http://127.0.0.1:8080"
    history.record(_judged("legacy", 95, 87, simulated=True, endpoint=url))
    assert Reuse(history, simulated=False, api="legacy").lookup([SHA], "b.jpg", 87) is None
    found = Reuse(history, simulated=True, api="legacy").lookup([SHA], "b.jpg", 87)
    assert found is not None and found.simulated
    history.record(_judged("legacy", 20, 87, simulated=False, endpoint=url))
    live = Reuse(history, simulated=False, api="legacy").lookup([SHA], "b.jpg", 87)
    assert live is not None and not live.simulated and live.score == 20
    history.close()


class _Careless:
    """A store that ignores the generation and kind asked for."""

    def __init__(self, found: CheckResult) -> None:
        self.found = found

    def find_judged(self, digests, since, *, api=None, simulated=None):  # noqa: ANN001, ANN201
        return self.found


def test_the_rule_holds_even_when_a_store_ignores_the_filter() -> None:
    store = _Careless(_judged("legacy", 55, 87, simulated=True))
    assert Reuse(store, api="tc3", simulated=True).lookup([SHA], "b.jpg", 40) is None
    assert Reuse(store, api="legacy", simulated=False).lookup([SHA], "b.jpg", 87) is None
    assert Reuse(store, api="legacy", simulated=True).lookup([SHA], "b.jpg", 87) is not None
