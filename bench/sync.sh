#!/usr/bin/env bash
# Sync benchmark on a local Ceph RGW: dth sync against rclone sync (defaults, and with
# --checksum, its recommended S3 mode) and aws s3 sync, in the same run, one case at a time
# (each populated just before its runs), alternating (each round starting with the next
# tool; aws after the others in (a)-(c)), RUNS times each (default 3):
#   (a) one BIG_MIB object (default 1024) bucket to bucket through the client (dth and
#       rclone reach the destination through a second spelling of the endpoint; aws s3
#       sync between buckets is server-side, so its row is marked and not compared)
#   (b) SMALL_COUNT objects (default 2000) of 16 KiB, bucket to bucket, 32 transfers
#   (c) a re-run with nothing to do over RERUN_COUNT objects (default 10000)
#   (d) SERVER_SIDE_COUNT objects (default 1000) of 4 KiB, bucket to bucket server-side
#       (one endpoint and one set of keys: dth sync, rclone sync with one remote, aws s3
#       sync), to count the requests each tool sends per object
# Each case starts with a warm-up round of the compared tools, not counted (WARMUP=0 skips it).
# Every copy goes to a fresh destination bucket, once the machine is idle. Prints the
# median (and min-max) wall time, CPU time (user+sys), peak RSS, objects/s, the server's
# CPU time and its requests per object per tool, each tool's ratio to dth, and the
# requests per object by method.
# Starts its own RGW unless RGW_ENDPOINT/_ACCESS_KEY/_SECRET_KEY are set (then RGW_PIDS
# gives the server's CPU time and RGW_DIR its request counts). CASES="b d" runs only those
# cases. BENCH_KEEP=1 keeps the work directory (every run's figures, and each tool's
# messages under logs/); DTH_LOG=-v has dth log its retries there.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIG_MIB=${BIG_MIB:-1024}
SMALL_COUNT=${SMALL_COUNT:-2000}
RERUN_COUNT=${RERUN_COUNT:-10000}
SERVER_SIDE_COUNT=${SERVER_SIDE_COUNT:-1000}
CASES=${CASES:-"a b c d"}
DTH="$ROOT/build/release/dth"

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
# shellcheck source=bench/rgw.sh
. "$ROOT/bench/rgw.sh"
# Case (a) writes BIG_MIB per run (a warm-up round, RUNS rounds of three tools, RUNS aws
# runs, the source): the OSD holds it all, with room to spare.
bench_s3_begin $(( (4 + 4 * RUNS) * BIG_MIB * 3 / 2 / 1024 + 10 ))

mb() { "${AWS[@]}" s3 mb "s3://$1" >/dev/null; }
# A fresh destination bucket name for one measured run.
# (Called in $(...), so the name cannot come from a shell counter.)
fresh() { local b; b="bench-$RUN_ID-$1-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')"; mb "$b"; echo "$b"; }

# Source buckets, filled once by dth from local files.
populate() {  # BUCKET COUNT SIZE_BYTES
  local dir="$WORK/fill-$1"
  mkdir -p "$dir"
  for i in $(seq 1 "$2"); do
    d=$((i % 50))
    mkdir -p "$dir/d$d"
    head -c "$3" /dev/urandom >"$dir/d$d/obj-$i"
  done
  mb "$1"
  "$DTH" --endpoint "$RGW_ENDPOINT" -q sync "$dir" "s3://$1/" --workers 32
  rm -rf "$dir"
}
SRC_BIG=bench-$RUN_ID-big SRC_SMALL=bench-$RUN_ID-small SRC_MANY=bench-$RUN_ID-many SRC_SS=bench-$RUN_ID-ss
# populate_case CASE: the case's source (and for (c) each tool's synced destination).
populate_case() {
  case $1 in
    a) mb "$SRC_BIG"; head -c $((BIG_MIB << 20)) /dev/urandom >"$WORK/big.bin"
       "$DTH" --endpoint "$RGW_ENDPOINT" -q cp "$WORK/big.bin" "s3://$SRC_BIG/big.bin"; rm "$WORK/big.bin" ;;
    b) populate "$SRC_SMALL" "$SMALL_COUNT" 16384 ;;
    c) populate "$SRC_MANY" "$RERUN_COUNT" 100
       # Each tool's destination, synced once by that tool before the re-runs.
       RERUN_DTH=$(fresh rerun-dth) RERUN_RCLONE=$(fresh rerun-rclone) RERUN_AWS=$(fresh rerun-aws)
       "$DTH" --endpoint "$RGW_ENDPOINT" -q sync "s3://$SRC_MANY/" "s3://$RERUN_DTH/" \
         --dst-endpoint "$ALT_ENDPOINT" --workers 32
       rclone sync --transfers 32 --checksum "A:$SRC_MANY" "B:$RERUN_RCLONE"
       "${AWS[@]}" s3 sync --quiet "s3://$SRC_MANY/" "s3://$RERUN_AWS/" ;;
    d) populate "$SRC_SS" "$SERVER_SIDE_COUNT" 4096 ;;
  esac
}

DTH_SYNC=("$DTH" --endpoint "$RGW_ENDPOINT" "${DTH_LOG:--q}" sync --dst-endpoint "$ALT_ENDPOINT")
# run_one CASE TOOL: one measured run.
run_one() {
  case "$1/$2" in
    a/dth) bench_measure "a-big/dth" 1 "${DTH_SYNC[@]}" "s3://$SRC_BIG/" "s3://$(fresh a)/" ;;
    a/rclone) bench_measure "a-big/rclone" 1 rclone sync "A:$SRC_BIG" "B:$(fresh a)" ;;
    a/rclone-checksum) bench_measure "a-big/rclone-checksum" 1 rclone sync --checksum "A:$SRC_BIG" "B:$(fresh a)" ;;
    a/aws) bench_measure "a-big/aws(server-side)" 1 "${AWS[@]}" s3 sync --quiet "s3://$SRC_BIG/" "s3://$(fresh a)/" ;;
    b/dth) bench_measure "b-small/dth" "$SMALL_COUNT" "${DTH_SYNC[@]}" "s3://$SRC_SMALL/" "s3://$(fresh b)/" --workers 32 ;;
    b/rclone) bench_measure "b-small/rclone" "$SMALL_COUNT" rclone sync --transfers 32 "A:$SRC_SMALL" "B:$(fresh b)" ;;
    b/rclone-checksum) bench_measure "b-small/rclone-checksum" "$SMALL_COUNT" rclone sync --transfers 32 --checksum \
      "A:$SRC_SMALL" "B:$(fresh b)" ;;
    b/aws) bench_measure "b-small/aws(server-side)" "$SMALL_COUNT" "${AWS[@]}" s3 sync --quiet \
      "s3://$SRC_SMALL/" "s3://$(fresh b)/" ;;
    c/dth) bench_measure "c-rerun/dth" "$RERUN_COUNT" "${DTH_SYNC[@]}" "s3://$SRC_MANY/" "s3://$RERUN_DTH/" --workers 32 ;;
    c/rclone) bench_measure "c-rerun/rclone" "$RERUN_COUNT" rclone sync --transfers 32 "A:$SRC_MANY" "B:$RERUN_RCLONE" ;;
    c/rclone-checksum) bench_measure "c-rerun/rclone-checksum" "$RERUN_COUNT" rclone sync --transfers 32 --checksum \
      "A:$SRC_MANY" "B:$RERUN_RCLONE" ;;
    c/aws) bench_measure "c-rerun/aws" "$RERUN_COUNT" "${AWS[@]}" s3 sync --quiet "s3://$SRC_MANY/" "s3://$RERUN_AWS/" ;;
    # (d): one endpoint, one set of keys, one rclone remote: every tool copies server-side.
    d/dth) bench_measure "d-server-side/dth" "$SERVER_SIDE_COUNT" "$DTH" --endpoint "$RGW_ENDPOINT" \
      "${DTH_LOG:--q}" sync "s3://$SRC_SS/" "s3://$(fresh d)/" --workers 32 ;;
    d/rclone) bench_measure "d-server-side/rclone" "$SERVER_SIDE_COUNT" rclone sync --transfers 32 \
      "A:$SRC_SS" "A:$(fresh d)" ;;
    d/aws) bench_measure "d-server-side/aws" "$SERVER_SIDE_COUNT" "${AWS[@]}" s3 sync --quiet \
      "s3://$SRC_SS/" "s3://$(fresh d)/" ;;
  esac
}
# One case at a time, each populated just before its runs: a case's runs are not slowed by
# the objects later cases write (the 40,000 small writes of (c)'s population made RGW's
# small PUTs and big writes cost it more CPU time, on the cores the clients share).
# Per case: a warm-up round, then RUNS rounds in which the compared tools take turns at
# going first (bench/lib.sh), then in (a)-(c) aws s3's runs (server-side for (a) and (b),
# so not compared): its heavy server-side writes weighed on whichever tool came next.
for c in $CASES; do
  populate_case "$c"
  if [ "$c" = d ]; then
    bench_rounds d dth rclone aws
  else
    bench_rounds "$c" dth rclone rclone-checksum
    for _ in $(seq "$RUNS"); do run_one "$c" aws; done
  fi
done

echo "dth sync against peers on Ceph RGW, median of $RUNS runs (whole process; srv_cpu_s: the"
echo "server's processes (RGW, OSD, monitor) during the run, which share the machine's cores;"
echo "req/obj: the requests RGW answered during the run, per object)"
bench_report dth
bench_rgw_methods_report
