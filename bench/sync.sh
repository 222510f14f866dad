#!/usr/bin/env bash
# Sync benchmark on a local Ceph RGW: dth sync against rclone sync (defaults, and with
# --checksum, its recommended S3 mode) and aws s3 sync, in the same run, one case at a time
# (each populated just before its runs), alternating (each round starting with the next
# tool; aws after the others), RUNS times each (default 3):
#   (a) one BIG_MIB object (default 1024) bucket to bucket through the client (dth and
#       rclone reach the destination through a second spelling of the endpoint; aws s3
#       sync between buckets is server-side, so its row is marked and not compared)
#   (b) SMALL_COUNT objects (default 2000) of 16 KiB, bucket to bucket, 32 transfers
#   (c) a re-run with nothing to do over RERUN_COUNT objects (default 10000)
# Each case starts with a warm-up round of the compared tools, not counted (WARMUP=0 skips it).
# Every copy goes to a fresh destination bucket, once the machine is idle. Prints median
# wall time, CPU time (user+sys), peak RSS, objects/s and the server's CPU time per tool,
# and each tool's ratio to dth.
# Starts its own RGW unless RGW_ENDPOINT/_ACCESS_KEY/_SECRET_KEY are set. BENCH_KEEP=1
# keeps the work directory (every run's figures, and each tool's messages under logs/);
# DTH_LOG=-v has dth log its retries there.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${RUNS:-3}
BIG_MIB=${BIG_MIB:-1024}
SMALL_COUNT=${SMALL_COUNT:-2000}
RERUN_COUNT=${RERUN_COUNT:-10000}
CASES=${CASES:-"a b c"}
DTH="$ROOT/build/release/dth"

"$ROOT/scripts/setup.sh" --test >&2
NINJA_TARGETS=dth "$ROOT/scripts/build.sh" release >&2
for tool in rclone aws /usr/bin/time bc; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install rclone awscli time bc)" >&2; exit 1; }
done

WORK=$(mktemp -d /tmp/dth-bench.XXXXXX)
mkdir "$WORK/logs"
# shellcheck source=bench/rgw.sh
. "$ROOT/bench/rgw.sh"
cleanup() {
  if [ -n "${OWN_RGW:-}" ]; then
    bench_rgw_stop
  elif [ -n "${RUN_ID:-}" ]; then  # someone else's RGW: leave it as it was (it fills up)
    for b in $("${AWS[@]}" s3 ls 2>/dev/null | awk '{print $3}' | grep "^bench-$RUN_ID-"); do
      "${AWS[@]}" s3 rb --force "s3://$b" >/dev/null 2>&1 || true
    done
  fi
  if [ -n "${BENCH_KEEP:-}" ]; then
    echo "bench: kept $WORK (results: one row per run; logs/: each tool's messages)" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
# Case (a) writes BIG_MIB per run (a warm-up round, RUNS rounds of three tools, RUNS aws
# runs, the source), and RGW's garbage collector frees nothing for 2 hours: size the OSD's
# sparse file to hold it all, with room to spare (a full OSD makes clients hang).
need_gb=$(( (4 + 4 * RUNS) * BIG_MIB / 1024 * 3 / 2 + 10 ))
export RGW_OSD_SIZE_GB=${RGW_OSD_SIZE_GB:-$(( need_gb > 40 ? need_gb : 40 ))}
bench_rgw_start
export DTH_STATE_DIR="$WORK/state"
AWS=(aws --endpoint-url "$RGW_ENDPOINT")
RUN_ID=$RANDOM

mb() { "${AWS[@]}" s3 mb "s3://$1" >/dev/null; }
# A fresh destination bucket name for one measured run.
# (Called in $(...), so the name cannot come from a shell counter.)
fresh() { local b="bench-$RUN_ID-$1-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')"; mb "$b"; echo "$b"; }

# CPU seconds (user+sys) the server's processes have used so far: RGW_PIDS (set by
# start_rgw.sh's env; for an RGW started elsewhere, export it to get this column).
server_cpu() {
  local total=0 p
  for p in ${RGW_PIDS:-}; do
    [ -r "/proc/$p/stat" ] || { echo "-"; return; }
    total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  if [ -z "${RGW_PIDS:-}" ]; then echo "-"; else echo "$total"; fi
}

# Waits (up to 60 s) until the machine is idle: the server's background work after one
# run (RocksDB compaction after thousands of small writes) must not land on the next.
settle() {
  local i a b busy total
  for i in $(seq 120); do
    read -r -a a </proc/stat; sleep 0.5; read -r -a b </proc/stat
    busy=$(( (b[1]+b[2]+b[3]+b[6]+b[7]) - (a[1]+a[2]+a[3]+a[6]+a[7]) ))
    total=$(( busy + (b[4]+b[5]) - (a[4]+a[5]) ))
    if [ $((busy * 100)) -le $((total * 10)) ]; then
      if [ "$i" -gt 1 ]; then echo "waited $((i / 2)) s for an idle machine before $1" >>"$WORK/logs/settle.log"; fi
      return 0
    fi
  done
}

# measure NAME OBJECTS CMD... -> appends "name wall cpu rss_kib objects server_cpu" to
# $WORK/results. A command that runs past MEASURE_TIMEOUT seconds (default 900) fails the
# benchmark (a full OSD makes some clients wait forever).
measure() {
  local name=$1 objects=$2; shift 2
  local before after server
  settle "$name"
  before=$(server_cpu)
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/t" timeout "${MEASURE_TIMEOUT:-900}" "$@" >/dev/null 2>"$WORK/err" ||
    { echo "bench: $name failed (exit $?): $(tail -3 "$WORK/err")" >&2; exit 1; }
  cat "$WORK/err" >>"$WORK/logs/${name//\//_}.log"
  after=$(server_cpu)
  server=-
  [ "$before" != - ] && [ "$after" != - ] && server=$(echo "($after - $before) / $(getconf CLK_TCK)" | bc -l)
  read -r wall user sys rss <"$WORK/t"
  echo "$name $wall $(echo "$user + $sys" | bc) $rss $objects $server" >>"$WORK/${RESULTS:-results}"
}

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
SRC_BIG=bench-$RUN_ID-big SRC_SMALL=bench-$RUN_ID-small SRC_MANY=bench-$RUN_ID-many
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
  esac
}

DTH_SYNC=("$DTH" --endpoint "$RGW_ENDPOINT" "${DTH_LOG:--q}" sync --dst-endpoint "$ALT_ENDPOINT")
# run_one CASE TOOL: one measured run.
run_one() {
  case "$1/$2" in
    a/dth) measure "a-big/dth" 1 "${DTH_SYNC[@]}" "s3://$SRC_BIG/" "s3://$(fresh a)/" ;;
    a/rclone) measure "a-big/rclone" 1 rclone sync "A:$SRC_BIG" "B:$(fresh a)" ;;
    a/rclone-checksum) measure "a-big/rclone-checksum" 1 rclone sync --checksum "A:$SRC_BIG" "B:$(fresh a)" ;;
    a/aws) measure "a-big/aws(server-side)" 1 "${AWS[@]}" s3 sync --quiet "s3://$SRC_BIG/" "s3://$(fresh a)/" ;;
    b/dth) measure "b-small/dth" "$SMALL_COUNT" "${DTH_SYNC[@]}" "s3://$SRC_SMALL/" "s3://$(fresh b)/" --workers 32 ;;
    b/rclone) measure "b-small/rclone" "$SMALL_COUNT" rclone sync --transfers 32 "A:$SRC_SMALL" "B:$(fresh b)" ;;
    b/rclone-checksum) measure "b-small/rclone-checksum" "$SMALL_COUNT" rclone sync --transfers 32 --checksum \
      "A:$SRC_SMALL" "B:$(fresh b)" ;;
    b/aws) measure "b-small/aws(server-side)" "$SMALL_COUNT" "${AWS[@]}" s3 sync --quiet \
      "s3://$SRC_SMALL/" "s3://$(fresh b)/" ;;
    c/dth) measure "c-rerun/dth" "$RERUN_COUNT" "${DTH_SYNC[@]}" "s3://$SRC_MANY/" "s3://$RERUN_DTH/" --workers 32 ;;
    c/rclone) measure "c-rerun/rclone" "$RERUN_COUNT" rclone sync --transfers 32 "A:$SRC_MANY" "B:$RERUN_RCLONE" ;;
    c/rclone-checksum) measure "c-rerun/rclone-checksum" "$RERUN_COUNT" rclone sync --transfers 32 --checksum \
      "A:$SRC_MANY" "B:$RERUN_RCLONE" ;;
    c/aws) measure "c-rerun/aws" "$RERUN_COUNT" "${AWS[@]}" s3 sync --quiet "s3://$SRC_MANY/" "s3://$RERUN_AWS/" ;;
  esac
}
# One case at a time, each populated just before its runs: a case's runs are not slowed by
# the objects later cases write (the 40,000 small writes of (c)'s population made RGW's
# small PUTs and big writes cost it more CPU time, on the cores the clients share).
# Per case: a warm-up round of the compared tools, not counted (kept in $WORK/warmup;
# WARMUP=0 skips it), then RUNS rounds in which the compared tools take turns at going
# first (round r starts with tool r mod 3), then aws s3's runs (server-side for (a) and
# (b), so not compared): its heavy server-side writes weighed on whichever tool came next.
TOOLS=(dth rclone rclone-checksum)
for c in $CASES; do
  populate_case "$c"
  if [ "${WARMUP:-1}" != 0 ]; then
    for t in "${TOOLS[@]}"; do RESULTS=warmup run_one "$c" "$t"; done
  fi
  for r in $(seq 0 $((RUNS - 1))); do
    for i in 0 1 2; do
      run_one "$c" "${TOOLS[$(((r + i) % 3))]}"
    done
  done
  for _ in $(seq "$RUNS"); do run_one "$c" aws; done
done

# median CASE FIELD: the median of column FIELD (2 wall, 3 cpu, 4 rss KiB) for CASE.
median() {
  awk -v c="$1" '$1==c' "$WORK/results" | sort -k"$2,$2"n | awk -v f="$2" '{a[NR]=$f} END{print a[int((NR+1)/2)]}'
}

echo "dth sync against peers on Ceph RGW, median of $RUNS runs (whole process; srv_cpu_s: the"
echo "server's processes (RGW, OSD, monitor) during the run, which share the machine's cores)"
printf "%-30s %8s %8s %8s %10s %9s %9s %9s\n" case wall_s cpu_s rss_MiB objects/s srv_cpu_s wall/dth cpu/dth
for c in $(awk '{split($1, p, "/"); print p[1]}' "$WORK/results" | sort -u); do
  dth_wall=$(median "$c/dth" 2)
  dth_cpu=$(median "$c/dth" 3)
  for t in $(awk -v c="$c" '{split($1, p, "/"); if (p[1]==c) print p[2]}' "$WORK/results" | sort -u); do
    wall=$(median "$c/$t" 2)
    cpu=$(median "$c/$t" 3)
    rss=$(($(median "$c/$t" 4) / 1024))
    server=$(median "$c/$t" 6)
    [ "$server" != - ] && server=$(printf "%.2f" "$server")
    objects=$(awk -v c="$c/$t" '$1==c {print $5; exit}' "$WORK/results")
    printf "%-30s %8s %8s %8s %10.0f %9s %9.2f %9.2f\n" "$c/$t" "$wall" "$cpu" "$rss" \
      "$(echo "$objects / $wall" | bc -l)" "$server" "$(echo "$wall / $dth_wall" | bc -l)" \
      "$(echo "$cpu / $dth_cpu" | bc -l)"
  done
done
