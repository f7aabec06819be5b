"""The local spool's lines are authenticated: a hand-written line is refused and reported,
never chained."""

from __future__ import annotations

import json
import stat
import uuid

from devsupport.windows import WINDOWS
from livedetect_gui.core.result import CheckResult
from livedetect_gui.core.trail.chain import check_record, row_values
from livedetect_gui.core.trail.history import History
from livedetect_gui.core.trail.spool_file import (
    KEY_FILE,
    SpoolKeys,
    key_file,
    read_spool,
    spool,
)


class _NoKeyring(SpoolKeys):
    """A desk without an OS keyring: the key file beside the history is used."""

    def available(self) -> bool:
        return False


def _record(n: int):
    return check_record(CheckResult(source=f"p{n}.jpg", threshold=87, score=95, code=0,
                                    attempts=1), "ann", "ann", "desk1")


def _keys() -> SpoolKeys:
    # Each test its own keyring entry (the tests' keyring is a throwaway one).
    return SpoolKeys(service=f"livedetect-gui-spool-test-{uuid.uuid4().hex}")


def test_spooled_records_are_written_and_a_forged_line_is_refused(tmp_path) -> None:
    path = tmp_path / "h.sqlite3"
    spool_path = path.with_name(path.name + ".spool")
    keys = _keys()
    assert spool(spool_path, _record(1), keys, path)
    # Someone appends a record of their own, well-formed but not signed with the key...
    forged = row_values(_record(2))
    with open(spool_path, "a", encoding="utf-8") as out:
        out.write(json.dumps(forged) + "\n")  # the old, unsigned format
        out.write(json.dumps({"key": "keyring", "mac": "00" * 32,
                              "record": json.dumps(forged)}) + "\n")
    history = History(path, spool_keys=keys)
    sources = [r.source for r in history.entries()]
    assert sources == ["p1.jpg"]
    state = history.verify()
    assert not state.intact and state.problem == "spool_refused"
    assert ".refused" in state.message()
    refused = spool_path.with_name(spool_path.name + ".refused")
    # Windows: privacy is the profile folder's ACL (tests/core/test_paths.py), not mode bits.
    assert WINDOWS or stat.S_IMODE(refused.stat().st_mode) == 0o600
    # With a keyring both are refused; without one, the line claiming the keyring's key
    # waits in the spool (never chained) until the keyring can be asked.
    waiting = history.spooled()
    assert len(refused.read_text().splitlines()) + waiting == 2
    assert waiting == (0 if keys.available() else 1)
    history.close()


def test_an_edited_signed_line_is_refused(tmp_path) -> None:
    path = tmp_path / "h.sqlite3"
    spool_path = path.with_name(path.name + ".spool")
    keys = _keys()
    spool(spool_path, _record(1), keys, path)
    line = json.loads(spool_path.read_text())
    line["record"] = line["record"].replace('"score":95.0', '"score":5.0')
    assert '"score":5.0' in line["record"]
    spool_path.write_text(json.dumps(line) + "\n")
    found = read_spool(spool_path, keys, path)
    assert found.records == [] and len(found.refused) == 1


def test_without_a_keyring_the_key_is_a_private_file_beside_the_history(tmp_path) -> None:
    path = tmp_path / "h.sqlite3"
    spool_path = path.with_name(path.name + ".spool")
    keys = _NoKeyring(service=f"livedetect-gui-spool-test-{uuid.uuid4().hex}")
    assert spool(spool_path, _record(1), keys, path)
    assert json.loads(spool_path.read_text())["key"] == KEY_FILE
    assert WINDOWS or stat.S_IMODE(key_file(path).stat().st_mode) == 0o600
    history = History(path, spool_keys=_NoKeyring(service=keys.service))
    assert [r.source for r in history.entries()] == ["p1.jpg"]
    assert history.verify().intact
    history.close()
