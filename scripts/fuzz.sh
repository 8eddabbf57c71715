#!/usr/bin/env bash
# Fuzz one target for a given time: scripts/fuzz.sh TARGET SECONDS
# TARGET: load_check | expr | template_shell | journal | yaml_split. Builds build-fuzz/ (or
# $RUNBOOK_FUZZ_BUILD) with clang (libFuzzer, ASan, UBSan), seeds a corpus from runbooks/,
# examples/, tests/ (kept in BUILD/corpus/), and saves any crash input under
# fuzz/regressions/TARGET/ (add it to git: it becomes a test).
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: scripts/fuzz.sh TARGET SECONDS}"
seconds="${2:?usage: scripts/fuzz.sh TARGET SECONDS}"
export CCACHE_BASEDIR="$PWD"
# RUNBOOK_FUZZ_BUILD names a build folder already configured with -DRUNBOOK_FUZZ=ON (CI's
# sanitizer build is one): its fuzz targets are built there, as it is configured.
build="${RUNBOOK_FUZZ_BUILD:-build-fuzz}"
if [ -z "${RUNBOOK_FUZZ_BUILD:-}" ]; then
  cmake -S . -B build-fuzz -G Ninja -DRUNBOOK_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" -j2 --target "fuzz_$target"

corpus="$build/corpus/$target"
mkdir -p "$corpus" "fuzz/regressions/$target"
if [ -z "$(ls -A "$corpus")" ]; then
  case "$target" in
    load_check | template_shell | yaml_split)
      find runbooks examples tests -name '*.yaml' -size -64k -exec cp {} "$corpus/" \; ;;
    expr)  # every ${{ }} expression in the runbooks, one per file
      grep -rhoE '\$\{\{[^}]*\}\}' runbooks examples tests --include='*.yaml' | sort -u |
        sed -E 's/^\$\{\{ *//; s/ *\}\}$//' | split -l 1 - "$corpus/expr-" ;;
    journal)
      find tests -name '*.jsonl' -exec cp {} "$corpus/" \;  # tests/fixtures/journals: real ones
      printf '%s\n' '{"event":"run_started","format":1,"run_id":"r","file":"f","sha256":"s"}' \
        '{"event":"step_finished","step":"a","status":"succeeded","outputs":{"n":1}}' \
        > "$corpus/seed.jsonl" ;;
  esac
fi
"$build/fuzz/fuzz_$target" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=1024 \
  -timeout=10 -artifact_prefix="fuzz/regressions/$target/" "$corpus"
