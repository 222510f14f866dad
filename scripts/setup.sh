#!/usr/bin/env bash
# Installs what building dth needs (Debian packages); with --test also what the tests
# need (Ceph RGW, s3rver from npm, clang + libFuzzer for scripts/fuzz.sh); with --fuzz
# only what fuzzing adds. Idempotent: quick when everything is there.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

BUILD_PACKAGES=(g++ cmake ninja-build pkg-config ccache
  libcurl4-openssl-dev libssl-dev libpugixml-dev nlohmann-json3-dev libcli11-dev
  libspdlog-dev libfmt-dev libsqlite3-dev libyaml-cpp-dev libgtest-dev libgmock-dev
  libsodium-dev prometheus-cpp-dev
  libboost-dev)  # Boost.Beast + Asio, header-only (src/server)
# scripts/fuzz.sh: clang and its runtime libraries (libFuzzer, ASan, UBSan).
FUZZ_PACKAGES=(clang-14 libclang-rt-14-dev)
# The tests: promtool (package prometheus) checks the hub's /metrics text.
TEST_PACKAGES=(prometheus)
case "${1:-}" in
  --test) BUILD_PACKAGES+=("${FUZZ_PACKAGES[@]}" "${TEST_PACKAGES[@]}") ;;
  --fuzz) BUILD_PACKAGES+=("${FUZZ_PACKAGES[@]}") ;;
esac

installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

SUDO=()
[ "$(id -u)" -ne 0 ] && SUDO=(sudo)
missing=()
for pkg in "${BUILD_PACKAGES[@]}"; do installed "$pkg" || missing+=("$pkg"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -q
  "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ "${1:-}" = "--test" ]; then
  "$ROOT/tests/servers/install.sh"
fi
