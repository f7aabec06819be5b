"""``livedetect check`` in a sandbox run: input order, held photos counted apart, refusals
and holds recorded once and simulated, details in Chinese."""

from __future__ import annotations

from PIL import Image

from livedetect_gui.cli.main import main
from livedetect_gui.core.trail.history import History, Query
from tests.conftest import make_photo


def photos(tmp_path):
    make_photo(1, (50, 50)).save(tmp_path / "small.jpg")
    (tmp_path / "empty.jpg").write_bytes(b"")
    frames = [Image.new("RGB", (300, 300), (i * 80, 0, 0)) for i in range(3)]
    frames[0].save(tmp_path / "anim.gif", save_all=True, append_images=frames[1:])
    make_photo(2, (640, 480)).save(tmp_path / "a.jpg")
    return [str(tmp_path / n) for n in ("small.jpg", "empty.jpg", "anim.gif", "a.jpg")]


def test_sandbox_run_in_order_held_apart_recorded_once(tmp_path, capsys) -> None:
    names = photos(tmp_path)
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
    assert f"{5 - held} checked" in err and f"{held} held" in err
    history = History(db)
    checks = history.entries(kinds=["check"])
    # Two runs, each refusal and hold once; everything of a sandbox run is simulated.
    assert len(checks) == 5 and all(r.simulated for r in checks)
    assert history.count(Query(kinds=["check"], verdicts=["error"])) == 5
    history.close()


def test_details_are_translated(tmp_path, capsys) -> None:
    names = photos(tmp_path)
    main(["check", "--sandbox", "--lang", "zh", "--no-history", *names[:3],
          "--url", "ftp://example.invalid/p.jpg"])
    out = capsys.readouterr().out
    assert "50x50，短边小于 240 像素" in out
    assert "GIF 动图，共 3 帧" in out
    assert "不是 http(s) URL" in out
    assert "short side" not in out and "frames" not in out and "成功" not in out
