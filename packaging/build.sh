#!/usr/bin/env bash
# Build the one-folder bundle of livedetect-gui with PyInstaller, then prove it works: run the
# built program's --self-test offscreen and fail unless it reports a verdict from the
# in-process sandbox. Output: dist/livedetect-gui/ (and a .tar.gz of it on Linux).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/python -m pip install -q "pyinstaller>=6.10"
rm -rf build/pyinstaller dist/livedetect-gui
start=$(date +%s)
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN \
  --workpath build/pyinstaller --distpath dist packaging/livedetect-gui.spec
echo "build: bundle built in $(( $(date +%s) - start )) s"

bin=dist/livedetect-gui/livedetect-gui
[ -x "$bin" ] || bin=dist/livedetect-gui/livedetect-gui.exe
out=$(QT_QPA_PLATFORM=offscreen HOME="$(mktemp -d)" XDG_DATA_HOME="$(mktemp -d)" \
      XDG_CONFIG_HOME="$(mktemp -d)" timeout 120 "$bin" --self-test 2>/dev/null) || true
echo "$out"
case "$out" in
  "self-test ok: sample judged"*) echo "build: self-test of the bundle reported a verdict" ;;
  *) echo "build: FAILED: the bundle's self-test reported no verdict" >&2; exit 1 ;;
esac
# The shared-history driver and its own libpq travel with the bundle (see the spec).
[ -n "$(find dist/livedetect-gui -path '*psycopg_binary*' -name 'libpq*.so*')" ] \
  || { echo "build: FAILED: psycopg's binary part is missing from the bundle" >&2; exit 1; }
version=$("$bin" --version)
echo "build: $version, bundle size $(du -sh dist/livedetect-gui | cut -f1)"
# Desktop integration files, checked by the freedesktop tools where they are installed
# (Debian: desktop-file-utils, appstream).
if command -v desktop-file-validate >/dev/null 2>&1; then
  desktop-file-validate packaging/io.livedetect.Desk.desktop
fi
if command -v appstreamcli >/dev/null 2>&1; then
  appstreamcli validate --no-net --pedantic packaging/io.livedetect.Desk.metainfo.xml >/dev/null
fi
if [ "$(uname)" = Linux ]; then
  tar -C dist -czf "dist/livedetect-gui-${version#livedetect-gui }-linux-$(uname -m).tar.gz" \
    livedetect-gui
  ls -la dist/*.tar.gz
fi
