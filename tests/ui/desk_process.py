"""A real desk process for the kill-and-restart test (tests/ui/desk/test_runs.py): the main
window offscreen, its queue kept on disk, connected to the test's sandbox on loopback.

    python tests/ui/desk_process.py CONFIG_JSON first   # add the photos, run them all
    python tests/ui/desk_process.py CONFIG_JSON second  # restore the queue, run all, report

Prints one JSON object per line on stdout for the test to read.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from pathlib import Path

# Run as a script, this folder would come first on the path, where tests/ui/queue/ hides the
# standard library's queue module: the repository root takes its place.
sys.path[0] = str(Path(__file__).resolve().parents[2])
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def say(**event: object) -> None:
    print(json.dumps(event), flush=True)


def main() -> int:
    config = json.loads(Path(sys.argv[1]).read_text())
    step = sys.argv[2]
    from PySide6.QtCore import QTimer

    from livedetect_gui.core.service.connection import Connection, Mode
    from livedetect_gui.core.service.credentials import Credentials, CredentialStore
    from livedetect_gui.ui.app import create_app
    from livedetect_gui.ui.desk.settings import DeskSettings
    from livedetect_gui.ui.queue.model import FINAL
    from livedetect_gui.ui.window.main_window import MainWindow

    app = create_app([sys.argv[0]])
    window = MainWindow(DeskSettings(prechecks=False, confirm_over=0, concurrency=2),
                        force_sandbox=True, persist=False,
                        store=CredentialStore(f"livedetect-gui-tests-{uuid.uuid4().hex[:8]}"),
                        history_path=Path(config["history"]), queue_path=Path(config["queue"]))
    desk = window.desk
    # The test's sandbox, as the desk's sandbox (its results are simulated and reusable).
    assert desk.connect(Connection(Mode.SANDBOX, Credentials(
        config["appid"], config["secret_id"], config["secret_key"]), config["url"]))

    def everything_final() -> bool:
        items = desk.model.items()
        return bool(items) and not desk.runs.running and all(i.status in FINAL for i in items)

    if step == "first":
        desk.intake.add_paths([config["photos"]])
        desk.run_all()
        say(event="started")
    else:
        def restored() -> None:
            if desk.saved is None or not desk.saved._restored or not desk.model.items():
                QTimer.singleShot(50, restored)
                return
            items = desk.model.items()
            say(event="restored", count=len(items),
                done=sum(i.status in FINAL for i in items))
            desk.run_all()
            poll()

        def poll() -> None:
            if not everything_final():
                QTimer.singleShot(50, poll)
                return
            say(event="finished", results=[
                {"name": i.name, "status": i.status.value,
                 "reused": i.result is not None and i.result.reused_from is not None}
                for i in desk.model.items()])
            app.quit()

        QTimer.singleShot(0, restored)
    QTimer.singleShot(120_000, app.quit)  # never hang the test
    app.exec()
    window.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
