#!/usr/bin/env bash
# Hub benchmark on a local Ceph RGW:
#   (a) a one-time task through the hub (`dth serve`: created through the API, polled
#       until DONE) against `dth sync` of the same data, for SMALL_COUNT objects of 16 KiB
#       (default 2000, 32 workers) and one BIG_MIB object (default 1024), bucket to bucket
#       through the client (the destination spelled "localhost", as bench/sync.sh does);
#       a warm-up round, then RUNS rounds (default 3) with the two taking turns at going
#       first; medians, and the hub's ratio to dth sync (the issue's target: at most 1.05).
#       The hub's row gives the hub process's CPU time during the run (srv_cpu_s), the
#       sync's row the sync process's own.
#   (b) API latency: CLIENTS (default 50) concurrent clients for LOAD_SECONDS (default 20)
#       alternating GET /api/v1/tasks and GET /api/v1/tasks/{id} (build/release/dth_api_load):
#       p50, p90, p99 per route (target p99 < 50 ms).
#   (c) the idle hub's RSS and CPU over IDLE_SECONDS (default 30) with the tasks of (a)
#       and IDLE_TASKS more (default 20, scheduled daily, stopped) defined.
# CASES="small big load idle" picks parts. Starts its own RGW unless RGW_ENDPOINT/... are
# set (bench/rgw.sh). BENCH_KEEP=1 keeps the work directory (the hub's log in logs/).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIG_MIB=${BIG_MIB:-1024}
SMALL_COUNT=${SMALL_COUNT:-2000}
CLIENTS=${CLIENTS:-50}
LOAD_SECONDS=${LOAD_SECONDS:-20}
IDLE_SECONDS=${IDLE_SECONDS:-30}
IDLE_TASKS=${IDLE_TASKS:-20}
CASES=${CASES:-"small big load idle"}
DTH="$ROOT/build/release/dth"
LOAD="$ROOT/build/release/dth_api_load"

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
# shellcheck source=bench/rgw.sh
. "$ROOT/bench/rgw.sh"
bench_s3_begin $(( (4 + 4 * RUNS) * BIG_MIB * 3 / 2 / 1024 + 10 ))
ninja -C "$ROOT/build/release" dth_api_load >&2
bench_require curl:curl jq:jq

mb() { "${AWS[@]}" s3 mb "s3://$1" >/dev/null; }
fresh() { local b; b="bench-$RUN_ID-$1-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')"; mb "$b"; echo "$b"; }

# The hub, on a free port, with its own data directory.
HUB_PASSWORD=bench-$RANDOM$RANDOM
: >"$WORK/logs/hub.log"
DTH_ADMIN_PASSWORD=$HUB_PASSWORD "$DTH" serve --listen 127.0.0.1:0 --data-dir "$WORK/hub" \
  >"$WORK/logs/hub.log" 2>&1 &
HUB_PID=$!
stop_hub() { kill "$HUB_PID" 2>/dev/null && wait "$HUB_PID" 2>/dev/null || true; bench_s3_end; }
trap stop_hub EXIT
for _ in $(seq 100); do
  HUB=$(sed -n 's#^dth hub [^:]*: \(http://[0-9.:]*\)/.*#\1#p' "$WORK/logs/hub.log")
  [ -n "$HUB" ] && break
  sleep 0.2
done
[ -n "$HUB" ] || { echo "bench: the hub did not start: $(tail -3 "$WORK/logs/hub.log")" >&2; exit 1; }
export DTH_SERVER=$HUB
DTH_TOKEN=$(DTH_PASSWORD=$HUB_PASSWORD "$DTH" task login --username admin)
export DTH_TOKEN
AUTH="Authorization: Bearer $DTH_TOKEN"
curl -sf "$HUB/api/v1/credentials" -H "$AUTH" -H 'Content-Type: application/json' \
  -d "{\"name\":\"rgw\",\"kind\":\"s3\",\"value\":{\"access_key_id\":\"$RGW_ACCESS_KEY\",\"secret_access_key\":\"$RGW_SECRET_KEY\"}}" >/dev/null

populate() {  # BUCKET COUNT SIZE_BYTES
  local dir="$WORK/fill-$1"
  mkdir -p "$dir"
  for i in $(seq 1 "$2"); do
    mkdir -p "$dir/d$((i % 50))"
    head -c "$3" /dev/urandom >"$dir/d$((i % 50))/obj-$i"
  done
  mb "$1"
  "$DTH" --endpoint "$RGW_ENDPOINT" -q sync "$dir" "s3://$1/" --workers 32
  rm -rf "$dir"
}
SRC_SMALL=bench-$RUN_ID-small SRC_BIG=bench-$RUN_ID-big

# The hub's CPU ticks so far.
hub_ticks() { awk '{print $14 + $15}' "/proc/$HUB_PID/stat"; }
run_one() {
  local c=$1 tool=$2 src n workers before after file
  case $c in
    small) src=$SRC_SMALL n=$SMALL_COUNT workers=32 ;;
    big) src=$SRC_BIG n=1 workers=4 ;;
  esac
  case $tool in
    sync) bench_measure "$c/sync" "$n" "$DTH" --endpoint "$RGW_ENDPOINT" -q sync --dst-endpoint "$ALT_ENDPOINT" \
            "s3://$src/" "s3://$(fresh "$c")/" --workers "$workers" ;;
    hub) before=$(hub_ticks)
         bench_measure "$c/hub" "$n" "$DTH" task create --wait --type s3 --description bench \
           -p "srcEndpoint=$RGW_ENDPOINT" -p "srcBucket=$src" -p srcCredentials=rgw \
           -p "destEndpoint=$ALT_ENDPOINT" -p "destBucket=$(fresh "$c")" -p destCredentials=rgw \
           -p "workerNumber=$workers"
         after=$(hub_ticks)
         # cpu_s: the hub process's CPU time in the run (the polling client's is next to nothing).
         file=$WORK/${RESULTS:-results}
         awk -v t="$(echo "($after - $before) / $(getconf CLK_TCK)" | bc -l)" \
           '{ line[NR] = $0 } END { for (i = 1; i < NR; i++) print line[i]; n = split(line[NR], f, " ");
              f[3] = sprintf("%.2f", t); out = f[1]; for (i = 2; i <= n; i++) out = out " " f[i]; print out }' \
           "$file" >"$file.tmp" && mv "$file.tmp" "$file" ;;
  esac
}

for c in $CASES; do
  case $c in
    small) populate "$SRC_SMALL" "$SMALL_COUNT" 16384; bench_rounds small sync hub ;;
    big) mb "$SRC_BIG"; head -c $((BIG_MIB << 20)) /dev/urandom >"$WORK/big.bin"
         "$DTH" --endpoint "$RGW_ENDPOINT" -q cp "$WORK/big.bin" "s3://$SRC_BIG/big.bin"; rm "$WORK/big.bin"
         bench_rounds big sync hub ;;
  esac
done
if [ -s "$WORK/results" ]; then
  echo "(a) a one-time task through the hub against dth sync on Ceph RGW, median of $RUNS runs"
  echo "    (hub rows: wall from \`dth task create --wait\` (created through the API, polled every"
  echo "    100 ms until DONE), cpu_s the hub process's CPU time during the run; rss_MiB the client's;"
  echo "    srv_cpu_s is RGW's in both rows)"
  bench_report sync
fi

# Tasks defined for (b) and (c): stopped daily tasks.
for i in $(seq "$IDLE_TASKS"); do
  "$DTH" task create --stopped --type s3 --schedule 'rate(1 day)' --description "idle $i" \
    -p "srcEndpoint=$RGW_ENDPOINT" -p "srcBucket=bench-$RUN_ID-idle" -p srcCredentials=rgw \
    -p "destEndpoint=$RGW_ENDPOINT" -p "destBucket=bench-$RUN_ID-idle-dst" -p destCredentials=rgw >/dev/null
done
ONE=$("$DTH" task list --json | jq -r '.tasks[0].id')
TASKS=$("$DTH" task list --json --all | jq '.tasks | length')

if [[ " $CASES " == *" load "* ]]; then
  echo
  echo "(b) API latency: $CLIENTS concurrent clients for $LOAD_SECONDS s, each alternating the two"
  echo "    routes (keep-alive; $TASKS tasks defined; GET /api/v1/tasks answers the first 20)"
  before=$(hub_ticks)
  "$LOAD" "$HUB" "$LOAD_SECONDS" "$CLIENTS" /api/v1/tasks "/api/v1/tasks/$ONE"
  after=$(hub_ticks)
  echo "    the hub's CPU time during the load: $(echo "scale=1; ($after - $before) / $(getconf CLK_TCK)" | bc) s"
fi

if [[ " $CASES " == *" idle "* ]]; then
  sleep 5
  before=$(hub_ticks)
  sleep "$IDLE_SECONDS"
  after=$(hub_ticks)
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$HUB_PID/status")
  hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$HUB_PID/status")
  threads=$(awk '/^Threads/ {print $2}' "/proc/$HUB_PID/status")
  echo
  echo "(c) the idle hub ($TASKS tasks defined, none running) over $IDLE_SECONDS s:"
  echo "    RSS $((rss / 1024)) MiB (peak so far $((hwm / 1024)) MiB), $threads threads," \
    "CPU $(echo "scale=3; ($after - $before) / $(getconf CLK_TCK)" | bc) s" \
    "($(echo "scale=2; 100 * ($after - $before) / $(getconf CLK_TCK) / $IDLE_SECONDS" | bc) % of one core)"
fi
