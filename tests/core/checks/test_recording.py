"""The recording rule, once in the core: a check cancelled before it was sent is not recorded
(the CLI's batch and the desk both follow it); a bug becomes one "internal" result."""

from __future__ import annotations

from livedetect_gui.core.checks.batch import Batch, BatchStop, StopReason
from livedetect_gui.core.checks.planning import Source
from livedetect_gui.core.checks.recording import internal_error, should_record
from livedetect_gui.core.imaging.prepare import Limits
from livedetect_gui.core.trail.history import History
from tests.conftest import make_photo


def test_cancelled_batch_records_nothing(tmp_path, sandbox, make_client) -> None:
    for i in range(3):
        make_photo(i).save(tmp_path / f"p{i}.jpg")
    history = History(tmp_path / "h.sqlite3")
    stop = BatchStop()
    stop.stop(StopReason.INTERRUPTED)  # e.g. the reader of the results went away
    batch = Batch(make_client(sandbox), Limits(), 87, stop=stop, trail=history)
    results = batch.run([Source.file(tmp_path / f"p{i}.jpg") for i in range(3)])
    assert [r.problem_key for r in results] == ["not_sent_interrupted"] * 3
    assert history.entries() == [] and sandbox.stats["requests"] == 0
    history.close()


def test_internal_error_names_the_class_only() -> None:
    result = internal_error("x.jpg", 87, KeyError("a face photo's name"), "http://e")
    assert result.problem_key == "internal" and result.detail == "KeyError"
    assert should_record(result)
