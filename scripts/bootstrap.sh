#!/usr/bin/env bash
# Installs what runbook needs from Debian's packages and builds it into build/.
# Usage: scripts/bootstrap.sh [extra cmake args...]
# libgraphviz-dev draws the run report's graph; man-db and groff-base let the install test read
# a man page and zsh run the zsh completion; chromium (with a font) loads the report in the
# browser test.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake ninja-build ccache pkg-config git
          libyaml-cpp-dev libyaml-dev libspdlog-dev libfmt-dev libcli11-dev catch2
          nlohmann-json3-dev libre2-dev libssl-dev python3 python3-jsonschema python3-yaml
          graphviz libgraphviz-dev cmark-gfm clang pre-commit make
          libpq-dev libpq5 postgresql postgresql-client
          man-db groff-base zsh chromium fonts-dejavu-core)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "bootstrap: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build build -j2
