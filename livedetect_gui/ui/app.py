"""``livedetect-gui``: start the desk, switch languages, and the installed-build self-test."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from livedetect_gui import __version__, resource

log = logging.getLogger(__name__)

LANGUAGES = ("en", "zh_CN")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="livedetect-gui", description="LiveDetect Desk")
    parser.add_argument("--version", action="version", version=f"livedetect-gui {__version__}")
    parser.add_argument("--sandbox", action="store_true",
                        help="use the built-in sandbox (simulated scores) whatever is configured")
    parser.add_argument("--self-test", action="store_true",
                        help="offscreen: check the bundled sample against an in-process sandbox, "
                        "print the result, exit 0 on a verdict")
    parser.add_argument("--lang", choices=("system", *LANGUAGES), help="interface language")
    # For start-up timing (packaging/startup_time.py): print once the window is shown, quit.
    parser.add_argument("--startup-probe", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


class Languages:
    """Installs our translation and Qt's own (standard dialogs) for one language at a time."""

    def __init__(self, app) -> None:  # noqa: ANN001 - QApplication
        from PySide6.QtCore import QTranslator

        self.app = app
        self.ours = QTranslator(app)
        self.qt = QTranslator(app)
        self.current = "en"

    @staticmethod
    def resolve(choice: str) -> str:
        if choice in LANGUAGES:
            return choice
        from PySide6.QtCore import QLocale

        return "zh_CN" if QLocale.system().name().startswith("zh") else "en"

    def apply(self, choice: str) -> str:
        from PySide6.QtCore import QLibraryInfo

        lang = self.resolve(choice)
        for translator in (self.ours, self.qt):
            self.app.removeTranslator(translator)
        if lang != "en":
            if self.ours.load(str(resource(f"translations/livedetect_{lang}.qm"))):
                self.app.installTranslator(self.ours)
            else:
                log.warning("no translation for %s", lang)
            qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            if self.qt.load(f"qtbase_{lang}", qt_dir):
                self.app.installTranslator(self.qt)
        self.current = lang
        return lang


def configure_process() -> None:
    """Process-wide settings of a desktop process, in one place (never a widget's job)."""
    # Qt Multimedia logs every video-acceleration library it cannot find: noise to an operator.
    os.environ.setdefault("QT_LOGGING_RULES",
                          "qt.multimedia.symbolsresolver=false;qt.multimedia.ffmpeg=false")
    # Busy workers keep the GIL for up to the switch interval (5 ms by default) each time the
    # GUI thread wants it back; with several workers that adds up to visible stalls. 1 ms keeps
    # the window responsive at a small cost in worker throughput.
    sys.setswitchinterval(min(sys.getswitchinterval(), 0.001))
    # Freed photo memory goes back to the system instead of staying at the peak.
    from livedetect_gui.core.imaging.prepare import tune_allocator

    tune_allocator()


def create_app(argv: Sequence[str]):  # noqa: ANN201 - QApplication
    configure_process()
    from PySide6.QtWidgets import QApplication

    from livedetect_gui.ui.common.theme import app_icon, apply_palette
    from livedetect_gui.ui.desk import settings as desk_settings

    app = QApplication.instance() or QApplication(list(argv))
    app.setOrganizationName(desk_settings.ORGANIZATION)
    app.setApplicationName(desk_settings.APPLICATION)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("io.livedetect.Desk")  # packaging/io.livedetect.Desk.desktop
    app.setStyle("Fusion")
    apply_palette(app)
    app.styleHints().colorSchemeChanged.connect(lambda _scheme: apply_palette(app))
    app.setWindowIcon(app_icon())
    return app


def create_window(app, *, force_sandbox: bool = False, lang_choice: str | None = None,
                  **window_options):  # noqa: ANN001, ANN201
    from livedetect_gui.ui.desk import settings as desk_settings
    from livedetect_gui.ui.window.main_window import MainWindow

    settings = desk_settings.load()
    languages = Languages(app)
    lang = languages.apply(lang_choice or settings.language)
    if window_options.get("persist", True):
        # The queue is kept in the data folder (a crash loses nothing); throwaway runs keep none.
        from livedetect_gui.core.checks.saved_queue import QueueStore

        window_options.setdefault("queue_path", QueueStore().path)
    window = MainWindow(settings, force_sandbox=force_sandbox, lang=lang, **window_options)

    def switch(choice: str) -> None:
        window.set_language(languages.apply(choice))

    window.languageRequested.connect(switch)
    return window


def self_test() -> int:
    """Used to smoke-test installed builds: one real check, offscreen, against the sandbox."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import tempfile
    from pathlib import Path

    from PySide6.QtCore import QTimer

    from livedetect_gui.core.checks.planning import Source
    from livedetect_gui.core.messages import text
    from livedetect_gui.core.verdict import Verdict, verdict_word

    app = create_app([sys.argv[0]])
    # A throwaway history and no settings written: a smoke test must leave no trace in the
    # operator's audit trail or preferences.
    scratch = tempfile.TemporaryDirectory(prefix="livedetect-self-test-")
    # The whole window is built (resources, translations, icons are found in the installed
    # build), then its desk checks the sample.
    window = create_window(app, force_sandbox=True, lang_choice="en", persist=False,
                           history_path=Path(scratch.name) / "history.sqlite3")
    desk = window.desk
    desk.batchFinished.connect(app.quit)
    desk.failed.connect(lambda sentence, _detail: app.quit())
    items = desk.intake.add_sources([Source.file(resource("samples/face.jpg"))])
    # The sample is a drawing, which the pre-checks hold: sent anyway, as the operator may.
    desk.send_anyway(items)
    QTimer.singleShot(60_000, app.quit)  # never hang a build pipeline
    app.exec()
    window.shutdown()
    scratch.cleanup()
    result = items[0].result
    if result is None:
        print(text("self_test_failed", reason="no result within 60 s"))
        return 1
    if result.verdict is Verdict.ERROR:
        print(text("self_test_failed", reason=result.message("en")))
        return 1
    # "ok" first: a FAIL verdict of the sample is a working desk, not a failed test.
    print(text("self_test_ok", verdict=verdict_word(result.verdict), score=f"{result.score:g}",
               threshold=f"{result.threshold:g}"))
    return 0


def gui_missing(exc: ImportError) -> str:
    if getattr(exc, "name", "") and str(exc.name).startswith("PySide6"):
        return ("livedetect-gui: the desktop window needs Qt (PySide6), which is not "
                "installed. Install the GUI extra:  pip install 'livedetect-gui[gui]'  "
                "(the command line, `livedetect`, works without it).")
    return (f"livedetect-gui: Qt could not start ({exc}). A system library may be missing; "
            "see the README's installation notes, or run scripts/setup.sh.")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv if argv is not None else sys.argv[1:])
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.self_test:
        try:
            return self_test()
        except ImportError as exc:
            print(gui_missing(exc), file=sys.stderr)
            return 2
    try:
        app = create_app(sys.argv[:1])
    except ImportError as exc:  # PySide6 missing or a system library absent
        print(gui_missing(exc), file=sys.stderr)
        return 2
    window = create_window(app, force_sandbox=args.sandbox, lang_choice=args.lang)
    window.show()
    if not args.startup_probe:
        window.ask_operator_if_unknown()  # the first start on this machine
    if args.startup_probe:
        from PySide6.QtCore import QTimer

        def shown() -> None:
            print("window shown", flush=True)
            app.quit()

        QTimer.singleShot(0, shown)  # runs once the show and first paint events are handled
    code = app.exec()
    if args.startup_probe:
        window.shutdown()
    return code


if __name__ == "__main__":
    sys.exit(main())
