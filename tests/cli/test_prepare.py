"""``livedetect prepare`` as a user runs it: a private, fitting JPEG or the reason it cannot be."""

from __future__ import annotations

import os

from devsupport.windows import WINDOWS
from tests.cli.conftest import run
from tests.conftest import make_photo


def test_prepare_command(tmp_path) -> None:
    source = tmp_path / "big.png"
    make_photo(4, (3000, 2000)).save(source)
    out = tmp_path / "out.jpg"
    old_umask = os.umask(0o022)
    try:
        proc = run("prepare", str(source), "-o", str(out))
    finally:
        os.umask(old_umask)
    assert proc.returncode == 0 and out.exists()
    if not WINDOWS:  # Windows: the folder's ACL (tests/core/test_paths.py)
        assert out.stat().st_mode & 0o777 == 0o600  # a face photo: private whatever the umask
    assert "JPEG 1080x720" in proc.stdout and "scaled down" in proc.stdout
    (tmp_path / "anim.gif").write_bytes(b"GIF89a")
    proc = run("prepare", str(tmp_path / "anim.gif"), "-o", str(out))
    assert proc.returncode == 2 and "->" in proc.stderr
