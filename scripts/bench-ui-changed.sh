#!/usr/bin/env bash
# bench-ui-changed.sh [N]   (default N: 10000)
# The window's Run changed of an edited N-node chain against its full run, in Chromium against
# the dev-tag binary (frontend/bench/changed.mjs says what is timed). It records figures; it
# does not fail on them. BENCH_BIN runs another dev-tag binary and BENCH_ASSETS serves another
# build of the frontend (an older one, to compare); BENCH_REPEAT passes (default 3).
# Needs frontend/dist (make frontend) and frontend/node_modules.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
n="${1:-10000}"
assets="${BENCH_ASSETS:-$root/frontend/dist}"
bin="${BENCH_BIN:-}"
[ -f "$assets/index.html" ] || { echo "bench-ui-changed: $assets is not built; run 'make frontend'" >&2; exit 1; }
if [ -z "$bin" ]; then
  bin="$root/build/bin/flowbench-e2e"
  echo "bench-ui-changed: building $bin"
  go build -tags dev,webkit2_41 -o "$bin" .
fi

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
node -e 'import("./frontend/bench/changed.mjs").then((m) => require("fs").writeFileSync(process.argv[1], JSON.stringify(m.chainWorkflow(Number(process.argv[2])))))' "$work/chain.json" "$n"
id="$("$bin" --home "$home" import "$work/chain.json" --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).workflow_id))')"
echo "bench-ui-changed: $n-node chain $id; machine $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"

start_xvfb 1280x800x24
start_dev_app bench-ui-changed "$bin" "$assets" "$home" "$work/app.log"
BENCH_BASE_URL="http://$APP_ADDR" BENCH_WORKFLOW="$id" node frontend/bench/changed.mjs
