"""The window's views of the work, as tabs: the queue (this run's photos), the worklist (what the
trail says needs a decision), the history (records and reports) and a case. Kept out of the
main window: which view is active, what is selected in it as a decision ``Subject``, moving
to the next item to decide, and reading the trail's views again when the trail changes.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFrame, QScrollArea, QTabWidget, QWidget

from livedetect_gui.core.errors import may_be_decided
from livedetect_gui.core.trail.chain import Kind, Record
from livedetect_gui.core.trail.worklist import PENDING, WorkItem, WorkState
from livedetect_gui.ui.audit.case_view import CasePanel
from livedetect_gui.ui.audit.history_view import HistoryPanel
from livedetect_gui.ui.audit.worklist_view import WorklistPanel
from livedetect_gui.ui.desk.controller import Desk
from livedetect_gui.ui.queue.decisions import Subject
from livedetect_gui.ui.queue.model import QueueItem, Status
from livedetect_gui.ui.queue.view import QueueView

QUEUE, WORKLIST, HISTORY, CASE = range(4)


def queue_subject(items: list[QueueItem]) -> Subject | None:
    """The queue's selection with a recorded check (the current row first). Photos refused before
    sending are left out of a selection with others; alone, they stand as refused (nothing to
    decide: the panel says so)."""
    items = [i for i in items if i.record_id is not None and i.result is not None]
    sent = [i for i in items if i.status is not Status.REFUSED]
    items = sent or items[:1]
    if not items:
        return None
    first = items[0]
    pending = first.decision if first.state is WorkState.AWAITING_APPROVAL else None
    return Subject(tuple(i.record_id or "" for i in items),
                   tuple(i.status.value for i in items), first.name,
                   first.state if len(items) == 1 else None,
                   pending.id if pending is not None else None,
                   pending.operator if pending is not None else "", first.reference)


def work_subject(items: list[WorkItem]) -> Subject | None:
    if not items:
        return None
    first = items[0]
    pending = first.state is WorkState.AWAITING_APPROVAL
    return Subject(tuple(i.check.id for i in items), tuple(i.check.verdict for i in items),
                   _name(first.check.source), first.state if len(items) == 1 else None,
                   first.decision_id if pending else None, first.maker if pending else "",
                   first.check.reference)


def record_subject(record: Record | None) -> Subject | None:
    """A history record: a check (not a held or refused photo: sent anyway or removed, never
    decided), or a decision, which stands for its check (deciding again adds a record)."""
    if record is None:
        return None
    if record.kind == Kind.CHECK and may_be_decided(record.problem_key):
        return Subject((record.id,), (record.verdict,), _name(record.source),
                       reference=record.reference)
    if record.kind == Kind.DECISION and record.check_id:
        pending = record.problem_key == PENDING
        return Subject((record.check_id,), (record.verdict,), _name(record.source),
                       WorkState.AWAITING_APPROVAL if pending else None,
                       record.id if pending else None, record.operator if pending else "",
                       record.reference)
    return None


def _name(source: str) -> str:
    return source.replace("\\", "/").rsplit("/", 1)[-1] or source


class DeskViews(QObject):
    # The active view's selection changed (or the active view did): the panel follows.
    subjectChanged = Signal()
    # Reports are showing: the side pane (preview, decision) has nothing to say there.
    sidePaneWanted = Signal(bool)

    def __init__(self, desk: Desk, queue_view: QueueView, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.queue_view = queue_view
        trail = desk.trail_access()
        work = trail.work
        self.worklist = WorklistPanel(trail.history, work.tasks, work.pool)
        self.worklist.model.viewer = desk.operator
        self.history = HistoryPanel(trail.history, work.tasks, work.pool, photos=trail.photos)
        self.history.verify_request = desk.watch.verify  # one watch over the chain
        self._remember_exports()
        self.case = CasePanel(trail.history, work.tasks, work.pool)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("mainTabs")
        self.tabs.addTab(queue_view, "")
        self.tabs.addTab(self.worklist, "")
        # The history's filter row is wide; on a narrow screen it scrolls rather than
        # widening the whole window beyond the screen.
        self.tabs.addTab(scrolling(self.history), "")
        self.tabs.addTab(self.case, "")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.history.tabs.currentChanged.connect(self._tab_changed)
        queue_view.selectionModel().selectionChanged.connect(self._queue_changed)
        self.worklist.currentChanged.connect(lambda: self._changed(WORKLIST))
        self.case.currentChanged.connect(lambda: self._changed(CASE))
        self.history.view.selectionModel().currentRowChanged.connect(
            lambda *_: self._changed(HISTORY))
        desk.model.itemsChanged.connect(lambda _ids: self._changed(QUEUE))
        desk.trailChanged.connect(self.refresh_trail)
        desk.batchFinished.connect(self.refresh_trail)
        desk.operatorChanged.connect(self._operator_changed)
        desk.connectionChanged.connect(self._connection_changed)
        self._subject: Subject | None = None

    def retranslate(self) -> None:
        self.tabs.setTabText(QUEUE, self.tr("Queue"))
        self.tabs.setTabText(WORKLIST, self.tr("Worklist"))
        self.tabs.setTabText(HISTORY, self.tr("History"))
        self.tabs.setTabText(CASE, self.tr("Case"))
        self.worklist.retranslate()
        self.history.retranslate()
        self.case.retranslate()

    # -- which view ------------------------------------------------------------------------

    @property
    def active(self) -> int:
        return self.tabs.currentIndex()

    @property
    def on_reports(self) -> bool:
        return self.active == HISTORY and self.history.tabs.currentIndex() == 1

    def show(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        self.focus()

    def focus(self) -> None:
        """The keyboard back in the active view's list (never trapped in the panel)."""
        widget: QWidget = {QUEUE: self.queue_view, WORKLIST: self.worklist.view,
                           HISTORY: self.history.view, CASE: self.case.view}[self.active]
        widget.setFocus()

    def _tab_changed(self, *_args: object) -> None:
        if self.active in (WORKLIST, CASE):
            (self.worklist if self.active == WORKLIST else self.case).refresh()
        elif self.active == HISTORY:
            self.history.refresh()
        self.sidePaneWanted.emit(not self.on_reports)
        self._changed(self.active)

    def _queue_changed(self, *_args: object) -> None:
        self._changed(QUEUE)

    def _changed(self, view: int) -> None:
        if view != self.active:
            return
        subject = self.subject()
        if subject != self._subject:
            self._subject = subject
            self.subjectChanged.emit()
        elif view == QUEUE:
            self.subjectChanged.emit()  # the queue's row changed in place (preview, state)

    def _connection_changed(self) -> None:
        """A desk on the sandbox has only simulated records: its reports include them (else
        a sandbox-only desk's report would be empty)."""
        connection = self.desk.connection
        if connection is not None and connection.simulated:
            self.history.reports.simulated.setChecked(True)

    def _remember_exports(self) -> None:
        """Exports start where the last one went, across restarts: the remembered folder once
        the io pool found it still there (never looked at on the GUI thread)."""
        desk, place = self.desk, self.history.place
        place.remember = lambda folder: desk.save_settings(
            replace(desk.settings, export_folder=str(folder)))
        folder = desk.settings.export_folder
        if folder:
            work = desk.io_work

            def found(exists: bool) -> None:
                if exists and place.folder == Path.home():  # none chosen since
                    place.folder = Path(folder)

            work.tasks.run(work.pool, lambda: os.path.isdir(folder), lambda f: found(f.result()))

    def _operator_changed(self, name: str) -> None:
        self.worklist.model.viewer = name  # four eyes: one's own pending ones are not shown
        self.refresh_trail()

    # -- the selection as a decision subject -----------------------------------------------

    def subject(self) -> Subject | None:
        active = self.active
        if active == QUEUE:
            current = self.queue_view.current_item()
            selected = self.queue_view.selected_items()
            if current in selected:  # the current row first: it is the one shown
                selected.remove(current)
                selected.insert(0, current)
            return queue_subject(selected or ([current] if current else []))
        if active == WORKLIST:
            return work_subject(self.worklist.selected_items())
        if active == CASE:
            return work_subject(self.case.selected_items())
        if active == HISTORY and not self.on_reports:
            index = self.history.view.currentIndex()
            return record_subject(self.history.model.record(index.row())
                                  if index.isValid() else None)
        return None

    # -- moving on ---------------------------------------------------------------------------

    def select_next(self, decided: tuple[str, ...] = ()) -> bool:
        """The next item to decide in the active view (the queue's next undecided photo, the
        worklist's next open item, oldest first); the selection moves, never extends. Other
        views go to the worklist, a case to its next open check. False when nothing is
        left."""
        if self.active == QUEUE:
            current = self.queue_view.current_item()
            item = self.desk.decisions.next_undecided(current.id if current else None)
            if item is None or (item is current and current.record_id in decided):
                return False
            self.queue_view.select_only(self.desk.model.row_of(item.id) or 0)
            return True
        if self.active == CASE:
            return self.case.select_next(set(decided))
        if self.active != WORKLIST:
            self.show(WORKLIST)
            current = self.worklist.current_item()
            if current is None and self.worklist.model.rowCount():
                self.worklist.select_row(0)
                return True
        return self.worklist.select_next(set(decided))

    def refresh_trail(self) -> None:
        """The trail changed: the worklist (and its counts) always, the others when shown."""
        self.worklist.refresh()
        if self.active == HISTORY:
            self.history.refresh()
        elif self.active == CASE:
            self.case.refresh()


def scrolling(widget: QWidget) -> QScrollArea:
    """``widget`` in a frameless scroll area that follows its width."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(widget)
    return area
