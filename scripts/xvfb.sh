# Sourced by scripts that need an X server: start_xvfb starts Xvfb on a free display
# (Xvfb picks it and reports it through -displayfd, so parallel runs never collide),
# exports DISPLAY and sets XVFB_PID. The caller kills $XVFB_PID in its cleanup trap.

start_xvfb() {
  local size="${1:-1280x800x24}" fdfile log
  fdfile="$(mktemp)"
  log="$(mktemp)"
  Xvfb -displayfd 9 -screen 0 "$size" -nolisten tcp -noreset 9>"$fdfile" >"$log" 2>&1 &
  XVFB_PID=$!
  for _ in $(seq 100); do
    [ -s "$fdfile" ] && break
    if ! kill -0 "$XVFB_PID" 2>/dev/null; then
      echo "xvfb: Xvfb exited at start:" >&2
      cat "$log" >&2
      rm -f "$fdfile" "$log"
      return 1
    fi
    sleep 0.1
  done
  if [ ! -s "$fdfile" ]; then
    echo "xvfb: Xvfb did not report a display within 10 s" >&2
    rm -f "$fdfile" "$log"
    return 1
  fi
  DISPLAY=":$(head -n1 "$fdfile")"
  export DISPLAY
  rm -f "$fdfile" "$log"
}

# stop_pid PID [SECONDS]: SIGTERM, wait up to SECONDS (default 5), then SIGKILL; reaps the child.
stop_pid() {
  local pid="$1" grace="${2:-5}" i
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
