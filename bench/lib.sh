# shellcheck shell=bash
# Sourced by the benchmarks: how a run is measured, how tools take turns, and the report.
# Needs WORK (the benchmark's work directory, with WORK/logs) and a function
# `run_one CASE TOOL` that makes one measured run (by calling bench_measure).
# Optional: SERVER_PIDS (the processes whose CPU time is the server's), and functions
# bench_server_requests (prints how many requests the server has answered so far, or -)
# and bench_before_run NAME / bench_after_run NAME REQUESTS (called just before and after
# each measured run, e.g. to count the requests by method).
# Environment: RUNS (counted rounds, default 3), WARMUP=0 (no warm-up round),
# SETTLE_MAX (seconds to wait for an idle machine before a run, default 60; 0 to check a
# change to the scripts on a busy machine, not for figures), MEASURE_TIMEOUT (seconds,
# default 900), BENCH_KEEP=1 (keep WORK: every run's figures in
# WORK/results and WORK/warmup, each tool's messages under WORK/logs).

RUNS=${RUNS:-3}

# bench_require TOOL:PACKAGE...: installs the Debian packages of the tools that are
# missing (the peers the benchmarks compare with are not needed by the tests).
bench_require() {
  local want missing=() sudo=()
  for want in "$@"; do
    command -v "${want%%:*}" >/dev/null || missing+=("${want#*:}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  echo "bench: apt-get install ${missing[*]}" >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
}

# CPU clock ticks (user+sys) the server's processes (SERVER_PIDS) have used so far, or -.
bench_server_cpu() {
  local total=0 p
  [ -n "${SERVER_PIDS:-}" ] || { echo -; return; }
  for p in $SERVER_PIDS; do
    [ -r "/proc/$p/stat" ] || { echo -; return; }
    total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$total"
}

# bench_settle NAME: waits (up to SETTLE_MAX seconds, default 60; 0 does not wait) until
# the machine is idle (under 10 % busy over half a second): the server's background work
# after one run (RocksDB compaction after thousands of small writes, a registry's
# garbage) must not land on the next.
bench_settle() {
  local i a b busy total
  [ "${SETTLE_MAX:-60}" -gt 0 ] || return 0
  for i in $(seq $((${SETTLE_MAX:-60} * 2))); do
    read -r -a a </proc/stat; sleep 0.5; read -r -a b </proc/stat
    busy=$(( (b[1]+b[2]+b[3]+b[6]+b[7]) - (a[1]+a[2]+a[3]+a[6]+a[7]) ))
    total=$(( busy + (b[4]+b[5]) - (a[4]+a[5]) ))
    if [ $((busy * 100)) -le $((total * 10)) ]; then
      [ "$i" -gt 1 ] && echo "waited $((i / 2)) s for an idle machine before $1" >>"$WORK/logs/settle.log"
      return 0
    fi
  done
  echo "the machine was still busy after ${SETTLE_MAX:-60} s before $1" >>"$WORK/logs/settle.log"
}

# bench_measure NAME OBJECTS CMD...: one run of CMD once the machine is idle; appends
# "name wall_s cpu_s rss_kib objects server_cpu_s server_requests" to WORK/${RESULTS:-results}
# (- where the server's figures are unknown). A failed run, or one past MEASURE_TIMEOUT
# seconds (a full OSD makes some clients wait forever), ends the benchmark.
bench_measure() {
  local name=$1 objects=$2; shift 2
  local cpu0 cpu1 req0=- req1=- server=- requests=- wall user sys rss
  declare -F bench_server_requests >/dev/null && req0=$(bench_server_requests)
  bench_settle "$name"
  cpu0=$(bench_server_cpu)
  if declare -F bench_before_run >/dev/null; then bench_before_run "$name"; fi
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/t" timeout "${MEASURE_TIMEOUT:-900}" "$@" >/dev/null 2>"$WORK/err" ||
    { echo "bench: $name failed (exit $?): $(tail -3 "$WORK/err")" >&2; exit 1; }
  cat "$WORK/err" >>"$WORK/logs/${name//\//_}.log"
  cpu1=$(bench_server_cpu)
  declare -F bench_server_requests >/dev/null && req1=$(bench_server_requests)
  [ "$cpu0" != - ] && [ "$cpu1" != - ] && server=$(echo "($cpu1 - $cpu0) / $(getconf CLK_TCK)" | bc -l)
  [ "$req0" != - ] && [ "$req1" != - ] && requests=$((req1 - req0))
  read -r wall user sys rss <"$WORK/t"
  echo "$name $wall $(echo "$user + $sys" | bc) $rss $objects $server $requests" >>"$WORK/${RESULTS:-results}"
  if declare -F bench_after_run >/dev/null; then bench_after_run "$name" "$requests"; fi
}

# bench_rounds CASE TOOL...: a warm-up round of the tools, not counted (kept in
# WORK/warmup; WARMUP=0 skips it), then RUNS rounds in which the tools take turns at going
# first (round r starts with tool r mod n): whatever a run leaves the server to do, or
# whatever the first run after a change of case pays, does not always fall on one tool.
bench_rounds() {
  local c=$1; shift
  local tools=("$@") n=$# r i t
  if [ "${WARMUP:-1}" != 0 ]; then
    for t in "${tools[@]}"; do RESULTS=warmup run_one "$c" "$t"; done
  fi
  for r in $(seq 0 $((RUNS - 1))); do
    for i in $(seq 0 $((n - 1))); do
      run_one "$c" "${tools[$(((r + i) % n))]}"
    done
  done
}

# bench_report BASE: one row per case/tool of WORK/results (cases in the order they ran,
# BASE's row first in each): the median of the runs with the min and max of the wall
# time, CPU time (user+sys), peak RSS, objects/s, the server's CPU time, the server's
# requests per object, and the ratios of the wall and CPU times to BASE's in that case.
bench_report() {
  awk -v base="$1" '
    function med(list,   n, v, i, j, t) {
      n = split(list, v, " ")
      for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j-1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j-1]; v[j-1] = t }
      return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    }
    function lo(list,   n, v, i, m) { n = split(list, v, " "); m = v[1]; for (i = 2; i <= n; i++) if (v[i] + 0 < m + 0) m = v[i]; return m }
    function hi(list,   n, v, i, m) { n = split(list, v, " "); m = v[1]; for (i = 2; i <= n; i++) if (v[i] + 0 > m + 0) m = v[i]; return m }
    function known(list) { return list !~ /-/ }
    {
      split($1, p, "/")
      if (!(p[1] in seen_case)) { seen_case[p[1]] = 1; cases[++ncases] = p[1] }
      if (!($1 in seen)) { seen[$1] = 1; tools[p[1]] = tools[p[1]] " " p[2] }
      runs[$1]++; wall[$1] = wall[$1] " " $2; cpu[$1] = cpu[$1] " " $3; rss[$1] = rss[$1] " " $4
      objects[$1] = $5; srv[$1] = srv[$1] " " $6; req[$1] = req[$1] " " ($7 == "" ? "-" : $7)
    }
    END {
      printf "%-32s %4s %8s %17s %8s %8s %9s %9s %8s %8s %8s\n", "case/tool", "runs", "wall_s", "(min-max)",
        "cpu_s", "rss_MiB", "objects/s", "srv_cpu_s", "req/obj", "wall/" base, "cpu/" base
      for (c = 1; c <= ncases; c++) {
        k = cases[c]; b = k "/" base
        n = split(tools[k], ts, " ")
        order = (b in seen) ? base : ""
        for (i = 1; i <= n; i++) if (ts[i] != base) order = order " " ts[i]
        n = split(order, ts, " ")
        for (i = 1; i <= n; i++) {
          r = k "/" ts[i]
          w = med(wall[r]); u = med(cpu[r])
          s = known(srv[r]) ? sprintf("%.2f", med(srv[r])) : "-"
          q = known(req[r]) ? sprintf("%.2f", med(req[r]) / objects[r]) : "-"
          rw = (b in seen && med(wall[b]) > 0) ? sprintf("%.2f", w / med(wall[b])) : "-"
          rc = (b in seen && med(cpu[b]) > 0) ? sprintf("%.2f", u / med(cpu[b])) : "-"
          printf "%-32s %4d %8.2f %17s %8.2f %8d %9.1f %9s %8s %8s %8s\n", r, runs[r], w,
            sprintf("(%.2f-%.2f)", lo(wall[r]), hi(wall[r])), u, med(rss[r]) / 1024,
            (w > 0 ? objects[r] / w : 0), s, q, rw, rc
        }
      }
    }' "$WORK/results"
}
