#!/usr/bin/env bash
# Runs every test: installs what is missing, builds (warnings are errors), runs the unit
# tests in a normal and an ASan+UBSan build (and the console's Vitest tests), each fuzz
# target for 10 s, then starts Ceph RGW, s3rver and two docker registries (basic and
# token auth) on 127.0.0.1 and runs the integration tests (store conformance, faults,
# CLI, image replication, the hub over HTTP) in both builds (the sanitize build's tests
# spawn the sanitize build's dth), and the console in Chromium. Prints each stage's time.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# stage NAME: ends the previous stage (prints its time) and starts the next.
STAGE='' STAGE_START=$SECONDS
stage() {
  [ -n "$STAGE" ] && echo "== $STAGE: $((SECONDS - STAGE_START)) s"
  STAGE=$1 STAGE_START=$SECONDS
  [ -n "$STAGE" ] && echo "== $STAGE"
  return 0
}

stage "setup"
"$ROOT/scripts/setup.sh" --test
stage "build (release)"
"$ROOT/scripts/build.sh" release
stage "build (ASan + UBSan)"
"$ROOT/scripts/build.sh" sanitize

export DTH_SOURCE_DIR="$ROOT"
# The sanitize build stops at the first report (-fno-sanitize-recover=all) and exits
# non-zero; leaks are reported at exit. A report in a dth that a CLI test spawns fails
# that test too (tests/integration/run_process.cc looks for it on the child's stderr).
SANITIZER_ENV=(ASAN_OPTIONS=detect_leaks=1:halt_on_error=1
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1)
stage "unit tests (release)"
ctest --test-dir build/release -L unit --output-on-failure -j2
if [ -x console/node_modules/.bin/vitest ]; then
  stage "console unit tests (Vitest)"
  (cd console && npm run --silent test:unit)
fi
# The sanitized unit tests run as two gtest shards (one process each, in parallel), not
# one process per test through ctest: a sanitized process costs ~0.5 CPU-s to start,
# 814 of them took 449 s, two shards ~65 s. A failure prints its shard's failures and
# sanitizer report; a report anywhere fails the shard (halt_on_error).
stage "unit tests (ASan + UBSan)"
run_shards() {
  local bin=$1 shards=$2 dir i failed=0
  dir=$(mktemp -d /tmp/dth-shards.XXXXXX)
  for ((i = 0; i < shards; i++)); do
    env "${SANITIZER_ENV[@]}" GTEST_TOTAL_SHARDS="$shards" GTEST_SHARD_INDEX="$i" \
      "$bin" --gtest_brief=1 >"$dir/$i.log" 2>&1 &
  done
  for ((i = 0; i < shards; i++)); do
    if wait -n; then :; else failed=1; fi
  done
  for ((i = 0; i < shards; i++)); do
    grep -E '^\[  (PASSED|FAILED) |tests? ran' "$dir/$i.log" | sed "s/^/shard $i: /" || true
  done
  if [ "$failed" -ne 0 ]; then
    for ((i = 0; i < shards; i++)); do
      echo "== shard $i (the end of its output)"; tail -n 60 "$dir/$i.log"
    done
    rm -rf "$dir"
    return 1
  fi
  rm -rf "$dir"
}
run_shards build/sanitize/dth_unit_tests 2
# Every parser of untrusted input under libFuzzer (clang, ASan+UBSan) for a few seconds
# from its committed seeds; a crash, leak or hang fails the run (fuzz/README.md).
stage "fuzz (each target 10 s)"
"$ROOT/scripts/fuzz.sh" 10

SERVERS=$(mktemp -d /tmp/dth-servers.XXXXXX)
cleanup() {
  "$ROOT/tests/servers/stop.sh" "$SERVERS/rgw" >/dev/null 2>&1 || true
  "$ROOT/tests/servers/stop.sh" "$SERVERS/s3rver" >/dev/null 2>&1 || true
  "$ROOT/tests/servers/stop.sh" "$SERVERS/registry" >/dev/null 2>&1 || true
  rm -rf "$SERVERS"
}
trap cleanup EXIT
stage "starting Ceph RGW, s3rver and two docker registries"
"$ROOT/tests/servers/start_rgw.sh" "$SERVERS/rgw" &
RGW_START=$!
"$ROOT/tests/servers/start_s3rver.sh" "$SERVERS/s3rver"
"$ROOT/tests/servers/start_registry.sh" "$SERVERS/registry"
wait "$RGW_START"
set -a
# shellcheck disable=SC1091
. "$SERVERS/rgw/env"
# shellcheck disable=SC1091
. "$SERVERS/s3rver/env"
# shellcheck disable=SC1091
. "$SERVERS/registry/env"
set +a
export DTH_REQUIRE_SERVERS=1
# Each build's integration tests run the dth binary of the same build (DTH_BIN_PATH).
stage "integration tests (release; RGW, s3rver, registries)"
ctest --test-dir build/release -L integration --output-on-failure -j2
# The console in a real browser (Debian's chromium, Playwright) against the release
# build's `dth serve` and RGW; skipped when dth was built without the console.
if [ -x console/node_modules/.bin/playwright ] && [ -f build/release/generated/console_assets.cc ]; then
  stage "console browser tests (Playwright, Chromium; RGW)"
  (cd console && DTH_BIN="$ROOT/build/release/dth" npm run --silent test:e2e)
fi
stage "integration tests (ASan + UBSan; RGW, s3rver, registries)"
env "${SANITIZER_ENV[@]}" ctest --test-dir build/sanitize -L integration --output-on-failure -j2
stage ""
