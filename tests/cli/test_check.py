"""``livedetect check`` as a user runs it: a real process, a real sandbox on loopback; exit
codes, output, the history it writes, what it refuses, and calls counted at the sandbox."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from devsupport.windows import WINDOWS
from livedetect_gui.cli.main import main
from livedetect_gui.core.service.signing_legacy import Account
from livedetect_gui.core.trail.history import History, Query, default_path
from tests.cli.conftest import SECRET, expected_exit, photos, run, sandbox_env
from tests.conftest import make_photo, photo_with_verdict


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
    expected = expected_exit([resource("samples/face.jpg")])
    assert item["verdict"] == ("fail" if expected else "pass") and proc.returncode == expected
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
    for run_no, proc in enumerate(procs):
        _out, err = proc.communicate(timeout=180)
        expected = expected_exit(sorted((tmp_path / f"run{run_no}").iterdir()))
        assert proc.returncode == expected, err
        assert "Traceback" not in err and "not recorded" not in err
    history = History(db)
    state = history.verify()
    # Each photo is small, so held and forced: its check and a sent_anyway event, chained.
    assert state.intact and state.count == 48
    assert history.count(Query(kinds=["check"])) == 24
    history.close()


@pytest.mark.skipif(WINDOWS, reason="the spool's key is kept in the OS keyring, and on Windows "
                    "the test process's Credential Manager names (tests/conftest.py) are not the "
                    "command's: its spooled lines cannot be read back here")
def test_check_with_damaged_history_says_so_once_and_keeps_rows(tmp_path) -> None:
    from livedetect_gui.core.trail.history import History

    db = tmp_path / "h.sqlite3"
    db.write_bytes(b"not a database at all" * 50)
    for i in range(5):
        make_photo(i, (200, 160)).save(tmp_path / f"p{i}.jpg")
    paths = [tmp_path / f"p{i}.jpg" for i in range(5)]
    proc = run("check", "--force", "--sandbox", "--history", str(db), *map(str, paths))
    assert proc.returncode == expected_exit(paths)
    assert proc.stderr.count("is damaged") == 1 and "5 results kept in" in proc.stderr
    db.rename(tmp_path / "damaged.sqlite3")
    assert len(History(db).entries(kinds=["check"])) == 5  # the spool went in at next open


def test_rejected_credentials_stop_the_cli_with_exit_2(tmp_path, start_sandbox) -> None:
    sandbox = start_sandbox(accounts=[Account("1000001", "AKIDcli", SECRET)])
    env = {**sandbox_env(sandbox, tmp_path), "LIVEDETECT_SECRET_KEY": "wrong-secret"}
    folder = photos(tmp_path / "in", 60)
    proc = run("check", "--force", "--json", "--yes", "--concurrency", "4", str(folder),
               env=env)
    assert proc.returncode == 2
    assert sandbox.stats["requests"] <= 4 + 1
    items = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(items) == 60
    assert sum(i["message"].startswith("Not sent: the service rejected the credentials")
               for i in items) >= 55
    assert "rejected the credentials" in proc.stderr
    zh = run("check", "--force", "--lang", "zh", str(folder / "p000.jpg"), env=env)
    assert "拒绝" in zh.stdout + zh.stderr


def test_cost_line_before_a_large_batch_and_holds(tmp_path, start_sandbox) -> None:
    sandbox = start_sandbox(accounts=[Account("1000001", "AKIDcli", SECRET)])
    env = sandbox_env(sandbox, tmp_path)
    folder = photos(tmp_path / "in", 22)
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff broken")
    proc = run("check", str(folder), env=env)  # no terminal: the line, no prompt
    assert "0 billed calls (0 duplicates reused, 1 refused, 22 held by pre-checks)" in proc.stderr
    assert sandbox.stats["requests"] == 0  # face-free generated pictures are all held
    assert proc.stdout.count("HELD") == 22 and proc.returncode == 2
    proc = run("check", "--force", str(folder), env=env)
    assert "22 billed calls (0 duplicates reused, 1 refused, 0 held" in proc.stderr
    assert sandbox.stats["requests"] == 22
    proc = run("check", "--force", "--recheck", str(folder / "p000.jpg"), env=env)
    assert sandbox.stats["requests"] == 23


@pytest.mark.skipif(WINDOWS, reason="a pseudo-terminal (pty) is POSIX only")
@pytest.mark.parametrize(("answer", "calls"), [("n\n", 0), ("y\n", 21)])
def test_prompt_on_a_terminal(tmp_path, start_sandbox, answer, calls) -> None:
    import pty
    import select

    sandbox = start_sandbox(accounts=[Account("1000001", "AKIDcli", SECRET)])
    env = sandbox_env(sandbox, tmp_path)
    folder = photos(tmp_path / "in", 21)
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "livedetect_gui.cli", "check", "--force",
                             str(folder)], env={**os.environ, **env}, stdin=follower,
                            stderr=follower, stdout=subprocess.PIPE, text=True)
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + 60
    while b"Run? [y/N]" not in seen and time.monotonic() < deadline:
        if select.select([leader], [], [], 1.0)[0]:
            try:
                seen += os.read(leader, 1024)
            except OSError:  # EIO: the command ended and closed the terminal
                break
    ended = proc.poll()
    assert b"21 billed calls (0 duplicates reused, 0 refused, 0 held" in seen, (
        f"no prompt; exit {ended}; terminal: {seen!r}; "
        f"stdout: {proc.stdout.read() if ended is not None else ''!r}")
    os.write(leader, answer.encode())
    proc.communicate(timeout=60)
    os.close(leader)
    assert sandbox.stats["requests"] == calls
    with_yes = run("check", "--force", "--yes", str(folder / "p000.jpg"), env=env)
    assert with_yes.returncode == expected_exit([folder / "p000.jpg"])


def test_cli_names_the_bad_setting(tmp_path) -> None:
    photo = tmp_path / "p.jpg"
    photo.write_bytes(b"not checked")
    env = {"LIVEDETECT_APPID": "1", "LIVEDETECT_SECRET_ID": "k", "LIVEDETECT_SECRET_KEY": "s"}
    proc = run("check", str(photo), "--no-history", "--ca-bundle", "/nonexistent", env=env)
    assert proc.returncode == 64 and "CA bundle not found: /nonexistent" in proc.stderr
    proc = run("check", str(photo), "--no-history",
               env={**env, "LIVEDETECT_SECRET_KEY": "s\u00e9cret"})
    assert proc.returncode == 64 and "printable ASCII" in proc.stderr


def test_cli_check_api_tc3_json(tmp_path) -> None:
    path = tmp_path / "p.jpg"
    make_photo(1).save(path, "JPEG")
    proc = run("check", "--force", "--sandbox", "--api", "tc3", "--json", "--no-history", str(path))
    line = json.loads(proc.stdout.splitlines()[0])
    assert line["api"] == "tc3" and line["threshold"] == 40 and len(line["request_id"]) == 36
    assert isinstance(line["score"], float)
    assert proc.returncode == expected_exit([path], threshold=40, api="tc3")
    env = {"LIVEDETECT_API": "tc3", "LIVEDETECT_REGION": "ap-mars",
           "LIVEDETECT_SECRET_ID": "AKIDx", "LIVEDETECT_SECRET_KEY": "k"}
    bad = run("check", str(path), "--no-history", env=env)
    assert bad.returncode == 64 and "unknown region" in bad.stderr


def test_cli_api3_profile_and_environment(tmp_path, start_sandbox) -> None:
    from livedetect_gui.core.service.credentials import CredentialStore
    from livedetect_gui.core.service.signing_legacy import Account

    sandbox = start_sandbox(accounts=[Account("1000001", "AKIDcli3", "cli3-secret")])
    path = tmp_path / "p.jpg"
    make_photo(4).save(path, "JPEG")
    common = ["--force", "--no-history", "--json", "--endpoint", sandbox.url, str(path)]
    # The environment chooses the generation and region; no appid is needed.
    env = {"LIVEDETECT_SECRET_ID": "AKIDcli3", "LIVEDETECT_SECRET_KEY": "cli3-secret",
           "LIVEDETECT_API": "tc3", "LIVEDETECT_REGION": "ap-chengdu"}
    line = json.loads(run("check", *common, env=env).stdout)
    assert line["api"] == "tc3" and line["request_id"] and line["threshold"] == 40
    # A flag overrides the environment: the same keys on the legacy API need the appid.
    line = json.loads(run("check", "--api", "legacy", *common,
                          env={**env, "LIVEDETECT_APPID": "1000001"}).stdout)
    assert line["api"] == "legacy" and line["request_id"] is None and line["threshold"] == 87
    if not CredentialStore().available():
        pytest.skip("no usable keyring backend (the README test command provides one)")
    profile = "cli-tc3-profile"
    proc = run("credentials", "set", "--profile", profile, "--api", "tc3", "--region",
               "ap-nanjing", "--secret-id", "AKIDcli3", stdin="cli3-secret\n")
    try:
        assert proc.returncode == 0, proc.stderr
        shown = run("credentials", "show", "--profile", profile).stdout
        assert "tc3 (ap-nanjing)" in shown and "cli3-secret" not in shown
        line = json.loads(run("check", "--profile", profile, *common).stdout)
        assert line["api"] == "tc3" and line["verdict"] in ("pass", "fail")
    finally:
        run("credentials", "delete", "--profile", profile)
    bad = run("credentials", "set", "--profile", profile, "--api", "tc3", "--region", "moon",
              "--secret-id", "AKIDcli3", stdin="cli3-secret\n")
    assert bad.returncode == 64 and "unknown region" in bad.stderr


# -- a sandbox run: input order, held photos counted apart, refusals and holds recorded once
# and simulated, details in Chinese.


def mixed_photos(tmp_path):
    make_photo(1, (50, 50)).save(tmp_path / "small.jpg")
    (tmp_path / "empty.jpg").write_bytes(b"")
    frames = [Image.new("RGB", (300, 300), (i * 80, 0, 0)) for i in range(3)]
    frames[0].save(tmp_path / "anim.gif", save_all=True, append_images=frames[1:])
    make_photo(2, (640, 480)).save(tmp_path / "a.jpg")
    return [str(tmp_path / n) for n in ("small.jpg", "empty.jpg", "anim.gif", "a.jpg")]


def test_sandbox_run_in_order_held_apart_recorded_once(tmp_path, capsys) -> None:
    names = mixed_photos(tmp_path)
    db = tmp_path / "h.sqlite3"
    for _run in range(2):
        main(["check", "--sandbox", "--lang", "en", "--history", str(db), *names,
              "--url", "ftp://example.invalid/p.jpg"])
    out, err = capsys.readouterr()
    lines = [line for line in out.splitlines() if not line.startswith(" ")]
    shown = [line.split()[1].rstrip(":") for line in lines[:5]]
    assert shown == [*names, "ftp://example.invalid/p.jpg"]  # the order given
    assert "small.jpg: Held: the photo is too small" in out
    held = sum(line.startswith("HELD") for line in lines[:5])
    refused = sum(line.startswith("REFUSED") for line in lines[:5])
    assert (held, refused) == (2, 3)  # too small, no face; empty, animated, not http(s)
    # Neither held nor refused photos were checked, nor are they errors.
    assert "0 checked: " in err and "0 error" in err
    assert "2 held" in err and "3 refused" in err
    history = History(db)
    checks = history.entries(kinds=["check"])
    # Two runs, each refusal and hold once; everything of a sandbox run is simulated.
    assert len(checks) == 5 and all(r.simulated for r in checks)
    assert history.count(Query(kinds=["check"], verdicts=["error"])) == 5
    history.close()


def test_details_are_translated(tmp_path, capsys) -> None:
    names = mixed_photos(tmp_path)
    main(["check", "--sandbox", "--lang", "zh", "--no-history", *names[:3],
          "--url", "ftp://example.invalid/p.jpg"])
    out = capsys.readouterr().out
    assert "50x50，短边小于 240 像素" in out
    assert "GIF 动图，共 3 帧" in out
    assert "不是 http(s) URL" in out
    assert "short side" not in out and "frames" not in out and "成功" not in out
