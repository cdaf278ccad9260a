#!/usr/bin/env bash
# bench-history.sh [RUNS]
# Whether a full run costs more as history grows: RUNS (default 40) full runs of the 10,000-node
# math.expr chain (as bench-chain.sh builds it; CHAIN_NODES=N for another size), each a fresh
# `flowbench run` process on one scratch data home, printing per run the bytes the process wrote
# (wchar of /proc/PID/io, read when it has exited), its wall time and its CPU time (user + system).
# Linux only (/proc). A/B: run it in two worktrees, alternating. A benchmark: it never fails on figures.
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${1:-40}"
nodes="${CHAIN_NODES:-10000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
go build -o "$work/flowbench" ./cmd/flowbench

python3 - "$nodes" >"$work/chain.json" <<'PY'
import json, sys
n = int(sys.argv[1])
nodes = [{"id": "in", "type": "flow.inputs", "position": {"x": 0, "y": 0}}]
edges, prev = [], ("in", "x")
for i in range(n):
    nodes.append({"id": f"n{i}", "type": "math.expr", "params": {"expression": "a + 1"}, "position": {"x": 260 * (i + 1), "y": 0}})
    edges.append({"source": prev[0], "sourceHandle": prev[1], "target": f"n{i}", "targetHandle": "a"})
    prev = (f"n{i}", "result")
nodes.append({"id": "out", "type": "io.output", "params": {"name": "result"}, "position": {"x": 260 * (n + 1), "y": 0}})
edges.append({"source": prev[0], "sourceHandle": prev[1], "target": "out", "targetHandle": "value"})
print(json.dumps({"format": "flowbench.workflow/1", "name": "Chain",
                  "inputs": [{"name": "x", "type": "integer", "required": False, "default": 1}], "nodes": nodes, "edges": edges}))
PY
"$work/flowbench" --home "$work/home" import "$work/chain.json" >/dev/null

echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $nodes-node chain, $(git rev-parse --short HEAD)"
echo "run  wchar_MB  wall_ms  cpu_ms  load"
for i in $(seq 1 "$runs"); do
  python3 - "$i" "$work/flowbench" --home "$work/home" run Chain <<'PY'
import os, subprocess, sys, time
run, cmd = sys.argv[1], sys.argv[2:]
t0 = time.monotonic()
p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)  # exited, not reaped: /proc/PID/io is still there
wall = (time.monotonic() - t0) * 1000
io = dict(l.split(": ") for l in open(f"/proc/{p.pid}/io").read().splitlines() if l)
_, status, ru = os.wait4(p.pid, 0)
if status != 0:
    sys.exit(f"run {run}: flowbench exited with status {status}")
load = open("/proc/loadavg").read().split()[0]
print(f"{run:>3}  {int(io['wchar']) / 1e6:8.1f}  {wall:7.0f}  {(ru.ru_utime + ru.ru_stime) * 1000:6.0f}  {load}")
PY
done
