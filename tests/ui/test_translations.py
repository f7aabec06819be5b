"""Every string of the Qt layer has a Simplified Chinese translation, compiled and current."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from livedetect_gui import resource

ROOT = Path(__file__).resolve().parents[2]


def tool(name: str) -> str:
    found = shutil.which(name) or str(Path(sys.executable).parent / name)
    if not Path(found).exists():
        pytest.skip(f"{name} not installed")
    return found


def test_ts_is_complete_for_the_current_code(tmp_path) -> None:
    ts = tmp_path / "check.ts"
    shutil.copy(resource("translations/livedetect_zh_CN.ts"), ts)
    sources = sorted(str(p) for p in (ROOT / "livedetect_gui" / "ui").rglob("*.py"))
    subprocess.run([tool("pyside6-lupdate"), "-no-obsolete", *sources, "-ts", str(ts)],
                   check=True, capture_output=True, timeout=120)
    unfinished = [m.find("source").text for m in ET.parse(ts).iter("message")
                  if m.find("translation").get("type") == "unfinished"
                  or not m.find("translation").text]
    assert unfinished == [], "run scripts/translations.sh and translate these"


def test_qm_is_compiled_from_the_ts(tmp_path) -> None:
    qm = tmp_path / "check.qm"
    subprocess.run([tool("pyside6-lrelease"), str(resource("translations/livedetect_zh_CN.ts")),
                    "-qm", str(qm)], check=True, capture_output=True, timeout=120)
    assert qm.read_bytes() == resource("translations/livedetect_zh_CN.qm").read_bytes()


def test_every_single_line_tr_literal_is_in_the_ts() -> None:
    """lupdate misses some literals (e.g. a tr() inside an f-string): each one the code
    passes to tr() must be in the .ts, or it shows in English in the Chinese desk."""
    import re

    known = {m.find("source").text for m in
             ET.parse(resource("translations/livedetect_zh_CN.ts")).iter("message")}
    pattern = re.compile(r"""\btr\(\s*(?P<q>['"])(?P<text>[^'"\\]+)(?P=q)\s*[,)]""")
    missing = sorted({m.group("text")
                      for p in (ROOT / "livedetect_gui" / "ui").rglob("*.py")
                      for m in pattern.finditer(p.read_text(encoding="utf-8"))} - known)
    assert missing == []
