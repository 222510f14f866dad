# shellcheck shell=bash
# Sourced by the S3 benchmarks (after bench/lib.sh): uses the RGW named by
# RGW_ENDPOINT/_ACCESS_KEY/_SECRET_KEY or starts one under $WORK/rgw (then OWN_RGW=1 and
# bench_rgw_stop stops it); exports the keys for aws and rclone, ALT_ENDPOINT (the same
# server spelled "localhost", so that two rclone remotes and two dth endpoints copy
# through the client) and the rclone remotes A (RGW_ENDPOINT) and B (ALT_ENDPOINT).
# Sets SERVER_PIDS from RGW_PIDS (RGW, OSD, monitor: their CPU time is the server's), and,
# where the RGW's directory is known (its own, or RGW_DIR for one started elsewhere by
# tests/servers/start_rgw.sh), counts the requests RGW answers in each measured run: the
# total from its perf counters (admin socket), by method from its access log.
# Needs ROOT; bench_s3_begin makes WORK.

# bench_s3_begin OSD_GB: what every S3 benchmark does first: installs what is missing,
# builds dth (unless DTH_BIN names one), makes WORK, starts RGW (or uses RGW_ENDPOINT's) with a sparse OSD of
# OSD_GB (at least 40; RGW's garbage collector frees nothing for 2 hours, and a full OSD
# makes clients hang), sets DTH_STATE_DIR, AWS (the aws command on RGW) and RUN_ID (the
# prefix bench-RUN_ID- names every bucket the benchmark makes).
bench_s3_begin() {
  "$ROOT/scripts/setup.sh" --test >&2
  # DTH_BIN: that binary is measured, so this tree's is not built.
  [ -n "${DTH_BIN:-}" ] || NINJA_TARGETS=dth "$ROOT/scripts/build.sh" release >&2
  bench_require rclone:rclone aws:awscli /usr/bin/time:time bc:bc
  WORK=$(mktemp -d /tmp/dth-bench.XXXXXX)
  mkdir "$WORK/logs"
  trap bench_s3_end EXIT
  export RGW_OSD_SIZE_GB=${RGW_OSD_SIZE_GB:-$(( $1 > 40 ? $1 : 40 ))}
  [ -n "${RGW_ENDPOINT:-}" ] || bench_check_free_space
  bench_rgw_start
  export DTH_STATE_DIR="$WORK/state"
  AWS=(aws --endpoint-url "$RGW_ENDPOINT")
  RUN_ID=$RANDOM
}

# Before starting an RGW of our own: its OSD file is sparse but grows with what the runs
# write (tens of GB for a full bench/sync.sh), and a full disk crashes the OSD and every
# other process writing there. Refuses to start below 10 GB free; warns below the OSD's size.
bench_check_free_space() {
  local free_gb
  free_gb=$(( $(df -Pk "$WORK" | awk 'NR == 2 {print $4}') / 1024 / 1024 ))
  if [ "$free_gb" -lt 10 ]; then
    echo "bench: only $free_gb GB free under $WORK; the benchmark's RGW needs tens of GB (old /tmp/dth-bench.* directories, kept by BENCH_KEEP=1, hold theirs)" >&2
    exit 1
  fi
  if [ "$free_gb" -lt "$RGW_OSD_SIZE_GB" ]; then
    echo "bench: warning: $free_gb GB free under $WORK, less than the OSD's $RGW_OSD_SIZE_GB GB: a long run may fill the disk" >&2
  fi
}

# At exit: stops the RGW it started, or removes its buckets from someone else's (a
# long-lived RGW fills up); keeps WORK with BENCH_KEEP=1 (the OSD's data too: remove it
# when done).
bench_s3_end() {
  if [ -n "${OWN_RGW:-}" ]; then
    bench_rgw_stop
  elif [ -n "${RUN_ID:-}" ]; then
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

bench_rgw_start() {
  if [ -z "${RGW_ENDPOINT:-}" ]; then
    OWN_RGW=1
    "$ROOT/tests/servers/start_rgw.sh" "$WORK/rgw" >&2
    # shellcheck disable=SC1091
    . "$WORK/rgw/env"
    RGW_DIR=$WORK/rgw
  fi
  SERVER_PIDS=${RGW_PIDS:-}  # read by bench/lib.sh
  export SERVER_PIDS
  export AWS_ACCESS_KEY_ID=$RGW_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$RGW_SECRET_KEY AWS_DEFAULT_REGION=us-east-1
  ALT_ENDPOINT=${RGW_ENDPOINT/127.0.0.1/localhost}
  local r ep
  for r in A B; do
    ep=$RGW_ENDPOINT; [ $r = B ] && ep=$ALT_ENDPOINT
    export "RCLONE_CONFIG_${r}_TYPE=s3" "RCLONE_CONFIG_${r}_PROVIDER=Ceph" "RCLONE_CONFIG_${r}_ENDPOINT=$ep" \
      "RCLONE_CONFIG_${r}_ACCESS_KEY_ID=$RGW_ACCESS_KEY" "RCLONE_CONFIG_${r}_SECRET_ACCESS_KEY=$RGW_SECRET_KEY"
  done
  unset AWS_CA_BUNDLE  # rclone refuses the machine's bundle setting
  RGW_ASOK=${RGW_DIR:+$RGW_DIR/run/ceph-client.rgw.a.asok}
  RGW_LOG=${RGW_DIR:+$RGW_DIR/log/client.rgw.a.log}
}

bench_rgw_stop() {
  [ -n "${OWN_RGW:-}" ] && "$ROOT/tests/servers/stop.sh" "$WORK/rgw" >/dev/null 2>&1
  return 0
}

# How many requests RGW has answered since it started (its perf counter rgw.req), or -.
bench_server_requests() {
  [ -S "${RGW_ASOK:-}" ] || { echo -; return; }
  ceph --admin-daemon "$RGW_ASOK" perf dump rgw 2>/dev/null |
    awk -F'[:,]' '$1 ~ /"req"/ { gsub(/ /, "", $2); print $2; found = 1; exit } END { if (!found) print "-" }'
}

# The access log's beast lines ("... "METHOD /path HTTP/1.1" status ...") of one run: where
# the log ends before it, and the counts by method after it, appended to
# WORK/${RESULTS:-results}.methods as "name METHOD=count...". RGW writes its log from a
# thread of its own: wait (up to 10 s) until the run's REQUESTS lines are there.
bench_before_run() {
  RGW_LOG_MARK=-
  [ -f "${RGW_LOG:-}" ] && RGW_LOG_MARK=$(stat -c %s "$RGW_LOG")
  return 0
}
bench_after_run() {
  local name=$1 requests=$2 total=0 methods=
  [ "$RGW_LOG_MARK" != - ] || return 0
  for _ in $(seq 50); do
    read -r total methods < <(tail -c +"$((RGW_LOG_MARK + 1))" "$RGW_LOG" |
      awk '/ beast: .* HTTP\/1\.1" / { n++; split($0, q, "\""); split(q[2], m, " "); c[m[1]]++ }
           END { printf "%d", n; for (k in c) printf " %s=%d", k, c[k]; print "" }')
    if [ "$requests" = - ] || [ "$total" -ge "$requests" ]; then break; fi
    sleep 0.2
  done
  echo "$name $methods" >>"$WORK/${RESULTS:-results}.methods"
}

# bench_rgw_methods_report: per case/tool, the requests per object by method, averaged
# over the counted runs (from WORK/results.methods and the object counts in WORK/results).
bench_rgw_methods_report() {
  [ -s "$WORK/results.methods" ] || return 0
  echo "requests per object by method (RGW's access log; a CopyObject is a PUT):"
  awk 'FNR == NR { objects[$1] = $5; next }
       { runs[$1]++; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 }
         for (i = 2; i <= NF; i++) { split($i, kv, "="); c[$1, kv[1]] += kv[2]; if (!(kv[1] in m)) { m[kv[1]] = 1; ms[++nm] = kv[1] } } }
       END { for (j = 1; j <= n; j++) { r = order[j]; line = sprintf("  %-32s", r)
               for (k = 1; k <= nm; k++) if ((r, ms[k]) in c)
                 line = line sprintf(" %s %.2f", ms[k], c[r, ms[k]] / runs[r] / objects[r])
               print line } }' "$WORK/results" "$WORK/results.methods"
}
