"""A real main window (offscreen) wired to a real sandbox on loopback."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from livedetect_gui.core.service.connection import Connection, Mode
from livedetect_gui.core.service.credentials import Credentials, CredentialStore
from livedetect_gui.sandbox.server import Sandbox
from livedetect_gui.ui.app import configure_process
from livedetect_gui.ui.capture.camera import SyntheticFrameSource
from livedetect_gui.ui.desk.settings import DeskSettings
from livedetect_gui.ui.queue.model import FINAL, Status
from livedetect_gui.ui.window.main_window import MainWindow
from tests.conftest import make_photo

WAIT_MS = 30_000

configure_process()  # as the desk does at start-up (GIL switch interval, Qt logging rules)


@pytest.fixture
def make_window(qtbot, tmp_path: Path) -> Iterator[Callable[..., MainWindow]]:
    windows: list[MainWindow] = []

    def make(**settings: object) -> MainWindow:
        # The generated test photos have no face: the pre-checks would hold them all. Tests
        # of the pre-checks turn them on (tests/ui/desk/test_runs.py).
        settings.setdefault("prechecks", False)
        store = CredentialStore(service=f"livedetect-gui-tests-{uuid.uuid4().hex[:8]}")
        window = MainWindow(DeskSettings(**settings), force_sandbox=True, store=store,
                            history_path=tmp_path / f"history{len(windows)}.sqlite3")
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.shutdown()


@pytest.fixture
def window(make_window) -> MainWindow:
    return make_window()


def point_at(window: MainWindow, sandbox: Sandbox) -> None:
    """Switch the window from its own sandbox to a test's sandbox (with faults, latency...)."""
    acc = sandbox.account
    assert window.desk.connect(Connection(Mode.SESSION, Credentials(
        acc.appid, acc.secret_id, acc.secret_key), sandbox.url))


def wait_prepared(qtbot, window: MainWindow, count: int) -> None:
    qtbot.waitUntil(lambda: len(window.model.items()) == count and all(
        i.status is not Status.PREPARING for i in window.model.items()), timeout=WAIT_MS)


def wait_final(qtbot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.desk.runs.running and all(
        i.status in FINAL for i in window.model.items()), timeout=WAIT_MS)


@pytest.fixture
def no_camera_window(qtbot, tmp_path):
    window = MainWindow(DeskSettings(), force_sandbox=True,
                        store=CredentialStore(f"livedetect-gui-tests-{uuid.uuid4().hex[:6]}"),
                        history_path=tmp_path / "h.sqlite3",
                        frame_source=SyntheticFrameSource(devices=[]),
                        captures_folder=tmp_path / "captures", persist=False)
    qtbot.addWidget(window)
    window.resize(1024, 640)
    window.show()
    yield window
    window.shutdown()


def as_sandbox(window, sandbox, secret_key: str | None = None) -> None:
    """The test's sandbox as the desk's sandbox (simulated, so its judgements are reusable);
    ``secret_key`` a wrong key to see the credentials rejected."""
    acc = sandbox.account
    assert window.desk.connect(Connection(Mode.SANDBOX, Credentials(
        acc.appid, acc.secret_id, secret_key or acc.secret_key), sandbox.url))


def photos(folder: Path, count: int, start: int = 0) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + count):
        path = folder / f"p{i:03}.jpg"
        make_photo(i, (320, 240)).save(path, quality=90)
        paths.append(str(path))
    return paths


def face_photo(folder: Path, name: str = "face.png") -> str:
    skimage = pytest.importorskip("skimage")
    path = folder / name
    shutil.copy(Path(skimage.__file__).parent / "data" / "astronaut.png", path)
    return str(path)


def column(window: MainWindow, name: str) -> int:
    return window.model.COLUMNS.index(name)


def choose_generation(window: MainWindow, api: str) -> None:
    """As the operator does: pick it in the sandbox banner."""
    combo = window.banner.generation
    combo.setCurrentIndex(combo.findData(api))
    combo.activated.emit(combo.currentIndex())


def wait_final_or_held(qtbot, window) -> None:
    qtbot.waitUntil(lambda: not window.desk.runs.running and all(
        i.status in FINAL or i.status is Status.HELD for i in window.model.items()),
        timeout=WAIT_MS)
