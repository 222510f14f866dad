#!/usr/bin/env bash
# Start two Debian docker-registry (distribution 2.8) instances on free 127.0.0.1 ports,
# with filesystem storage under DIR, and write DIR/env:
#  - "basic": htpasswd (bcrypt) basic auth;
#  - "token": token auth through token_service.py (RS256 JWTs signed with a fresh
#    self-signed key that the registry trusts through rootcertbundle).
# Run install.sh first. Stop everything with stop.sh DIR; registry_ctl.sh DIR NAME
# stop|start takes one instance away and brings it back on the same port and data.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/lib.sh
. "$HERE/lib.sh"

[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
mkdir -p "$1"
DIR=$(cd "$1" && pwd)
command -v docker-registry >/dev/null || die "docker-registry is not installed: run $HERE/install.sh"
command -v htpasswd >/dev/null || die "htpasswd is not installed: run $HERE/install.sh"
if [ -s "$DIR/pids" ]; then
  die "$DIR/pids exists: a server may already run from $DIR (run stop.sh $DIR first)"
fi
: >"$DIR/pids"
rm -f "$DIR/env"
trap '"$HERE/stop.sh" "$DIR" >/dev/null 2>&1; die "start_registry.sh: interrupted"' INT TERM
fail() { "$HERE/stop.sh" "$DIR" >/dev/null 2>&1 || true; die "$@"; }

secret() { openssl rand -hex 16; }
USER_NAME=dth
BASIC_PASSWORD=$(secret)
TOKEN_PASSWORD=$(secret)

# Distinct free ports (free_port is random, but check against each other anyway).
BASIC_PORT=$(free_port)
TOKEN_PORT=$(free_port)
while [ "$TOKEN_PORT" = "$BASIC_PORT" ]; do TOKEN_PORT=$(free_port); done
AUTH_PORT=$(free_port)
while [ "$AUTH_PORT" = "$BASIC_PORT" ] || [ "$AUTH_PORT" = "$TOKEN_PORT" ]; do AUTH_PORT=$(free_port); done

# config NAME PORT AUTH_YAML: the instance's directory, port file and config.
config() {
  mkdir -p "$DIR/$1/data"
  echo "$2" >"$DIR/$1/port"
  : >"$DIR/$1/registry.log"
  cat >"$DIR/$1/config.yml" <<EOT
version: 0.1
log: {level: warn, accesslog: {disabled: true}}
storage:
  filesystem: {rootdirectory: $DIR/$1/data}
  delete: {enabled: true}
  cache: {blobdescriptor: inmemory}
http: {addr: 127.0.0.1:$2, secret: $(secret)}
$3
EOT
}

htpasswd -Bbn "$USER_NAME" "$BASIC_PASSWORD" >"$DIR/htpasswd" 2>/dev/null ||
  fail "start_registry.sh: htpasswd failed"
config basic "$BASIC_PORT" "auth: {htpasswd: {realm: dth-basic, path: $DIR/htpasswd}}"

openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 30 -subj /CN=dth-token-test \
  -keyout "$DIR/token.key" -out "$DIR/token.crt" >/dev/null 2>&1 ||
  fail "start_registry.sh: openssl could not make the token key"
config token "$TOKEN_PORT" "auth:
  token:
    realm: http://127.0.0.1:$AUTH_PORT/token
    service: dth-test-registry
    issuer: dth-test-issuer
    rootcertbundle: $DIR/token.crt"

: >"$DIR/token_service.log"
spawn "$DIR/token_service.log" /usr/bin/python3 "$HERE/token_service.py" "$AUTH_PORT" \
  "$DIR/token.key" "$DIR/token.crt" dth-test-issuer dth-test-registry "$USER_NAME" \
  "$TOKEN_PASSWORD" "${REGISTRY_TOKEN_TTL:-300}"
AUTH_PID=$SPAWNED_PID
auth_up() {
  alive "$AUTH_PID" || return 0
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$AUTH_PORT/token")" != 000 ]
}
if ! wait_for 20 auth_up || ! alive "$AUTH_PID"; then
  fail "start_registry.sh: token service did not start on 127.0.0.1:$AUTH_PORT" "$DIR/token_service.log"
fi

"$HERE/registry_ctl.sh" "$DIR" basic start || fail "start_registry.sh: basic registry did not start"
"$HERE/registry_ctl.sh" "$DIR" token start || fail "start_registry.sh: token registry did not start"

trap - INT TERM
cat >"$DIR/env" <<EOT
REGISTRY_DIR=$DIR
REGISTRY_BASIC_URL=http://127.0.0.1:$BASIC_PORT
REGISTRY_BASIC_USER=$USER_NAME
REGISTRY_BASIC_PASSWORD=$BASIC_PASSWORD
REGISTRY_TOKEN_URL=http://127.0.0.1:$TOKEN_PORT
REGISTRY_TOKEN_USER=$USER_NAME
REGISTRY_TOKEN_PASSWORD=$TOKEN_PASSWORD
REGISTRY_TOKEN_SERVICE_LOG=$DIR/token_service.log
EOT
echo "registries up: basic http://127.0.0.1:$BASIC_PORT, token http://127.0.0.1:$TOKEN_PORT (token service :$AUTH_PORT); env in $DIR/env"
