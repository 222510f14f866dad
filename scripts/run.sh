#!/usr/bin/env bash
# Installs what is missing, builds dth, and runs it.
#   scripts/run.sh ARGS...   runs `dth ARGS...` (e.g. ls s3://bucket --endpoint URL)
#   scripts/run.sh           runs the main job on the embedded defaults (SQLite state,
#                            in-process finder and workers) on local directories only:
#                            `dth sync` of the project's docs and sources into a
#                            directory "bucket", then an incremental re-run.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/scripts/setup.sh" >&2
NINJA_TARGETS=dth "$ROOT/scripts/build.sh" release >&2
DTH="$ROOT/build/release/dth"
if [ $# -gt 0 ]; then
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
