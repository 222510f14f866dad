#!/usr/bin/env bash
# Single-object copy benchmark on a local Ceph RGW: dth cp against rclone copyto and
# aws s3 cp, in the same run, alternating, RUNS times each (default 3).
#   (1) upload a SIZE_MIB file (default 1024) local -> bucket
#   (2) download it bucket -> local
#   (3) bucket -> bucket through the client (dth and rclone via two spellings of the
#       endpoint; aws s3 cp between buckets is server-side, so it is left out)
# Prints median wall time, CPU time (user+sys) and peak RSS per tool, and each
# peer's ratio to dth. Starts its own RGW unless RGW_ENDPOINT/_ACCESS_KEY/_SECRET_KEY are set.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${RUNS:-3}
SIZE_MIB=${SIZE_MIB:-1024}
DTH="$ROOT/build/release/dth"

"$ROOT/scripts/setup.sh" --test >&2
NINJA_TARGETS=dth "$ROOT/scripts/build.sh" release >&2
for tool in rclone aws /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install rclone awscli time)" >&2; exit 1; }
done

WORK=$(mktemp -d /tmp/dth-bench.XXXXXX)
# shellcheck source=bench/rgw.sh
. "$ROOT/bench/rgw.sh"
cleanup() {
  bench_rgw_stop
  rm -rf "$WORK"
}
trap cleanup EXIT
bench_rgw_start

"$DTH" --endpoint "$RGW_ENDPOINT" ls s3://bench-src >/dev/null 2>&1 || true
aws --endpoint-url "$RGW_ENDPOINT" s3 mb s3://bench-src >/dev/null 2>&1 || true
aws --endpoint-url "$RGW_ENDPOINT" s3 mb s3://bench-dst >/dev/null 2>&1 || true
head -c $((SIZE_MIB << 20)) /dev/urandom >"$WORK/file.bin"
"$DTH" --endpoint "$RGW_ENDPOINT" -q cp "$WORK/file.bin" s3://bench-src/file.bin

# measure NAME CMD... -> appends "name wall cpu rss_kib" to $WORK/results
measure() {
  local name=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/t" "$@" >/dev/null 2>"$WORK/err" ||
    { echo "bench: $name failed: $(tail -1 "$WORK/err")" >&2; exit 1; }
  read -r wall user sys rss <"$WORK/t"
  echo "$name $wall $(echo "$user + $sys" | bc) $rss" >>"$WORK/results"
}

for _ in $(seq "$RUNS"); do
  measure "upload/dth" "$DTH" --endpoint "$RGW_ENDPOINT" -q cp "$WORK/file.bin" s3://bench-dst/up.bin
  measure "upload/rclone" rclone copyto "$WORK/file.bin" A:bench-dst/up.bin
  measure "upload/aws" aws --endpoint-url "$RGW_ENDPOINT" s3 cp --quiet "$WORK/file.bin" s3://bench-dst/up.bin
  measure "download/dth" "$DTH" --endpoint "$RGW_ENDPOINT" -q cp s3://bench-src/file.bin "$WORK/down.bin"
  measure "download/rclone" rclone copyto A:bench-src/file.bin "$WORK/down.bin"
  measure "download/aws" aws --endpoint-url "$RGW_ENDPOINT" s3 cp --quiet s3://bench-src/file.bin "$WORK/down.bin"
  measure "bucket-to-bucket/dth" "$DTH" --endpoint "$RGW_ENDPOINT" -q cp s3://bench-src/file.bin \
    s3://bench-dst/b2b.bin --dst-endpoint "$ALT_ENDPOINT"
  measure "bucket-to-bucket/rclone" rclone copyto A:bench-src/file.bin B:bench-dst/b2b.bin
done
cmp "$WORK/file.bin" "$WORK/down.bin"

# median CASE FIELD: the median of column FIELD (2 wall, 3 cpu, 4 rss KiB) for CASE.
median() {
  awk -v c="$1" '$1==c' "$WORK/results" | sort -k"$2,$2"n | awk -v f="$2" '{a[NR]=$f} END{print a[int((NR+1)/2)]}'
}

echo "single object of $SIZE_MIB MiB on Ceph RGW, median of $RUNS runs (whole process)"
printf "%-26s %9s %9s %10s %12s %12s\n" case wall_s cpu_s rss_MiB wall/dth cpu/dth
for c in upload download bucket-to-bucket; do
  dth_wall=$(median "$c/dth" 2)
  dth_cpu=$(median "$c/dth" 3)
  for t in dth rclone aws; do
    grep -q "^$c/$t " "$WORK/results" || continue
    wall=$(median "$c/$t" 2)
    cpu=$(median "$c/$t" 3)
    rss=$(($(median "$c/$t" 4) / 1024))
    printf "%-26s %9s %9s %10s %12.2f %12.2f\n" "$c/$t" "$wall" "$cpu" "$rss" \
      "$(echo "$wall / $dth_wall" | bc -l)" "$(echo "$cpu / $dth_cpu" | bc -l)"
  done
done
