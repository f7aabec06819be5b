"""Deciding at the desk, by keyboard, end to end: real checks against the sandbox, decisions
written to a real history, the queue's Decision column and the preview, the operator's name
on every record, and the chain still verifying afterwards."""

from __future__ import annotations

import getpass
import os
import stat

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from devsupport.windows import WINDOWS
from livedetect_gui.core.trail.chain import Decision, DecisionError
from livedetect_gui.core.trail.history import History
from livedetect_gui.ui.queue.model import Status
from tests.conftest import photo_with_verdict
from tests.ui.conftest import WAIT_MS, wait_final, wait_prepared

ALT = Qt.KeyboardModifier.AltModifier


def checked_window(qtbot, make_window, tmp_path, verdicts: tuple[str, ...], **settings):
    """A window whose queue holds these photos, checked and recorded, the first selected."""
    window = make_window(**settings)
    paths = []
    for n, verdict in enumerate(verdicts):
        path = tmp_path / f"{chr(97 + n)}_{verdict}.jpg"
        photo_with_verdict(path, verdict, start=n * 50)
        paths.append(str(path))
    window.add_paths(paths)
    wait_prepared(qtbot, window, len(verdicts))
    window.run_all()
    wait_final(qtbot, window)
    qtbot.waitUntil(lambda: all(i.record_id for i in window.model.items()), timeout=WAIT_MS)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.queue_view.setFocus()
    window.queue_view.selectRow(0)
    return window


def column_text(window, row: int, name: str) -> str:
    return window.model.index(row, window.model.COLUMNS.index(name)).data() or ""


def test_keyboard_decisions_next_undecided_override_and_scanner(qtbot, make_window,
                                                                tmp_path) -> None:
    window = checked_window(qtbot, make_window, tmp_path, ("pass", "fail", "fail"),
                            operator="ann")
    first, second, third = window.model.items()
    assert [i.status for i in (first, second, third)] == [Status.PASS, Status.FAIL,
                                                          Status.FAIL]
    assert column_text(window, 0, "decision") == ""
    assert window.preview.decision.text() == "Awaiting the operator's decision"
    panel = window.decision_area.panel
    assert panel.isEnabled() and "a_pass.jpg" in panel.summary.text()

    # Accepting a PASS agrees with the machine: Alt+A from the queue, no mouse, no reason.
    qtbot.keyClick(window.queue_view, Qt.Key.Key_A, ALT)
    qtbot.waitUntil(lambda: first.decision is not None, timeout=WAIT_MS)
    assert first.decision.decision == "accept" and not first.decision.override
    assert column_text(window, 0, "decision") == "Accept"
    # ...and the desk moved on to the next photo that needs a decision.
    assert window.current_item() is second and "b_fail.jpg" in panel.summary.text()

    # A scanner types the reference fast and ends with Enter: kept, focus ready to decide.
    panel.reference.setFocus()
    qtbot.keyClicks(panel.reference, "APP-2026-0077", delay=0)
    qtbot.keyClick(panel.reference, Qt.Key.Key_Return)
    assert panel.reference.text() == "APP-2026-0077"
    assert QApplication.focusWidget() is panel.buttons[Decision.REJECT]
    # Accepting a FAIL is an override: refused until a reason is chosen, nothing recorded.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_A, ALT)
    assert "reason" in panel.problem.text() and panel.reason.hasFocus()
    assert window.current_item() is second and second.decision is None
    qtbot.keyClick(panel.reason, Qt.Key.Key_Down)  # the first configured reason
    qtbot.keyClick(panel.reason, Qt.Key.Key_A, ALT)
    qtbot.waitUntil(lambda: second.decision is not None, timeout=WAIT_MS)
    assert second.decision.override and second.decision.reference == "APP-2026-0077"
    assert second.decision.reason == "document_verified"
    assert column_text(window, 1, "decision") == "⚠ Accept"
    tooltip = window.model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "⚠ Accept · Identity confirmed by document" in tooltip and "APP-2026-0077" in tooltip
    assert window.current_item() is third

    # Escalate the third; then nothing is left to decide, and the desk says so.
    qtbot.keyClick(window.queue_view, Qt.Key.Key_E, ALT)
    qtbot.waitUntil(lambda: third.decision is not None, timeout=WAIT_MS)
    assert third.decision.decision == "escalate"
    qtbot.keyClick(window.queue_view, Qt.Key.Key_N,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.statusBar().currentMessage() == "Every checked photo has a decision."

    # Changing one's mind adds a record; the latest shows in the queue and the preview.
    window.queue_view.select_only(0)
    assert window.current_item() is first and "Decision: Accept" in \
        window.preview.decision.text()
    qtbot.keyClick(window.queue_view, Qt.Key.Key_R, ALT)  # rejecting a PASS: a reason first
    assert first.decision.decision == "accept" and "reason" in panel.problem.text()
    panel.reason.setCurrentIndex(panel.reason.findData("suspected_spoof"))
    qtbot.keyClick(window.queue_view, Qt.Key.Key_R, ALT)
    qtbot.waitUntil(lambda: "⚠ Reject" in window.preview.decision.text(), timeout=WAIT_MS)
    assert first.decision.decision == "reject" and "ann" in window.preview.decision.text()
    assert column_text(window, 0, "decision").startswith("⚠ Reject")

    window.desk.shutdown()
    history = History(window.desk.history.path)
    decisions = history.entries(kinds=["decision"])
    assert len(decisions) == 4
    assert {d.operator for d in decisions} == {"ann"}
    assert {d.os_user for d in decisions} == {getpass.getuser()}
    latest = history.latest_decisions([first.record_id, second.record_id])
    assert latest[first.record_id].decision == "reject"
    assert latest[second.record_id].reference == "APP-2026-0077"
    checks = history.entries(kinds=["check"])
    assert len(checks) == 3 and {c.operator for c in checks} == {"ann"}
    state = history.verify()
    assert state.intact and state.count == 7
    history.close()


def test_the_cores_refusal_is_shown_and_the_photo_comes_back(qtbot, make_window,
                                                              tmp_path) -> None:
    window = checked_window(qtbot, make_window, tmp_path, ("fail", "pass"), operator="ann")
    failed, _passed = window.model.items()
    # As when the panel saw another verdict (the threshold moved since the check): the
    # trail's own rule decides, and its message is shown where the operator decides.
    window.queue_view.select_only(1)
    window.flow.decide([failed.record_id], "accept")
    expected = DecisionError("reason_required", "fail").message("en")
    qtbot.waitUntil(lambda: window.decision_area.panel.problem.text() == expected,
                    timeout=WAIT_MS)
    assert window.current_item() is failed and failed.decision is None
    assert not window.desk.decisions.decide([], "accept")  # no check: nothing written


def test_photo_as_sent_is_kept_privately_shown_in_history_and_purged(qtbot, make_window,
                                                                     tmp_path) -> None:
    from livedetect_gui.core.trail.kept_photos import photo_days

    kept = make_window(keep_photos_days=30, operator="ann")
    off = make_window(operator="ann")  # the default: nothing kept
    for window, name in ((kept, "k.jpg"), (off, "o.jpg")):
        photo_with_verdict(tmp_path / name, "pass")
        window.add_paths([str(tmp_path / name)])
        wait_prepared(qtbot, window, 1)
        window.run_all()
        wait_final(qtbot, window)
        qtbot.waitUntil(lambda w=window: w.model.items()[0].record_id is not None,
                        timeout=WAIT_MS)
    record_id = kept.model.items()[0].record_id
    path = kept.desk.photos.folder / f"{record_id}.jpg"
    assert path.read_bytes()[:2] == b"\xff\xd8"  # the JPEG that was sent
    if not WINDOWS:  # Windows: the folder's ACL (tests/core/test_paths.py)
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert not off.desk.photos.folder.exists()

    kept.show_history()
    panel = kept.history_panel
    qtbot.waitUntil(lambda: panel.model.total >= 1, timeout=WAIT_MS)
    panel.view.selectRow(0)
    qtbot.waitUntil(lambda: panel.photo.isVisible(), timeout=WAIT_MS)
    assert not panel.photo.pixmap().isNull()

    assert kept.desk.photos.read("../../etc/passwd") is None  # ids only, never paths
    os.utime(path, (0, 0))  # as if kept long ago
    assert kept.desk.photos.purge_older_than(photo_days(30, 365)) == 1
    assert not path.exists()
    assert photo_days(30, 7) == 7 and photo_days(0, 365) == 365 and photo_days(30, 0) == 30
