#!/usr/bin/env bash
# The benchmark of issue 11: each figure with its baseline measured in the same run, the ratio
# and the target; exits 1 when a target is missed. Timings on a shared machine are noisy, which
# is why every figure is a ratio against a baseline run alternately with it.
# Usage: scripts/bench.sh [build-dir] [runbook_bench options: --rounds R --only NAME --dir DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build="build"
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then build="$1"; shift; fi
command -v make >/dev/null || { echo "bench: GNU make is the baseline; run scripts/bootstrap.sh" >&2; exit 2; }
cmake --build "$build" -j2 --target runbook runbook_bench >/dev/null
exec "$build/bench/runbook_bench" --runbook "$build/runbook" "$@"
