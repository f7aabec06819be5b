"""Seeded fault injection: repeatable draws, and a batch through every fault loses nothing."""

from __future__ import annotations

from livedetect_gui.core.checks.batch import Batch
from livedetect_gui.core.checks.planning import Source
from livedetect_gui.core.imaging.prepare import Limits
from livedetect_gui.core.verdict import Verdict
from livedetect_gui.sandbox.server import Sandbox, SandboxConfig
from tests.conftest import make_photo


def test_fault_draws_are_seeded() -> None:
    def draws(seed: int) -> list:
        config = SandboxConfig(port=0)
        config.faults.fail_rate = config.faults.garbage_rate = 0.2
        config.faults.seed = seed
        box = Sandbox(config)
        try:
            return [box.draw_fault() for _ in range(50)]
        finally:
            box.stop()

    assert draws(7) == draws(7)
    assert draws(7) != draws(8)
    assert any(d and d.startswith("fail:") for d in draws(7))


def test_mixed_faults_lose_no_item(tmp_path, start_sandbox, make_client) -> None:
    """Every fault mode at once: each item ends in a definite state, none is lost."""
    sandbox = start_sandbox(fail_rate=0.15, reset_rate=0.15, garbage_rate=0.1,
                            throttle_rate=0.15, seed=3)
    sources = []
    for i in range(24):
        path = tmp_path / f"p{i}.jpg"
        make_photo(i, (320, 240)).save(path)
        sources.append(Source.file(path))
    client = make_client(sandbox, max_attempts=3, concurrency=4)
    results = Batch(client, Limits(), 87).run(sources, concurrency=4)
    assert [r.source for r in results] == [s.label for s in sources]
    verdicts = {r.verdict for r in results}
    assert verdicts <= {Verdict.PASS, Verdict.FAIL, Verdict.ERROR}
    assert Verdict.ERROR in verdicts and (Verdict.PASS in verdicts or Verdict.FAIL in verdicts)
    for r in results:
        if r.verdict is Verdict.ERROR:
            assert r.problem_key in {"http_error", "connection_lost", "bad_json"} or r.code == 15
            assert r.message() and r.hint()
    assert sum(r.attempts for r in results) == sandbox.stats["requests"]
    assert any(r.maybe_billed_twice for r in results)
