#!/usr/bin/env bash
# The whole test suite: lint and the import contracts; the packaging checks (sdist and wheel installed into a clean
# virtual environment, then the PyInstaller bundle built and self-tested); then pytest with Qt
# offscreen and a throwaway, unlocked GNOME Keyring inside a private D-Bus session (never the
# developer's own keyring). Arguments go to pytest. SKIP_PACKAGING=1 skips the packaging steps.
# Then, in CI (or with WINDOWS_CHECKS=1), the Windows checks: scripts/test-windows.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export QT_QPA_PLATFORM=offscreen
# Quiet Qt Multimedia's probing for video-acceleration libraries a test machine does not have.
export QT_LOGGING_RULES="qt.multimedia.symbolsresolver=false;qt.multimedia.ffmpeg=false"
.venv/bin/ruff check livedetect_gui tests bench devsupport packaging
# The layers' import directions (contracts in pyproject.toml, [tool.importlinter]).
.venv/bin/lint-imports --no-logo --no-cache
if [ "${SKIP_PACKAGING:-0}" != 1 ]; then
  packaging/check_wheel.sh
  packaging/build.sh
fi
linux_tests() {
  if command -v dbus-run-session >/dev/null 2>&1 && command -v gnome-keyring-daemon >/dev/null 2>&1
  then
    dbus-run-session -- sh -c '
      export HOME=$(mktemp -d)
      echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
      exec .venv/bin/python -m pytest "$@"' sh "$@"
    return
  fi
  echo "test: no D-Bus/GNOME Keyring here: keyring tests will be skipped" >&2
  .venv/bin/python -m pytest "$@"
}
rc=0
linux_tests "$@" || rc=$?
# The Windows checks (scripts/test-windows.sh: Windows CPython under Wine, the Windows bundle
# and installer): on by default in CI, WINDOWS_CHECKS=1 elsewhere. Run even after a Linux
# failure, so one CI run shows both.
if [ "${WINDOWS_CHECKS:-$([ -n "${CI:-}" ] && echo 1 || echo 0)}" = 1 ]; then
  scripts/test-windows.sh || rc=$?
fi
exit "$rc"
