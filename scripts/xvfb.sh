# Sourced by scripts that need an X server: start_xvfb starts Xvfb on a free display
# (Xvfb picks it and reports it through -displayfd, so parallel runs never collide),
# exports DISPLAY and sets XVFB_PID. The caller kills $XVFB_PID in its cleanup trap.
# start_dev_app starts the dev-tag app on that display (e2e.sh and the UI benchmarks).

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

# start_dev_app NAME BIN ASSETS HOME LOG [ADDR]: starts the dev-tag binary BIN serving the
# frontend build ASSETS on ADDR (a free local port when not given), with the data home HOME
# and its output in LOG, and waits until it answers HTTP (30 s at most; otherwise it exits,
# naming NAME and showing the log's end). Sets APP_PID (the caller stops it) and APP_ADDR.
start_dev_app() {
  local name="$1" bin="$2" assets="$3" home="$4" log="$5" addr="${6:-}" i
  [ -n "$addr" ] ||
    addr="127.0.0.1:$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  # Wails reads devserver/assetdir from the environment first; passing them that way keeps
  # the app's own command-line parsing out of it. The flags say the same for people reading ps.
  devserver="$addr" assetdir="$assets" FLOWBENCH_HOME="$home" \
    "$bin" -devserver "$addr" -assetdir "$assets" >"$log" 2>&1 &
  APP_PID=$!
  APP_ADDR="$addr"
  for ((i = 0; i < 300; i++)); do
    curl -sf -o /dev/null "http://$addr/" && return 0
    if ! kill -0 "$APP_PID" 2>/dev/null; then
      echo "$name: the app exited at start:" >&2
      tail -n 50 "$log" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "$name: no HTTP on $addr within 30 s" >&2
  tail -n 50 "$log" >&2
  exit 1
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
