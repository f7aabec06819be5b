"""What mode the desk is in and how far the work is: the sandbox banner and the status bar."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStatusBar,
)

from livedetect_gui.core.service.connection import Connection, Mode
from livedetect_gui.core.service.credentials import Api
from livedetect_gui.core.trail.chain import ChainState
from livedetect_gui.core.trail.worklist import WorkState
from livedetect_gui.core.verdict import Verdict
from livedetect_gui.ui.common.backends import backend_name, backend_title
from livedetect_gui.ui.common.theme import verdict_color
from livedetect_gui.ui.desk.controller import Progress


class SandboxBanner(QFrame):
    """Unmistakable while scores are simulated; which generation the sandbox simulates."""

    useProfile = Signal()
    # The operator chose the generation to simulate ("legacy" or "tc3").
    generationChosen = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("sandboxBanner")
        self.setStyleSheet("#sandboxBanner { background: #fff3cd; border: 2px solid #e37400; }"
                           " #sandboxBanner QLabel { color: #5c3c00; font-weight: bold; }")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.generation = QComboBox()
        self.generation.setObjectName("sandboxGeneration")
        for api in Api:
            self.generation.addItem("", api.value)
        self.generation.activated.connect(
            lambda index: self.generationChosen.emit(self.generation.itemData(index)))
        self.generation_label = QLabel()
        self.generation_label.setBuddy(self.generation)
        self.button = QPushButton()
        self.button.setObjectName("useProfileButton")
        self.button.clicked.connect(self.useProfile)
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.generation_label)
        layout.addWidget(self.generation)
        layout.addWidget(self.button)
        self.hide()

    def show_generation(self, api: str) -> None:
        with QSignalBlocker(self.generation):
            self.generation.setCurrentIndex(max(0, self.generation.findData(str(api))))

    def retranslate(self) -> None:
        self.label.setText(self.tr(
            "SANDBOX — scores are simulated, not a liveness judgement. Nothing is sent to the "
            "cloud service and nothing is billed."))
        self.button.setText(self.tr("Use a real profile…"))
        self.generation_label.setText(self.tr("Si&mulate:"))  # Alt+S: the Settings menu
        for index in range(self.generation.count()):
            self.generation.setItemText(index, backend_title(self.generation.itemData(index)))
        self.generation.setAccessibleName(self.tr("Service generation the sandbox simulates"))
        self.setAccessibleName(self.tr("Sandbox mode"))


class DeskStatusBar(QStatusBar):
    def __init__(self) -> None:
        super().__init__()
        self.progress_label = QLabel()
        self.progress_label.setObjectName("progressLabel")
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("progressBar")
        self.progress_bar.setMaximumWidth(240)
        self.progress_bar.hide()
        self.mode_label = QLabel()
        self.mode_label.setObjectName("modeLabel")
        self.waiting_label = QLabel()
        self.waiting_label.setObjectName("sharedWaitingLabel")
        self.waiting_label.hide()
        self.worklist_label = QLabel()
        self.worklist_label.setObjectName("worklistCounts")
        self.chain_label = QLabel()
        self.chain_label.setObjectName("chainStatus")
        self.addWidget(self.progress_label, 1)
        self.addPermanentWidget(self.progress_bar)
        self.addPermanentWidget(self.chain_label)
        self.addPermanentWidget(self.worklist_label)
        self.addPermanentWidget(self.waiting_label)
        self.addPermanentWidget(self.mode_label)

    def show_progress(self, p: Progress) -> None:
        summary = self.tr("%1 photos · %2 pass · %3 fail · %4 error").replace(
            "%1", str(p.photos)).replace("%2", str(p.passed)).replace(
            "%3", str(p.failed)).replace("%4", str(p.errors))
        if p.held:
            summary += " · " + self.tr("%1 held").replace("%1", str(p.held))
        if p.refused:
            summary += " · " + self.tr("%1 refused").replace("%1", str(p.refused))
        if p.running:
            summary = self.tr("Checking %1 of %2").replace("%1", str(p.done)).replace(
                "%2", str(p.total)) + " · " + summary
            if p.eta_seconds is not None:
                minutes, seconds = divmod(round(p.eta_seconds), 60)
                summary += " · " + self.tr("about %1 left").replace(
                    "%1", f"{minutes}:{seconds:02d}")
            self.progress_bar.setRange(0, max(1, p.total))
            self.progress_bar.setValue(p.done)
        self.progress_bar.setVisible(p.running)
        self.progress_label.setText(summary)

    def show_worklist(self, counts: Mapping[WorkState, int]) -> None:
        """What the trail says waits for a decision (the worklist's counts): short, the
        states with none left out; the whole line in the tooltip."""
        undecided, escalated, pending = (counts.get(s, 0) for s in (
            WorkState.UNDECIDED, WorkState.ESCALATED, WorkState.AWAITING_APPROVAL))
        text = self.tr("To decide: %1").replace("%1", str(undecided))
        if escalated:
            text += " · " + self.tr("escalated %1").replace("%1", str(escalated))
        if pending:
            text += " · " + self.tr("awaiting approval %1").replace("%1", str(pending))
        self.worklist_label.setText(text)
        self.worklist_label.setToolTip(self.tr(
            "To decide: %1 · escalated %2 · awaiting approval %3").replace(
            "%1", str(undecided)).replace("%2", str(escalated)).replace("%3", str(pending)))

    def show_chain(self, chain: ChainState | None, error: str, lang: str) -> None:
        """The trail as last verified: said plainly, red and bold when it was altered."""
        if chain is None and not error:
            self.chain_label.setText(self.tr("Audit trail: checking…"))
            self.chain_label.setStyleSheet("")
        elif chain is not None and chain.intact:
            self.chain_label.setText(self.tr("✔ Audit trail intact"))
            self.chain_label.setStyleSheet(f"color: {verdict_color(Verdict.PASS)};")
        else:
            self.chain_label.setText(self.tr("✖ AUDIT TRAIL ALTERED") if chain is not None
                                     else self.tr("✖ Audit trail cannot be verified"))
            self.chain_label.setToolTip(chain.message(lang) if chain is not None else error)
            self.chain_label.setStyleSheet(
                f"color: white; background: {verdict_color(Verdict.FAIL)}; "
                "font-weight: bold; padding: 0 4px;")

    def show_waiting(self, text: str) -> None:
        """Records waiting for the shared store (the core words it); hidden when none do."""
        self.waiting_label.setText(text)
        self.waiting_label.setVisible(bool(text))

    def show_mode(self, connection: Connection | None) -> None:
        if connection is None:
            text = self.tr("Starting…")
        else:
            text = {Mode.SANDBOX: self.tr("Sandbox (simulated scores)"),
                    Mode.PROFILE: self.tr("Profile: %1").replace("%1", connection.profile or ""),
                    Mode.ENVIRONMENT: self.tr("Credentials from LIVEDETECT_* variables"),
                    Mode.SESSION: self.tr("Session credentials (not saved)")}[connection.mode]
            credentials = connection.credentials
            text += " · " + backend_name(credentials.api)
            if credentials.api is Api.TC3 and credentials.region:
                text += f" ({credentials.region})"
        self.mode_label.setText(text)
