"""The desk on a centre's shared (PostgreSQL) history: it keeps checking while the server is
away, says how many records wait, and clears that once they are sent."""

from __future__ import annotations

import uuid

import psycopg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QToolButton

from livedetect_gui.core.service.credentials import CredentialStore
from livedetect_gui.core.trail.location import ENV_HISTORY_URL
from livedetect_gui.ui.desk.settings import DeskSettings
from livedetect_gui.ui.window.main_window import MainWindow
from tests.conftest import photo_with_verdict
from tests.ui.conftest import WAIT_MS, wait_final, wait_prepared


def test_the_desk_spools_while_the_server_is_away(qtbot, pg_server, pg_url, tmp_path) -> None:
    pg_server.stop()
    try:
        # Generated photos have no face: pre-checks would hold them (tested elsewhere).
        window = MainWindow(DeskSettings(prechecks=False), force_sandbox=True,
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


def test_the_shared_history_is_chosen_in_settings(qtbot, pg_url, tmp_path) -> None:
    """The desk's setting names the shared history (no environment needed)."""
    window = MainWindow(DeskSettings(history_url=pg_url, prechecks=False), force_sandbox=True,
                        store=CredentialStore(f"livedetect-gui-tests-{uuid.uuid4().hex[:8]}"),
                        env={})
    qtbot.addWidget(window)
    window.show()
    photo_with_verdict(tmp_path / "a.jpg", "pass")
    window.add_paths([str(tmp_path / "a.jpg")])
    wait_prepared(qtbot, window, 1)
    qtbot.mouseClick(window.findChild(QToolButton, "runButton"), Qt.MouseButton.LeftButton)
    wait_final(qtbot, window)

    def stored() -> int:
        with psycopg.connect(pg_url) as conn:
            return conn.execute("SELECT count(*) FROM records").fetchone()[0]

    qtbot.waitUntil(lambda: stored() == 1, timeout=WAIT_MS)
    window.shutdown()


def test_settings_refuse_a_history_url_with_a_password_and_keep_it_in_the_keyring(
        qtbot) -> None:
    from PySide6.QtWidgets import QDialogButtonBox, QLineEdit

    from livedetect_gui.core.trail import location as history_url
    from livedetect_gui.ui.dialogs.settings import SettingsDialog

    dialog = SettingsDialog(DeskSettings())
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    edit = dialog.findChild(QLineEdit, "historyUrlEdit")
    edit.setText("postgresql://desk:hunter2@db.example:5432/audit")
    problem = dialog.findChild(QLabel, "historyUrlProblem")
    assert not ok.isEnabled() and "password" in problem.text()
    assert "hunter2" not in problem.text()  # the refusal never repeats the secret
    url = "postgresql://desk@db.example:5432/audit?sslmode=require"
    edit.setText(url)
    assert ok.isEnabled() and not problem.isVisible()
    dialog.findChild(QLineEdit, "historyPasswordEdit").setText("s3cret-db")
    assert dialog.settings().history_url == url
    assert dialog.new_history_password() == "s3cret-db"

    passwords = history_url.DatabasePasswords(f"livedetect-gui-tests-{uuid.uuid4().hex[:8]}")
    if not passwords.available():
        return  # the README's test command provides a keyring; the rest was checked above
    window = MainWindow(DeskSettings(), force_sandbox=True, env={})
    qtbot.addWidget(window)
    window.desk.settings_saver.history_passwords = passwords
    window.desk.remember_history_password(url, "s3cret-db")
    location = history_url.parse(url)
    qtbot.waitUntil(lambda: passwords.lookup(location) == "s3cret-db", timeout=WAIT_MS)
    passwords.forget(location)
    window.shutdown()
