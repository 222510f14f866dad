#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, clang, ASan+UBSan) into build/fuzz and runs each
# for SECONDS (default 10) from its seed corpus fuzz/corpus/<name>/ (with the
# dictionary fuzz/<name>.dict when there is one). Fails when any
# target crashes, leaks or times out; the crashing input is kept and printed in base64.
#   scripts/fuzz.sh [SECONDS]
# Environment: FUZZ_TARGETS="s3_xml manifest" (default: all), FUZZ_WORK=DIR (working
# corpora, logs and crash inputs; default a temp dir, removed when nothing crashed),
# FUZZ_ARGS="..." (extra libFuzzer flags, e.g. "-fork=1 -ignore_crashes=1"), FUZZ_JOBS=N
# (targets run at once; default the number of cores).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SECONDS_EACH=${1:-10}
DIR="$ROOT/build/fuzz"

CXX_FUZZ=$(command -v clang++-14 || command -v clang++ || true)
if [ -z "$CXX_FUZZ" ]; then
  echo "fuzz.sh: clang++ not found (scripts/setup.sh --fuzz installs it)" >&2
  exit 2
fi
# A cache made with another compiler would be reset by cmake, options included: start over.
if [ -f "$DIR/CMakeCache.txt" ] && ! grep -qx "CMAKE_CXX_COMPILER:[A-Z]*=$CXX_FUZZ" "$DIR/CMakeCache.txt"; then
  rm -rf "$DIR"
fi
cmake -S "$ROOT" -B "$DIR" -G Ninja -DCMAKE_CXX_COMPILER="$CXX_FUZZ" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDTH_WERROR=ON -DDTH_FUZZ=ON >/dev/null
ninja -C "$DIR"

if [ -n "${FUZZ_TARGETS:-}" ]; then
  read -r -a NAMES <<<"$FUZZ_TARGETS"
else
  NAMES=()
  for src in "$ROOT"/fuzz/*_fuzz.cc; do
    n=$(basename "$src" .cc)
    NAMES+=("${n%_fuzz}")
  done
fi

KEEP=${FUZZ_WORK:+1}
WORK=${FUZZ_WORK:-$(mktemp -d /tmp/dth-fuzz.XXXXXX)}
mkdir -p "$WORK"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
# One target: runs it and writes its status (ok or FAILED) beside its log.
run_target() {
  local name=$1 bin="$DIR/fuzz/${1}_fuzz" seeds="$ROOT/fuzz/corpus/$1"
  mkdir -p "$WORK/$name/corpus" "$WORK/$name/crashes"
  if [ ! -x "$bin" ]; then echo "no target $name" >"$WORK/$name/log"; echo FAILED >"$WORK/$name/status"; return; fi
  local dict=()
  [ -f "$ROOT/fuzz/$name.dict" ] && dict=(-dict="$ROOT/fuzz/$name.dict")
  # shellcheck disable=SC2086
  if "$bin" -max_total_time="$SECONDS_EACH" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$WORK/$name/crashes/" "${dict[@]}" ${FUZZ_ARGS:-} "$WORK/$name/corpus" "$seeds" \
      >"$WORK/$name/log" 2>&1; then
    echo ok >"$WORK/$name/status"
  else
    echo FAILED >"$WORK/$name/status"
  fi
}
# FUZZ_JOBS targets at once (default: the number of cores), each for SECONDS.
JOBS=${FUZZ_JOBS:-$(nproc)}
for name in "${NAMES[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done
  run_target "$name" &
done
wait
failed=()
for name in "${NAMES[@]}"; do
  log="$WORK/$name/log"
  status=$(cat "$WORK/$name/status" 2>/dev/null || echo FAILED)
  [ "$status" = ok ] || failed+=("$name")
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -E '^#[0-9]+.*(DONE|cov:)' "$log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+' || true)
  printf '%-18s %-6s %ss  %s execs  %s\n' "$name" "$status" "$SECONDS_EACH" "${execs:-?}" "${cov:-}"
  if [ "$status" != ok ]; then
    grep -E 'ERROR: |runtime error|SUMMARY|Test unit written|==[0-9]+==|no target' "$log" | head -20 ||
      head -5 "$log"
    for f in "$WORK/$name/crashes"/*; do
      [ -f "$f" ] && echo "  input $(basename "$f") (base64): $(head -c 4096 "$f" | base64 -w0)"
    done
    echo "  full log: $log"
  fi
done

passed=$((${#NAMES[@]} - ${#failed[@]}))
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failed targets: ${failed[*]} (work dir $WORK)"
  echo "fuzz: $passed passed, ${#failed[@]} failed"
  exit 1
fi
[ -n "$KEEP" ] || rm -rf "$WORK"
echo "fuzz: $passed passed, 0 failed"
