"""Windows over one history and one saved queue, as a desk started again on the same machine
(or a second desk on the same trail), with photos checked against the desk's own sandbox."""

from __future__ import annotations

import uuid
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel

from livedetect_gui.core.service.credentials import CredentialStore
from livedetect_gui.ui.desk.settings import DeskSettings
from livedetect_gui.ui.window.main_window import MainWindow
from tests.conftest import photo_with_verdict
from tests.ui.conftest import WAIT_MS, wait_final, wait_prepared


def desk_window(qtbot, folder: Path, **settings: object) -> MainWindow:
    """A window on ``folder``'s history and saved queue (the same folder: the same desk)."""
    settings.setdefault("prechecks", False)  # generated photos have no face
    window = MainWindow(DeskSettings(**settings), force_sandbox=True,
                        store=CredentialStore(service=f"livedetect-gui-tests-{uuid.uuid4().hex[:8]}"),
                        history_path=folder / "history.sqlite3",
                        queue_path=folder / "data" / "queue.json")
    qtbot.addWidget(window)
    window.resize(1366, 740)
    window.show()
    return window


def check_photos(qtbot, window: MainWindow, folder: Path, names: dict[str, str]) -> None:
    """Photos named as given (name -> "pass"/"fail"), checked and recorded."""
    paths = []
    for n, (name, verdict) in enumerate(names.items()):
        path = folder / name
        photo_with_verdict(path, verdict, start=n * 50)
        paths.append(str(path))
    before = len(window.model.items())
    window.add_paths(paths)
    wait_prepared(qtbot, window, before + len(names))
    window.run_all()
    wait_final(qtbot, window)
    qtbot.waitUntil(lambda: all(i.record_id for i in window.model.items()), timeout=WAIT_MS)


def select_rows(view, rows: list[int]) -> None:
    """Select exactly these rows of a table view, the first one current."""
    model = view.model()
    selection = view.selectionModel()
    selection.setCurrentIndex(model.index(rows[0], 0),
                              QItemSelectionModel.SelectionFlag.ClearAndSelect
                              | QItemSelectionModel.SelectionFlag.Rows)
    for row in rows[1:]:
        selection.select(model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                         | QItemSelectionModel.SelectionFlag.Rows)


def item_named(window: MainWindow, name: str):
    return next(i for i in window.model.items() if i.name == name)
