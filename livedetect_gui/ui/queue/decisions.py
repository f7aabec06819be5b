"""The operator's decisions at the desk: the decision panel placed beside the preview, following
the current photo of the queue, and how a decision reads in the queue and the preview.

The panel (``decision_panel.py``) asks; the desk controller records (``Desk.decide``, on a
worker) and the queue item keeps the latest decision. This area only connects the two: it
knows which queue item the panel is deciding, and keeps what the operator typed while other
photos of the queue change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QFrame, QLabel, QVBoxLayout, QWidget

from livedetect_gui.core.trail.chain import DEFAULT_REASONS, Reason
from livedetect_gui.ui.queue.decision_panel import DecisionPanel

if TYPE_CHECKING:
    from livedetect_gui.ui.queue.model import QueueItem


class DecisionArea(QFrame):
    """The decision panel for the queue's current photo. ``decided`` carries the queue item
    id with the panel's arguments for ``Desk.decide``."""

    decided = Signal(int, str, str, str, str)  # item id, decision, reason, note, reference

    def __init__(self, reasons: Sequence[Reason] = DEFAULT_REASONS,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("decisionArea")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel()
        self.title.setObjectName("decisionTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.panel = DecisionPanel(reasons)
        self.panel.layout().setContentsMargins(0, 0, 0, 0)
        # Keyboard-first: Alt+A/R/E decide wherever the focus is in the window (the queue,
        # the preview), not only inside the panel.
        for shortcut in self.panel.shortcuts.values():
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self.panel.decided.connect(self._decided)
        # Narrow beside the capture dock at 1024 px: labels go above their fields, and the
        # buttons may shrink, so the queue keeps its width.
        self.panel.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.panel.reason.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.panel.reason.setMinimumContentsLength(12)  # long reasons: the popup shows them
        for button in self.panel.buttons.values():
            button.setMinimumWidth(72)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.panel)
        self.item_id: int | None = None
        self._following: tuple[int, str] | None = None
        self._source = ""

    def retranslate(self) -> None:
        self.title.setText(self.tr("Operator's decision"))
        self.panel.retranslate()
        for button in self.panel.buttons.values():
            button.setToolTip(button.text())  # whole, when a narrow window clips it

    def set_reasons(self, reasons: Sequence[Reason]) -> None:
        self.panel.reasons = tuple(reasons)
        self.panel.retranslate()

    def follow(self, item: QueueItem | None) -> None:
        """Decide ``item`` (the queue's current photo), once it has its record in the trail.
        The same photo again keeps the reason, note and reference typed so far."""
        key = (item.id, item.record_id) if item is not None and item.record_id else None
        if key == self._following:
            return
        self._following = key
        self.item_id = None if key is None else key[0]
        if item is None or key is None:
            self.panel.set_check(None)
        else:
            self._source = item.name
            self.panel.set_check(item.record_id, item.status.value, item.name)

    def show_problem(self, text: str) -> None:
        """The core refused the decision (e.g. an override with no reason): say why."""
        self.panel.problem.setText(text)
        self.panel.reason.setFocus()

    def _decided(self, _check_id: str, decision: str, reason: str, note: str,
                 reference: str) -> None:
        if self.item_id is not None:
            self.decided.emit(self.item_id, decision, reason, note, reference)
            # Fresh fields for what comes next (the same photo when nothing else waits).
            self.panel.set_check(self.panel.check_id, self.panel.verdict, self._source)
