"""The window's side of never paying for a call that cannot help, kept out of the main
window: the pause banner, the cost dialog, "Check again", "Send anyway", "Crop to the face",
and asking before closing with checks in flight. The decisions are the core's and the desk
controller's; this only shows them and forwards the operator's answers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import QMessageBox, QStatusBar, QWidget

from livedetect_gui.ui.desk.controller import Desk
from livedetect_gui.ui.dialogs.cost import CostDialog
from livedetect_gui.ui.dialogs.send_anyway import SendAnywayDialog
from livedetect_gui.ui.queue.model import QueueItem, Status
from livedetect_gui.ui.queue.preview import PreviewPanel
from livedetect_gui.ui.window.pause_banner import PauseBanner
from livedetect_gui.ui.window.setup_dialogs import SetupDialogs


class BillingWindow(Protocol):
    """What these controls need of the window they sit in."""

    desk: Desk
    lang: str
    actions: Mapping[str, QAction]
    preview: PreviewPanel
    setup: SetupDialogs

    def selected_items(self) -> list[QueueItem]: ...
    def current_item(self) -> QueueItem | None: ...
    def statusBar(self) -> QStatusBar: ...  # noqa: N802
    def close(self) -> bool: ...


class BillingControls(QObject):
    def __init__(self, window: BillingWindow) -> None:
        # The window is a QWidget: the parent of the boxes and dialogs these controls open.
        self.widget = window if isinstance(window, QWidget) else None
        super().__init__(self.widget)
        self.window = window
        self.desk = window.desk
        self.banner = PauseBanner()
        self.banner.fixCredentials.connect(window.setup.edit_credentials)
        self.banner.resume.connect(self.desk.resume)
        self.desk.pauseChanged.connect(self._pause_changed)
        self.desk.costReady.connect(self.show_cost)
        window.preview.sendAnyway.connect(self.send_anyway)
        window.preview.cropFace.connect(self.crop_to_face)
        self.cost_dialog: CostDialog | None = None
        self.send_dialog: SendAnywayDialog | None = None
        self.recheck_box: QMessageBox | None = None
        self.retry_box: QMessageBox | None = None
        self.close_box: QMessageBox | None = None
        self._closing = False

    def retranslate(self, lang: str) -> None:
        self.banner.lang = lang
        self.banner.retranslate()

    def _pause_changed(self) -> None:
        self.banner.lang = self.window.lang
        self.banner.show_pause(self.desk.paused)

    def update_actions(self) -> None:
        actions, items = self.window.actions, self.desk.model.items()
        actions["checkAgain"].setEnabled(bool(items) and self.desk.paused is None)
        actions["sendAnyway"].setEnabled(any(i.status is Status.HELD for i in items))
        actions["cropFace"].setEnabled(any(i.precheck is not None and len(i.precheck.faces) == 1
                                           for i in items))

    # -- the operator's commands ---------------------------------------------------------------

    def check_again(self) -> None:
        """A new billed call for the selected photos, even those judged before: asked first."""
        items = [i for i in self.window.selected_items() if i.status is not Status.SENDING]
        if not items:
            return
        self.recheck_box = self._ask_billed(
            "recheckBox", self.tr("Check again?"), self.tr(
                "Checking again sends %n photo(s) to the service once more, even those judged "
                "before, and every check is billed.", "", len(items)),
            self.tr("Check again (billed)"), lambda: self.desk.check_again(items))

    def retry_failed(self) -> None:
        """Errors a retry could cure; asked first when one may already have been billed."""
        items = self.desk.retryable()
        billed = [i for i in items if i.result is not None and i.result.maybe_billed_twice]
        if not billed:
            self.desk.run(items)
            return
        self.retry_box = self._ask_billed(
            "retryBox", self.tr("Retry?"), self.tr(
                "%n photo(s) may already have been billed (the service may have processed a "
                "request whose answer was lost). Retrying sends them again, and every check is "
                "billed.", "", len(billed)),
            self.tr("Retry (billed)"), lambda: self.desk.run(items))

    def _ask_billed(self, name: str, title: str, text: str, yes: str,
                    on_yes: Callable[[], object]) -> QMessageBox:
        """Ask before a call that is billed again; No is the default answer."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                          self.widget)
        box.setObjectName(name)
        box.button(QMessageBox.StandardButton.Yes).setText(yes)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.accepted.connect(on_yes)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def send_anyway(self) -> None:
        items = [i for i in self.window.selected_items() if i.status is Status.HELD]
        current = self.window.current_item()
        if not items and current is not None and current.status is Status.HELD:
            items = [current]
        if not items:
            return
        found: list[str] = []
        for item in items:  # each distinct finding once, in the order met
            text = self.desk.model.hold_text(item.precheck) if item.precheck else ""
            if text and text not in found:
                found.append(text)
        dialog = SendAnywayDialog(len(items), "\n".join(found), self.desk.reasons,
                                  self.window.lang, self.window.preview.simulated, self.widget)
        dialog.accepted.connect(lambda: self.desk.send_anyway(items, *dialog.answer()))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.send_dialog = dialog

    def crop_to_face(self) -> None:
        item = self.window.current_item()
        if item is None or not self.desk.intake.crop_to_face(item):
            self.window.statusBar().showMessage(self.tr(
                "Crop to the face needs a photo with exactly one face found."), 6000)

    def show_cost(self, line: str) -> None:
        dialog = CostDialog(line, self.widget)
        dialog.accepted.connect(lambda: self.desk.confirm_cost(True))
        dialog.rejected.connect(lambda: self.desk.confirm_cost(False))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.cost_dialog = dialog

    # -- closing ---------------------------------------------------------------------------------

    def close_needs_answer(self, event: QCloseEvent) -> bool:
        """True when closing waits for the operator: checks are in flight. The queue itself is
        kept on disk either way."""
        if self._closing or not self.desk.running:
            return False
        event.ignore()
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Close while checking?"), self.tr(
            "Checks are in flight. Closing waits for the photos already sent (they are billed "
            "and recorded); the photos not yet sent stay in the queue for next time."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self.widget)
        box.setObjectName("closeBox")
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Close anyway"))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.accepted.connect(self._close_now)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.close_box = box
        return True

    def _close_now(self) -> None:
        self._closing = True
        self.window.close()
