#!/usr/bin/env bash
# Image replication benchmark: dth image sync against skopeo sync, in the same run,
# alternating, RUNS times each (default 3), between two local docker registries
# (tests/servers/start_registry.sh: source with basic auth, destination with token auth):
#   (1) 30 images of 3 small layers (SMALL_KIB each, default 100)
#   (2) one image of 20 layers x 5 MiB
#   (3) a re-run of (1) into the same destination: nothing to do
# Each copy run writes to a fresh destination prefix with fresh client caches (dth's
# state file, skopeo's blob-info cache), so neither tool mounts from an earlier run.
# Prints median wall time, CPU time (user+sys), peak RSS per tool and skopeo/dth ratios.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${RUNS:-3}
SMALL_KIB=${SMALL_KIB:-100}
DTH=${DTH:-$ROOT/build/release/dth}

if [ -z "${DTH_BENCH_NO_SETUP:-}" ]; then
  "$ROOT/scripts/setup.sh" --test >&2
  NINJA_TARGETS=dth "$ROOT/scripts/build.sh" release >&2
fi
for tool in skopeo /usr/bin/time bc setpriv; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (run tests/servers/install.sh)" >&2; exit 1; }
done

WORK=$(mktemp -d /tmp/dth-bench-image.XXXXXX)
chmod 755 "$WORK"
cleanup() {
  "$ROOT/tests/servers/stop.sh" "$WORK/registry" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
"$ROOT/tests/servers/start_registry.sh" "$WORK/registry" >&2
# shellcheck disable=SC1091
. "$WORK/registry/env"
SRC=${REGISTRY_BASIC_URL#http://}
DST=${REGISTRY_TOKEN_URL#http://}
export DTH_SRC_CREDS="$REGISTRY_BASIC_USER:$REGISTRY_BASIC_PASSWORD"
export DTH_DST_CREDS="$REGISTRY_TOKEN_USER:$REGISTRY_TOKEN_PASSWORD"

echo "bench: seeding 30 small images and one of 20 x 5 MiB" >&2
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
  bench/large v1 20 $((5 << 20)) >/dev/null
printf '%s:\n  tls-verify: false\n  images:\n    bench/large: [v1]\n' "$SRC" >"$WORK/large.yaml"
echo "bench/large:v1" >"$WORK/large.list"
chmod 644 "$WORK"/*.yaml

# measure NAME FUNCTION ARGS... -> appends "name wall cpu rss_kib" to $WORK/results. The
# function runs in a child bash; rusage covers it and every process it waits for.
measure() {
  local name=$1 fn=$2; shift 2
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/t" bash -c "$fn \"\$@\"" _ "$@" >"$WORK/out" 2>"$WORK/err" ||
    { echo "bench: $name failed: $(tail -3 "$WORK/err")" >&2; exit 1; }
  read -r wall user sys rss <"$WORK/t"
  echo "$name $wall $(echo "$user + $sys" | bc) $rss" >>"$WORK/results"
}
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

for run in $(seq "$RUNS"); do
  measure "30-small/dth" dth_sync "$WORK/small.list" "r$run-dth-small" "$WORK/dth-$run-small.db"
  measure "30-small/skopeo" skopeo_sync "$WORK/small.yaml" "r$run-sk-small" "$WORK/sk-$run-small"
  measure "large/dth" dth_sync "$WORK/large.list" "r$run-dth-large" "$WORK/dth-$run-large.db"
  measure "large/skopeo" skopeo_sync "$WORK/large.yaml" "r$run-sk-large" "$WORK/sk-$run-large"
  measure "re-run/dth" dth_sync "$WORK/small.list" "r$run-dth-small" "$WORK/dth-$run-small.db"
  measure "re-run/skopeo" skopeo_sync "$WORK/small.yaml" "r$run-sk-small" "$WORK/sk-$run-small"
done

# Digests preserved: the destination's manifest digest equals the source's.
digest() {  # URL CREDS REPO
  curl -sf -I -u "$2" -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' "$1/v2/$3/manifests/v1" |
    tr -d '\r' | awk -F': ' 'tolower($1)=="docker-content-digest"{print $2}'
}
want=$(digest "$REGISTRY_BASIC_URL" "$DTH_SRC_CREDS" bench/large)
got=$(setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$WORK/sk-1-large" skopeo inspect \
  --tls-verify=false --creds "$DTH_DST_CREDS" --format '{{.Digest}}' "docker://$DST/r1-dth-large/bench/large:v1")
[ "$want" = "$got" ] || { echo "bench: digest mismatch for bench/large: $want vs $got" >&2; exit 1; }

median() {
  awk -v c="$1" '$1==c' "$WORK/results" | sort -k"$2,$2"n | awk -v f="$2" '{a[NR]=$f} END{print a[int((NR+1)/2)]}'
}
echo "image sync between two local docker registries (basic auth -> token auth), median of $RUNS runs"
printf "%-18s %9s %9s %10s %14s %14s\n" case wall_s cpu_s rss_MiB skopeo/dth_wall skopeo/dth_cpu
for c in 30-small large re-run; do
  dth_wall=$(median "$c/dth" 2)
  dth_cpu=$(median "$c/dth" 3)
  sk_wall=$(median "$c/skopeo" 2)
  sk_cpu=$(median "$c/skopeo" 3)
  for t in dth skopeo; do
    printf "%-18s %9s %9s %10s\n" "$c/$t" "$(median "$c/$t" 2)" "$(median "$c/$t" 3)" "$(($(median "$c/$t" 4) / 1024))"
  done
  printf "%-18s %9s %9s %10s %14.2f %14.2f\n" "$c ratio" "" "" "" \
    "$(echo "$sk_wall / $dth_wall" | bc -l)" "$(echo "$sk_cpu / ($dth_cpu + 0.001)" | bc -l)"
done
echo "re-run/dth as a fraction of re-run/skopeo (wall): $(echo "$(median re-run/dth 2) / $(median re-run/skopeo 2)" | bc -l | cut -c1-5)"
