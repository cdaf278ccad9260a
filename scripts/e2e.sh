#!/usr/bin/env bash
# e2e.sh [SPEC-FILTER...]
# Browser end-to-end tests against the real Go backend: builds a dev-tag binary that serves
# frontend/dist plus working bindings and events over HTTP, starts it under Xvfb with a
# throw-away data home, and drives Debian's Chromium with frontend/e2e/run.mjs.
# Needs frontend/dist (make frontend) and frontend/node_modules (make setup).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bin="build/bin/flowbench-e2e"

[ -f frontend/dist/index.html ] || { echo "e2e: frontend/dist is not built; run 'make frontend'" >&2; exit 1; }
[ -d frontend/node_modules/playwright-core ] || { echo "e2e: playwright-core missing; run 'make setup'" >&2; exit 1; }
for tool in Xvfb curl node /usr/bin/chromium; do
  command -v "$tool" >/dev/null || { echo "e2e: $tool is missing; run 'make setup'" >&2; exit 1; }
done

echo "e2e: building $bin"
go build -tags dev,webkit2_41 -o "$bin" .
# The fake AI servers (internal/fakes) the provider and generative-node specs talk to.
go build -o build/bin/fakeserver ./cmd/fakeserver

# shellcheck source=scripts/xvfb.sh
. "$root/scripts/xvfb.sh"

XVFB_PID="" APP_PID=""
home="$(mktemp -d)"
applog="$(mktemp)"
# The specs' own scratch files (images to drop, ffmpeg inputs, …) go under one folder that
# goes with the run, not into /tmp one folder each.
scratch="$(mktemp -d)"
cleanup() {
  stop_pid "$APP_PID" 10   # the app takes 1–2 s to exit after SIGTERM
  stop_pid "$XVFB_PID" 5
  rm -rf "$home" "$applog" "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port="${E2E_PORT:-$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')}"
addr="127.0.0.1:$port"

start_xvfb 1280x800x24
echo "e2e: Xvfb on $DISPLAY, app on http://$addr, home $home"

start_dev_app e2e "./$bin" "$root/frontend/dist" "$home" "$applog" "$addr"

# E2E_HOME and E2E_BIN let a test run the same binary as a command against the app's home,
# as a user would in a terminal beside the window.
testlog="$home/e2e-output.txt"
set +e
TMPDIR="$scratch" E2E_BASE_URL="http://$addr" E2E_HOME="$home" E2E_BIN="$root/$bin" E2E_FAKESERVER="$root/build/bin/fakeserver" \
  node frontend/e2e/run.mjs "$@" 2>&1 | tee "$testlog"
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
  # (Wails' dev IPC logs every page load's runtime:ready as unknown: noise, left out)
  echo "--- app output (last 40 lines, debug and runtime:ready lines left out) ---" >&2
  grep -v -e '^DEB |' -e 'runtime:ready' "$applog" | tail -n 40 >&2 || true
  # the failures again, last, where a CI log's tail shows them
  echo "--- e2e failures ---" >&2
  grep -A3 -e '^  ✗' -e '^e2e:' "$testlog" >&2 || true
fi
exit "$status"
