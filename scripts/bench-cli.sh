#!/usr/bin/env bash
# bench-cli.sh [RUNS]
# Times whole command-line calls, from process start to exit, for the two binaries:
# build/bin/flowbench (cmd/flowbench, no GUI libraries) and build/bin/flowbench-window (the
# root package, linked with GTK and WebKitGTK). It builds both into a scratch folder (the
# window build needs only frontend/dist/.gitkeep, not a built frontend), imports a 3-node
# workflow into a scratch data home and prints, per command, the median, min and max wall
# time in ms over RUNS calls (default 30) after 3 warm-up calls. A benchmark: it records
# figures and never fails on them. Figures and the machine: docs/PERFORMANCE.md.
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${1:-30}"
warmup=3
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

version="$(make -s --no-print-directory -f Makefile print-version 2>/dev/null || echo bench)"
ldflags="-w -s -X github.com/flowbench/flowbench/cli.Version=$version"
echo "bench-cli: building both binaries into $work" >&2
go build -ldflags "$ldflags" -o "$work/flowbench" ./cmd/flowbench
go build -tags desktop,production,webkit2_41 -ldflags "$ldflags" -o "$work/flowbench-window" .

home="$work/home"
cat >"$work/three.json" <<'EOF'
{
  "format": "flowbench.workflow/1",
  "name": "Three nodes",
  "inputs": [{"name": "n", "type": "integer", "required": false, "default": 3}],
  "nodes": [
    {"id": "in", "type": "flow.inputs", "position": {"x": 0, "y": 0}},
    {"id": "calc", "type": "math.expr", "params": {"expression": "a * 2 + 1"}, "position": {"x": 260, "y": 0}},
    {"id": "out", "type": "io.output", "params": {"name": "result"}, "position": {"x": 520, "y": 0}}
  ],
  "edges": [
    {"source": "in", "sourceHandle": "n", "target": "calc", "targetHandle": "a"},
    {"source": "calc", "sourceHandle": "result", "target": "out", "targetHandle": "value"}
  ]
}
EOF
"$work/flowbench" --home "$home" import "$work/three.json" >/dev/null

# time_ms CMD...: prints "median min max" of RUNS calls, in ms (bash's EPOCHREALTIME, µs).
time_ms() {
  local i t0 t1 samples=()
  for ((i = 0; i < warmup; i++)); do "$@" >/dev/null 2>&1 || true; done
  for ((i = 0; i < runs; i++)); do
    t0=${EPOCHREALTIME/./}
    "$@" >/dev/null 2>&1 || true
    t1=${EPOCHREALTIME/./}
    samples+=($((t1 - t0)))
  done
  printf '%s\n' "${samples[@]}" | sort -n | awk '{ a[NR] = $1 } END {
    m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
    printf "%.1f %.1f %.1f", m / 1000, a[1] / 1000, a[NR] / 1000 }'
}

printf '%s, %s cores, load %s, %d calls per cell (median / min / max wall ms)\n' \
  "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$runs"
printf '%-22s %26s %26s\n' command flowbench flowbench-window
for c in "help" "--version" "list" "run Three_nodes"; do
  read -r -a args <<<"$c"
  args=("${args[@]/Three_nodes/Three nodes}")
  read -r am an ax <<<"$(time_ms "$work/flowbench" --home "$home" "${args[@]}")"
  read -r wm wn wx <<<"$(time_ms "$work/flowbench-window" --home "$home" "${args[@]}")"
  printf '%-22s %26s %26s\n' "${c/_/ }" "$am / $an / $ax" "$wm / $wn / $wx"
done
