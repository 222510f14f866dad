#!/usr/bin/env bash
# Configures and builds one variant: scripts/build.sh [release|sanitize] -> build/<variant>.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VARIANT=${1:-release}
# For scripts/test.sh's time budget: -g1 (line tables: file:line in sanitizer reports,
# perf and backtraces, no variables; full -g made a cold build about a quarter slower),
# and unity builds (CMakeLists.txt: DTH_UNITY_ALONE; a cold release build of everything
# took 7.8 min instead of 15).
case "$VARIANT" in
  release) FLAGS=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DDTH_WERROR=ON -DCMAKE_UNITY_BUILD=ON
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG") ;;
  sanitize) FLAGS=(-DCMAKE_BUILD_TYPE=Debug -DDTH_WERROR=ON -DDTH_SANITIZE=ON -DCMAKE_UNITY_BUILD=ON
    -DCMAKE_CXX_FLAGS_DEBUG=-g1) ;;
  *) echo "build.sh: unknown variant '$VARIANT' (release|sanitize)" >&2; exit 2 ;;
esac
DIR="$ROOT/build/$VARIANT"
cmake -S "$ROOT" -B "$DIR" -G Ninja "${FLAGS[@]}" >/dev/null
ninja -C "$DIR" ${NINJA_TARGETS:-}
