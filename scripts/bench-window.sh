#!/usr/bin/env bash
# bench-window.sh SIZES...
# The real window (build/bin/flowbench, WebKitGTK) under Xvfb: for each size N, a home with
# only the generated N-node workflow (frontend/bench/gen.mjs, imported with the CLI), and the
# time from a click on its dashboard card to (1) the first nodes on the screen and (2) the
# whole graph drawn (the canvas's "Drawing n of N nodes" box gone), read from the screen
# itself: ffmpeg grabs the top middle of the canvas (where that box sits, and the fitted graph
# below it) 20 times a second. The box is white on the grey canvas: its strip is read as the
# share of white pixels. The graph below is read as the share of pixels that are not the
# canvas's own colour (--canvas-bg, #eef0f3 in the light theme; only its dots are, ~0.3 %):
# nodes drawn in full are white, but 10,000 nodes fitted are 3.5-px boxes whose outlines,
# status colour and edges leave almost no white, so a white test does not see them.
# scripts/bench-ui.sh calls it; on its own: scripts/bench-window.sh 300 2000 10000.
#   BENCH_BIN     the binary (default build/bin/flowbench)
#   BENCH_REPEAT  measurements per size (default 2); best and median are printed
#   BENCH_SHOTS   a directory: also save N's canvas fitted and zoomed in there
#                 (scale-N-out.png, scale-N-in.png), for docs/
# Playwright cannot drive a Wails window, so this clicks at the positions of the default
# 1280×800 layout (like scripts/window-views.sh); if the layout changes, update them below.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${BENCH_BIN:-$root/build/bin/flowbench}"
repeat="${BENCH_REPEAT:-2}"
shots="${BENCH_SHOTS:-}"
IMPORT=/usr/bin/import
COMPARE=/usr/bin/compare
[ -x "$bin" ] || { echo "bench-window: $bin not found; run 'make build' first" >&2; exit 1; }
[ $# -gt 0 ] || { echo "usage: $0 SIZES..." >&2; exit 2; }

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
GRAB="384x512+422+88"              # the canvas's progress box (top 34 rows) and the graph below
ZOOM_IN=(276 685)                  # the canvas's zoom-in button
CARD=(200 185)                     # the first (only) workflow card of the dashboard
CANVAS_BG="srgb(238,240,243)"      # the canvas's colour (frontend/src/style.css --canvas-bg)

start_app() {
  local home="$1"
  stop_pid "$APP_PID" 10
  mkdir -p "$work/user"
  HOME="$work/user" "$bin" --home "$home" >"$work/app.log" 2>&1 &
  APP_PID=$!
  timeout 60 xdotool search --sync --onlyvisible --name '^Flowbench' >/dev/null
  sleep 3
  # the positions below are for the window at the screen's top left; where it opened elsewhere,
  # they move with it
  read -r WX WY < <(xdotool search --onlyvisible --name '^Flowbench' getwindowgeometry --shell | awk -F= '/^X=/ { x = $2 } /^Y=/ { y = $2 } END { print x + 0, y + 0 }')
  echo "bench-window: the window is at $WX,$WY"
}
WX=0 WY=0
at() { echo "$(($1 + WX)) $(($2 + WY))"; }

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

for n in "$@"; do
  node "$root/frontend/bench/gen.mjs" "$n" "$work/gen-$n.json"
  "$bin" --home "$work/home-$n" import "$work/gen-$n.json" >/dev/null
  start_app "$work/home-$n"
  secs=$((n >= 10000 ? 90 : n >= 2000 ? 20 : 8))
  fps=$((n >= 10000 ? 5 : 20))
  times=() firsts=()
  for k in $(seq "$repeat"); do
    read -r x y < <(at "${CARD[0]}" "${CARD[1]}")
    gx="${GRAB#*+}"; gy="${gx#*+}"; gx="${gx%%+*}"
    frames="$work/f-$n-$k"
    mkdir -p "$frames"
    ffmpeg -loglevel error -f x11grab -framerate "$fps" -video_size "${GRAB%%+*}" -i "$DISPLAY+$((gx + WX)),$((gy + WY))" \
      -t "$secs" "$frames/%04d.png" &
    ff=$!
    until [ -e "$frames/0002.png" ]; do
      kill -0 "$ff" 2>/dev/null || { echo "bench-window: ffmpeg could not grab the screen" >&2; exit 1; }
      sleep 0.02
    done
    first="$(stat -c '%.9Y' "$frames/0001.png")"
    clicked="$(date +%s.%N)"
    xdotool mousemove "$x" "$y" click 1
    wait "$ff"
    first_ms="" shown="" boxed=""
    for f in "$frames"/*.png; do
      at="$(stat -c '%.9Y' "$f")"
      # frames from before the click do not count
      awk -v a="$at" -v c="$clicked" 'BEGIN { exit !(a > c) }' || continue
      read -r box below < <(/usr/bin/convert "$f" \
        \( +clone -fuzz 2% -fill black +opaque white -crop 384x34+0+0 +repage -format "%[fx:mean] " -write info: +delete \) \
        -crop 384x440+0+60 +repage -fuzz 3% -fill black -opaque "$CANVAS_BG" -fill white +opaque black -format "%[fx:mean]\n" info:)
      ms="$(awk -v a="$at" -v c="$clicked" 'BEGIN { printf "%d", (a - c) * 1000 }')"
      # the dashboard's example cards are white too: nodes count once the editor's
      # "Opening…"/"Drawing…" box has been seen (a graph too small to need it is drawn at once)
      awk -v x="$box" 'BEGIN { exit !(x >= 0.2) }' && boxed=1
      if awk -v b="$below" 'BEGIN { exit !(b > 0.02) }' && [ -n "$boxed" ]; then
        [ -n "$first_ms" ] || first_ms="$ms"
        if awk -v x="$box" 'BEGIN { exit !(x < 0.2) }'; then shown="$ms"; break; fi
      fi
    done
    echo "bench-window: $n nodes, open $k: first nodes ${first_ms:-none} ms, whole graph ${shown:-not within ${secs} s} ms (grabbing began $(awk -v a="$first" -v c="$clicked" 'BEGIN { printf "%d", (c - a) * 1000 }') ms before the click)"
    [ -n "$shown" ] && times+=("$shown")
    [ -n "$first_ms" ] && firsts+=("$first_ms")
    if [ -n "$shots" ] && [ "$k" = "$repeat" ]; then
      mkdir -p "$shots"
      xdotool mousemove 640 790
      [ -n "$shown" ] || sleep 60   # still drawing: give it time before the pictures
      "$IMPORT" -window root "$shots/scale-$n-out.png"
      read -r zx zy < <(at "${ZOOM_IN[0]}" "${ZOOM_IN[1]}")
      for _ in $(seq 14); do xdotool mousemove "$zx" "$zy" click 1; sleep 0.3; done
      xdotool mousemove 640 790; sleep 4
      "$IMPORT" -window root "$shots/scale-$n-in.png"
      echo "bench-window: $shots/scale-$n-out.png, $shots/scale-$n-in.png"
    fi
    read -r bx by < <(at "${BACK[0]}" "${BACK[1]}")
    xdotool mousemove "$bx" "$by" click 1
    # the dashboard lists its workflows before the next click (at load 10+ it took over 3 s,
    # and a click on a card not yet drawn opened nothing: "first nodes none")
    sleep 6
  done
  if [ "${#firsts[@]}" -gt 0 ]; then
    echo "| real window, $n nodes: open to first nodes drawn (ms) | $(printf '%s\n' "${firsts[@]}" | sort -n | head -n1) / $(printf '%s\n' "${firsts[@]}" | median) |"
  fi
  if [ "${#times[@]}" -gt 0 ]; then
    echo "| real window, $n nodes: open to the whole graph drawn (ms) | $(printf '%s\n' "${times[@]}" | sort -n | head -n1) / $(printf '%s\n' "${times[@]}" | median) |"
  fi
done
