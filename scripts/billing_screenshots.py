"""Screenshots of the desk's billing views for review, English and Chinese, 1024x640: the
pause banner after the service rejected the credentials, a photo held by the pre-checks with
its face boxes, the Send anyway dialog, and the cost dialog of a large batch (the dialogs
drawn over the window).

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/billing_screenshots.py OUT

Runs against sandboxes on loopback with throwaway settings, history and keyring service. The
face photos are scikit-image's sample photos (a test-only dependency).
"""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtGui import QPainter  # noqa: E402

from devsupport.photos import make_photo  # noqa: E402
from scripts.screenshots import scratch_folder, wait, wait_until  # noqa: E402

SIZE = (1024, 640)


def with_dialog(window, dialog):  # noqa: ANN001, ANN201
    """The window's picture with ``dialog`` drawn over its middle, framed."""
    picture = window.grab()
    shown = dialog.grab()
    painter = QPainter(picture)
    left = (picture.width() - shown.width()) // 2
    top = (picture.height() - shown.height()) // 2
    painter.drawPixmap(left, top, shown)
    painter.drawRect(left - 1, top - 1, shown.width() + 1, shown.height() + 1)
    painter.end()
    return picture


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    scratch = scratch_folder()
    import skimage
    from PIL import Image

    from livedetect_gui.core.service.connection import Connection, Mode
    from livedetect_gui.core.service.credentials import Credentials, CredentialStore
    from livedetect_gui.sandbox.server import Sandbox, SandboxConfig
    from livedetect_gui.ui.app import Languages, create_app
    from livedetect_gui.ui.desk.settings import DeskSettings
    from livedetect_gui.ui.queue.model import FINAL, Status
    from livedetect_gui.ui.window.main_window import MainWindow

    app = create_app(["shots"])
    languages = Languages(app)
    data = Path(skimage.__file__).parent / "data"
    photos = scratch / "photos"
    photos.mkdir()
    astronaut = Image.open(data / "astronaut.png").convert("RGB")
    pair = Image.new("RGB", (1024, 512))
    pair.paste(astronaut, (0, 0))
    pair.paste(astronaut.transpose(Image.Transpose.FLIP_LEFT_RIGHT), (512, 0))
    pair.save(photos / "two-people.jpg", quality=92)
    astronaut.save(photos / "applicant.jpg", quality=92)
    for i in range(4):
        make_photo(i, (800, 600)).save(photos / f"scan-{i + 1:02}.jpg", quality=90)
    # Different photos of one face (framing and size vary): each passes the pre-checks.
    for i in range(20):
        left = 10 * (i % 5)
        variant = astronaut.crop((left, 0, 400 + left, 512 - 8 * (i // 5)))
        variant.save(photos / f"visitor-{i + 1:02}.jpg", quality=90)
    (photos / "upload-broken.jpg").write_bytes(b"\xff\xd8 not a photo")
    sandbox = Sandbox(SandboxConfig(host="127.0.0.1", port=0)).start()
    acc = sandbox.account

    def window_for(lang: str, name: str, **settings: object) -> MainWindow:
        languages.apply(lang)
        window = MainWindow(DeskSettings(**settings), force_sandbox=True, lang=lang,
                            store=CredentialStore(f"livedetect-shots-{uuid.uuid4().hex[:6]}"),
                            history_path=scratch / f"h-{lang}-{name}.sqlite3", persist=False)
        window.resize(*SIZE)
        window.show()
        wait_until(lambda: window.desk.connection is not None)
        return window

    def connect(window: MainWindow, key: str | None = None) -> None:
        window.desk.connect(Connection(Mode.SANDBOX, Credentials(
            acc.appid, acc.secret_id, key or acc.secret_key), sandbox.url))

    for lang in ("en", "zh_CN"):
        # 1. The pause banner: a wrong secret key stops the batch.
        window = window_for(lang, "pause", prechecks=False, confirm_over=0)
        connect(window, "wrong-secret-key-0123456789abcdef")
        window.add_paths([str(photos / f"visitor-{i + 1:02}.jpg") for i in range(12)])
        wait_until(lambda w=window: len(w.model.items()) == 12 and all(
            i.status is not Status.PREPARING for i in w.model.items()))
        window.run_all()
        wait_until(lambda w=window: w.desk.paused is not None and not w.desk.runs.running)
        window.queue_view.selectRow(11)
        wait(600)
        window.grab().save(str(out / f"pause-banner-{lang}.png"))
        window.shutdown()
        window.deleteLater()

        # 2. A held photo (two faces) with its face boxes, beside a photo that passes them.
        window = window_for(lang, "held", prechecks=True)
        connect(window)
        window.add_paths([str(photos / "two-people.jpg"), str(photos / "applicant.jpg")])
        wait_until(lambda w=window: len(w.model.items()) == 2 and all(
            i.status is not Status.PREPARING for i in w.model.items()))
        window.queue_view.selectRow(0)
        wait_until(lambda w=window: not w.preview.showing_thumbnail
                   and w.preview.pixmap() is not None)
        wait(600)
        window.grab().save(str(out / f"held-face-box-{lang}.png"))
        window.preview.send_anyway_button.click()
        wait_until(lambda w=window: w.billing.send_dialog is not None
                   and w.billing.send_dialog.isVisible())
        wait(400)
        with_dialog(window, window.billing.send_dialog).save(
            str(out / f"send-anyway-{lang}.png"))
        window.billing.send_dialog.reject()

        # 3. The cost dialog of a batch over the configured size (20), over the window.
        window.add_paths([str(p) for p in sorted(photos.glob("scan-*.jpg"))]
                         + [str(p) for p in sorted(photos.glob("visitor-*.jpg"))]
                         + [str(photos / "upload-broken.jpg")])
        wait_until(lambda w=window: len(w.model.items()) == 27 and all(
            i.status is not Status.PREPARING for i in w.model.items()))
        window.desk.run([window.model.items()[1]], confirmed=True)  # judged once already
        wait_until(lambda w=window: w.model.items()[1].status in FINAL)
        window.add_paths([str(photos / "applicant.jpg")])  # the same photo again: reused
        wait_until(lambda w=window: len(w.model.items()) == 28 and all(
            i.status is not Status.PREPARING for i in w.model.items()))
        window.run_all()
        wait_until(lambda w=window: w.billing.cost_dialog is not None
                   and w.billing.cost_dialog.isVisible())
        wait(400)
        picture = with_dialog(window, window.billing.cost_dialog)
        picture.save(str(out / f"cost-dialog-{lang}.png"))
        window.billing.cost_dialog.reject()
        window.shutdown()
        window.deleteLater()
        wait(100)
    sandbox.stop()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
