#!/usr/bin/env bash
# Start s3rver 5 (a lenient S3 fake that checks SigV4) on a free 127.0.0.1 port, with its
# data under DIR/data, and write DIR/env. Run install.sh first. Stop it with stop.sh DIR.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/lib.sh
. "$HERE/lib.sh"

[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
mkdir -p "$1"
DIR=$(cd "$1" && pwd)
NODE="$HERE/s3rver/node_modules/.bin/node"
[ -x "$NODE" ] || die "s3rver is not installed: run $HERE/install.sh"
if [ -s "$DIR/pids" ]; then
  die "$DIR/pids exists: a server may already run from $DIR (run stop.sh $DIR first)"
fi

mkdir -p "$DIR/data"
LOG="$DIR/s3rver.log"
: >"$LOG"
: >"$DIR/pids"
rm -f "$DIR/env"

PORT=$(free_port)
trap '"$HERE/stop.sh" "$DIR" >/dev/null 2>&1; die "start_s3rver.sh: interrupted"' INT TERM
# --openssl-legacy-provider: without it ListObjectsV2 continuation tokens give a 500.
NODE_OPTIONS=--openssl-legacy-provider spawn "$LOG" "$NODE" "$HERE/s3rver/run.js" \
  -s -d "$DIR/data" -a 127.0.0.1 -p "$PORT" --no-vhost-buckets
PID=$SPAWNED_PID

# s3rver answers 403 to an anonymous GET /: any HTTP status means it is up.
answers() {
  alive "$PID" || return 0
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$PORT/")" != 000 ]
}
if ! wait_for 30 answers || ! alive "$PID"; then
  "$HERE/stop.sh" "$DIR" >/dev/null 2>&1 || true
  die "start_s3rver.sh: s3rver did not start on 127.0.0.1:$PORT" "$LOG"
fi

trap - INT TERM
cat >"$DIR/env" <<EOT
S3RVER_ENDPOINT=http://127.0.0.1:$PORT
S3RVER_ACCESS_KEY=S3RVER
S3RVER_SECRET_KEY=S3RVER
S3RVER_PID=$PID
EOT
echo "s3rver up at http://127.0.0.1:$PORT (pid $PID); env in $DIR/env"
