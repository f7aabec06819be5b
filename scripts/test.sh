#!/usr/bin/env bash
# The whole test suite: lint, then pytest with Qt offscreen and a throwaway, unlocked GNOME
# Keyring inside a private D-Bus session (never the developer's own keyring).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check livedetect_gui tests bench
if command -v dbus-run-session >/dev/null 2>&1 && command -v gnome-keyring-daemon >/dev/null 2>&1
then
  exec dbus-run-session -- sh -c '
    export HOME=$(mktemp -d)
    echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
    exec .venv/bin/python -m pytest "$@"' sh "$@"
fi
echo "test: no D-Bus/GNOME Keyring here: keyring tests will be skipped" >&2
exec .venv/bin/python -m pytest "$@"
