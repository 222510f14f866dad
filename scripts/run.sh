#!/usr/bin/env bash
# Installs what is missing, builds dth, and runs it.
#   scripts/run.sh           runs the main job on the embedded defaults: the hub, `dth serve`
#                            (REST API and console on http://127.0.0.1:8080/, tasks run
#                            in-process on SQLite under $DTH_DATA_DIR or ~/.local/share/dth).
#                            The admin password comes from DTH_ADMIN_PASSWORD, or is
#                            generated and printed once on the first start. DTH_LISTEN
#                            changes the address. Ctrl-C stops it (tasks resume next start).
#   scripts/run.sh ARGS...   runs `dth ARGS...` (e.g. sync SRC DST, ls s3://bucket --endpoint URL)
#   scripts/run.sh demo      a `dth sync` demo on local directories only (no server needed)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/scripts/setup.sh" >&2
NINJA_TARGETS=dth "$ROOT/scripts/build.sh" release >&2
DTH="$ROOT/build/release/dth"
if [ $# -eq 0 ]; then
  exec "$DTH" serve --listen "${DTH_LISTEN:-127.0.0.1:8080}"
fi
if [ "$1" != demo ]; then
  exec "$DTH" "$@"
fi
DEMO=$(mktemp -d /tmp/dth-demo.XXXXXX)
trap 'rm -rf "$DEMO"' EXIT
export DTH_STATE_DIR="$DEMO/state"
"$DTH" version
echo "+ dth sync $ROOT/src $DEMO/bucket/src --dry-run   (the plan, nothing copied)"
"$DTH" sync "$ROOT/src" "$DEMO/bucket/src" --dry-run | tail -3
echo "+ dth sync $ROOT/src $DEMO/bucket/src"
"$DTH" sync "$ROOT/src" "$DEMO/bucket/src"
echo "+ dth sync $ROOT/src $DEMO/bucket/src   (again: nothing to do)"
"$DTH" sync "$ROOT/src" "$DEMO/bucket/src"
echo "+ dth ls --summarize -r $DEMO/bucket"
"$DTH" ls --summarize -r "$DEMO/bucket" | tail -2
echo "Next: dth --help, dth sync --help, or scripts/run.sh sync s3://SRC/ s3://DST/ --endpoint URL"
