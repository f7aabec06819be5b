"""Every command of the desk in one table (as MusicBrainz Picard keeps its actions): name,
text, shortcuts, icon, handler, menu and toolbar place. Menus, the toolbar and the shortcut
list in Help are all built from it, so a shortcut is written once and never repeated inside
a translated string.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar, QWidget

Key = QKeySequence.StandardKey
CONTEXT = "Actions"


@dataclass(frozen=True)
class ActionSpec:
    name: str  # attribute and object name: "open" -> window.actions["open"], "openAction"
    text: str  # source text, translated in the "Actions" context
    handler: str  # method of the window, or of the window part that owns the command
    menu: str  # key of MENUS
    shortcuts: tuple[str | QKeySequence.StandardKey, ...] = ()
    icon: str = ""  # freedesktop theme icon name
    toolbar: bool = False
    separator_before: bool = False  # in its menu and, if on it, the toolbar


MENUS: tuple[tuple[str, str], ...] = (
    ("file", QT_TRANSLATE_NOOP("Actions", "&File")),
    ("check", QT_TRANSLATE_NOOP("Actions", "&Check")),
    ("decide", QT_TRANSLATE_NOOP("Actions", "&Decide")),
    ("view", QT_TRANSLATE_NOOP("Actions", "&View")),
    ("settings", QT_TRANSLATE_NOOP("Actions", "&Settings")),
    ("help", QT_TRANSLATE_NOOP("Actions", "&Help")),
)

ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("open", QT_TRANSLATE_NOOP("Actions", "&Open photos…"), "open_files", "file",
               (Key.Open,), "document-open", toolbar=True),
    ActionSpec("paste", QT_TRANSLATE_NOOP("Actions", "&Paste image"), "paste", "file",
               (Key.Paste,), "edit-paste", toolbar=True),
    ActionSpec("urlFocus", QT_TRANSLATE_NOOP("Actions", "Add image &URL"), "focus_url", "file",
               ("Ctrl+L",)),
    ActionSpec("export", QT_TRANSLATE_NOOP("Actions", "&Export history…"), "export_history",
               "file", ("Ctrl+E",), separator_before=True),
    ActionSpec("quit", QT_TRANSLATE_NOOP("Actions", "&Quit"), "close", "file", (Key.Quit,),
               "application-exit", separator_before=True),
    ActionSpec("runSelected", QT_TRANSLATE_NOOP("Actions", "Run &selected"), "run_selected",
               "check", ("Ctrl+R",)),
    ActionSpec("runAll", QT_TRANSLATE_NOOP("Actions", "Run &all"), "run_all", "check",
               ("Ctrl+Return", "Ctrl+Enter"), "media-playback-start", toolbar=True,
               separator_before=True),
    ActionSpec("cancel", QT_TRANSLATE_NOOP("Actions", "&Cancel"), "cancel", "check", ("Esc",),
               "process-stop", toolbar=True),
    ActionSpec("retry", QT_TRANSLATE_NOOP("Actions", "&Retry failed"), "retry_failed", "check",
               ("Ctrl+Shift+R",), "view-refresh", toolbar=True),
    # A new billed call even for a photo judged before (asked first); a photo the
    # pre-checks hold sent anyway; a copy cropped to the face (an explicit choice).
    ActionSpec("checkAgain", QT_TRANSLATE_NOOP("Actions", "Check a&gain (billed)…"),
               "check_again", "check", ("Ctrl+Shift+G",)),
    ActionSpec("sendAnyway", QT_TRANSLATE_NOOP("Actions", "Send a&nyway"), "send_anyway",
               "check", ("Ctrl+Shift+Y",)),
    ActionSpec("cropFace", QT_TRANSLATE_NOOP("Actions", "Crop to the &face"), "crop_to_face",
               "check", ("Ctrl+Shift+F",)),
    ActionSpec("remove", QT_TRANSLATE_NOOP("Actions", "Re&move from queue"), "remove_selected",
               "check", (Key.Delete,), "list-remove", separator_before=True),
    ActionSpec("clear", QT_TRANSLATE_NOOP("Actions", "C&lear finished"), "clear_finished",
               "check"),
    # Deciding: the record selected in the active view (queue, worklist, history, case).
    ActionSpec("accept", QT_TRANSLATE_NOOP("Actions", "&Accept"), "decide_accept", "decide",
               ("Alt+A",)),
    ActionSpec("reject", QT_TRANSLATE_NOOP("Actions", "&Reject"), "decide_reject", "decide",
               ("Alt+R",)),
    ActionSpec("escalate", QT_TRANSLATE_NOOP("Actions", "&Escalate"), "decide_escalate",
               "decide", ("Alt+E",)),
    ActionSpec("agree", QT_TRANSLATE_NOOP("Actions", "Decide the selected as &judged"),
               "agree", "decide", ("Ctrl+Shift+D",)),
    ActionSpec("undo", QT_TRANSLATE_NOOP("Actions", "&Undo my last decision"), "undo",
               "decide", (Key.Undo,)),
    ActionSpec("approve", QT_TRANSLATE_NOOP("Actions", "A&pprove (four eyes)"), "approve",
               "decide", ("Ctrl+Shift+P",), separator_before=True),
    ActionSpec("refuse", QT_TRANSLATE_NOOP("Actions", "Re&fuse (four eyes)"), "refuse",
               "decide", ("Ctrl+Shift+X",)),
    ActionSpec("nextUndecided", QT_TRANSLATE_NOOP("Actions", "&Next photo to decide"),
               "next_item", "decide", ("Ctrl+Shift+N",), separator_before=True),
    ActionSpec("caseFocus", QT_TRANSLATE_NOOP("Actions", "Set the &case for the next photos"),
               "focus_case", "decide", ("Ctrl+Shift+K",)),
    ActionSpec("openLarge", QT_TRANSLATE_NOOP("Actions", "Show photo &large"), "show_large",
               "view", ("Ctrl+Shift+L",)),
    ActionSpec("queueTab", QT_TRANSLATE_NOOP("Actions", "&Queue"), "show_queue", "view",
               ("Ctrl+1",), separator_before=True),
    ActionSpec("worklistTab", QT_TRANSLATE_NOOP("Actions", "&Worklist"), "show_worklist",
               "view", ("Ctrl+2",)),
    ActionSpec("historyTab", QT_TRANSLATE_NOOP("Actions", "&History"), "show_history", "view",
               ("Ctrl+H", "Ctrl+3")),
    ActionSpec("caseTab", QT_TRANSLATE_NOOP("Actions", "C&ase"), "show_case", "view",
               ("Ctrl+4",)),
    ActionSpec("capture", QT_TRANSLATE_NOOP("Actions", "&Capture panel"), "toggle_capture",
               "view", ("Ctrl+Shift+C",), "camera-photo"),
    ActionSpec("credentials", QT_TRANSLATE_NOOP("Actions", "&Credentials…"),
               "edit_credentials", "settings", ("Ctrl+K",), "dialog-password", toolbar=True,
               separator_before=True),
    ActionSpec("operator", QT_TRANSLATE_NOOP("Actions", "Change &operator…"),
               "change_operator", "settings"),
    ActionSpec("settings", QT_TRANSLATE_NOOP("Actions", "&Settings…"), "edit_settings",
               "settings", ("Ctrl+,",), "preferences-system"),
    ActionSpec("help", QT_TRANSLATE_NOOP("Actions", "&Keyboard shortcuts and quick guide"),
               "show_help", "help", (Key.HelpContents,), "help-contents"),
    ActionSpec("about", QT_TRANSLATE_NOOP("Actions", "&About LiveDetect Desk"), "about",
               "help"),
)


def translate(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def plain(text: str) -> str:
    """Menu text without its mnemonic marker."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def shortcut_text(action: QAction) -> str:
    return ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText)
                     for s in action.shortcuts())


def build(owner: QObject, handler: Callable[[str], Callable[[], object]]) -> dict[str, QAction]:
    """One QAction per row, parented to ``owner``; ``handler(name)`` gives its slot."""
    actions = {}
    for spec in ACTIONS:
        action = QAction(owner)
        action.setObjectName(f"{spec.name}Action")
        if spec.icon:
            action.setIcon(QIcon.fromTheme(spec.icon))
        if spec.shortcuts:
            action.setShortcuts([QKeySequence(k) for k in spec.shortcuts])
        action.triggered.connect(handler(spec.handler))
        actions[spec.name] = action
    return actions


def retranslate(actions: dict[str, QAction]) -> None:
    for spec in ACTIONS:
        action = actions[spec.name]
        text = translate(spec.text)
        action.setText(text)
        keys = shortcut_text(action)
        action.setToolTip(f"{plain(text)} ({keys})" if keys else plain(text))


def shortcut_rows(actions: dict[str, QAction]) -> list[tuple[str, str]]:
    """(command, keys) for every action that has a shortcut, in table order."""
    return [(plain(translate(spec.text)), shortcut_text(actions[spec.name]))
            for spec in ACTIONS if actions[spec.name].shortcuts()]


SEPARATOR = None  # in ``after``: a toolbar separator


def install(window: QMainWindow, actions: dict[str, QAction],
            after: Mapping[str, Sequence[QWidget | None]]) -> tuple[dict[str, QMenu], QToolBar]:
    """Menus and the toolbar from the table; ``after[name]`` widgets follow that action on
    the toolbar (the URL field after Paste, the threshold after Retry)."""
    for action in actions.values():
        window.addAction(action)  # shortcuts work wherever the focus is
    toolbar = QToolBar()
    toolbar.setObjectName("mainToolbar")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    window.addToolBar(toolbar)
    menus = {key: window.menuBar().addMenu("") for key, _title in MENUS}
    for spec in ACTIONS:
        action = actions[spec.name]
        if spec.separator_before:
            menus[spec.menu].addSeparator()
        menus[spec.menu].addAction(action)
        if spec.toolbar:
            if spec.separator_before:
                toolbar.addSeparator()
            toolbar.addAction(action)
        for widget in after.get(spec.name, ()):
            if widget is SEPARATOR:
                toolbar.addSeparator()
            else:
                toolbar.addWidget(widget)
    return menus, toolbar
