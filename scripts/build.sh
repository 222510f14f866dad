#!/usr/bin/env bash
# Configures and builds one variant: scripts/build.sh [release|sanitize] -> build/<variant>.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VARIANT=${1:-release}
# -g1 (line tables: file:line in sanitizer reports, perf and backtraces, no variables):
# full -g made a cold build about a quarter slower (scripts/test.sh's budget).
case "$VARIANT" in
  release) FLAGS=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DDTH_WERROR=ON
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG") ;;
  sanitize) FLAGS=(-DCMAKE_BUILD_TYPE=Debug -DDTH_WERROR=ON -DDTH_SANITIZE=ON
    -DCMAKE_CXX_FLAGS_DEBUG=-g1) ;;
  *) echo "build.sh: unknown variant '$VARIANT' (release|sanitize)" >&2; exit 2 ;;
esac
DIR="$ROOT/build/$VARIANT"
cmake -S "$ROOT" -B "$DIR" -G Ninja "${FLAGS[@]}" >/dev/null
ninja -C "$DIR" ${NINJA_TARGETS:-}
