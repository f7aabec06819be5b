"""The ``livedetect`` command as a user runs it: a real process, a real sandbox on loopback."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from livedetect_gui import __version__
from livedetect_gui.core.trail.history import default_path
from tests.conftest import make_photo, photo_with_verdict

SECRET = "the-secret-key-that-must-never-leak-0123456789"


def run(*args: str, env: dict[str, str] | None = None, stdin: str | None = None,
        timeout: float = 60) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "livedetect_gui.cli", *args], env=full_env,
                          capture_output=True, text=True, timeout=timeout, input=stdin)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


@pytest.fixture
def secret_sandbox(start_sandbox):
    from livedetect_gui.core.service.signing_legacy import Account

    # The tests' file servers are on loopback: URL mode may fetch from there.
    return start_sandbox(accounts=[Account("1000001", "AKIDcli", SECRET)],
                         allow_loopback_urls=True)


def sandbox_env(sandbox, tmp_path: Path) -> dict[str, str]:
    return {"LIVEDETECT_APPID": "1000001", "LIVEDETECT_SECRET_ID": "AKIDcli",
            "LIVEDETECT_SECRET_KEY": SECRET, "LIVEDETECT_ENDPOINT": sandbox.url,
            "XDG_DATA_HOME": str(tmp_path / "data")}


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


def test_sign_prints_the_signature_only() -> None:
    proc = run("sign", "--appid", "1000001", "--secret-id", "AKIDexampleSecretId0000000000000000",
               "--secret-key", "exampleSecretKey00000000000000000", "--now", "1700000000",
               "--rand", "12345")
    assert proc.stdout == (
        "VhtkikexYt/Q3Wxo7XIp6MESONlhPTEwMDAwMDEmYj0maz1BS0lEZXhhbXBsZVNlY3JldElk"
        "MDAwMDAwMDAwMDAwMDAwMCZlPTE3MDAwMDAwMzAmdD0xNzAwMDAwMDAwJnI9MTIzNDUmZj0=\n"
    )
    clock = run("sign", "--appid", "1", "--secret-id", "k", "--secret-key", "s").stdout.split()
    assert len(clock) == 1 and len(clock[0]) > 40


def test_exit_codes_pass_fail_error(tmp_path, secret_sandbox) -> None:
    env = sandbox_env(secret_sandbox, tmp_path)
    good, bad = tmp_path / "good.jpg", tmp_path / "bad.jpg"
    photo_with_verdict(good, "pass")
    photo_with_verdict(bad, "fail")
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 broken")
    assert run("check", "--force", str(good), env=env).returncode == 0
    assert run("check", "--force", str(good), str(bad), env=env).returncode == 1
    proc = run("check", "--force", str(good), str(bad), str(tmp_path / "broken.jpg"), env=env)
    assert proc.returncode == 2
    assert "truncated or corrupt" in proc.stdout
    proc = run("check", "--force", str(good), "--threshold", "100", env=env)
    assert proc.returncode == 1


def test_json_lines_and_folders(tmp_path, secret_sandbox) -> None:
    env = sandbox_env(secret_sandbox, tmp_path)
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    make_photo(1, (2000, 1500)).save(folder / "a.jpg")
    make_photo(2).save(folder / "sub" / "b.png")
    (folder / "readme.txt").write_text("not a photo")
    proc = run("check", "--force", str(folder), "--json", env=env)
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert sorted(Path(item["source"]).name for item in lines) == ["a.jpg", "b.png"]
    assert "skipped (not an image)" in proc.stderr
    for item in lines:
        assert set(item) >= {"source", "verdict", "score", "threshold", "code", "message",
                             "attempts", "elapsed_ms", "prepared"}
        assert item["verdict"] in ("pass", "fail") and item["code"] == 0
    big = next(i for i in lines if i["source"].endswith("a.jpg"))
    assert big["prepared"]["width"] == 960 and big["prepared"]["height"] == 720


def test_url_mode_from_the_cli(tmp_path, secret_sandbox) -> None:
    from tests.core.servers import file_server

    make_photo(3).save(tmp_path / "u.jpg")
    with file_server(tmp_path) as base:
        proc = run("check", "--force", "--url", f"{base}/u.jpg", "--json",
                   env=sandbox_env(secret_sandbox, tmp_path))
    item = json.loads(proc.stdout)
    assert item["code"] == 0 and item["prepared"] is None


def test_builtin_sandbox_runs_the_bundled_sample(tmp_path) -> None:
    from livedetect_gui import resource

    proc = run("check", "--force", "--sandbox", str(resource("samples/face.jpg")), "--json",
               env={"XDG_DATA_HOME": str(tmp_path)})
    item = json.loads(proc.stdout)
    assert item["verdict"] in ("pass", "fail") and proc.returncode in (0, 1)
    assert "SIMULATED" in proc.stderr
    assert item["simulated"] is True
    # The audit trail keeps it apart from real judgements.
    simulated = run("history", "--simulated", env={"XDG_DATA_HOME": str(tmp_path)})
    live = run("history", "--live", env={"XDG_DATA_HOME": str(tmp_path)})
    assert "face.jpg [simulated]" in simulated.stdout
    assert "face.jpg" not in live.stdout


def test_a_sandbox_process_behind_an_endpoint_is_still_marked_simulated(
        tmp_path, secret_sandbox) -> None:
    make_photo(7).save(tmp_path / "a.jpg")
    proc = run("check", "--force", str(tmp_path / "a.jpg"), "--json",
               env=sandbox_env(secret_sandbox, tmp_path))
    assert json.loads(proc.stdout)["simulated"] is True


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
    assert out.stat().st_mode & 0o777 == 0o600  # a face photo: private whatever the umask
    assert "JPEG 1080x720" in proc.stdout and "scaled down" in proc.stdout
    (tmp_path / "anim.gif").write_bytes(b"GIF89a")
    proc = run("prepare", str(tmp_path / "anim.gif"), "-o", str(out))
    assert proc.returncode == 2 and "->" in proc.stderr


def test_secret_never_in_logs_history_or_export(tmp_path, start_sandbox) -> None:
    """Verbose logging, every fault mode, wrong secrets: the key shows up nowhere."""
    from livedetect_gui.core.service.signing_legacy import Account

    sandbox = start_sandbox(accounts=[Account("1000001", "AKIDcli", SECRET)], fail_rate=0.2,
                            reset_rate=0.2, garbage_rate=0.1, throttle_rate=0.1, seed=5)
    env = sandbox_env(sandbox, tmp_path)
    for i in range(6):
        make_photo(i, (300, 200)).save(tmp_path / f"p{i}.jpg")
    (tmp_path / "bad.jpg").write_text("nope")
    outputs = []
    for extra_env in ({}, {"LIVEDETECT_SECRET_KEY": SECRET[::-1]}):
        proc = run("-v", "check", "--force", str(tmp_path), "--json", env={**env, **extra_env})
        outputs += [proc.stdout, proc.stderr]
    export = tmp_path / "export.csv"
    proc = run("history", "--export", str(export), env=env)
    assert proc.returncode == 0
    listing = run("history", "--limit", "100", env=env).stdout
    db_path = Path(env["XDG_DATA_HOME"]) / "livedetect-gui" / "history.sqlite3"
    rows = sqlite3.connect(db_path).execute("SELECT * FROM records").fetchall()
    # The first run records all 7; the second (wrong key) records what it reused or sent:
    # the photos a stopped batch never sent are not checks and are not recorded, and the
    # refused bad.jpg was recorded once already. Forced sends carry a sent_anyway event.
    second = [json.loads(line) for line in outputs[2].splitlines()]
    assert len(second) == 7
    kinds = [row[2] for row in rows]
    assert kinds.count("check") == 7 + sum(not i["message"].startswith("Not sent")
                                           and not i["source"].endswith("bad.jpg")
                                           for i in second)
    assert set(kinds) <= {"check", "sent_anyway"} and "sent_anyway" in kinds
    haystacks = [*outputs, export.read_text(), listing, repr(rows)]
    haystacks += [p.read_bytes().decode("latin-1") for p in db_path.parent.iterdir()]
    for text in haystacks:
        assert SECRET not in text and SECRET[::-1] not in text
    assert "INFO" in outputs[1]  # -v really logged something


def test_credentials_commands_without_keyring_say_so(tmp_path) -> None:
    env = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    proc = run("credentials", "set", "--appid", "1", "--secret-id", "k", stdin=SECRET + "\n",
               env=env)
    assert proc.returncode == 2 and "No usable OS keyring" in proc.stderr
    assert SECRET not in proc.stderr + proc.stdout


def test_credentials_commands_in_real_keyring(tmp_path) -> None:
    from livedetect_gui.core.service.credentials import CredentialStore

    if not CredentialStore().available():
        pytest.skip("no usable keyring backend (the README test command provides one)")
    profile = "cli-test-profile"
    proc = run("credentials", "set", "--profile", profile, "--appid", "1", "--secret-id", "AKID",
               stdin=SECRET + "\n")
    try:
        assert proc.returncode == 0, proc.stderr
        shown = run("credentials", "show", "--profile", profile).stdout
        assert "AKID" in shown and SECRET not in shown and SECRET[-4:] in shown
        assert profile in run("credentials", "list").stdout
    finally:
        assert run("credentials", "delete", "--profile", profile).returncode == 0
    assert run("credentials", "show", "--profile", profile).returncode == 2


def test_history_of_cli_checks_lands_in_user_data_dir(tmp_path, secret_sandbox) -> None:
    env = sandbox_env(secret_sandbox, tmp_path)
    make_photo(9).save(tmp_path / "h.jpg")
    run("check", "--force", str(tmp_path / "h.jpg"), env=env)
    assert (Path(env["XDG_DATA_HOME"]) / "livedetect-gui" / "history.sqlite3").exists()
    assert default_path().name == "history.sqlite3"


def test_concurrent_check_runs_keep_one_chain(tmp_path) -> None:
    """Six `livedetect check --sandbox` runs start together on a database not yet created."""
    from livedetect_gui.core.trail.history import History, Query

    db = tmp_path / "shared.sqlite3"
    procs = []
    for run_no in range(6):
        folder = tmp_path / f"run{run_no}"
        folder.mkdir()
        for i in range(4):
            make_photo(run_no * 10 + i, (200, 160)).save(folder / f"p{i}.jpg")
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "livedetect_gui.cli", "check", "--force", "--sandbox",
             "--history", str(db), str(folder)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True))
    for proc in procs:
        _out, err = proc.communicate(timeout=180)
        assert proc.returncode in (0, 1), err
        assert "Traceback" not in err and "not recorded" not in err
    history = History(db)
    state = history.verify()
    # Each photo is small, so held and forced: its check and a sent_anyway event, chained.
    assert state.intact and state.count == 48
    assert history.count(Query(kinds=["check"])) == 24
    history.close()


def test_check_with_damaged_history_says_so_once_and_keeps_rows(tmp_path) -> None:
    from livedetect_gui.core.trail.history import History

    db = tmp_path / "h.sqlite3"
    db.write_bytes(b"not a database at all" * 50)
    for i in range(5):
        make_photo(i, (200, 160)).save(tmp_path / f"p{i}.jpg")
    proc = run("check", "--force", "--sandbox", "--history", str(db), *(str(tmp_path / f"p{i}.jpg")
                                                             for i in range(5)))
    assert proc.returncode in (0, 1)
    assert proc.stderr.count("is damaged") == 1 and "5 results kept in" in proc.stderr
    db.rename(tmp_path / "damaged.sqlite3")
    assert len(History(db).entries(kinds=["check"])) == 5  # the spool went in at the next open


def test_cli_follows_lc_all_for_chinese_summaries(tmp_path) -> None:
    make_photo(1).save(tmp_path / "p.jpg")
    env = {"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8", "LANGUAGE": "",
           "XDG_DATA_HOME": str(tmp_path / "data")}
    proc = run("check", "--force", "--sandbox", str(tmp_path / "p.jpg"), env=env)
    assert "共检测 1 张" in proc.stderr and "沙箱" in proc.stderr
    assert "未通过" in proc.stdout or "通过" in proc.stdout


def test_closed_pipes_end_quietly(tmp_path) -> None:
    """`livedetect history | head` and `check --json | head -1`: no BrokenPipeError. The
    reader here (`true`) is gone before the command writes, so every write meets a closed
    pipe."""
    for i in range(3):
        make_photo(i).save(tmp_path / f"p{i}.jpg")
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    cli = f"{sys.executable} -m livedetect_gui.cli"
    subprocess.run(["bash", "-c", f"{cli} check --force --sandbox {tmp_path} > /dev/null"], env=env,
                   timeout=120, check=False)
    for command in (f"{cli} check --force --sandbox --json --concurrency 1 {tmp_path} | true",
                    f"{cli} history --limit 3 | true"):
        proc = subprocess.run(["bash", "-c", command], env=env, capture_output=True, text=True,
                              timeout=120)
        assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr, proc.stderr


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


def test_report_pdf_without_qt_says_to_install_the_gui_extra(tmp_path: Path) -> None:
    from livedetect_gui.cli.main import EXIT_ERROR
    from livedetect_gui.core.trail.history import History

    db = tmp_path / "h.sqlite3"
    History(db).close()
    args = ["report", "--from", "2026-01-01", "--to", "2026-12-31", "--history", str(db),
            "--pdf", str(tmp_path / "r.pdf")]
    code = ("import sys; sys.modules['PySide6'] = None; from livedetect_gui.cli.main import main; "
            f"sys.exit(main({args!r}))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == EXIT_ERROR and "gui" in proc.stderr and "pip install" in proc.stderr
    assert not (tmp_path / "r.pdf").exists()
