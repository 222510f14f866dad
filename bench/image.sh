#!/usr/bin/env bash
# Image replication benchmark: dth image sync against skopeo sync, in the same run, one
# case at a time, alternating (each round starting with the next tool), RUNS times each
# (default 3), between two local docker registries (tests/servers/start_registry.sh:
# source with basic auth, destination with token auth):
#   (1) 30 images of 3 small layers (SMALL_KIB each, default 100)
#   (2) one image of 20 layers of LARGE_KIB each (default 5120)
#   (3) a re-run of (1) into a destination each tool has already synced: nothing to do
# Each case starts with a warm-up round, not counted (WARMUP=0 skips it); every run starts
# once the machine is idle. Each copy run writes to a fresh destination prefix with fresh
# client caches (dth's state file, skopeo's blob-info cache), so neither tool mounts from
# an earlier run. Prints the median (and min-max) wall time, CPU time (user+sys), peak
# RSS, images/s, the registries' CPU time per tool and skopeo's ratios to dth.
# CASES="30-small re-run" runs only those cases; BENCH_KEEP=1 keeps the work directory.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SMALL_KIB=${SMALL_KIB:-100}
LARGE_KIB=${LARGE_KIB:-5120}
CASES=${CASES:-"30-small large re-run"}
DTH=${DTH:-$ROOT/build/release/dth}

if [ -z "${DTH_BENCH_NO_SETUP:-}" ]; then
  "$ROOT/scripts/setup.sh" --test >&2
  NINJA_TARGETS=dth "$ROOT/scripts/build.sh" release >&2
fi
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
bench_require skopeo:skopeo /usr/bin/time:time bc:bc setpriv:util-linux

WORK=$(mktemp -d /tmp/dth-bench-image.XXXXXX)
chmod 755 "$WORK"
mkdir "$WORK/logs"
cleanup() {
  "$ROOT/tests/servers/stop.sh" "$WORK/registry" >/dev/null 2>&1 || true
  if [ -n "${BENCH_KEEP:-}" ]; then echo "bench: kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
"$ROOT/tests/servers/start_registry.sh" "$WORK/registry" >&2
# shellcheck disable=SC1091
. "$WORK/registry/env"
# The registries and the token service: their CPU time is the server's.
SERVER_PIDS=$(tr '\n' ' ' <"$WORK/registry/pids")
SRC=${REGISTRY_BASIC_URL#http://}
DST=${REGISTRY_TOKEN_URL#http://}
export DTH_SRC_CREDS="$REGISTRY_BASIC_USER:$REGISTRY_BASIC_PASSWORD"
export DTH_DST_CREDS="$REGISTRY_TOKEN_USER:$REGISTRY_TOKEN_PASSWORD"

echo "bench: seeding 30 small images and one of 20 x $LARGE_KIB KiB" >&2
: >"$WORK/small.list"
{
  echo "$SRC:"
  echo "  tls-verify: false"
  echo "  images:"
} >"$WORK/small.yaml"
for i in $(seq -w 1 30); do
  python3 "$ROOT/bench/seed_images.py" "$REGISTRY_BASIC_URL" "$REGISTRY_BASIC_USER" "$REGISTRY_BASIC_PASSWORD" \
    "bench/small-$i" v1 3 $((SMALL_KIB * 1024)) >/dev/null
  echo "bench/small-$i:v1" >>"$WORK/small.list"
  echo "    bench/small-$i: [v1]" >>"$WORK/small.yaml"
done
python3 "$ROOT/bench/seed_images.py" "$REGISTRY_BASIC_URL" "$REGISTRY_BASIC_USER" "$REGISTRY_BASIC_PASSWORD" \
  bench/large v1 20 $((LARGE_KIB * 1024)) >/dev/null
printf '%s:\n  tls-verify: false\n  images:\n    bench/large: [v1]\n' "$SRC" >"$WORK/large.yaml"
echo "bench/large:v1" >"$WORK/large.list"
chmod 644 "$WORK"/*.yaml

dth_sync() {  # LIST PREFIX STATE
  "$DTH" -q image sync "$SRC" "$DST" --images-file "$1" --dest-prefix "$2" --state "$3"
}
skopeo_sync() {  # YAML PREFIX HOME: as nobody, so its blob-info cache lives in HOME
  mkdir -p "$3" && chown 65534:65534 "$3"
  setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$3" XDG_RUNTIME_DIR="$3" \
    skopeo sync --src yaml --dest docker --dest-tls-verify=false \
    --src-creds "$DTH_SRC_CREDS" --dest-creds "$DTH_DST_CREDS" "$1" "$DST/$2"
}

export -f dth_sync skopeo_sync
export SRC DST DTH

# run_one CASE TOOL: one measured run. A copy goes to a fresh prefix with a fresh cache
# (numbered by the run); a re-run goes to the prefix that tool synced before the case.
N=0
run_one() {
  N=$((N + 1))
  case "$1/$2" in
    30-small/dth) bench_measure 30-small/dth 30 bash -c 'dth_sync "$@"' _ "$WORK/small.list" "n$N-dth-small" "$WORK/dth-$N.db" ;;
    30-small/skopeo) bench_measure 30-small/skopeo 30 bash -c 'skopeo_sync "$@"' _ "$WORK/small.yaml" "n$N-sk-small" "$WORK/sk-$N" ;;
    large/dth) bench_measure large/dth 1 bash -c 'dth_sync "$@"' _ "$WORK/large.list" "n$N-dth-large" "$WORK/dth-$N.db"
      LARGE_DTH_PREFIX=n$N-dth-large ;;
    large/skopeo) bench_measure large/skopeo 1 bash -c 'skopeo_sync "$@"' _ "$WORK/large.yaml" "n$N-sk-large" "$WORK/sk-$N" ;;
    re-run/dth) bench_measure re-run/dth 30 bash -c 'dth_sync "$@"' _ "$WORK/small.list" rerun-dth "$WORK/dth-rerun.db" ;;
    re-run/skopeo) bench_measure re-run/skopeo 30 bash -c 'skopeo_sync "$@"' _ "$WORK/small.yaml" rerun-sk "$WORK/sk-rerun" ;;
  esac
}

for c in $CASES; do
  case $c in
    30-small | large) ;;
    re-run)  # each tool's destination, synced once by that tool before the re-runs
      dth_sync "$WORK/small.list" rerun-dth "$WORK/dth-rerun.db" >/dev/null
      skopeo_sync "$WORK/small.yaml" rerun-sk "$WORK/sk-rerun" >/dev/null 2>&1 ;;
    *) echo "bench: unknown case '$c' (30-small, large, re-run)" >&2; exit 2 ;;
  esac
  bench_rounds "$c" dth skopeo
done

# Digests preserved: the destination's manifest digest equals the source's.
digest() {  # URL CREDS REPO
  curl -sf -I -u "$2" -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' "$1/v2/$3/manifests/v1" |
    tr -d '\r' | awk -F': ' 'tolower($1)=="docker-content-digest"{print $2}'
}
if [ -n "${LARGE_DTH_PREFIX:-}" ]; then  # the last large copy dth made
  mkdir -p "$WORK/inspect" && chown 65534:65534 "$WORK/inspect"
  want=$(digest "$REGISTRY_BASIC_URL" "$DTH_SRC_CREDS" bench/large)
  got=$(setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$WORK/inspect" skopeo inspect \
    --tls-verify=false --creds "$DTH_DST_CREDS" --format '{{.Digest}}' "docker://$DST/$LARGE_DTH_PREFIX/bench/large:v1")
  [ "$want" = "$got" ] || { echo "bench: digest mismatch for bench/large: $want vs $got" >&2; exit 1; }
fi

echo "image sync between two local docker registries (basic auth -> token auth), median of $RUNS runs"
echo "(whole process; objects/s: images/s; srv_cpu_s: the two registries and the token service)"
bench_report dth
