"""The selected photo as it will be sent, its sizes and warnings, and its verdict, large."""

from __future__ import annotations

import html
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from livedetect_gui.core.errors import local_problem
from livedetect_gui.core.imaging.prechecks import Precheck
from livedetect_gui.core.imaging.prepare import ACTION_TEXT
from livedetect_gui.core.messages import detail_text
from livedetect_gui.core.result import CheckResult
from livedetect_gui.core.trail.reasons import decision_summary
from livedetect_gui.core.verdict import (
    Outcome,
    Verdict,
    default_threshold,
    judge,
    relation,
    verdict_word,
)
from livedetect_gui.ui.common.backends import backend_name
from livedetect_gui.ui.common.theme import verdict_color, verdict_icon
from livedetect_gui.ui.queue.model import FINAL, QueueItem, Status, bytes_text


def fit(label: QLabel, pixmap: QPixmap | None, precheck: Precheck | None = None) -> None:
    """The picture as large as the label allows, its proportions kept; the faces the
    pre-checks found boxed on it."""
    if pixmap is None:
        label.clear()
        return
    scaled = pixmap.scaled(label.size(), Qt.AspectRatioMode.KeepAspectRatio,
                           Qt.TransformationMode.SmoothTransformation)
    if precheck is not None and precheck.faces and precheck.size[0]:
        draw_faces(scaled, precheck)
    label.setPixmap(scaled)


FACE_COLOUR = "#1a73e8"


def draw_faces(pixmap: QPixmap, precheck: Precheck) -> None:
    """Boxes around the faces (they are in the analysed copy's pixels, same proportions)."""
    scale = pixmap.width() / precheck.size[0]
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor(FACE_COLOUR), max(2, round(pixmap.width() / 160))))
    for face in precheck.faces:
        painter.drawRect(QRectF(face.left * scale, face.top * scale, face.width * scale,
                                face.height * scale))
    painter.end()


class ScoreBar(QWidget):
    """0..100 with the threshold marked: where the score fell, at a glance."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scoreBar")
        self.score: float | None = None
        self.threshold = default_threshold("legacy")
        self.setMinimumHeight(22)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_values(self, score: float | None, threshold: float) -> None:
        self.score, self.threshold = score, threshold
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(240, 22)

    def paintEvent(self, event: QEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(1, 5, -1, -5)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.palette().mid())
        painter.drawRoundedRect(rect, 4, 4)
        if self.score is not None:
            filled = QRectF(rect)
            filled.setWidth(rect.width() * self.score / 100)
            verdict = judge(self.score, self.threshold)  # the core's rule, not a copy of it
            painter.setBrush(QColor(verdict_color(verdict)))
            painter.drawRoundedRect(filled, 4, 4)
        x = rect.left() + rect.width() * self.threshold / 100
        painter.setPen(QPen(self.palette().windowText().color(), 2))
        painter.drawLine(int(x), 0, int(x), self.height())
        painter.end()


class VerdictBadge(QFrame):
    """PASS / FAIL / ERROR / Refused: colour, icon and text together (colour-blind operators)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verdictBadge")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.icon = QLabel()
        self.icon.setFixedSize(48, 48)
        self.text = QLabel()
        font = self.text.font()
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        self.text.setFont(font)
        layout = QHBoxLayout(self)
        layout.addWidget(self.icon)
        layout.addWidget(self.text, 1)
        self.verdict: Verdict | Outcome | None = None
        self.show_verdict(None, "")

    def show_verdict(self, verdict: Verdict | Outcome | None, text: str) -> None:
        self.verdict = verdict
        self.text.setText(text)
        self.setAccessibleName(text)
        if verdict is None:
            self.icon.clear()
            self.setStyleSheet("")
            return
        self.icon.setPixmap(verdict_icon(verdict).pixmap(48, 48))
        color = verdict_color(verdict)
        name = self.objectName()
        self.setStyleSheet(f"#{name} {{ border: 3px solid {color}; border-radius: 8px; }}"
                           f" #{name} QLabel {{ color: {color}; }}")


class PreviewPanel(QWidget):
    # Explicit choices, never automatic: send a held photo anyway, add a copy cropped to its face.
    sendAnyway = Signal()
    cropFace = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = "en"
        # The desk runs on the sandbox: nothing is billed, and the buttons do not say it is.
        self.simulated = False
        self.badge = VerdictBadge()
        self.score_label = QLabel()
        self.score_label.setObjectName("scoreLabel")
        self.score_bar = ScoreBar()
        # The operator's latest decision on this photo (a new one replaces it on screen only).
        self.decision = QLabel()
        self.decision.setObjectName("previewDecision")
        self.decision.setWordWrap(True)
        self.decision.setTextFormat(Qt.TextFormat.PlainText)
        self.image = QLabel()
        self.image.setObjectName("previewView")
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # Small enough that the texts below never overlap it in a 640 px high window.
        self.image.setMinimumSize(160, 100)
        self.image.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        # The picture follows its label's size: texts below it that grow or shrink (a hold
        # reason, a longer note) resize the label without resizing the panel.
        self.image.installEventFilter(self)
        self.sizes = QLabel()
        self.sizes.setWordWrap(True)
        self.notes = QLabel()
        self.notes.setObjectName("previewNotes")
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.PlainText)
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # The raw text behind a problem (a library's words): there for support, not in the way.
        self.details_button = QToolButton()
        self.details_button.setObjectName("technicalDetailsButton")
        self.details_button.setCheckable(True)
        self.details_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.details_button.setArrowType(Qt.ArrowType.RightArrow)
        self.details_button.toggled.connect(self._toggle_details)
        self.details = QLabel()
        self.details.setObjectName("technicalDetails")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.hide()
        self.hold_label = QLabel()
        self.hold_label.setObjectName("holdReason")
        self.hold_label.setWordWrap(True)
        self.hold_label.setTextFormat(Qt.TextFormat.RichText)
        self.hold_label.setStyleSheet("#holdReason { color: #8a4b00; }")
        self.send_anyway_button = QPushButton()
        self.send_anyway_button.setObjectName("sendAnywayButton")
        self.send_anyway_button.clicked.connect(self.sendAnyway)
        self.crop_button = QPushButton()
        self.crop_button.setObjectName("cropFaceButton")
        self.crop_button.clicked.connect(self.cropFace)
        hold_row = QHBoxLayout()
        hold_row.addWidget(self.send_anyway_button)
        hold_row.addWidget(self.crop_button)
        hold_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.badge)
        layout.addWidget(self.score_label)
        layout.addWidget(self.score_bar)
        # A held photo's reason and the ways on come first: they are what the operator must
        # act on (the column scrolls at 640 px).
        layout.addWidget(self.hold_label)
        layout.addLayout(hold_row)
        layout.addWidget(self.decision)
        layout.addWidget(self.image, 1)
        layout.addWidget(self.sizes)
        layout.addWidget(self.notes)
        layout.addWidget(self.details_button)
        layout.addWidget(self.details)
        self._pixmap: QPixmap | None = None
        self.showing_thumbnail = False
        self.item: QueueItem | None = None
        self.show_item(None)

    def _toggle_details(self, shown: bool) -> None:
        self.details_button.setArrowType(Qt.ArrowType.DownArrow if shown
                                         else Qt.ArrowType.RightArrow)
        self.details.setVisible(shown)

    def pixmap(self) -> QPixmap | None:
        return self._pixmap

    # -- content -------------------------------------------------------------------------------

    def show_item(self, item: QueueItem | None, threshold: float | None = None) -> None:
        """Everything but the full preview image, which arrives from a worker."""
        threshold = default_threshold("legacy") if threshold is None else threshold
        if item is None or self.item is None or item.id != self.item.id or (
                self.showing_thumbnail and self._pixmap is None):
            self._pixmap = None
            self.showing_thumbnail = False
            if item is not None and item.thumbnail is not None:
                self._pixmap = QPixmap.fromImage(item.thumbnail)
                self.showing_thumbnail = True
        self.item = item
        self._show_image()
        if item is None:
            self.badge.show_verdict(None, self.tr("No photo selected"))
            self.score_label.setText("")
            self.score_bar.set_values(None, threshold)
            self.sizes.setText(self.tr("Drop photos or folders here, open them, or paste an "
                                       "image (the shortcuts are in Help)."))
            self.notes.setText("")
            self.decision.hide()
            self._show_details("")
            self._show_hold(None)
            return
        self._show_verdict(item, threshold)
        self._show_decision(item)
        self._show_sizes(item)
        self._show_notes(item)
        self._show_hold(item)

    def _show_hold(self, item: QueueItem | None) -> None:
        """Why the pre-checks hold the photo, and the operator's ways on."""
        held = item is not None and item.status is Status.HELD and item.precheck is not None
        one_face = (item is not None and item.precheck is not None and not item.cropped
                    and len(item.precheck.faces) == 1 and item.status in (
                        Status.HELD, Status.QUEUED, Status.PASS, Status.FAIL, Status.ERROR))
        lines = []
        if held:
            reasons = "<br>".join(html.escape(local_problem(key).message(self.lang))
                                  for key in item.precheck.holds)
            if item.precheck.detail and not self.lang.startswith("zh"):  # the core's English
                reasons += f" ({html.escape(item.precheck.detail)})"
            lines.append(f"<b>{reasons}</b>")
            lines.append(self.tr("Not sent, nothing billed. Send it anyway, retake it, or "
                                 "remove it."))
        if one_face:
            lines.append(self.tr("The provider advises a 3:4 portrait with the face in the "
                                 "middle: Crop to the face adds such a copy to the queue (the "
                                 "original stays)."))
        text = "<br>".join(lines)
        self.hold_label.setText(text)
        self.hold_label.setVisible(bool(text))
        self._fit_hold_text()
        self.send_anyway_button.setText(
            self.tr("Send anyway (simulated, not billed)") if self.simulated
            else self.tr("Send anyway (billed)"))
        self.send_anyway_button.setVisible(held)
        self.crop_button.setText(self.tr("Crop to the face"))
        self.crop_button.setVisible(one_face)

    def set_preview_image(self, item_id: int, image: QImage) -> None:
        if self.item is None or self.item.id != item_id or image.isNull():
            return
        self._pixmap = QPixmap.fromImage(image)
        self.showing_thumbnail = False
        self._show_image()

    def _show_verdict(self, item: QueueItem, threshold: float) -> None:
        result: CheckResult | None = item.result
        if item.status in FINAL:
            verdict = Outcome(item.status.value)
            self.badge.show_verdict(verdict, verdict_word(verdict, self.lang))
        else:
            texts = {Status.PREPARING: self.tr("Preparing…"), Status.QUEUED: self.tr("Ready"),
                     Status.SENDING: self.tr("Checking…"), Status.HELD: self.tr("Held")}
            self.badge.show_verdict(None, texts[item.status])
        score = result.score if result is not None else None
        if score is not None:
            threshold = result.threshold  # the threshold of the backend that answered it
        if score is None:
            self.score_label.setText(self.tr("Threshold %1").replace("%1", f"{threshold:g}"))
        else:
            self.score_label.setText(
                self.tr("Score %1 %2 threshold %3").replace("%1", f"{score:g}")
                .replace("%2", relation(score, threshold)).replace("%3", f"{threshold:g}"))
        self.score_bar.set_values(score, threshold)
        # A refused photo was never judged: no threshold to measure it against.
        for widget in (self.score_label, self.score_bar):
            widget.setVisible(item.status is not Status.REFUSED)

    def _show_decision(self, item: QueueItem) -> None:
        record = item.decision
        if record is not None:
            lines = [self.tr("Decision: %1").replace("%1", decision_summary(record, self.lang))]
            lines += [p for p in (record.note, record.reference) if p]
            lines.append(self.tr("by %1 at %2").replace("%1", record.operator or record.os_user)
                         .replace("%2", datetime.fromtimestamp(record.at).strftime("%H:%M")))
            self.decision.setText("\n".join(lines))
        else:
            self.decision.setText(self.tr("Awaiting the operator's decision"))
        # Only a judgement awaits a decision (a refusal or a service error was never judged);
        # a decision made is shown whatever it was on.
        self.decision.setVisible(record is not None or item.undecided)

    def _show_sizes(self, item: QueueItem) -> None:
        parts = []
        if item.original is not None:
            w, h, count = item.original
            parts.append(self.tr("Original: %1×%2, %3").replace("%1", str(w))
                         .replace("%2", str(h)).replace("%3", bytes_text(count)))
        if item.prepared is not None:
            p = item.prepared
            sent = item.result is not None and item.result.attempts > 0
            # A held, waiting or refused photo was never sent: what would be sent.
            text = self.tr("Sent: %1×%2, %3 JPEG") if sent else self.tr(
                "To send: %1×%2, %3 JPEG")
            parts.append(text.replace("%1", str(p.width)).replace("%2", str(p.height))
                         .replace("%3", bytes_text(p.bytes)))
        self.sizes.setText("\n".join(parts) or item.source.label)

    def _show_notes(self, item: QueueItem) -> None:
        index = 1 if self.lang.startswith("zh") else 0
        lines = [ACTION_TEXT[a][index] for a in item.actions if a in ACTION_TEXT]
        result = item.result
        details = []
        if result is not None and result.verdict is Verdict.ERROR and result.problem:
            # The catalogue's sentence and hint in the desk's language; the raw detail apart.
            lines = [result.problem.message(self.lang), "→ " + result.hint(self.lang)]
            if item.status is Status.REFUSED:
                lines.append(self.tr("Nothing was sent or billed, and nothing was judged, so "
                                     "there is nothing to decide: remove it from the queue "
                                     "(Delete)."))
            if result.code not in (None, 0):  # an int (legacy) or a string (API 3.0)
                details.append(self.tr("Service code %1").replace("%1", str(result.code)))
            if result.detail:  # the core's known details in the desk's language
                details.append(detail_text(result.detail, self.lang))
        if result is not None and not item.refused:  # a refused photo reached no backend
            # Which backend judged it, and the provider's id of the request (support asks).
            lines.append(self.tr("Checked with %1").replace("%1", backend_name(result.api)))
            if result.request_id:
                details.insert(0, self.tr("Request ID: %1").replace("%1", result.request_id))
        detail = "\n".join(details)
        if result is not None and result.reused_from is not None:
            when = datetime.fromtimestamp(result.reused_from).strftime("%Y-%m-%d %H:%M")
            lines.append(self.tr("Checked before on %1: that judgement is reused, nothing was "
                                 "sent or billed. Check again makes a new, billed call.")
                         .replace("%1", when))
        if result is not None and result.maybe_billed_twice:
            lines.append(self.tr("A retry followed a failure the service may have processed: "
                                 "this photo may have been billed twice."))
        self.notes.setText("\n".join(lines))
        self._show_details(detail)

    def _show_details(self, detail: str) -> None:
        self.details.setText(detail)
        self.details_button.setText(self.tr("Technical details"))
        self.details_button.setVisible(bool(detail))
        self.details.setVisible(bool(detail) and self.details_button.isChecked())

    def _show_image(self) -> None:
        fit(self.image, self._pixmap, self.item.precheck if self.item is not None else None)

    def _fit_hold_text(self) -> None:
        # A wrapped rich-text label under-reports its height inside the scrolling column, and
        # the picture would be drawn over it: ask for the wrapped height.
        width = max(120, self.width() - 24)
        self.hold_label.setMinimumHeight(self.hold_label.heightForWidth(width)
                                         if self.hold_label.text() else 0)

    def resizeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_hold_text()
        self._show_image()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.image and event.type() == QEvent.Type.Resize:
            self._show_image()
        return super().eventFilter(watched, event)


class PhotoDialog(QDialog):
    """One photo, large (double-click in the queue): a look, never a check."""

    def __init__(self, title: str, item_id: int, pixmap: QPixmap | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("photoDialog")
        self.item_id = item_id
        self.setWindowTitle(title)
        self.label = QLabel()
        self.label.setObjectName("largePhoto")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setMinimumSize(320, 240)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        self._pixmap = pixmap
        screen = self.screen().availableGeometry()
        self.resize(min(1000, screen.width() * 3 // 4), min(760, screen.height() * 3 // 4))
        self._show()

    def show_ready(self, item_id: int, image: QImage) -> None:
        """Desk.previewReady: the full picture, when it is this dialog's."""
        if item_id == self.item_id and not image.isNull():
            self._pixmap = QPixmap.fromImage(image)
            self._show()

    def _show(self) -> None:
        fit(self.label, self._pixmap)

    def resizeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._show()

