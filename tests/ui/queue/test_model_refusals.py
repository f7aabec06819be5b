"""A photo refused before sending (unreadable, not an image...): its own neutral look with icon
and words ("Refused — not sent"), why and what to do, no decision offered on it, counted apart
from errors, and out of the worklist."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from livedetect_gui.core.trail.chain import Decision
from livedetect_gui.core.trail.worklist import Worklist, WorkState
from livedetect_gui.core.verdict import Outcome
from livedetect_gui.ui.common.theme import verdict_color
from livedetect_gui.ui.queue.model import Status
from tests.conftest import make_photo
from tests.ui.conftest import WAIT_MS, wait_final, wait_prepared


def test_a_refused_photo_looks_refused_and_offers_no_decision(qtbot, window, tmp_path) -> None:
    (tmp_path / "notes.jpg").write_bytes(b"this is not an image at all")
    make_photo(1).save(tmp_path / "good.jpg")
    window.add_paths([str(tmp_path / "notes.jpg"), str(tmp_path / "good.jpg")])
    wait_prepared(qtbot, window, 2)
    refused = next(i for i in window.model.items() if i.name == "notes.jpg")
    assert refused.status is Status.REFUSED and refused.result.refused
    window.run_all()  # the good one is checked; the refused one recorded, never sent
    wait_final(qtbot, window)
    qtbot.waitUntil(lambda: all(i.record_id for i in window.model.items()), timeout=WAIT_MS)
    assert refused.status is Status.REFUSED  # recording keeps its look
    assert window.desk.service.sandbox.stats["requests"] == 1

    row = window.model.row_of(refused.id)
    status = window.model.index(row, window.model.COLUMNS.index("status"))
    assert status.data() == "Refused\nnot sent"  # two lines beside the icon
    assert status.data(Qt.ItemDataRole.ForegroundRole) == QColor(verdict_color(Outcome.REFUSED))
    assert verdict_color(Outcome.REFUSED) != verdict_color(Outcome.ERROR)
    assert status.data(Qt.ItemDataRole.DecorationRole) is not None  # an icon, not colour only

    window.queue_view.select_only(row)
    qtbot.waitUntil(lambda: window.preview.badge.text.text() == "Refused — not sent",
                    timeout=WAIT_MS)
    notes = window.preview.notes.text()
    assert "not an image" in notes and "→ Use JPEG" in notes and "remove it" in notes
    assert not window.preview.score_bar.isVisible()
    area = window.decision_area
    qtbot.waitUntil(lambda: "nothing to decide" in area.panel.summary.text(), timeout=WAIT_MS)
    assert not window.preview.decision.isVisible()  # no "Awaiting the operator's decision"
    assert not any(b.isEnabled() for b in area.panel.buttons.values())
    assert not area.panel.decide(Decision.REJECT)  # Alt+R does nothing on it either
    qtbot.waitUntil(lambda: "1 refused" in window.status.progress_label.text(), timeout=WAIT_MS)
    assert "0 error" in window.status.progress_label.text()
    # Counted apart from the service's errors, and nothing in the worklist waits for it.
    assert window.desk.progress().refused == 1 and window.desk.progress().errors == 0
    assert not refused.undecided
    good = next(i for i in window.model.items() if i.name == "good.jpg")
    states = Worklist(window.desk.history.get()).states([refused.record_id, good.record_id])
    assert set(states) == {good.record_id}
    assert states[good.record_id].state is WorkState.UNDECIDED

    # Selected with a judged photo, the refused one is left out of what is decided.
    window.queue_view.selectAll()
    qtbot.waitUntil(lambda: area.panel.buttons[Decision.REJECT].isEnabled(), timeout=WAIT_MS)
    subject = window.views.subject()
    assert subject is not None and subject.check_ids == (good.record_id,)


def test_refused_words_in_chinese() -> None:
    from livedetect_gui.core.verdict import verdict_word

    assert verdict_word(Outcome.REFUSED, "zh_CN") == "已拒收——未发送"
    assert verdict_word(Outcome.ERROR, "zh_CN") == "错误"
