"""Private files and folders whatever the umask; atomic writes that never half-overwrite."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import livedetect_gui
from devsupport.windows import WINDOWS, readers_beyond_owner, under_wine
from livedetect_gui.core.paths import (
    append_private,
    atomic_private,
    open_private,
    private_dir,
    write_private,
)


@pytest.fixture
def open_umask():
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.skipif(WINDOWS, reason="mode bits mean nothing on Windows: see the ACL test")
def test_private_dir_and_files_under_a_permissive_umask(tmp_path, open_umask):
    folder = private_dir(tmp_path / "data" / "captures")
    assert mode(folder) == 0o700
    write_private(folder / "a.jpg", b"face")
    assert mode(folder / "a.jpg") == 0o600
    with open_private(folder / "b.csv", "w") as out:
        out.write("x")
    assert mode(folder / "b.csv") == 0o600


@pytest.mark.skipif(WINDOWS, reason="mode bits mean nothing on Windows: see the ACL test")
def test_open_private_tightens_an_existing_readable_file(tmp_path, open_umask):
    target = tmp_path / "settings.ini"
    target.write_text("old")
    os.chmod(target, 0o644)
    with open_private(target, "w") as out:
        out.write("new")
    assert mode(target) == 0o600
    assert target.read_text() == "new"


def test_atomic_private_keeps_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "export.csv"
    target.write_text("yesterday's audit\n")
    with pytest.raises(RuntimeError), atomic_private(target, "w") as out:
        out.write("half")
        raise RuntimeError("disk full")
    assert target.read_text() == "yesterday's audit\n"
    assert [p.name for p in tmp_path.iterdir()] == ["export.csv"]  # no temporary left behind


@pytest.mark.skipif(WINDOWS, reason="mode bits mean nothing on Windows: see the ACL test")
def test_the_data_folder_is_private_whatever_the_umask(open_umask, tmp_path, monkeypatch) -> None:
    from livedetect_gui.core.paths import data_dir
    from livedetect_gui.core.trail.history import History

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    (tmp_path / "xdg").mkdir()
    history = History()
    history.close()
    assert stat.S_IMODE(data_dir().stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "xdg").stat().st_mode) == 0o755  # the operator's own
    other = tmp_path / "elsewhere" / "h.sqlite3"
    History(other).close()  # a folder the operator chose keeps its mode
    assert stat.S_IMODE(other.parent.stat().st_mode) == 0o755


def unredirected(code: str) -> str:
    """What a child process prints without the test run's folder redirection (reads nothing
    from the profile, writes nothing: the folder's name only)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIN_PD_OVERRIDE_")}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


@pytest.mark.skipif(not WINDOWS, reason="Windows only (its profile folders)")
def test_windows_private_files() -> None:
    """Windows has no mode bits to set: the desk's files are private because they live in the
    user's own profile (%LOCALAPPDATA%, %APPDATA%), whose ACL admits the user, SYSTEM and
    Administrators only; never beside the program, where other accounts can read."""
    data = Path(unredirected("from livedetect_gui.core.paths import data_dir; print(data_dir())"))
    profile = Path(os.environ["USERPROFILE"])
    assert data.is_relative_to(profile) and data.name == "livedetect-gui"
    program = Path(sys.executable).parent
    package = Path(livedetect_gui.__file__).parent
    assert not data.is_relative_to(program) and not data.is_relative_to(package)


@pytest.mark.skipif(not WINDOWS or under_wine(),
                    reason="real Windows only (Wine derives ACLs from Unix mode bits)")
def test_windows_profile_folders_admit_no_one_else() -> None:
    for folder in unredirected(
            "import os; print(os.environ['LOCALAPPDATA']); print(os.environ['APPDATA'])"
    ).splitlines():
        assert readers_beyond_owner(folder) == [], folder


def test_atomic_private_closes_before_cleaning_up_and_keeps_the_error(tmp_path) -> None:
    """The temporary file is closed before it is removed (Windows refuses to delete an open
    file, and that error would hide the real one) and never left behind."""
    target = tmp_path / "queue.json"
    with pytest.raises(ValueError, match="not serialisable"), atomic_private(target) as out:
        out.write(b"partial")
        raise ValueError("not serialisable")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(TypeError), atomic_private(target, "w") as out:
        out.write(b"bytes into a text file")  # fails inside the write itself
    assert list(tmp_path.iterdir()) == []
    with atomic_private(target, "w") as out:
        out.write("whole")
    assert target.read_text() == "whole" and list(tmp_path.iterdir()) == [target]


def test_append_private_lands_every_line_whole_with_writers_at_once(tmp_path) -> None:
    """Workers spool records at the same moment: every line is kept, none overwrites another
    (Windows' C runtime append is a seek then a write, which loses lines there)."""
    target = tmp_path / "history.sqlite3.spool"
    writers, lines_each = 8, 150

    def write(writer: int) -> None:
        for n in range(lines_each):
            append_private(target, f"{writer:02d}-{n:04d}-{'x' * (200 + n)}\n".encode())

    with ThreadPoolExecutor(writers) as pool:
        list(pool.map(write, range(writers)))
    lines = target.read_text().splitlines()
    expected = {f"{w:02d}-{n:04d}-{'x' * (200 + n)}" for w in range(writers)
                for n in range(lines_each)}
    assert len(lines) == writers * lines_each and set(lines) == expected
    assert WINDOWS or mode(target) == 0o600
