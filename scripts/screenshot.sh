#!/usr/bin/env bash
# screenshot.sh OUT.png [--home DIR] [--open FILE.json]
# Opens the real window (build/bin/flowbench, which starts build/bin/flowbench-window) under Xvfb, saves a screenshot of the screen
# to OUT.png and fails if the picture is blank. Builds nothing: run `make build` first. --open
# starts it as the desktop entry does for a double-clicked file (`flowbench FILE`).
set -euo pipefail

usage() { echo "usage: $0 OUT.png [--home DIR] [--open FILE.json]" >&2; exit 2; }

out="" home="" open=()
while [ $# -gt 0 ]; do
  case "$1" in
    --home) [ $# -ge 2 ] || usage; home="$2"; shift 2 ;;
    --home=*) home="${1#--home=}"; shift ;;
    --open) [ $# -ge 2 ] || usage; open=("$2"); shift 2 ;;
    -h|--help) usage ;;
    -*) usage ;;
    *) [ -z "$out" ] || usage; out="$1"; shift ;;
  esac
done
[ -n "$out" ] || usage

root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${FLOWBENCH_BIN:-$root/build/bin/flowbench}"
timeout_s="${SCREENSHOT_TIMEOUT:-30}"
min_colours="${SCREENSHOT_MIN_COLOURS:-16}"
IMPORT=/usr/bin/import      # /usr/local/bin/convert on these machines is not ImageMagick
IDENTIFY=/usr/bin/identify

[ -x "$bin" ] || { echo "screenshot: $bin not found; run 'make build' first" >&2; exit 1; }
# The command-line binary opens the window by starting flowbench-window from its own folder.
[ "$(basename "$bin")" != flowbench ] || [ -x "$(dirname "$bin")/flowbench-window" ] ||
  { echo "screenshot: $(dirname "$bin")/flowbench-window not found; run 'make build' first" >&2; exit 1; }
for tool in Xvfb xdotool "$IMPORT" "$IDENTIFY"; do
  command -v "$tool" >/dev/null || { echo "screenshot: $tool is missing; run 'make setup'" >&2; exit 1; }
done

# shellcheck source=scripts/xvfb.sh
. "$root/scripts/xvfb.sh"

XVFB_PID="" APP_PID="" tmp_home="" 
applog="$(mktemp)"
cleanup() {
  stop_pid "$APP_PID" 10   # the app takes 1–2 s to exit after SIGTERM
  stop_pid "$XVFB_PID" 5
  [ -z "$tmp_home" ] || rm -rf "$tmp_home"
  rm -f "$applog"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "$home" ]; then
  tmp_home="$(mktemp -d)"
  home="$tmp_home"
fi
mkdir -p "$home" "$(dirname "$out")"

start_xvfb 1280x800x24
echo "screenshot: Xvfb on $DISPLAY, home $home"

FLOWBENCH_HOME="$home" "$bin" --home "$home" "${open[@]}" >"$applog" 2>&1 &
APP_PID=$!

if ! timeout "$timeout_s" xdotool search --sync --onlyvisible --name '^Flowbench' >/dev/null; then
  echo "screenshot: no visible 'Flowbench' window within ${timeout_s} s" >&2
  kill -0 "$APP_PID" 2>/dev/null || echo "screenshot: the app exited early" >&2
  echo "--- app output ---" >&2; tail -n 50 "$applog" >&2
  exit 1
fi
sleep "${SCREENSHOT_SETTLE:-2}"   # let WebKit start painting
if ! kill -0 "$APP_PID" 2>/dev/null; then
  echo "screenshot: the app exited before the screenshot" >&2
  tail -n 50 "$applog" >&2
  exit 1
fi

# With --open, the file is imported after start-up and then opened in the editor, which titles
# the window "Flowbench — NAME": wait for that (a hang guard, not a timing), so the data home
# holds the workflow before the app is closed.
if [ ${#open[@]} -gt 0 ] &&
  ! timeout "${SCREENSHOT_OPEN_TIMEOUT:-60}" xdotool search --sync --onlyvisible --name '^Flowbench — ' >/dev/null; then
  echo "screenshot: the window never showed the opened workflow (title 'Flowbench — NAME')" >&2
  echo "--- app output ---" >&2; tail -n 50 "$applog" >&2
  exit 1
fi

# Wait for WebKit to paint the page rather than for a fixed time: on a busy machine the first
# seconds show only the native menu bar (~90 colours; the painted dashboard has over 1000).
paint_min="${SCREENSHOT_PAINTED_COLOURS:-300}"
paint_until=$(( $(date +%s) + ${SCREENSHOT_PAINT_TIMEOUT:-60} ))
while :; do
  "$IMPORT" -display "$DISPLAY" -window root "$out"
  [ "$("$IDENTIFY" -format '%k' "$out")" -le "$paint_min" ] || break
  [ "$(date +%s)" -lt "$paint_until" ] || break
  kill -0 "$APP_PID" 2>/dev/null || break
  sleep 1
done

colours="$("$IDENTIFY" -format '%k' "$out")"
stddev="$("$IDENTIFY" -format '%[fx:standard_deviation]' "$out")"
echo "screenshot: $out ($("$IDENTIFY" -format '%wx%h' "$out"), $colours colours, stddev $stddev)"
if [ "$colours" -le "$min_colours" ] || awk -v s="$stddev" 'BEGIN { exit !(s == 0) }'; then
  echo "screenshot: $out looks blank ($colours colours ≤ $min_colours)" >&2
  echo "--- app output ---" >&2; tail -n 50 "$applog" >&2
  exit 1
fi
