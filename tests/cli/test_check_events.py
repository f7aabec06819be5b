"""The trail events ``livedetect check`` writes (a real process, a real sandbox on loopback):
a hold once per content and holds, the override with who, which holds and why (``--force
--reason/--note``), the case reference (``--case``) and the re-check event (``--recheck``)."""

from __future__ import annotations

import json
from pathlib import Path

from livedetect_gui.core.trail.chain import Kind, Record
from livedetect_gui.core.trail.events import holds_of
from livedetect_gui.core.trail.history import History
from tests.cli.conftest import run, sandbox_env
from tests.conftest import data_home, make_photo


def records(path: Path) -> list[Record]:
    history = History(path)
    try:
        return sorted(history.stream(), key=lambda r: r.seq)
    finally:
        history.close()


def held_photo(tmp_path: Path) -> Path:
    """A generated picture has no face: the pre-checks hold it."""
    path = tmp_path / "held.jpg"
    make_photo(7, (320, 240)).save(path, quality=90)
    return path


def env_for(secret_sandbox, tmp_path: Path) -> dict[str, str]:
    return {**sandbox_env(secret_sandbox, tmp_path), "LIVEDETECT_OPERATOR": "ann"}


def test_a_held_photo_is_recorded_once_however_often_it_is_run(tmp_path) -> None:
    env = {**data_home(tmp_path / "data"), "LIVEDETECT_OPERATOR": "ann"}
    trail, photo = tmp_path / "h.sqlite3", held_photo(tmp_path)
    for _run in range(2):  # a sandbox run: its hold is simulated, though nothing was sent
        proc = run("check", "--sandbox", "--json", "--history", str(trail), str(photo),
                   env=env)
        assert json.loads(proc.stdout)["held"] is True
    held, = records(trail)
    assert held.kind == Kind.CHECK and held.problem_key == "held_no_face"
    assert holds_of(held) == ("held_no_face",) and held.attempts == 0
    assert held.operator == "ann" and held.simulated


def test_force_with_a_reason_a_note_and_a_case(tmp_path, secret_sandbox) -> None:
    env, trail = env_for(secret_sandbox, tmp_path), tmp_path / "h.sqlite3"
    photo = held_photo(tmp_path)
    run("check", "--history", str(trail), "--case", " A-17  Li ", str(photo), env=env)
    proc = run("check", "--history", str(trail), "--case", "A-17 Li", "--force", "--reason",
               "in_person", "--note", "lamp broken", str(photo), env=env)
    assert proc.returncode in (0, 1) and secret_sandbox.stats["requests"] == 1
    held, forced, event = records(trail)
    assert held.problem_key == "held_no_face" and held.reference == "A-17 Li"
    assert forced.override and forced.attempts > 0 and forced.reference == "A-17 Li"
    assert event.kind == Kind.SENT_ANYWAY and event.check_id == forced.id
    assert event.operator == "ann" and event.reason == "in_person"
    assert event.note == "lamp broken" and holds_of(event) == holds_of(held)
    assert event.simulated == forced.simulated  # the answer says so (an undeclared sandbox)
    assert event.reference == "A-17 Li"


def test_a_reason_is_checked_before_anything_is_sent(tmp_path, secret_sandbox) -> None:
    env, trail = env_for(secret_sandbox, tmp_path), tmp_path / "h.sqlite3"
    photo = held_photo(tmp_path)
    proc = run("check", "--history", str(trail), "--force", "--reason", "because", str(photo),
               env=env)
    assert proc.returncode == 64 and "not one of the configured reasons" in proc.stderr
    proc = run("check", "--history", str(trail), "--reason", "in_person", str(photo), env=env)
    assert proc.returncode == 64 and "--force" in proc.stderr
    assert secret_sandbox.stats["requests"] == 0 and not trail.exists()


def test_recheck_names_the_judgement_it_repeats(tmp_path, secret_sandbox) -> None:
    env, trail = env_for(secret_sandbox, tmp_path), tmp_path / "h.sqlite3"
    judged, fresh = tmp_path / "judged.jpg", tmp_path / "fresh.jpg"
    make_photo(8, (320, 240)).save(judged, quality=90)
    make_photo(9, (320, 240)).save(fresh, quality=90)
    run("check", "--force", "--history", str(trail), str(judged), env=env)
    first, = [r for r in records(trail) if r.kind == Kind.CHECK]
    assert first.verdict in ("pass", "fail")
    proc = run("check", "--force", "--recheck", "--history", str(trail), str(judged), str(fresh),
               env=env)
    assert proc.returncode in (0, 1) and secret_sandbox.stats["requests"] == 3
    events = [r for r in records(trail) if r.kind == Kind.RECHECK]
    assert [(e.check_id, e.operator, e.source) for e in events] == [
        (first.id, "ann", first.source)]  # the fresh photo had nothing to repeat
    again = [r for r in records(trail) if r.kind == Kind.CHECK and r.source == first.source]
    assert len(again) == 2 and events[0].seq < again[1].seq  # written before the call
