#!/usr/bin/env bash
# Installs everything LiveDetect Desk needs on a fresh Debian machine (run as root, or with the
# system packages already present): Qt's system libraries, a keyring service for the tests, a
# virtual environment in .venv with the package and its test tools. Safe to run again: it only
# installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Qt offscreen/xcb + QtMultimedia (libpulse0), a real window under Xvfb, a CJK font for the
# Chinese UI, GNOME Keyring + D-Bus for a real keyring backend in tests, and the freedesktop
# validators for the desktop entry and AppStream file; the PostgreSQL server programs, from
# which the tests start a throwaway server of their own (never the system's cluster).
APT_PACKAGES=(
  python3-venv
  libpulse0 libegl1 libgl1 libfontconfig1 libglib2.0-0 libxkbcommon0 libdbus-1-3
  xvfb xauth libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-image0 libxcb-render-util0
  libxcb-xkb1 libxkbcommon-x11-0 libxcb-shape0 libxcb-randr0 libxcb-xinerama0
  fonts-wqy-microhei gnome-keyring dbus-x11
  desktop-file-utils appstream
  postgresql
)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$pkg")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing system packages (install them as root): ${missing[*]}" >&2
  fi
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
# Reinstall only when the project's declared dependencies change.
stamp=.venv/.livedetect-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing the package and its dependencies into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[gui,test]"
  echo "$want" > "$stamp"
fi
