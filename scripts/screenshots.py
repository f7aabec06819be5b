"""Screenshots of the desk for review: the main window with a mixed queue, the credentials
dialog showing a long error, the capture panel with no camera; English and Chinese.

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/screenshots.py OUT_DIR

Runs against the embedded sandbox with throwaway settings, history and keyring service.
"""

from __future__ import annotations

import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QEventLoop, QSettings, QTimer  # noqa: E402

from devsupport.photos import make_photo  # noqa: E402


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_until(predicate, timeout_ms: int = 30_000) -> None:  # noqa: ANN001
    for _ in range(timeout_ms // 50):
        if predicate():
            return
        wait(50)


def _passing(path: Path) -> None:
    """A generated photo the sandbox scores above 87 (its score comes from the sent bytes)."""
    import io

    from PIL import Image

    from livedetect_gui.core.imaging.prepare import prepare_file
    from livedetect_gui.sandbox.scoring import simulated_score

    for seed in range(100, 2100):
        make_photo(seed, (1200, 900)).save(path, quality=90)
        with Image.open(io.BytesIO(prepare_file(path).data)) as sent:
            score = simulated_score(sent)
        if score is not None and score > 87:
            return


def _decide(window, out: Path, tag: str) -> None:  # noqa: ANN001
    """Decisions in the queue (one an override with its reason), the panel on a photo still
    to decide with a scanned reference, then a decided photo in the preview."""
    items = window.model.items()
    wait_until(lambda: all(i.record_id for i in items[:4]))
    window.desk.decisions.decide(items[3].id, "accept")
    window.desk.decisions.decide(items[0].id, "reject", "suspected_spoof", "", "APP-2026-0042")
    window.desk.decisions.decide(items[1].id, "accept", "document_verified", "passport checked",
                       "APP-2026-0043")
    wait_until(lambda: all(items[i].decision is not None for i in (0, 1, 3)))
    window.queue_view.selectRow(2)
    panel = window.decision_area.panel
    panel.note.setText("glare on the left cheek")
    panel.reference.setText("APP-2026-0044")
    wait(600)
    window.grab().save(str(out / f"decisions-{tag}.png"))
    window.queue_view.selectRow(1)
    wait(600)
    window.grab().save(str(out / f"decided-{tag}.png"))
    window.queue_view.selectRow(0)


def api3_shots(window, out: Path, tag: str) -> None:  # noqa: ANN001
    """The credentials dialog for each profile kind, then the window in API 3.0 sandbox mode
    with one more photo checked there (a mixed queue: rows keep their backend)."""
    from livedetect_gui.core.service.credentials import Api
    from livedetect_gui.ui.queue.model import FINAL

    for api in Api:
        dialog = window.setup.edit_credentials()
        wait(300)
        dialog.api.setCurrentIndex(dialog.api.findData(api.value))
        dialog.appid.setText("1250000001")
        dialog.secret_id.setText("AKIDexample")
        dialog.secret_key.setText("example-secret-key")
        if api is Api.TC3:
            dialog.region.setCurrentIndex(dialog.region.findData("ap-shanghai"))
        wait(200)
        dialog.grab().save(str(out / f"credentials-{api.value}-{tag}.png"))
        dialog.reject()
    combo = window.banner.generation
    combo.setCurrentIndex(combo.findData("tc3"))
    combo.activated.emit(combo.currentIndex())
    wait_until(lambda: window.desk.api == "tc3")
    waiting = window.model.items()[6]  # still queued: checked with API 3.0 now
    window.desk.run([waiting])
    wait_until(lambda: waiting.status in FINAL)
    window.queue_view.selectRow(6)
    wait(600)
    window.grab().save(str(out / f"main-api3-{tag}.png"))
    combo.setCurrentIndex(combo.findData("legacy"))
    combo.activated.emit(combo.currentIndex())


def scratch_folder() -> Path:
    """Throwaway settings and data folders: screenshots never touch the operator's own."""
    import os

    scratch = Path(tempfile.mkdtemp(prefix="livedetect-shots-"))
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(scratch))
    os.environ["XDG_DATA_HOME"] = str(scratch / "data")
    os.environ["XDG_CONFIG_HOME"] = str(scratch / "config")
    return scratch


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    scratch = scratch_folder()
    from livedetect_gui.core.checks.batch import Source
    from livedetect_gui.core.service.credentials import CredentialStore
    from livedetect_gui.ui.app import Languages, create_app
    from livedetect_gui.ui.capture.camera import SyntheticFrameSource
    from livedetect_gui.ui.desk.settings import DeskSettings
    from livedetect_gui.ui.queue.model import FINAL, Status
    from livedetect_gui.ui.window.main_window import MainWindow

    app = create_app(["shots"])
    languages = Languages(app)
    photos = scratch / "photos"
    photos.mkdir()
    for i in range(3):
        make_photo(i, (1600, 1200)).save(photos / f"applicant-{i + 1}.jpg")
    _passing(photos / "applicant-4.jpg")  # a mixed queue: one PASS among the FAILs
    (photos / "empty-upload.jpg").write_bytes(b"")
    frames = [make_photo(i, (160, 120)) for i in range(3)]
    frames[0].save(photos / "animated.gif", save_all=True, append_images=frames[1:])
    make_photo(9, (900, 1200)).save(photos / "waiting.jpg")

    for lang in ("en", "zh_CN"):
        for width, height in ((1024, 640), (1600, 1000)):
            languages.apply(lang)
            # Pre-checks off: these shots are about verdicts and refusals, and the generated
            # photos have no face (scripts/billing_screenshots.py shows the holds).
            window = MainWindow(DeskSettings(operator="Ann Lee", prechecks=False),
                                force_sandbox=True, lang=lang,
                                store=CredentialStore(f"livedetect-shots-{uuid.uuid4().hex[:6]}"),
                                history_path=scratch / f"h-{lang}-{width}.sqlite3",
                                frame_source=SyntheticFrameSource(devices=[]),
                                captures_folder=scratch / "captures", persist=False)
            window.resize(width, height)
            window.show()
            wait_until(lambda w=window: w.desk.connection is not None)
            checked = [str(photos / f"applicant-{i + 1}.jpg") for i in range(4)]
            window.add_paths(checked + [str(photos / "empty-upload.jpg"),
                                        str(photos / "animated.gif")])
            wait_until(lambda w=window: len(w.model.items()) == 6 and all(
                i.status is not Status.PREPARING for i in w.model.items()))
            window.desk.run(window.model.items()[:4])
            wait_until(lambda w=window: all(i.status in FINAL for i in w.model.items()))
            window.add_sources([Source.file(photos / "waiting.jpg")])
            window.add_sources([Source.remote("https://example.invalid/id-photo.jpg")])
            wait_until(lambda w=window: all(i.status is not Status.PREPARING
                                            for i in w.model.items()))
            window.queue_view.selectRow(0)
            wait(600)
            tag = f"{lang}-{width}x{height}"
            window.grab().save(str(out / f"main-{tag}.png"))
            _decide(window, out, tag)

            dialog = window.setup.edit_credentials()
            wait(300)
            dialog.endpoint.setCurrentIndex(dialog.endpoint.findData("custom"))
            dialog.custom.setText("http://127.0.0.1:9/service")
            dialog.appid.setText("1250000001")
            dialog.secret_id.setText("AKIDexample")
            dialog.secret_key.setText("example-secret-key")
            dialog.test_connection()
            wait_until(lambda d=dialog: d.test_button.isEnabled())
            dialog.details_button.setChecked(True)
            wait(200)
            dialog.grab().save(str(out / f"credentials-{tag}.png"))
            dialog.reject()

            if width == 1024:
                api3_shots(window, out, tag)

            window.capture_dock.show()
            wait(400)
            window.grab().save(str(out / f"capture-no-camera-{tag}.png"))
            window.shutdown()
            window.deleteLater()
            wait(100)
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
