#!/usr/bin/env bash
# The run report in a real browser: headless Chromium loads `status --format html` of a real
# run (tests/runbooks/report.yaml: a retry, a gate approved on resume, a skipped step, a group, a
# failure that does not stop the run), check_dom.py checks the DOM Chromium built (--dump-dom),
# and a screenshot is saved (--screenshot) to BUILD_DIR/report/report.png.
# UPDATE_SCREENSHOT=1 also copies it to docs/images/report.png (look at it before committing).
# Exits 77 (ctest: skipped) with a message where chromium is not installed.
# Usage: tests/report/browser_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
source_dir=$(cd "$2" && pwd)
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
  echo "SKIPPED: the report's browser test needs Debian's chromium (apt-get install chromium," \
       "as scripts/bootstrap.sh does); CI installs it, so it runs there"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "browser test: FAILED: $*" >&2; exit 1; }

export RUNBOOK_STATE_DIR=$tmp/state NO_COLOR=1 USER=alice
cd "$source_dir"
mkdir -p "$tmp/out"
set +e
"$build/runbook" run tests/runbooks/report.yaml -q -i out="$tmp/out" -i token=s3cr3t-T0KEN >"$tmp/run.log" 2>&1
code=$?
set -e
[ "$code" -eq 3 ] || fail "the run should pause at its gate (exit 3), got $code: $(cat "$tmp/run.log")"
"$build/runbook" resume -q --approve --reason "CHG-42: approved by the on-call" \
  -i token=s3cr3t-T0KEN >"$tmp/run.log" 2>&1 || fail "resume --approve: $(cat "$tmp/run.log")"
"$build/runbook" status --format html -o "$tmp/report.html"

# Chromium as root needs --no-sandbox; its own profile folder keeps it off the user's.
browser() {
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --no-first-run --no-default-browser-check --disable-extensions --user-data-dir="$tmp/profile" \
    --hide-scrollbars "$@" 2>"$tmp/chromium.err"
}
browser --dump-dom "file://$tmp/report.html" >"$tmp/dom.html" ||
  fail "chromium --dump-dom: $(tail -5 "$tmp/chromium.err")"
python3 "$source_dir/tests/report/check_dom.py" "$tmp/dom.html" || fail "the DOM Chromium built"

mkdir -p "$build/report"
browser --screenshot="$build/report/report.png" --window-size=1280,1900 \
  "file://$tmp/report.html" >/dev/null || fail "chromium --screenshot: $(tail -5 "$tmp/chromium.err")"
[ -s "$build/report/report.png" ] || fail "no screenshot written"
if [ -n "${UPDATE_SCREENSHOT:-}" ]; then
  mkdir -p "$source_dir/docs/images"
  cp "$build/report/report.png" "$source_dir/docs/images/report.png"
fi
echo "browser test: chromium built the report's DOM as expected; screenshot in $build/report/report.png"
