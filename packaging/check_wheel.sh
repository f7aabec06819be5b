#!/usr/bin/env bash
# Build the sdist and wheel, check they carry the resources and compiled translations, then
# install the wheel into a clean virtual environment and run what a user would run.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || scripts/setup.sh
.venv/bin/python -m pip install -q build
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
.venv/bin/python -m build --outdir "$out/dist" . >"$out/build.log" 2>&1 \
  || { tail -30 "$out/build.log"; exit 1; }
wheel=$(ls "$out"/dist/*.whl)
sdist=$(ls "$out"/dist/*.tar.gz)
# Listings go to files first: grep -q closing a pipe early would fail the pipeline.
.venv/bin/python -m zipfile -l "$wheel" >"$out/wheel.txt"
tar -tzf "$sdist" >"$out/sdist.txt"
for member in livedetect_gui/resources/translations/livedetect_zh_CN.qm \
              livedetect_gui/resources/samples/face.jpg \
              livedetect_gui/resources/icons/pass.svg; do
  grep -q "$member" "$out/wheel.txt" || { echo "wheel: $member missing" >&2; exit 1; }
done
# Test and benchmark helpers never ship in the wheel.
if grep -qE '(^|[[:space:]])(devsupport|bench|tests)/|sample_trail' "$out/wheel.txt"; then
  echo "wheel: test or benchmark code inside" >&2; exit 1
fi
grep -q "resources/translations/livedetect_zh_CN.qm" "$out/sdist.txt" \
  || { echo "sdist: compiled translation missing" >&2; exit 1; }
echo "wheel-check: $(basename "$wheel") and $(basename "$sdist") carry resources and translations"

python3 -m venv "$out/clean"
"$out/clean/bin/python" -m pip install -q "${wheel}[gui,postgres]"
# The postgres extra brings a working driver (its own libpq) for a centre's shared history.
"$out/clean/bin/python" -c "import psycopg; print('wheel-check: psycopg', psycopg.__version__, \
psycopg.pq.__impl__)"
"$out/clean/bin/livedetect" --version
"$out/clean/bin/livedetect-gui" --version
cd "$out"  # away from the source tree: only the installed package can answer
QT_QPA_PLATFORM=offscreen XDG_DATA_HOME="$out/data" XDG_CONFIG_HOME="$out/config" \
  "$out/clean/bin/livedetect-gui" --self-test 2>/dev/null | tee "$out/self-test.txt"
grep -qE '^self-test ok: sample judged (PASS|FAIL)' "$out/self-test.txt"
# Exit status 0 (pass) and 1 (fail) are both verdicts; the simulated score decides which.
status=0
# --force: the bundled sample is a drawing of a face, which the pre-checks rightly hold.
"$out/clean/bin/livedetect" check --sandbox --no-history --json --force \
  "$out/clean/lib/python3"*/site-packages/livedetect_gui/resources/samples/face.jpg \
  >"$out/check.json" || status=$?
[ "$status" -le 1 ] && grep -qE '"verdict": "(pass|fail)"' "$out/check.json" \
  || { echo "wheel-check: livedetect check gave no verdict (exit $status)" >&2; exit 1; }
echo "wheel-check: the installed wheel's livedetect and livedetect-gui work"
