#!/usr/bin/env bash
# TEST SEAM ONLY: stands in for systemctl under `--root` (ELEVGW_FAKE_SYSTEMCTL, docs/install.md),
# so the upgrade tests get a service that really runs: `start` runs the installed gateway,
# $ROOT/usr/local/bin/elevgw run --config $ROOT/etc/elevgw/site.yaml, in the background with the
# environment systemd would give it (STATE_DIRECTORY, CREDENTIALS_DIRECTORY); `stop` sends it
# SIGTERM and waits, as KillSignal=SIGTERM does; `is-active` answers from its pid. Every other call
# (daemon-reload, enable, journald …) does nothing here.
set -u
: "${ROOT:?the fake systemctl needs ROOT}"
run=$ROOT/run/elevgw-fake
mkdir -p "$run"
pidfile=$run/pid

# A zombie still answers kill -0: look at the process state instead.
alive() {
  local pid stat
  [ -f "$pidfile" ] || return 1
  pid=$(cat "$pidfile")
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

stop() {
  local pid i
  if alive; then
    pid=$(cat "$pidfile")
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 150); do alive || break; sleep 0.1; done
    alive && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$pidfile"
}

start() {
  # setsid: the gateway outlives this script, as a service outlives systemctl.
  STATE_DIRECTORY=$ROOT/var/lib/elevgw CREDENTIALS_DIRECTORY=$ROOT/etc/elevgw \
    setsid "$ROOT/usr/local/bin/elevgw" run --config "$ROOT/etc/elevgw/site.yaml" --log-level info </dev/null >>"$run/gateway.log" 2>&1 &
  echo $! >"$pidfile"
}

unit=${*: -1}
[ "$unit" = elevgw.service ] || exit 0
case $1 in
  start) alive || start ;;
  restart) stop; start ;;
  stop) stop ;;
  disable) [ "${2:-}" != --now ] || stop ;;
  is-active)
    if alive; then echo active
    elif [ -f "$pidfile" ]; then echo failed; exit 3
    else echo inactive; exit 3
    fi ;;
esac
exit 0
