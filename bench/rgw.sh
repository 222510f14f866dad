# Sourced by the S3 benchmarks: uses the RGW named by RGW_ENDPOINT/_ACCESS_KEY/_SECRET_KEY
# or starts one under $WORK/rgw (then OWN_RGW=1 and bench_rgw_stop stops it); exports the
# keys for aws and rclone, ALT_ENDPOINT (the same server spelled "localhost", so that
# two rclone remotes and two dth endpoints copy through the client) and the rclone
# remotes A (RGW_ENDPOINT) and B (ALT_ENDPOINT). Needs ROOT and WORK.
bench_rgw_start() {
  if [ -z "${RGW_ENDPOINT:-}" ]; then
    OWN_RGW=1
    "$ROOT/tests/servers/start_rgw.sh" "$WORK/rgw" >&2
    # shellcheck disable=SC1091
    . "$WORK/rgw/env"
  fi
  export AWS_ACCESS_KEY_ID=$RGW_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$RGW_SECRET_KEY AWS_DEFAULT_REGION=us-east-1
  ALT_ENDPOINT=${RGW_ENDPOINT/127.0.0.1/localhost}
  local r ep
  for r in A B; do
    ep=$RGW_ENDPOINT; [ $r = B ] && ep=$ALT_ENDPOINT
    export "RCLONE_CONFIG_${r}_TYPE=s3" "RCLONE_CONFIG_${r}_PROVIDER=Ceph" "RCLONE_CONFIG_${r}_ENDPOINT=$ep" \
      "RCLONE_CONFIG_${r}_ACCESS_KEY_ID=$RGW_ACCESS_KEY" "RCLONE_CONFIG_${r}_SECRET_ACCESS_KEY=$RGW_SECRET_KEY"
  done
  unset AWS_CA_BUNDLE  # rclone refuses the machine's bundle setting
}

bench_rgw_stop() {
  [ -n "${OWN_RGW:-}" ] && "$ROOT/tests/servers/stop.sh" "$WORK/rgw" >/dev/null 2>&1
  return 0
}
