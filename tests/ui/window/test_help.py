"""Help and the keyboard: every shortcut listed (deciding too), the quick guide's decide step,
deciding in a menu, no Alt+letter used twice in any view of the window (nor one of Alt+A/R/E)
or in the credentials dialog, the keyboard back from the decision panel, and window sizes that
fit the screen."""

from __future__ import annotations

import re

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QMenuBar, QWidget

from livedetect_gui.core.service.credentials import Api
from livedetect_gui.ui.desk import settings as desk_settings
from livedetect_gui.ui.window.layout_memory import DEFAULT_SIZE, fitted
from livedetect_gui.ui.window.views import CASE, HISTORY, QUEUE, WORKLIST
from tests.conftest import make_photo
from tests.ui.conftest import WAIT_MS, wait_final, wait_prepared


def mnemonics(root: QWidget) -> list[tuple[str, str]]:
    """(letter, text) of every Alt+letter shown in ``root``: labels, buttons, the menu bar."""
    found = []
    texts = [w.text() for w in root.findChildren(QLabel) + root.findChildren(QAbstractButton)
             if w.isVisibleTo(root)]
    for bar in root.findChildren(QMenuBar):
        texts += [a.text() for a in bar.actions()]
    for text in texts:
        if match := re.search(r"&([^&])", text.replace("&&", "")):
            found.append((match.group(1).lower(), text))
    return found


def twice(found: list[tuple[str, str]]) -> dict[str, list[str]]:
    letters: dict[str, list[str]] = {}
    for letter, text in found:
        letters.setdefault(letter, []).append(text)
    return {k: v for k, v in letters.items() if len(v) > 1}


def test_help_lists_every_shortcut_and_the_decide_step(qtbot, window) -> None:
    help_dialog = window.setup.show_help()
    rows = {help_dialog.table.item(r, 0).text(): help_dialog.table.item(r, 1).text()
            for r in range(help_dialog.table.rowCount())}
    assert (rows["Accept"], rows["Reject"], rows["Escalate"]) == ("Alt+A", "Alt+R", "Alt+E")
    assert rows["Settings…"] and rows["Credentials…"] == "Ctrl+K"
    guide = help_dialog.findChild(QLabel, "quickGuide").text()
    assert "Decide" in guide and "Alt+A" in guide
    help_dialog.close()
    decide_menu = window.menus["decide"]
    assert {"acceptAction", "rejectAction", "escalateAction"} <= {
        a.objectName() for a in decide_menu.actions()}


def test_no_alt_letter_is_used_twice(qtbot, window) -> None:
    deciding = {"a", "r", "e"}  # Alt+A/R/E decide wherever the focus is
    for tab, audit_tab in ((QUEUE, 0), (WORKLIST, 0), (CASE, 0), (HISTORY, 0), (HISTORY, 1)):
        window.views.show(tab)
        window.views.history.tabs.setCurrentIndex(audit_tab)  # Records, then Reports
        found = mnemonics(window)
        assert twice(found) == {}, (tab, audit_tab)
        assert [text for letter, text in found if letter in deciding] == [], (tab, audit_tab)
    dialog = window.setup.edit_credentials()
    for api in Api:
        dialog.api.setCurrentIndex(dialog.api.findData(api.value))
        assert twice(mnemonics(dialog)) == {}, api
    dialog.reject()


def test_the_keyboard_comes_back_from_the_decision_panel(qtbot, window, tmp_path) -> None:
    make_photo(1).save(tmp_path / "a.jpg")
    window.add_paths([str(tmp_path / "a.jpg")])
    wait_prepared(qtbot, window, 1)
    window.run_all()
    wait_final(qtbot, window)
    item = window.model.items()[0]
    qtbot.waitUntil(lambda: item.record_id is not None, timeout=WAIT_MS)
    window.queue_view.select_only(0)
    panel = window.decision_area.panel
    qtbot.waitUntil(lambda: panel.isEnabled(), timeout=WAIT_MS)
    # Against the verdict with no reason: the panel asks and takes the focus...
    against = "accept" if item.status.value != "pass" else "reject"
    window.flow.decide_key(against)
    assert "reason" in panel.problem.text()
    assert QApplication.focusWidget() is panel.reason
    # ...and Ctrl+1 (the Queue) gives it back to the list.
    window.actions["queueTab"].trigger()
    assert QApplication.focusWidget() is window.queue_view


def test_window_sizes_fit_the_screen(qtbot, make_window) -> None:
    laptop = QRect(0, 0, 1366, 728)  # 768 px less a panel
    width, height = fitted(DEFAULT_SIZE, laptop)
    assert width <= 1366 - 16 and height <= 728 - 40
    assert fitted((846, 466), QRect(0, 0, 1920, 1040)) == (846, 466)
    # Maximised when closed: maximised again, never the small size left behind.
    window = make_window()
    window.showMaximized()
    window.close()
    assert str(desk_settings.settings_store().value("window/maximized")).lower() == "true"
    again = make_window()
    qtbot.waitUntil(lambda: again.isMaximized(), timeout=WAIT_MS)
    desk_settings.settings_store().remove("window")
