#!/usr/bin/env bash
# Installs what is missing, builds dth, and runs it.
#   scripts/run.sh ARGS...   runs `dth ARGS...` (e.g. ls s3://bucket --endpoint URL)
#   scripts/run.sh           runs a short demonstration on local directories only:
#                            copies a file into a directory "bucket" and lists it.
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
"$DTH" version
echo "+ dth cp README.md $DEMO/bucket/docs/"
"$DTH" cp "$ROOT/README.md" "$DEMO/bucket/docs/"
echo "+ dth ls -r $DEMO/bucket"
"$DTH" ls -r "$DEMO/bucket"
echo "Next: dth --help, or scripts/run.sh ls s3://BUCKET --endpoint URL"
