"""The history view over a centre's shared (PostgreSQL) history: the same lazy SQL paging,
filters and chain state as over the local file."""

from __future__ import annotations

import psycopg
from PySide6.QtCore import QDate

from devsupport.sample_trail import fill
from livedetect_gui.core.trail.history import Query, open_history
from livedetect_gui.core.trail.lazy_history import LazyHistory
from livedetect_gui.core.trail.location import parse
from livedetect_gui.ui.audit.history_model import PAGE
from livedetect_gui.ui.audit.history_view import HistoryPanel
from livedetect_gui.ui.common.tasks import Pools, TaskRunner

COUNT = 3000


def test_history_view_pages_the_shared_store(qtbot, pg_url, tmp_path) -> None:
    history = open_history(parse(pg_url), spool=tmp_path / "spool.sqlite3", forward=False)
    assert fill(history, COUNT, days=10, seed=11) == COUNT
    assert history.store.flush() == COUNT
    shared = LazyHistory(url=pg_url, env={})  # as the desk opens it, from its setting
    pools = Pools()  # kept for the panel's life: its pools are its children
    panel = HistoryPanel(shared, TaskRunner(), pools.trail)
    qtbot.addWidget(panel)
    panel.since.setDate(QDate.currentDate().addDays(-30))
    panel.resize(1200, 700)
    panel.show()
    try:
        panel.refresh(verify=True)
        qtbot.waitUntil(lambda: panel.model.total == COUNT, timeout=30_000)
        assert len(panel.model.rows) == PAGE
        panel.view.scrollToBottom()
        qtbot.waitUntil(lambda: len(panel.model.rows) >= 2 * PAGE, timeout=10_000)
        qtbot.waitUntil(lambda: panel.chain is not None, timeout=30_000)
        assert panel.chain.intact and f"{COUNT:,} records, chain intact" in \
            panel.chain_label.text()

        panel.mode.setCurrentIndex(panel.mode.findData(True))  # simulated only
        expected = history.count(Query(since=panel.query().since, until=panel.query().until,
                                       simulated=True))
        qtbot.waitUntil(lambda: panel.model.total == expected, timeout=10_000)
        assert 0 < expected < COUNT and all(r.simulated for r in panel.model.rows)

        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute("ALTER TABLE records DISABLE TRIGGER USER")  # as the owner can
            conn.execute("UPDATE records SET score = 100 WHERE seq = 42")
        panel.refresh(verify=True)
        qtbot.waitUntil(lambda: panel.chain is not None and not panel.chain.intact,
                        timeout=30_000)
        assert panel.chain.bad_seq == 42 and "ALTERED" in panel.chain_label.text()
    finally:
        panel.pool.waitForDone(30_000)
        shared.close()
        history.close()
