#!/usr/bin/env bash
# Runs every test: unit and end-to-end (ctest), and the JSON Schema against every runbook.
# Usage: scripts/test.sh [build-dir]   (default: build; build it first with scripts/bootstrap.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
cmake --build "$build" -j2
python3 tests/schema/check_schema.py
# The PostgreSQL state backend is tested against a throwaway local server (Debian's postgresql),
# started here unless one is given in RUNBOOK_TEST_PG_URL (.ci/run starts its own).
# Its own folder and port, so test runs in two checkouts at once don't share (or stop) one.
if [ -z "${RUNBOOK_TEST_PG_URL:-}" ]; then
  export RUNBOOK_PG_DIR="${TMPDIR:-/tmp}/runbook-test-pg-$$"
  export RUNBOOK_PG_PORT=$((20000 + $$ % 30000))
  if url=$(scripts/pg-test-server.sh start); then
    export RUNBOOK_TEST_PG_URL="$url"
    trap 'scripts/pg-test-server.sh remove' EXIT
  else
    echo "warning: no PostgreSQL server for the tests: e2e.postgresql is skipped"
  fi
fi
ctest --test-dir "$build" --output-on-failure -j2 -LE waits
# The simulated-cluster scenarios mostly wait (real-time retry delays): 6 at a time costs little
# CPU and halves the wall time.
ctest --test-dir "$build" --output-on-failure -j6 -L waits
# runbook test on every test file meant to pass (tests/runbook-test/fail, invalid and coverage
# are checked by the e2e tests), and on the runbooks' own test files once they exist: those must
# also reach >= 90% of each runbook's steps and guard outcomes.
test_paths=(tests/runbook-test/pass)
if [ -n "$(find examples -name '*.test.yaml' -print -quit)" ]; then test_paths+=(examples); fi
NO_COLOR=1 "$build/runbook" test "${test_paths[@]}"
if [ -n "$(find runbooks -name '*.test.yaml' -print -quit)" ]; then
  NO_COLOR=1 "$build/runbook" test runbooks --min-coverage 90
fi
for rb in runbooks/*.yaml; do
  case "$rb" in *.test.yaml) continue ;; esac
  if [ ! -e "${rb%.yaml}.test.yaml" ]; then echo "warning: $rb has no test file (${rb%.yaml}.test.yaml)"; fi
done
