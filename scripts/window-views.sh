#!/usr/bin/env bash
# window-views.sh [OUTDIR]
# Drives the REAL window (build/bin/flowbench, which starts build/bin/flowbench-window, WebKitGTK) under Xvfb with xdotool and saves
# screenshots: the editor (OUTDIR/screenshot.png, OUTDIR/window-editor.png), loop groups
# (window-loops.png), the generation grid, the plan preview and the lens with concurrent runs
# (OUTDIR/window-generations.png, window-plan.png, window-lens.png; default docs/).
# Playwright cannot drive a Wails window, so this clicks at the positions of the default
# 1280×800 layout; if the layout changes, update the coordinates below and look at the PNGs.
# Builds nothing: run `make build` first.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/docs}"
bin="${FLOWBENCH_BIN:-$root/build/bin/flowbench}"
IMPORT=/usr/bin/import
[ -x "$bin" ] || { echo "window-views: $bin not found; run 'make build' first" >&2; exit 1; }
# The command-line binary opens the window by starting flowbench-window from its own folder.
[ "$(basename "$bin")" != flowbench ] || [ -x "$(dirname "$bin")/flowbench-window" ] ||
  { echo "window-views: $(dirname "$bin")/flowbench-window not found; run 'make build' first" >&2; exit 1; }
mkdir -p "$out"

# shellcheck source=scripts/xvfb.sh
. "$root/scripts/xvfb.sh"
XVFB_PID="" APP_PID=""
work="$(mktemp -d)"
cleanup() {
  stop_pid "$APP_PID" 10
  stop_pid "$XVFB_PID" 5
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

home="$work/home"
# A workflow with three earlier runs (n = 1, 2, 3), so "Times ten" has three generations.
"$bin" --home "$home" import "$root/testdata/seed-sweep.json" >/dev/null
for n in 1 2 3; do "$bin" --home "$home" run "Seed sweep" --input n=$n --input wait=0 >/dev/null; done
# The README's editor picture: a workflow of text, code and image nodes after a run.
"$bin" --home "$home" import "$root/testdata/greeting-card.json" >/dev/null
"$bin" --home "$home" run "Greeting card" --input name=Ada >/dev/null
# Loop groups: two frames, each running its body once per item.
"$bin" --home "$home" import "$root/testdata/loops.json" >/dev/null
"$bin" --home "$home" run "Loops" >/dev/null

start_xvfb 1280x800x24
mkdir -p "$work/user"
HOME="$work/user" "$bin" --home "$home" >"$work/app.log" 2>&1 &
APP_PID=$!
timeout 30 xdotool search --sync --onlyvisible --name '^Flowbench' >/dev/null
sleep 2

click() { xdotool mousemove "$1" "$2" click 1; sleep "${3:-1}"; }
shot() { xdotool mousemove 350 600; sleep "${2:-1}"; "$IMPORT" -window root "$out/$1"; echo "window-views: $out/$1"; }

click 200 185 2          # open the "Greeting card" card (cards sort by name)
click 700 600 0.5        # click the empty canvas: nothing selected
shot screenshot.png
click 68 49 1.5          # back to the workflows
click 485 185 2          # open the "Loops" card
click 900 620 0.5        # click the empty canvas
shot window-loops.png
click 68 49 1.5          # back to the workflows
click 770 185 2          # open the "Seed sweep" card: the editor with its latest run
shot window-editor.png
click 480 382            # select "Times ten"
click 1245 459           # generations: Grid
shot window-generations.png
click 1060 640           # the oldest generation (n = 1)
click 1020 579           # Select it: downstream nodes become stale
click 610 384            # select "Plus one"
click 617 351 1.5        # its toolbar: Preview plan
shot window-plan.png
click 1088 457           # Cancel the plan
click 1231 49            # Run ×N (seed sweep of n; 4 s wait per run, cap 4)
xdotool mousemove 500 262 click --repeat 3 1
xdotool type --delay 30 "6"
click 813 390 0.2        # Run ×6
shot window-lens.png 1.2
