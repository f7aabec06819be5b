"""The history view over 20,000 generated records (40 pages): lazy paging, SQL filters, the
chain state, details, and a complete export with progress and cancel."""

from __future__ import annotations

import csv
import sqlite3
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt

from devsupport.sample_trail import fill
from livedetect_gui.core.result import CheckResult
from livedetect_gui.core.trail.history import History, Query
from livedetect_gui.core.trail.lazy_history import LazyHistory
from livedetect_gui.core.trail.lazy_history import LazyHistory as SharedHistory
from livedetect_gui.ui.audit.history_model import PAGE
from livedetect_gui.ui.audit.history_view import HistoryPanel
from livedetect_gui.ui.common.tasks import Pools, TaskRunner
from tests.ui.conftest import WAIT_MS

COUNT = 20_000  # 40 pages; the view at 100,000 records is timed in bench/history.py


@pytest.fixture(scope="module")
def big_trail(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("trail") / "h.sqlite3"
    history = History(path)
    assert fill(history, COUNT, days=20, seed=7) == COUNT
    history.close()
    return path


@pytest.fixture
def panel(qtbot, big_trail):
    shared = SharedHistory(big_trail)
    tasks = TaskRunner()
    pools = Pools()  # kept for the panel's life: its pools are its children
    panel = HistoryPanel(shared, tasks, pools.trail)
    qtbot.addWidget(panel)
    panel.since.setDate(QDate.currentDate().addDays(-60))
    panel.resize(1200, 700)
    panel.show()
    yield panel
    panel.pool.waitForDone(60_000)
    shared.close()


def test_opens_lazily_filters_in_sql_and_shows_details(qtbot, panel, big_trail) -> None:
    started = time.monotonic()
    panel.refresh(verify=True)
    qtbot.waitUntil(lambda: panel.model.total == COUNT, timeout=30_000)
    opened = time.monotonic() - started
    assert len(panel.model.rows) == PAGE
    assert panel.status.text() == f"{COUNT:,} of {COUNT:,} records shown · {PAGE:,} loaded"
    print(f"first page of {COUNT} records in {opened:.3f} s")
    panel.view.scrollToBottom()
    qtbot.waitUntil(lambda: len(panel.model.rows) >= 2 * PAGE, timeout=10_000)
    assert f"of {COUNT:,} records shown" in panel.status.text()

    panel.mode.setCurrentIndex(panel.mode.findData(True))  # simulated only
    history = History(big_trail)
    expected = history.count(Query(since=panel.query().since, until=panel.query().until,
                                   simulated=True))
    qtbot.waitUntil(lambda: panel.model.total == expected, timeout=10_000)
    assert 0 < expected < COUNT // 4
    # A filter says how many match of all the records ("7 of 18"), not "7 of 7".
    qtbot.waitUntil(lambda: panel.status.text().startswith(f"{expected:,} of {COUNT:,} "),
                    timeout=10_000)
    assert all(r.simulated for r in panel.model.rows)
    assert panel.model.data(panel.model.index(0, panel.model.COLUMNS.index("mode"))) == \
        "Simulated"

    with qtbot.waitSignal(panel.model.loaded, timeout=10_000):
        panel.view.sortByColumn(panel.model.COLUMNS.index("score"),
                                Qt.SortOrder.AscendingOrder)
    assert panel.model.total == expected
    scores = [r.score for r in panel.model.rows if r.score is not None]
    assert scores == sorted(scores)

    panel.view.selectRow(3)
    record = panel.model.record(3)
    assert record.id in panel.details.toPlainText() and record.hash in panel.details.toPlainText()
    qtbot.waitUntil(lambda: panel.chain is not None, timeout=60_000)
    assert panel.chain.intact and f"{COUNT:,} records, chain intact" in panel.chain_label.text()


def test_export_writes_every_matching_record_like_the_cli(qtbot, panel, big_trail,
                                                          tmp_path) -> None:
    panel.kind.setCurrentIndex(panel.kind.findData("check"))
    panel.refresh()
    qtbot.waitUntil(lambda: panel.model.total > 0 and panel.model.query.kinds == ["check"],
                    timeout=30_000)
    total = panel.model.total
    out = tmp_path / "all.csv"
    panel.export(str(out))
    assert panel.progress.isVisible()
    with qtbot.waitSignal(panel.exported, timeout=120_000):
        pass
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == total > COUNT // 2 and {r["kind"] for r in rows} == {"check"}
    assert f"Exported {total:,} records" in panel.status.text()

    from livedetect_gui.cli.main import main

    cli_out = tmp_path / "cli.csv"
    since = panel.since.date().toString("yyyy-MM-dd")
    until = panel.until.date().toString("yyyy-MM-dd")
    assert main(["history", "--history", str(big_trail), "--kind", "check", "--from", since,
                 "--to", until, "--export", str(cli_out)]) == 0
    assert cli_out.read_bytes() == out.read_bytes()


def test_export_cancel_leaves_the_old_file(qtbot, panel, tmp_path) -> None:
    panel.refresh()
    qtbot.waitUntil(lambda: panel.model.total == COUNT, timeout=30_000)
    out = tmp_path / "kept.csv"
    out.write_text("before\n")
    panel.export(str(out))
    panel.cancel_export()
    qtbot.waitUntil(lambda: not panel.progress.isVisible(), timeout=60_000)
    assert "cancelled" in panel.status.text() and out.read_text() == "before\n"
    assert not list(tmp_path.glob(".kept.csv.*"))


def test_altered_trail_is_shown_as_altered(qtbot, tmp_path) -> None:
    path = tmp_path / "small.sqlite3"
    history = History(path)
    fill(history, 50, seed=3)
    history.close()
    db = sqlite3.connect(path)
    db.execute("UPDATE records SET score = 100 WHERE seq = 17")
    db.commit()
    db.close()
    shared = SharedHistory(path)
    pools = Pools()
    panel = HistoryPanel(shared, TaskRunner(), pools.trail)
    qtbot.addWidget(panel)
    panel.refresh(verify=True)
    qtbot.waitUntil(lambda: panel.chain is not None, timeout=30_000)
    assert not panel.chain.intact and panel.chain.bad_seq == 17
    assert "ALTERED" in panel.chain_label.text() and "#17" in panel.chain_label.text()
    panel.pool.waitForDone(10_000)
    shared.close()


def test_damaged_history_is_one_clear_message(qtbot, tmp_path) -> None:
    path = tmp_path / "broken.sqlite3"
    path.write_bytes(b"not a database" * 100)
    shared = SharedHistory(path)
    pools = Pools()
    panel = HistoryPanel(shared, TaskRunner(), pools.trail)
    qtbot.addWidget(panel)
    panel.refresh(verify=True)
    qtbot.waitUntil(lambda: panel.chain is not None and bool(panel.status.text()),
                    timeout=10_000)
    assert "damaged" in panel.status.text() and not panel.chain.intact
    assert "cannot be verified" in panel.chain_label.text() and "damaged" in \
        panel.chain_label.text()
    panel.pool.waitForDone(10_000)


def test_history_export_starts_in_home_then_the_last_export_folder(
        qtbot, window, tmp_path, monkeypatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    asked: list[str] = []

    def fake_dialog(_parent, _title, start, _kinds):  # Qt's modal dialog, not our code
        asked.append(start)
        return "", ""  # the operator cancels

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake_dialog)
    panel = window.history_panel
    panel.export()
    assert Path(asked[0]).parent == Path.home()  # never the program's working folder
    panel.place.folder = tmp_path  # as after an export there
    panel.export()
    assert Path(asked[1]).parent == tmp_path


def test_history_row_shows_every_detail_in_the_current_language(qtbot, tmp_path) -> None:
    from PySide6.QtCore import QDate

    from livedetect_gui.ui.audit.history_view import HistoryPanel
    from livedetect_gui.ui.common.tasks import Pools, TaskRunner

    history = History(tmp_path / "h.sqlite3", operator="ann")
    check_id = history.record(CheckResult(
        source="p.jpg", threshold=87, score=30, code=0, api="legacy", request_id="req-77",
        simulated=True, endpoint="http://127.0.0.1:9"))
    history.decide(check_id, "accept", "in_person", "seen at the desk", "APP-9")
    history.close()
    shared, pools = LazyHistory(tmp_path / "h.sqlite3"), Pools()
    panel = HistoryPanel(shared, TaskRunner(), pools.trail)
    qtbot.addWidget(panel)
    panel.since.setDate(QDate.currentDate().addDays(-1))
    panel.kind.setCurrentIndex(panel.kind.findData("check"))
    panel.refresh()
    qtbot.waitUntil(lambda: panel.model.total == 1, timeout=WAIT_MS)
    panel.view.selectRow(0)
    details = panel.details.toPlainText()
    for expected in ("Verdict: FAIL", "Score 30, threshold 87", "Mode: Simulated",
                     "Backend: legacy (http://127.0.0.1:9)", "Request id: req-77",
                     "Operator: ann", "⚠ Accept · Verified in person · seen at the desk · APP-9"):
        assert expected in details, expected
    assert panel.model.data(panel.model.index(0, panel.model.COLUMNS.index("verdict"))) == "FAIL"
    pools.shutdown()
    shared.close()


def test_the_chain_line_names_the_newest_signed_checkpoint(qtbot, tmp_path) -> None:
    from livedetect_gui.core.trail import checkpoints

    path = tmp_path / "small.sqlite3"
    history = History(path)
    fill(history, 30, days=2, seed=3)
    shared = SharedHistory(path)
    tasks, pools = TaskRunner(), Pools()
    panel = HistoryPanel(shared, tasks, pools.trail)
    qtbot.addWidget(panel)
    try:
        panel.refresh(verify=True)
        qtbot.waitUntil(lambda: panel.chain is not None, timeout=30_000)
        assert panel.chain.intact and "checkpoint" not in panel.chain_label.text()
        checkpoints.append_checkpoint(history, checkpoints.generate_key())
        panel.refresh(verify=True)
        qtbot.waitUntil(lambda: panel.checkpoint is not None, timeout=30_000)
        assert "newest signed checkpoint" in panel.chain_label.text()
        assert "31 records" in panel.chain_label.text()
    finally:
        panel.pool.waitForDone(30_000)
        shared.close()
        history.close()


def small_panel(qtbot, path: Path):
    from livedetect_gui.ui.common.tasks import Pools

    shared, pools = LazyHistory(path), Pools()
    panel = HistoryPanel(shared, TaskRunner(), pools.trail)
    panel._keep = (shared, pools)  # the pools live as long as the panel
    qtbot.addWidget(panel)
    panel.since.setDate(QDate.currentDate().addDays(-1))
    panel.resize(1366, 600)
    panel.show()
    return panel


def click_header(qtbot, panel, column: str) -> None:
    from PySide6.QtCore import QPoint

    header = panel.view.horizontalHeader()
    x = header.sectionViewportPosition(panel.model.COLUMNS.index(column)) + 10
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


def test_the_sort_arrow_says_the_order_of_the_rows(qtbot, tmp_path) -> None:
    from tests.core.trail.trail_data import add_check

    history = History(tmp_path / "h.sqlite3", operator="ann")
    now = time.time()
    for i, score in enumerate((50, 90, 10, 70)):
        add_check(history, f"p{i}.jpg", score=score, at=now - 100 + i)
    history.close()
    panel = small_panel(qtbot, tmp_path / "h.sqlite3")
    header = panel.view.horizontalHeader()
    panel.refresh()
    qtbot.waitUntil(lambda: panel.model.total == 4, timeout=WAIT_MS)
    times = [r.at for r in panel.model.rows]
    assert times == sorted(times, reverse=True)  # newest first, as the arrow says
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder

    def scores() -> list[float]:
        return [r.score for r in panel.model.rows]

    click_header(qtbot, panel, "score")
    qtbot.waitUntil(lambda: scores() == [10, 50, 70, 90], timeout=WAIT_MS)
    assert header.sortIndicatorSection() == panel.model.COLUMNS.index("score")
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    click_header(qtbot, panel, "score")
    qtbot.waitUntil(lambda: scores() == [90, 70, 50, 10], timeout=WAIT_MS)
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    # The database cannot sort by the decision: the arrow stays on what the rows are in.
    click_header(qtbot, panel, "decision")
    assert header.sortIndicatorSection() == panel.model.COLUMNS.index("score")
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert scores() == [90, 70, 50, 10]
    # A new filter keeps the order and its arrow.
    panel.verdict.setCurrentIndex(panel.verdict.findData("pass"))
    qtbot.waitUntil(lambda: scores() == [90], timeout=WAIT_MS)
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    panel.pool.waitForDone(10_000)


def test_undecided_and_held_filters_ask_the_trail(qtbot, tmp_path) -> None:
    from tests.core.trail.trail_data import add_check

    history = History(tmp_path / "h.sqlite3", operator="ann")
    now = time.time()
    decided = add_check(history, "decided.jpg", at=now - 5)
    add_check(history, "waiting.jpg", score=20, at=now - 4)
    add_check(history, "held.jpg", problem_key="held_dark", score=None, at=now - 3)
    add_check(history, "refused.jpg", problem_key="not_image", score=None, at=now - 2)
    history.decide(decided, "accept")
    history.close()
    panel = small_panel(qtbot, tmp_path / "h.sqlite3")
    panel.refresh()
    qtbot.waitUntil(lambda: panel.model.total == 5, timeout=WAIT_MS)
    panel.state.setCurrentIndex(panel.state.findData("undecided"))
    qtbot.waitUntil(lambda: panel.model.total == 1, timeout=WAIT_MS)
    assert [r.source for r in panel.model.rows] == ["waiting.jpg"]
    assert panel.status.text() == "1 of 5 records shown"
    panel.state.setCurrentIndex(panel.state.findData("held"))
    qtbot.waitUntil(lambda: [r.source for r in panel.model.rows] == ["held.jpg"],
                    timeout=WAIT_MS)
    panel.pool.waitForDone(10_000)
