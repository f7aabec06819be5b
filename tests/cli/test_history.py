"""``livedetect history`` on an altered trail and with a bad --limit."""

from __future__ import annotations

import csv
import sqlite3

from livedetect_gui.cli.main import main
from livedetect_gui.core.trail.history import History
from tests.core.trail.trail_data import add_check


def trail(tmp_path):
    path = tmp_path / "h.sqlite3"
    history = History(path, operator="ann")
    ids = [add_check(history, "pass.jpg", at=1), add_check(history, "fail.jpg", score=20, at=2)]
    history.close()
    return path, ids


def test_an_intact_trail_lists_quietly_and_exports_plain_csv(tmp_path, capsys) -> None:
    path, _ids = trail(tmp_path)
    assert main(["history", "--history", str(path)]) == 0
    assert "altered" not in capsys.readouterr().err
    export = tmp_path / "out.csv"
    assert main(["history", "--history", str(path), "--export", str(export)]) == 0
    rows = list(csv.reader(export.open(encoding="utf-8")))
    assert rows[0][0] == "time" and len(rows) == 3


def test_an_altered_trail_warns_exits_1_and_marks_the_export(tmp_path, capsys,
                                                              monkeypatch) -> None:
    monkeypatch.setenv("LC_ALL", "C")
    path, ids = trail(tmp_path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE records SET score = 99 WHERE id = ?", (ids[1],))
    assert main(["history", "--history", str(path)]) == 1
    out, err = capsys.readouterr()
    assert "fail.jpg" in out and "altered" in err and "#2" in err
    export = tmp_path / "out.csv"
    assert main(["history", "--history", str(path), "--export", str(export)]) == 1
    first = export.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# AUDIT TRAIL NOT INTACT") and "#2" in first


def test_a_fail_row_says_fail_in_chinese(tmp_path, monkeypatch) -> None:
    path, _ids = trail(tmp_path)
    export = tmp_path / "out.csv"
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    assert main(["history", "--history", str(path), "--export", str(export)]) == 0
    rows = list(csv.DictReader(export.open(encoding="utf-8")))
    messages = {row["source"]: row["message"] for row in rows}
    assert messages == {"pass.jpg": "通过", "fail.jpg": "未通过"}


def test_a_negative_limit_is_a_usage_error(tmp_path, capsys) -> None:
    path, _ids = trail(tmp_path)
    assert main(["history", "--history", str(path), "--limit", "-3"]) == 64
    assert "--limit" in capsys.readouterr().err


def test_state_filters_list_undecided_and_held_checks(tmp_path, capsys) -> None:
    path = tmp_path / "h.sqlite3"
    history = History(path, operator="ann")
    decided = add_check(history, "decided.jpg", at=1)
    add_check(history, "waiting.jpg", at=2)
    add_check(history, "held.jpg", problem_key="held_dark", score=None, at=3)
    add_check(history, "refused.jpg", problem_key="not_image", score=None, at=4)
    history.decide(decided, "accept")
    history.close()
    capsys.readouterr()
    assert main(["history", "--history", str(path), "--state", "undecided"]) == 0
    listed = capsys.readouterr().out
    assert "waiting.jpg" in listed and "decided.jpg" not in listed
    assert "held.jpg" not in listed and "refused.jpg" not in listed
    assert main(["history", "--history", str(path), "--state", "held"]) == 0
    listed = capsys.readouterr().out
    assert "held.jpg" in listed and "waiting.jpg" not in listed
