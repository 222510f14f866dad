#!/usr/bin/env bash
# Runs every test: installs what is missing, builds (warnings are errors), runs the unit
# tests in a normal and an ASan+UBSan build, then starts Ceph RGW and s3rver on
# 127.0.0.1, and two docker registries (basic and token auth), and runs the integration
# tests (store conformance, faults, CLI, image replication) against them.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

"$ROOT/scripts/setup.sh" --test
"$ROOT/scripts/build.sh" release
"$ROOT/scripts/build.sh" sanitize

export DTH_SOURCE_DIR="$ROOT"
echo "== unit tests (release)"
ctest --test-dir build/release -L unit --output-on-failure -j2
echo "== unit tests (ASan + UBSan)"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build/sanitize -L unit --output-on-failure -j2

SERVERS=$(mktemp -d /tmp/dth-servers.XXXXXX)
cleanup() {
  "$ROOT/tests/servers/stop.sh" "$SERVERS/rgw" >/dev/null 2>&1 || true
  "$ROOT/tests/servers/stop.sh" "$SERVERS/s3rver" >/dev/null 2>&1 || true
  "$ROOT/tests/servers/stop.sh" "$SERVERS/registry" >/dev/null 2>&1 || true
  rm -rf "$SERVERS"
}
trap cleanup EXIT
echo "== starting Ceph RGW, s3rver and two docker registries"
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
export DTH_REQUIRE_SERVERS=1 DTH_BIN="$ROOT/build/release/dth"
echo "== integration tests (RGW, s3rver, registries)"
ctest --test-dir build/release -L integration --output-on-failure -j2
