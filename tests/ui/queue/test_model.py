"""The queue model: API 3.0 string codes shown in the row, its tooltip, the preview and the
capture panel, in the catalogue's words."""

from __future__ import annotations

from PySide6.QtCore import Qt

from livedetect_gui.core.result import CheckResult
from livedetect_gui.ui.queue.model import Status
from tests.conftest import make_photo
from tests.ui.conftest import wait_prepared


def test_string_codes_show_in_every_view(qtbot, window, tmp_path) -> None:
    make_photo(4).save(tmp_path / "a.jpg")
    window.add_paths([str(tmp_path / "a.jpg")])
    wait_prepared(qtbot, window, 1)
    item = window.model.items()[0]
    window.model.mark_result(item, CheckResult(
        source="a.jpg", threshold=40, code="FailedOperation.ImageDecodeFailed", api="tc3",
        request_id="req-123", detail="provider words"))
    window.model.flush()
    window.queue_view.selectRow(0)
    assert item.status is Status.ERROR
    assert "Service code FailedOperation.ImageDecodeFailed" in window.preview.details.text()
    assert "Request ID: req-123" in window.preview.details.text()
    details = window.model.index(0, window.model.COLUMNS.index("details")).data()
    assert details and "FailedOperation" not in details  # the catalogue's words
    tooltip = window.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "API 3.0" in tooltip and "req-123" in tooltip
    # The capture panel words a service code of either kind (it keeps it as text).
    from livedetect_gui.core.errors import service_problem

    panel = window.capture_panel
    for code, expected in (("FailedOperation.ImageDecodeFailed", None), ("-4015", -4015)):
        panel.say("result_problem", "", code)
        wanted = service_problem(code if expected is None else expected).message("en")
        assert panel._wording(*panel._message) == wanted and wanted


def test_only_a_judgement_waits_for_a_decision(qtbot, window, tmp_path) -> None:
    """A service error may be decided (escalated) but does not wait for it: the worklist's
    rule, also before the worklist has been read."""
    for index in range(2):
        make_photo(index).save(tmp_path / f"{index}.jpg")
    window.add_paths([str(tmp_path / f"{index}.jpg") for index in range(2)])
    wait_prepared(qtbot, window, 2)
    judged, failed = window.model.items()
    window.model.mark_result(judged, CheckResult(source="0.jpg", threshold=87, score=95,
                                                 code=0, attempts=1))
    window.model.mark_result(failed, CheckResult(source="1.jpg", threshold=87, code=-1,
                                                 problem_key="timeout", attempts=1))
    judged.record_id, failed.record_id = "r-judged", "r-failed"
    assert judged.state is None and failed.state is None  # the worklist not read for them
    assert judged.undecided and not failed.undecided
