"""Tampering shown everywhere: the desk verifies its trail at start and again when the store
changes behind it (no filter needs to change), the status bar says so, History's banner is
whole and the altered record is marked instead of showing its (green) verdict."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt

from tests.ui.conftest import WAIT_MS
from tests.ui.desk.desk_windows import check_photos, desk_window, item_named


def test_an_alteration_behind_the_desk_is_marked(qtbot, tmp_path) -> None:
    window = desk_window(qtbot, tmp_path, operator="ann")
    watch = window.desk.watch
    watch.MIN_GAP_S = 0.0  # a walk at every change seen (the desk waits 10 s between walks)
    check_photos(qtbot, window, tmp_path, {"camera.png": "pass", "chelsea.png": "pass"})
    status = window.status.chain_label
    qtbot.waitUntil(lambda: status.text() == "✔ Audit trail intact", timeout=WAIT_MS)
    window.show_history()
    panel = window.history_panel
    qtbot.waitUntil(lambda: len(panel.model.rows) == 2, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "chain intact" in panel.chain_label.text(), timeout=WAIT_MS)

    # Someone edits a record in the database file, behind the desk: nothing else changes.
    chelsea = item_named(window, "chelsea.png")
    db = sqlite3.connect(tmp_path / "history.sqlite3")
    with db:
        db.execute("UPDATE records SET score = 99 WHERE id = ?", (chelsea.record_id,))
    db.close()

    qtbot.waitUntil(lambda: "ALTERED" in status.text(), timeout=WAIT_MS)
    assert "#" in status.toolTip()  # which record, in the tooltip
    qtbot.waitUntil(lambda: "AUDIT TRAIL ALTERED" in panel.chain_label.text(), timeout=WAIT_MS)
    # The rows are read again (the store changed): the altered one is marked, not PASS.
    model = panel.model
    qtbot.waitUntil(lambda: chelsea.record_id in model.altered, timeout=WAIT_MS)
    row = next(n for n, r in enumerate(model.rows) if r.id == chelsea.record_id)
    verdict = model.index(row, model.COLUMNS.index("verdict"))
    assert verdict.data() == "⚠ ALTERED"
    assert verdict.data(Qt.ItemDataRole.BackgroundRole) is not None
    other = next(n for n, r in enumerate(model.rows) if r.id != chelsea.record_id)
    assert model.index(other, model.COLUMNS.index("verdict")).data() == "PASS"
    # The banner is whole: as tall as its wrapped text needs.
    label = panel.chain_label
    qtbot.waitUntil(lambda: label.height() >= label.heightForWidth(label.width()),
                    timeout=WAIT_MS)
