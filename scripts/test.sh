#!/usr/bin/env bash
# Runs every test: unit and end-to-end (ctest), and the JSON Schema against every runbook.
# Usage: scripts/test.sh [build-dir]   (default: build; build it first with scripts/bootstrap.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
cmake --build "$build" -j2
python3 tests/schema/check_schema.py
ctest --test-dir "$build" --output-on-failure -j2
# runbook test on every test file meant to pass (tests/runbook-test/fail, invalid and coverage
# are checked by the e2e tests), and on the runbooks' own test files once they exist.
test_paths=(tests/runbook-test/pass)
for dir in runbooks examples; do
  if [ -n "$(find "$dir" -name '*.test.yaml' -print -quit)" ]; then test_paths+=("$dir"); fi
done
NO_COLOR=1 "$build/runbook" test "${test_paths[@]}"
