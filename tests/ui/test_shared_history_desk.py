"""The desk on a centre's shared (PostgreSQL) history: it keeps checking while the server is
away, says how many records wait, and clears that once they are sent."""

from __future__ import annotations

import uuid

import psycopg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QToolButton

from livedetect_gui.core.credentials import CredentialStore
from livedetect_gui.core.history_url import ENV_HISTORY_URL
from livedetect_gui.ui.main_window import MainWindow
from livedetect_gui.ui.settings import DeskSettings
from tests.conftest import photo_with_verdict
from tests.ui.conftest import WAIT_MS, wait_final, wait_prepared


def test_the_desk_spools_while_the_server_is_away(qtbot, pg_server, pg_url, tmp_path) -> None:
    pg_server.stop()
    try:
        window = MainWindow(DeskSettings(), force_sandbox=True,
                            store=CredentialStore(f"livedetect-gui-tests-{uuid.uuid4().hex[:8]}"),
                            env={ENV_HISTORY_URL: pg_url})
        qtbot.addWidget(window)
        window.show()
        photos = [tmp_path / f"p{n}.jpg" for n in range(3)]
        for n, path in enumerate(photos):
            photo_with_verdict(path, "pass" if n % 2 else "fail", start=n * 50)
        window.add_paths([str(p) for p in photos])
        wait_prepared(qtbot, window, 3)
        qtbot.mouseClick(window.findChild(QToolButton, "runButton"), Qt.MouseButton.LeftButton)
        wait_final(qtbot, window)  # the checks did not wait for the server
        label = window.findChild(QLabel, "sharedWaitingLabel")
        qtbot.waitUntil(lambda: label.isVisible() and label.text().startswith("3 records"),
                        timeout=WAIT_MS)
        assert label.text() == "3 records waiting to be sent to the shared store"
        window.set_language("zh_CN")
        assert label.text() == "3 条记录等待发送到共享存储"
    finally:
        pg_server.start()
    qtbot.waitUntil(lambda: not label.isVisible(), timeout=60_000)  # sent, and said so
    with psycopg.connect(pg_url) as conn:
        stored = conn.execute("SELECT count(*), count(DISTINCT id) FROM records").fetchone()
    assert stored == (3, 3)
    window.shutdown()
