#!/usr/bin/env bash
# Refresh the Chinese translation source from the code, then compile it. Edit the .ts with
# Qt Linguist (.venv/bin/pyside6-linguist) between the two steps when strings change.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pyside6-lupdate -no-obsolete $(find livedetect_gui/ui -name '*.py' | sort) \
  -ts resources/translations/livedetect_zh_CN.ts
.venv/bin/pyside6-lrelease resources/translations/livedetect_zh_CN.ts \
  -qm resources/translations/livedetect_zh_CN.qm
