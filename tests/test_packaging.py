"""What installers and desktops read: one version everywhere, a valid desktop entry, icons."""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
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


@pytest.mark.skipif(os.environ.get("SKIP_PACKAGING") == "1", reason="packaging steps skipped")
def test_building_the_wheel_is_quiet(tmp_path) -> None:
    """pip's isolated build (as at a first install) raises no setuptools warnings."""
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    noisy = [line for line in (proc.stdout + proc.stderr).splitlines()
             if "Warning" in line or line.strip() == "!!"]
    assert noisy == []
    with zipfile.ZipFile(next(tmp_path.glob("*.whl"))) as wheel:
        names = wheel.namelist()
    for member in ("livedetect_gui/resources/translations/livedetect_zh_CN.qm",
                   "livedetect_gui/resources/icons/app/livedetect-gui-128.png",
                   "livedetect_gui/resources/samples/face.jpg",
                   "livedetect_gui/resources/models/face_detection_full_range.tflite",
                   "livedetect_gui/resources/models/LICENSE-Apache-2.0.txt"):
        assert member in names
