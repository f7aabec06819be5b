"""The cost box before a large batch: what it will cost, Run or Cancel."""

from __future__ import annotations

import shutil

from tests.ui.conftest import (
    WAIT_MS,
    as_sandbox,
    face_photo,
    photos,
    wait_final_or_held,
    wait_prepared,
)


def test_a_large_batch_shows_its_cost_with_run_and_cancel(qtbot, make_window, sandbox,
                                                          tmp_path) -> None:
    window = make_window(prechecks=True, confirm_over=3)
    as_sandbox(window, sandbox)
    face = face_photo(tmp_path)
    shutil.copy(face, tmp_path / "face-copy.png")
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8 not a photo")
    window.add_paths([face, str(tmp_path / "face-copy.png"), str(broken), *photos(tmp_path, 2)])
    wait_prepared(qtbot, window, 5)
    window.run_all()
    qtbot.waitUntil(lambda: window.billing.cost_dialog is not None
                    and window.billing.cost_dialog.isVisible(), timeout=WAIT_MS)
    dialog = window.billing.cost_dialog
    assert dialog.line.text() == ("1 billed call (1 duplicates reused, 1 refused, "
                                  "2 held by pre-checks)")
    with qtbot.waitSignal(window.desk.notice, timeout=WAIT_MS,
                          check_params_cb=lambda text: text == "Nothing sent."):
        dialog.cancel_button.click()
    assert not window.desk.runs.running and not window.desk.cancellable
    assert sandbox.stats["requests"] == 0
    window.run_all()
    qtbot.waitUntil(lambda: window.billing.cost_dialog is not dialog
                    and window.billing.cost_dialog.isVisible(), timeout=WAIT_MS)
    window.billing.cost_dialog.run_button.click()
    wait_final_or_held(qtbot, window)
    assert sandbox.stats["requests"] == 1
