#!/usr/bin/env bash
# Single-object copy benchmark on a local Ceph RGW: dth cp against rclone copyto and
# aws s3 cp, in the same run, one case at a time, alternating (each round starting with
# the next tool), RUNS times each (default 3):
#   (1) upload a SIZE_MIB file (default 1024) local -> bucket
#   (2) download it bucket -> local (each download is compared with the file)
#   (3) bucket -> bucket through the client (dth and rclone via two spellings of the
#       endpoint; aws s3 cp between buckets is server-side, so it is left out)
# Each case starts with a warm-up round, not counted (WARMUP=0 skips it); every run
# starts once the machine is idle. Prints the median (and min-max) wall time, CPU time
# (user+sys), peak RSS, the server's CPU time and requests per tool, and each peer's ratio
# to dth. Starts its own RGW unless RGW_ENDPOINT/_ACCESS_KEY/_SECRET_KEY are set.
# DTH_BIN=PATH measures that dth binary instead of this tree's. CASES="upload download" runs only those cases; BENCH_KEEP=1 keeps the work directory.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZE_MIB=${SIZE_MIB:-1024}
CASES=${CASES:-"upload download bucket-to-bucket"}
DTH=${DTH_BIN:-"$ROOT/build/release/dth"}  # DTH_BIN: another build, e.g. a before/after pair

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
# shellcheck source=bench/rgw.sh
. "$ROOT/bench/rgw.sh"
# Every upload and bucket-to-bucket run writes SIZE_MIB: the OSD holds it all.
bench_s3_begin $(( (2 + 5 * (RUNS + 1)) * SIZE_MIB * 3 / 2 / 1024 + 10 ))
SRC=bench-$RUN_ID-src DST=bench-$RUN_ID-dst

"${AWS[@]}" s3 mb "s3://$SRC" >/dev/null
"${AWS[@]}" s3 mb "s3://$DST" >/dev/null
head -c $((SIZE_MIB << 20)) /dev/urandom >"$WORK/file.bin"
"$DTH" --endpoint "$RGW_ENDPOINT" -q cp "$WORK/file.bin" "s3://$SRC/file.bin"

# run_one CASE TOOL: one measured run. Each upload and copy writes a key of its own (a
# tool that finds its own earlier copy there may skip the copy: rclone compares the
# size and modification time), and each download a file of its own, compared with the
# source file.
N=0
run_one() {
  N=$((N + 1))
  local up="$DST/up-$N.bin" b2b="$DST/b2b-$N.bin" down="$WORK/down-$N.bin"
  case "$1/$2" in
    upload/dth) bench_measure upload/dth 1 "$DTH" --endpoint "$RGW_ENDPOINT" -q cp "$WORK/file.bin" "s3://$up" ;;
    upload/rclone) bench_measure upload/rclone 1 rclone copyto "$WORK/file.bin" "A:$up" ;;
    upload/aws) bench_measure upload/aws 1 "${AWS[@]}" s3 cp --quiet "$WORK/file.bin" "s3://$up" ;;
    download/dth) bench_measure download/dth 1 "$DTH" --endpoint "$RGW_ENDPOINT" -q cp "s3://$SRC/file.bin" "$down" ;;
    download/rclone) bench_measure download/rclone 1 rclone copyto "A:$SRC/file.bin" "$down" ;;
    download/aws) bench_measure download/aws 1 "${AWS[@]}" s3 cp --quiet "s3://$SRC/file.bin" "$down" ;;
    bucket-to-bucket/dth) bench_measure bucket-to-bucket/dth 1 "$DTH" --endpoint "$RGW_ENDPOINT" -q \
      cp "s3://$SRC/file.bin" "s3://$b2b" --dst-endpoint "$ALT_ENDPOINT" ;;
    bucket-to-bucket/rclone) bench_measure bucket-to-bucket/rclone 1 rclone copyto "A:$SRC/file.bin" "B:$b2b" ;;
  esac
  if [ "$1" = download ]; then
    cmp "$WORK/file.bin" "$down" || { echo "bench: $2's download differs from the file" >&2; exit 1; }
    rm "$down"
  fi
}

for c in $CASES; do
  case $c in
    bucket-to-bucket) bench_rounds "$c" dth rclone ;;
    upload | download) bench_rounds "$c" dth rclone aws ;;
    *) echo "bench: unknown case '$c' (upload, download, bucket-to-bucket)" >&2; exit 2 ;;
  esac
done

echo "single object of $SIZE_MIB MiB on Ceph RGW, median of $RUNS runs (whole process; srv_cpu_s:"
echo "the server's processes (RGW, OSD, monitor) during the run; req/obj: the requests RGW answered)"
bench_report dth
bench_rgw_methods_report
