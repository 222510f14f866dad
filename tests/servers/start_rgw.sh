#!/usr/bin/env bash
# Start a single-node Ceph cluster (1 mon, 1 bluestore OSD on a sparse file, radosgw with
# beast) entirely under DIR, on free 127.0.0.1 ports, with cephx off; create an S3 user and
# write DIR/env. Needs the Debian packages that install.sh installs. Stop with stop.sh DIR.
# Optional environment: RGW_ACCESS_KEY / RGW_SECRET_KEY (default: random),
# RGW_OSD_SIZE_GB (size of the sparse OSD file, default 40).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/lib.sh
. "$HERE/lib.sh"

[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
mkdir -p "$1"
DIR=$(cd "$1" && pwd)
for tool in ceph ceph-mon ceph-osd radosgw radosgw-admin ceph-authtool monmaptool uuidgen curl; do
  command -v "$tool" >/dev/null || die "$tool not found: run $HERE/install.sh"
done
if [ -s "$DIR/pids" ]; then
  die "$DIR/pids exists: a cluster may already run from $DIR (run stop.sh $DIR first)"
fi
# A fresh cluster each time: drop what a previous run left.
rm -rf "$DIR/mon" "$DIR/osd" "$DIR/log" "$DIR/run" "$DIR/rgw" "$DIR/crash" \
  "$DIR/ceph.conf" "$DIR/keyring" "$DIR/monmap" "$DIR/env"
mkdir -p "$DIR/mon/a" "$DIR/osd" "$DIR/log" "$DIR/run" "$DIR/rgw" "$DIR/crash"
: >"$DIR/pids"

fail() {
  "$HERE/stop.sh" "$DIR" >/dev/null 2>&1 || true
  die "start_rgw.sh: $1" "${2:-}"
}
trap 'fail "interrupted"' INT TERM

FSID=$(uuidgen)
MON_PORT=$(free_port)
RGW_PORT=$(free_port)
while [ "$RGW_PORT" = "$MON_PORT" ]; do RGW_PORT=$(free_port); done
RAND=$(uuidgen)$(uuidgen)
RAND=${RAND//-/}
ACCESS_KEY=DTH${RAND:0:17}
ACCESS_KEY=${RGW_ACCESS_KEY:-${ACCESS_KEY^^}}
SECRET_KEY=${RGW_SECRET_KEY:-${RAND:17:40}}
CONF="$DIR/ceph.conf"

cat >"$CONF" <<EOT
[global]
fsid = $FSID
mon initial members = a
mon host = v1:127.0.0.1:$MON_PORT
public network = 127.0.0.0/8
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false
ms bind msgr2 = false
auth cluster required = none
auth service required = none
auth client required = none
keyring = $DIR/keyring
run dir = $DIR/run
admin socket = $DIR/run/\$cluster-\$name.asok
pid file = $DIR/run/\$name.pid
log file = $DIR/log/\$name.log
mon cluster log file = $DIR/log/\$cluster.\$channel.log
crash dir = $DIR/crash
log to stderr = false
err to stderr = true
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon warn on insecure global id reclaim allowed = false
# start even on a nearly full disk (the default refuses below 5 % free)
mon data avail crit = 0
mon data avail warn = 1
mon max pg per osd = 1000
osd crush chooseleaf type = 0
# commit map changes (each pool RGW creates is one) at once, not once a second
paxos propose interval = 0.05
paxos min wait = 0.01

[mon.a]
mon data = $DIR/mon/a

[osd]
osd data = $DIR/osd/\$id
osd objectstore = bluestore
bluestore block create = true
# sparse: takes disk space only for what is written
bluestore block size = $(( ${RGW_OSD_SIZE_GB:-40} * 1073741824 ))
bluestore fsck on mkfs = false
# The script puts the OSD in the CRUSH map itself: the OSD's own update at start can race
# its first monmap and fail with 'wrong fsid' (mon sees fsid 0), leaving it never up.
osd crush update on start = false
osd class update on start = false
# keep memory modest (the floor for the target is ~900 MiB)
osd memory target = 1073741824
bluestore cache autotune = false
bluestore cache size = 134217728

[client]
log file = $DIR/log/\$name.log

[client.rgw.a]
rgw data = $DIR/rgw
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT
rgw thread pool size = 64
EOT

START=$SECONDS
C=(-c "$CONF")

# --- monitor
ceph-authtool --create-keyring "$DIR/keyring" --gen-key -n mon. --cap mon 'allow *' \
  >"$DIR/log/setup.log" 2>&1 || fail "ceph-authtool failed" "$DIR/log/setup.log"
ceph-authtool "$DIR/keyring" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' \
  --cap mgr 'allow *' >>"$DIR/log/setup.log" 2>&1 || fail "ceph-authtool failed" "$DIR/log/setup.log"
monmaptool --create --fsid "$FSID" --addv a "[v1:127.0.0.1:$MON_PORT]" "$DIR/monmap" \
  >>"$DIR/log/setup.log" 2>&1 || fail "monmaptool failed" "$DIR/log/setup.log"
ceph-mon "${C[@]}" --mkfs -i a --monmap "$DIR/monmap" --keyring "$DIR/keyring" \
  >>"$DIR/log/setup.log" 2>&1 || fail "ceph-mon --mkfs failed" "$DIR/log/setup.log"
spawn "$DIR/log/mon.a.out" ceph-mon "${C[@]}" -i a -f
MON_PID=$SPAWNED_PID
mon_up() { alive "$MON_PID" && ceph "${C[@]}" --connect-timeout 2 mon stat; }
wait_for 30 mon_up || fail "ceph-mon did not come up on 127.0.0.1:$MON_PORT" "$DIR/log/mon.a.log"

# ceph_retry CMD...: a command the new monitor may refuse for a moment although `mon stat`
# answered (seen in CI: "Error EPERM: problem getting command descriptions from mon." from
# `osd crush add`), tried again for up to 20 s. Only for commands that may run twice:
# `osd new` with the same UUID returns the same id, `osd crush add` sets the same item.
ceph_retry() {
  local deadline=$(( SECONDS + 20 ))
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

# --- OSD
OSD_UUID=$(uuidgen)
OSD_ID=$(ceph_retry ceph "${C[@]}" osd new "$OSD_UUID" 2>>"$DIR/log/setup.log") ||
  fail "ceph osd new failed" "$DIR/log/setup.log"
ceph_retry ceph "${C[@]}" osd crush add "osd.$OSD_ID" 1.0 root=default >>"$DIR/log/setup.log" 2>&1 ||
  fail "ceph osd crush add failed" "$DIR/log/setup.log"
mkdir -p "$DIR/osd/$OSD_ID"
ceph-osd "${C[@]}" -i "$OSD_ID" --mkfs --osd-uuid "$OSD_UUID" >>"$DIR/log/setup.log" 2>&1 ||
  fail "ceph-osd --mkfs failed" "$DIR/log/osd.$OSD_ID.log"
spawn "$DIR/log/osd.$OSD_ID.out" ceph-osd "${C[@]}" -i "$OSD_ID" -f
OSD_PID=$SPAWNED_PID
osd_up() { alive "$OSD_PID" && [[ $(ceph "${C[@]}" --connect-timeout 2 osd stat) == *" 1 up"* ]]; }
wait_for 30 osd_up || fail "ceph-osd did not come up" "$DIR/log/osd.$OSD_ID.log"

# --- radosgw (creates its pools on start)
spawn "$DIR/log/rgw.out" radosgw "${C[@]}" -n client.rgw.a -f
RGW_PID=$SPAWNED_PID
rgw_answers() {
  alive "$RGW_PID" &&
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$RGW_PORT/")" != 000 ]
}
wait_for 30 rgw_answers || fail "radosgw did not answer on 127.0.0.1:$RGW_PORT" "$DIR/log/client.rgw.a.log"

radosgw-admin "${C[@]}" -n client.admin user create --uid=test --display-name=test \
  --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >>"$DIR/log/setup.log" 2>&1 ||
  fail "radosgw-admin user create failed" "$DIR/log/setup.log"

# Ready when a signed ListBuckets succeeds.
signed_ok() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 \
    --aws-sigv4 "aws:amz:us-east-1:s3" --user "$ACCESS_KEY:$SECRET_KEY" \
    -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' "http://127.0.0.1:$RGW_PORT/")" = 200 ]
}
wait_for 30 signed_ok || fail "radosgw refuses the new user's signed requests" "$DIR/log/client.rgw.a.log"

trap - INT TERM
cat >"$DIR/env" <<EOT
RGW_ENDPOINT=http://127.0.0.1:$RGW_PORT
RGW_ACCESS_KEY=$ACCESS_KEY
RGW_SECRET_KEY=$SECRET_KEY
RGW_PIDS="$MON_PID $OSD_PID $RGW_PID"
EOT
echo "rgw up at http://127.0.0.1:$RGW_PORT in $(( SECONDS - START )) s (mon port $MON_PORT, pids $MON_PID $OSD_PID $RGW_PID); env in $DIR/env"
