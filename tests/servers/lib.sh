# Helpers shared by the start/stop scripts in tests/servers. Source it; do not run it.
# shellcheck shell=bash

# die MSG [LOGFILE]: one-line error on stderr, then the tail of LOGFILE if there is one.
die() {
  echo "error: $1" >&2
  if [ -n "${2:-}" ] && [ -s "$2" ]; then
    echo "--- tail of $2 ---" >&2
    tail -n 25 "$2" >&2
  fi
  exit 1
}

# port_in_use PORT: true if something accepts TCP connections on 127.0.0.1:PORT.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# free_port: print a random free loopback port in 20000-32767, below the kernel's
# ephemeral range (32768+) so outgoing connections never take it first. Random so
# that scripts started in parallel do not race for the same port.
free_port() {
  local port i
  for i in $(seq 1 200); do
    port=$(( 20000 + (RANDOM * 32768 + RANDOM + i) % 12768 ))
    if ! port_in_use "$port"; then
      echo "$port"
      return 0
    fi
  done
  echo "error: no free port found" >&2
  return 1
}

# wait_for SECONDS CMD...: run CMD every 0.2 s until it succeeds; false on timeout.
wait_for() {
  local deadline=$(( SECONDS + $1 ))
  shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# alive PID: true while PID runs (and is not a zombie).
alive() {
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "${state#Z}" = "$state" ]
}

# spawn LOGFILE CMD...: start CMD detached in its own session, stdin from /dev/null and
# output to LOGFILE (so callers capturing our output never block on it); record its pid in
# $DIR/pids and set SPAWNED_PID.
spawn() {
  local log=$1
  shift
  setsid "$@" </dev/null >>"$log" 2>&1 &
  SPAWNED_PID=$!
  echo "$SPAWNED_PID" >>"$DIR/pids"
}
