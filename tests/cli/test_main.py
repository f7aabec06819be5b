"""The ``livedetect`` entry point as a user runs it: version and help, usage errors, the
language of its output, closed pipes, and what it imports at start."""

from __future__ import annotations

import os
import subprocess
import sys

from livedetect_gui import __version__
from tests.cli.conftest import run
from tests.conftest import data_home, make_photo


def test_version_and_help_for_every_command() -> None:
    assert run("--version").stdout.strip() == f"livedetect {__version__}"
    for command in ([], ["check"], ["sign"], ["prepare"], ["sandbox"], ["credentials"],
                    ["credentials", "set"], ["history"]):
        proc = run(*command, "--help")
        assert proc.returncode == 0 and "usage:" in proc.stdout


def test_usage_errors_exit_64() -> None:
    assert run().returncode == 64
    assert run("check").returncode == 64  # nothing to check
    assert run("check", "--force", "--bogus").returncode == 64
    assert run("check", "--force", "x.jpg", "--threshold", "abc").returncode == 64
    assert run("check", "--force", "x.jpg", "--concurrency", "0", "--sandbox").returncode == 64
    proc = run("check", "--force", "x.jpg", env={"LIVEDETECT_APPID": "", "HOME": "/nonexistent"})
    assert proc.returncode == 64 and "no credentials" in proc.stderr
    proc = run("check", "--force", "x.jpg", env={
        "LIVEDETECT_APPID": "1", "LIVEDETECT_SECRET_ID": "AKID", "LIVEDETECT_SECRET_KEY": "k",
        "LIVEDETECT_API": "v3", "LANG": "zh_CN.UTF-8", "LANGUAGE": "", "LC_ALL": ""})
    assert proc.returncode == 64 and "'v3'" in proc.stderr and "未知的服务版本" in proc.stderr
    proc = run("check", "--force", "x.jpg", "--endpoint", "ftp://nope",
               env={"LIVEDETECT_APPID": "1", "LIVEDETECT_SECRET_ID": "k",
                    "LIVEDETECT_SECRET_KEY": "s"})
    assert proc.returncode == 64 and "bad endpoint" in proc.stderr


def test_cli_follows_lc_all_for_chinese_summaries(tmp_path) -> None:
    make_photo(1).save(tmp_path / "p.jpg")
    env = {"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8", "LANGUAGE": "",
           "XDG_DATA_HOME": str(tmp_path / "data")}
    proc = run("check", "--force", "--sandbox", str(tmp_path / "p.jpg"), env=env)
    assert "共检测 1 张" in proc.stderr and "沙箱" in proc.stderr
    assert "未通过" in proc.stdout or "通过" in proc.stdout


def test_closed_pipes_end_quietly(tmp_path) -> None:
    """`livedetect history | head` and `check --json | head -1`: no BrokenPipeError (Windows
    reports the write as EINVAL, cli/console.py). The reader here is gone before the command
    writes, so every write meets a closed pipe."""
    for i in range(3):
        make_photo(i).save(tmp_path / f"p{i}.jpg")
    env = {**os.environ, **data_home(tmp_path / "data")}
    cli = [sys.executable, "-m", "livedetect_gui.cli"]
    subprocess.run([*cli, "check", "--force", "--sandbox", str(tmp_path)], env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120,
                   check=False)
    for args in (["check", "--force", "--sandbox", "--json", "--concurrency", "1", str(tmp_path)],
                 ["history", "--limit", "3"]):
        proc = subprocess.Popen([*cli, *args], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, encoding="utf-8")
        assert proc.stdout is not None
        proc.stdout.close()  # the reader quits at once, as `head` after its lines
        proc.stdout = None
        _, err = proc.communicate(timeout=120)
        assert "Traceback" not in err and "BrokenPipe" not in err, err
        assert "Exception ignored" not in err, err


def test_gui_without_qt_says_what_to_install() -> None:
    for args in ([], ["--self-test"]):
        code = ("import sys; sys.modules['PySide6'] = None\n"
                "from livedetect_gui.ui.app import main\n"
                f"sys.exit(main({args!r}))")
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=60)
        assert proc.returncode == 2
        assert "Traceback" not in proc.stderr
        assert "pip install 'livedetect-gui[gui]'" in proc.stderr


def test_version_imports_nothing_heavy() -> None:
    code = ("import sys; from livedetect_gui.cli.main import main\n"
            "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('requests', 'PIL', 'keyring', 'sqlite3', 'cv2', 'numpy', "
            "'logging', 'typing') if m in sys.modules]\nprint(heavy)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=30)
    assert proc.stdout.strip().endswith("[]"), proc.stdout
