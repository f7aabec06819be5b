#!/usr/bin/env bash
# Runs LiveDetect Desk. With no credentials configured it uses the built-in sandbox
# (simulated scores): for now, the CLI checks the bundled sample photo against it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/livedetect check --sandbox resources/samples/face.jpg "$@"
