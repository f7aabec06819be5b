"""What installers and desktops read: one version everywhere, a valid desktop entry, icons."""

from __future__ import annotations

import configparser
import xml.etree.ElementTree as ET
from pathlib import Path

from PIL import Image

from livedetect_gui import __version__

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
ICONS = ROOT / "resources" / "icons" / "app"


def test_metainfo_names_the_package_version() -> None:
    tree = ET.parse(PACKAGING / "io.livedetect.Desk.metainfo.xml")
    releases = [r.get("version") for r in tree.iter("release")]
    assert releases[0] == __version__, "add a <release> for the new version"
    assert tree.findtext("id") == "io.livedetect.Desk"
    assert tree.find("launchable").text == "io.livedetect.Desk.desktop"


def test_spec_takes_the_version_from_the_package() -> None:
    spec = (PACKAGING / "livedetect-gui.spec").read_text()
    assert "from livedetect_gui import __version__" in spec
    assert '"0.' not in spec and "'0." not in spec  # no second, hand-written version


def test_desktop_entry() -> None:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(PACKAGING / "io.livedetect.Desk.desktop", encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["Exec"].startswith("livedetect-gui")
    assert entry["Icon"] == "io.livedetect.Desk" and entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";") and "image/jpeg" in entry["MimeType"]
    assert "Name[zh_CN]" in entry


def test_icons_at_the_usual_sizes() -> None:
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        with Image.open(ICONS / f"livedetect-gui-{size}.png") as icon:
            assert icon.size == (size, size) and icon.mode == "RGBA"
    with Image.open(ICONS / "livedetect-gui.ico") as ico:
        assert {(16, 16), (32, 32), (256, 256)} <= set(ico.info["sizes"])
    with Image.open(ICONS / "livedetect-gui.icns") as icns:
        assert icns.size[0] >= 256
