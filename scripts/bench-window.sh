#!/usr/bin/env bash
# bench-window.sh SIZES...
# The real window (build/bin/flowbench, WebKitGTK) under Xvfb: for each size N, the time from
# a click on the "Generated N" card of the dashboard to the canvas showing the fitted graph,
# measured from the screen itself: ffmpeg grabs the middle of the canvas 20 times a second,
# and the open time is when the picture first matches the one it settles on (under 2 % of
# its pixels different). scripts/bench-ui.sh calls it with a home holding the generated
# workflows; on its own: BENCH_HOME=DIR scripts/bench-window.sh 300 2000 10000.
#   BENCH_HOME    home with workflows named "Generated N" (frontend/bench/gen.mjs), required
#   BENCH_BIN     the binary (default build/bin/flowbench)
#   BENCH_REPEAT  measurements per size (default 2); best and median are printed
#   BENCH_SHOTS   a directory: also save N's canvas fitted and zoomed in there
#                 (scale-N-out.png, scale-N-in.png), for docs/
# Playwright cannot drive a Wails window, so this clicks at the positions of the default
# 1280×800 layout (like scripts/window-views.sh); if the layout changes, update them below.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${BENCH_BIN:-$root/build/bin/flowbench}"
home="${BENCH_HOME:?set BENCH_HOME to a home with the Generated N workflows}"
repeat="${BENCH_REPEAT:-2}"
shots="${BENCH_SHOTS:-}"
IMPORT=/usr/bin/import
COMPARE=/usr/bin/compare
[ -x "$bin" ] || { echo "bench-window: $bin not found; run 'make build' first" >&2; exit 1; }
[ $# -gt 0 ] || { echo "usage: BENCH_HOME=DIR $0 SIZES..." >&2; exit 2; }

# shellcheck source=scripts/xvfb.sh
. "$root/scripts/xvfb.sh"
own_xvfb="" APP_PID=""
work="$(mktemp -d)"
cleanup() {
  stop_pid "$APP_PID" 10
  [ -z "$own_xvfb" ] || stop_pid "$own_xvfb" 5
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ -z "${DISPLAY:-}" ]; then
  start_xvfb 1280x800x24
  own_xvfb="$XVFB_PID"
fi

# Layout of the window at 1280×800 (see scripts/window-views.sh).
BACK=(68 49)                       # "← Workflows" in the editor header
CANVAS="480x360+330+260"           # the middle of the canvas: no minimap, controls or overlay
ZOOM_IN=(276 710)                  # the canvas's zoom-in button
card_at() {                        # the dashboard's cards, by name: 3 a row
  local i="$1"
  echo "$((200 + 285 * (i % 3))) $((185 + 215 * (i / 3)))"
}

start_app() {
  mkdir -p "$work/user"
  HOME="$work/user" "$bin" --home "$home" >"$work/app.log" 2>&1 &
  APP_PID=$!
  timeout 60 xdotool search --sync --onlyvisible --name '^Flowbench' >/dev/null
  sleep 3
}

# the cards sort by name: "Generated 10000" < "Generated 2000" < "Generated 300"
mapfile -t names < <(for n in "$@"; do echo "Generated $n"; done | LC_ALL=C sort)
index_of() {
  local i
  for i in "${!names[@]}"; do [ "${names[$i]}" = "Generated $1" ] && { echo "$i"; return; }; done
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

start_app
for n in "$@"; do
  secs=$((n >= 10000 ? 20 : n >= 2000 ? 10 : 6))
  times=()
  for k in $(seq "$repeat"); do
    read -r x y < <(card_at "$(index_of "$n")")
    frames="$work/f-$n-$k"
    mkdir -p "$frames"
    ffmpeg -loglevel error -f x11grab -framerate 20 -video_size "${CANVAS%%+*}" -i "$DISPLAY+${CANVAS#*+}" \
      -t "$secs" -vf "crop=${CANVAS%%+*}" "$frames/%04d.png" &
    ff=$!
    until [ -e "$frames/0002.png" ]; do sleep 0.02; done
    first="$(stat -c '%.9Y' "$frames/0001.png")"
    clicked="$(date +%s.%N)"
    xdotool mousemove "$x" "$y" click 1
    wait "$ff"
    last="$(ls "$frames" | tail -n 1)"
    total="$(/usr/bin/identify -format '%[fx:w*h]' "$frames/$last")"
    shown=""
    for f in "$frames"/*.png; do
      at="$(stat -c '%.9Y' "$f")"
      # frames from before the click do not count
      awk -v a="$at" -v c="$clicked" 'BEGIN { exit !(a > c) }' || continue
      diff="$("$COMPARE" -metric AE -fuzz 8% "$f" "$frames/$last" null: 2>&1 || true)"
      diff="${diff%% *}"
      if awk -v d="$diff" -v t="$total" 'BEGIN { exit !(d < 0.02 * t) }'; then
        shown="$(awk -v a="$at" -v c="$clicked" 'BEGIN { printf "%d", (a - c) * 1000 }')"
        break
      fi
    done
    echo "bench-window: $n nodes, open $k: ${shown:-not settled} ms (first frame $(awk -v a="$first" -v c="$clicked" 'BEGIN { printf "%d", (c - a) * 1000 }') ms before the click)"
    [ -n "$shown" ] && times+=("$shown")
    if [ -n "$shots" ] && [ "$k" = "$repeat" ]; then
      mkdir -p "$shots"
      xdotool mousemove 640 790; sleep 1
      "$IMPORT" -window root "$shots/scale-$n-out.png"
      for _ in $(seq 14); do xdotool mousemove "${ZOOM_IN[0]}" "${ZOOM_IN[1]}" click 1; sleep 0.15; done
      xdotool mousemove 640 790; sleep 2
      "$IMPORT" -window root "$shots/scale-$n-in.png"
      echo "bench-window: $shots/scale-$n-out.png, $shots/scale-$n-in.png"
    fi
    xdotool mousemove "${BACK[0]}" "${BACK[1]}" click 1
    sleep 3
  done
  if [ "${#times[@]}" -gt 0 ]; then
    best="$(printf '%s\n' "${times[@]}" | sort -n | head -n1)"
    med="$(printf '%s\n' "${times[@]}" | median)"
    echo "| real window: open to the graph drawn (ms), $n nodes | $best / $med |"
  fi
done
