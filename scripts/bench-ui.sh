#!/usr/bin/env bash
# bench-ui.sh [SIZES]   (default SIZES: "300 2000 10000")
# The window's benchmark (SPEC §11, issue 17). It records figures, it does not fail on them.
#  1. Generates a workflow of each size (frontend/bench/gen.mjs: a chain of util.delay nodes
#     on a grid) and imports it with the CLI into a throw-away home.
#  2. Chromium through playwright-core against the dev-tag binary (as scripts/e2e.sh runs it):
#     frontend/bench/ui.mjs measures, BENCH_REPEAT times (default 3) on a fresh page, the open
#     time to first nodes drawn, the longest main-thread task while opening, pan frame time
#     (median and p95 of 30 moves), zoom step time and run end → canvas (BENCH_RUN_SIZES,
#     default "300 2000"), the edit steps at 2,000 nodes (select 500, copy, paste, undo,
#     auto-layout, select all, drag; BENCH_EDIT=0 leaves them out), and prints a table of
#     best / median.
#  3. The real window (build/bin/flowbench, WebKitGTK) under Xvfb, unless BENCH_WINDOW=0
#     (scripts/bench-window.sh): for each size, the time from the click on its dashboard card
#     to the graph drawn on the screen, read from the screen grabbed 20 times a second.
# Needs frontend/dist (make frontend), frontend/node_modules and, for step 3, make build.
# BENCH_ASSETS serves another build of the frontend to Chromium (e.g. an older one, to compare).
# BENCH_CHROMIUM_SHOTS=DIR also saves Chromium pictures of each size (frontend/bench/shots.mjs);
# BENCH_UI=0 skips the measurements (pictures only).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
read -r -a sizes <<<"${1:-300 2000 10000}"
bin="build/bin/flowbench-e2e"
winbin="${FLOWBENCH_BIN:-$root/build/bin/flowbench}"
assets="${BENCH_ASSETS:-$root/frontend/dist}"

[ -f "$assets/index.html" ] || { echo "bench-ui: $assets is not built; run 'make frontend'" >&2; exit 1; }
[ -d frontend/node_modules/playwright-core ] || { echo "bench-ui: playwright-core missing; run 'make setup'" >&2; exit 1; }

echo "bench-ui: building $bin"
go build -tags dev,webkit2_41 -o "$bin" .

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
ids=""
for n in "${sizes[@]}"; do
  node frontend/bench/gen.mjs "$n" "$work/gen-$n.json"
  id="$("./$bin" --home "$home" import "$work/gen-$n.json" --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).workflow_id))')"
  ids="${ids:+$ids,}$n=$id"
done
echo "bench-ui: workflows $ids"
echo "bench-ui: machine $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"

start_xvfb 1280x800x24
start_dev_app bench-ui "./$bin" "$assets" "$home" "$work/app.log"
addr="$APP_ADDR"

echo "bench-ui: Chromium (playwright-core), dev-tag binary on $addr"
runsizes="${BENCH_RUN_SIZES:-300 2000}"
if [ "${BENCH_UI:-1}" != "0" ]; then
  BENCH_BASE_URL="http://$addr" BENCH_WORKFLOWS="$ids" BENCH_RUN_SIZES="${runsizes// /,}" node frontend/bench/ui.mjs
fi
if [ -n "${BENCH_CHROMIUM_SHOTS:-}" ]; then
  mkdir -p "$BENCH_CHROMIUM_SHOTS"
  BENCH_BASE_URL="http://$addr" BENCH_WORKFLOWS="$ids" BENCH_CHROMIUM_SHOTS="$(cd "$BENCH_CHROMIUM_SHOTS" && pwd)" node frontend/bench/shots.mjs
fi
stop_pid "$APP_PID" 10
APP_PID=""

if [ "${BENCH_WINDOW:-1}" = "0" ]; then exit 0; fi
if [ ! -x "$winbin" ]; then
  echo "bench-ui: $winbin not built (make build): the real window is left out"
  exit 0
fi
echo "bench-ui: the real window (WebKitGTK) under Xvfb on $DISPLAY"
BENCH_BIN="$winbin" scripts/bench-window.sh "${sizes[@]}"
