#!/usr/bin/env bash
# Runs every test: unit and end-to-end (ctest), and the JSON Schema against every runbook.
# Usage: scripts/test.sh [build-dir]   (default: build; build it first with scripts/bootstrap.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
cmake --build "$build" -j2
python3 tests/schema/check_schema.py
ctest --test-dir "$build" --output-on-failure -j2
