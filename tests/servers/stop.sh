#!/usr/bin/env bash
# Stop the servers that start_rgw.sh or start_s3rver.sh started from DIR (pids in DIR/pids,
# stopped in reverse start order). Safe to call twice, and after a failed start.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/lib.sh
. "$HERE/lib.sh"

[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
[ -d "$1" ] || exit 0
DIR=$(cd "$1" && pwd)
[ -f "$DIR/pids" ] || exit 0

# ours PID: alive and started from DIR (its command line names DIR), so a pid that
# the kernel gave to another process since is never killed.
ours() {
  alive "$1" && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$DIR/"
}

mapfile -t PIDS < <(tac "$DIR/pids")
for pid in "${PIDS[@]}"; do
  [ -n "$pid" ] || continue
  if ours "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    # Stop in order (rgw, osd, mon): give each up to 10 s, then SIGKILL.
    for _ in $(seq 1 50); do
      ours "$pid" || break
      sleep 0.2
    done
    if ours "$pid"; then
      kill -KILL "$pid" 2>/dev/null || true
      for _ in $(seq 1 25); do
        ours "$pid" || break
        sleep 0.2
      done
    fi
    # Its new parent (init) reaps it soon: wait up to 3 s so that no <defunct> entry is
    # left behind for a check that follows.
    for _ in $(seq 1 15); do
      [ -e "/proc/$pid" ] || break
      sleep 0.2
    done
  fi
done
rm -f "$DIR/pids"
