#!/usr/bin/env bash
# Runs LiveDetect Desk. With no credentials configured it uses the built-in sandbox
# (simulated scores, clearly labelled). Extra arguments go to livedetect-gui
# (e.g. --sandbox, --lang zh_CN).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "run: no display here; running the offscreen self-test instead (one check of the"
  echo "run: bundled sample against the sandbox). Start it from a desktop session for the window."
  exec .venv/bin/livedetect-gui --self-test
fi
exec .venv/bin/livedetect-gui "$@"
