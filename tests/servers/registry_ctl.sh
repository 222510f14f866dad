#!/usr/bin/env bash
# Stop or start one registry instance that start_registry.sh set up under DIR, on the
# same port and data, for tests that take a registry away mid-copy:
#   registry_ctl.sh DIR basic|token stop|start
# A started instance's pid joins DIR/pids, so stop.sh DIR stops it too.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/lib.sh
. "$HERE/lib.sh"

[ $# -eq 3 ] || { echo "usage: $0 DIR basic|token stop|start" >&2; exit 2; }
DIR=$(cd "$1" && pwd)
NAME=$2
case "$NAME" in basic | token) ;; *) die "registry_ctl.sh: unknown instance '$NAME'" ;; esac
CONF="$DIR/$NAME/config.yml"
[ -f "$CONF" ] || die "registry_ctl.sh: $CONF missing (run start_registry.sh $DIR first)"
PORT=$(cat "$DIR/$NAME/port")

case "$3" in
  stop)
    [ -f "$DIR/$NAME/pid" ] || exit 0
    PID=$(cat "$DIR/$NAME/pid")
    if alive "$PID" && tr '\0' ' ' <"/proc/$PID/cmdline" | grep -qF -- "$DIR/"; then
      kill -KILL "$PID" 2>/dev/null || true
      for _ in $(seq 1 50); do alive "$PID" || break; sleep 0.1; done
    fi
    rm -f "$DIR/$NAME/pid"
    ;;
  start)
    spawn "$DIR/$NAME/registry.log" docker-registry serve "$CONF"
    echo "$SPAWNED_PID" >"$DIR/$NAME/pid"
    up() {
      alive "$SPAWNED_PID" || return 0
      [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$PORT/v2/")" != 000 ]
    }
    if ! wait_for 20 up || ! alive "$SPAWNED_PID"; then
      die "registry_ctl.sh: registry '$NAME' did not start on 127.0.0.1:$PORT" "$DIR/$NAME/registry.log"
    fi
    ;;
  *) die "registry_ctl.sh: unknown action '$3'" ;;
esac
