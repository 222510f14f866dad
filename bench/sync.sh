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
#   (e) a realistic mix, bucket to bucket through the client: MIXED_COUNT objects (default
#       300) with log-normal sizes (median 256 KiB, sigma 2.6, clipped to 1 KiB..128 MiB,
#       seed 13: ~1.2 GiB, ~2/3 of the bytes in 1-64 MiB objects, 3 objects above 64 MiB,
#       2/3 of the objects below 1 MiB)
#   (f) the BIG_MIB object of (a), bucket to a local directory
#   (g) the objects of (e), a local directory to a bucket
# In (e)-(g) dth runs with its defaults (16 workers, 64 MiB multipart threshold, 16 MiB
# parts, 4 parts in flight), rclone with --transfers 16 and its defaults ("rclone") and
# with dth's sizes ("rclone-like": --s3-upload-cutoff 64M --s3-chunk-size 16M
# --s3-upload-concurrency 4; for (f) --multi-thread-cutoff 64M --multi-thread-streams 4, as
# dth downloads above its 64 MiB threshold with 4 ranged GETs at once),
# and the server's floor: (e) the same copy server-side (dth sync on one endpoint:
# CopyObject, no bytes through the client), (f) a single-stream curl GET of a presigned
# URL into a file; (g) has none (no single-stream uploader that signs is at hand).
# Each case starts with a warm-up round of the compared tools, not counted (WARMUP=0 skips it).
# Every copy goes to a fresh destination bucket, once the machine is idle. Prints the
# median (and min-max) wall time, CPU time (user+sys), peak RSS, objects/s, the server's
# CPU time and its requests per object per tool, each tool's ratio to dth, and the
# requests per object by method.
# Starts its own RGW unless RGW_ENDPOINT/_ACCESS_KEY/_SECRET_KEY are set (then RGW_PIDS
# gives the server's CPU time and RGW_DIR its request counts). CASES="b d" runs only those
# cases. DTH_BIN=PATH measures that dth binary instead of this tree's (a before/after pair).
# BENCH_KEEP=1 keeps the work directory (every run's figures, and each tool's
# messages under logs/); DTH_LOG=-v has dth log its retries there.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIG_MIB=${BIG_MIB:-1024}
SMALL_COUNT=${SMALL_COUNT:-2000}
RERUN_COUNT=${RERUN_COUNT:-10000}
SERVER_SIDE_COUNT=${SERVER_SIDE_COUNT:-1000}
MIXED_COUNT=${MIXED_COUNT:-300}
CASES=${CASES:-"a b c d e f g"}
DTH=${DTH_BIN:-"$ROOT/build/release/dth"}  # DTH_BIN: another build, e.g. a before/after pair

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
# shellcheck source=bench/rgw.sh
. "$ROOT/bench/rgw.sh"
# Case (a) writes BIG_MIB per run (a warm-up round, RUNS rounds of three tools, RUNS aws
# runs, the source), (e) and (g) ~1.2 GiB per 300 objects and run (up to four tools per
# round): the OSD holds it all, with room to spare.
bench_s3_begin $(( (4 + 4 * RUNS) * BIG_MIB * 3 / 2 / 1024 + (9 + 7 * RUNS) * MIXED_COUNT / 150 + 10 ))

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
SRC_MIXED=bench-$RUN_ID-mixed
# The mixed objects of (e) and (g), written once under WORK/mixed (see the header).
make_mixed() {
  [ -d "$WORK/mixed" ] && return 0
  python3 - "$WORK/mixed" "$MIXED_COUNT" <<'PY'
import math, os, random, sys
root, count = sys.argv[1], int(sys.argv[2])
r = random.Random(13)
for i in range(count):
    size = max(1024, min(int(math.exp(r.gauss(math.log(256 * 1024), 2.6))), 128 << 20))
    d = os.path.join(root, "d%d" % (i % 10))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "obj-%03d" % i), "wb") as f:
        f.write(os.urandom(size))
PY
}
BIG_POPULATED=
populate_big() {
  [ -n "$BIG_POPULATED" ] && return 0
  mb "$SRC_BIG"; head -c $((BIG_MIB << 20)) /dev/urandom >"$WORK/big.bin"
  "$DTH" --endpoint "$RGW_ENDPOINT" -q cp "$WORK/big.bin" "s3://$SRC_BIG/big.bin"; rm "$WORK/big.bin"
  BIG_POPULATED=1
}
# A fresh local directory for one download run (the last one's is removed first).
fresh_dir() { rm -rf "$WORK/dl"; mkdir -p "$WORK/dl/$1"; echo "$WORK/dl/$1"; }
# populate_case CASE: the case's source (and for (c) each tool's synced destination).
populate_case() {
  case $1 in
    a|f) populate_big ;;
    e) make_mixed; mb "$SRC_MIXED"
       "$DTH" --endpoint "$RGW_ENDPOINT" -q sync "$WORK/mixed" "s3://$SRC_MIXED/" --workers 16 ;;
    g) make_mixed ;;
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
# rclone with dth's default sizes: single PUT up to 64 MiB, 16 MiB parts, 4 parts in flight.
RCLONE_LIKE=(--s3-upload-cutoff 64M --s3-chunk-size 16M --s3-upload-concurrency 4)
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
    e/dth) bench_measure "e-mixed/dth" "$MIXED_COUNT" "${DTH_SYNC[@]}" "s3://$SRC_MIXED/" "s3://$(fresh e)/" ;;
    e/rclone) bench_measure "e-mixed/rclone" "$MIXED_COUNT" rclone sync --checksum --transfers 16 \
      "A:$SRC_MIXED" "B:$(fresh e)" ;;
    e/rclone-like) bench_measure "e-mixed/rclone-like" "$MIXED_COUNT" rclone sync --checksum --transfers 16 \
      "${RCLONE_LIKE[@]}" "A:$SRC_MIXED" "B:$(fresh e)" ;;
    e/floor) bench_measure "e-mixed/floor(server-side)" "$MIXED_COUNT" "$DTH" --endpoint "$RGW_ENDPOINT" \
      "${DTH_LOG:--q}" sync "s3://$SRC_MIXED/" "s3://$(fresh e)/" ;;
    f/dth) bench_measure "f-download/dth" 1 "$DTH" --endpoint "$RGW_ENDPOINT" "${DTH_LOG:--q}" sync \
      "s3://$SRC_BIG/" "$(fresh_dir f)" ;;
    f/rclone) bench_measure "f-download/rclone" 1 rclone copy --checksum --transfers 16 "A:$SRC_BIG" "$(fresh_dir f)" ;;
    f/rclone-like) bench_measure "f-download/rclone-like" 1 rclone copy --checksum --transfers 16 \
      --multi-thread-cutoff 64M --multi-thread-streams 4 "A:$SRC_BIG" "$(fresh_dir f)" ;;
    f/floor) bench_measure "f-download/floor(curl)" 1 curl -sSf -o "$(fresh_dir f)/big.bin" \
      "$("${AWS[@]}" s3 presign "s3://$SRC_BIG/big.bin")" ;;
    g/dth) bench_measure "g-upload/dth" "$MIXED_COUNT" "$DTH" --endpoint "$RGW_ENDPOINT" "${DTH_LOG:--q}" sync \
      "$WORK/mixed" "s3://$(fresh g)/" ;;
    g/rclone) bench_measure "g-upload/rclone" "$MIXED_COUNT" rclone copy --transfers 16 "$WORK/mixed" "A:$(fresh g)" ;;
    g/rclone-like) bench_measure "g-upload/rclone-like" "$MIXED_COUNT" rclone copy --transfers 16 \
      "${RCLONE_LIKE[@]}" "$WORK/mixed" "A:$(fresh g)" ;;
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
  elif [ "$c" = e ] || [ "$c" = f ]; then
    bench_rounds "$c" dth rclone rclone-like floor
  elif [ "$c" = g ]; then
    bench_rounds g dth rclone rclone-like
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
