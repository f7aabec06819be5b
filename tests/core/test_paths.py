"""Private files and folders whatever the umask; atomic writes that never half-overwrite."""

from __future__ import annotations

import os
import stat

import pytest

from livedetect_gui.core.paths import atomic_private, open_private, private_dir, write_private


@pytest.fixture
def open_umask():
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_private_dir_and_files_under_a_permissive_umask(tmp_path, open_umask):
    folder = private_dir(tmp_path / "data" / "captures")
    assert mode(folder) == 0o700
    write_private(folder / "a.jpg", b"face")
    assert mode(folder / "a.jpg") == 0o600
    with open_private(folder / "b.csv", "w") as out:
        out.write("x")
    assert mode(folder / "b.csv") == 0o600


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
