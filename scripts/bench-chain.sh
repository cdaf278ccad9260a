#!/usr/bin/env bash
# bench-chain.sh [PASSES]
# Issue 15's whole-process targets on a 10,000-node math.expr chain (flow input x → n0 … n9999
# → out), each command a fresh `flowbench` process on one scratch data home, as a person or
# a script runs them. Each pass times, in this order:
#   full     run Chain                           (every node executes)
#   from-after-full  run Chain --from n9999      right after the full run: the common flow (run
#                                                 everything, change the last block, run from it)
#   plan     plan Chain --changed --json         after editing n5000 to a value no node had;
#                                                 it must explain every node (checked)
#   changed  run Chain --changed                 (n5000 and the 5,000 nodes after it rerun)
#   from     run Chain --from n9999              (a fresh process: reads what ran, runs 1 node)
# and prints the wall and CPU times (ms), changed, from and from-after-full as % of the same pass's
# full run (targets: changed ≤ 55 %, from ≤ 20 %), and the load average. A benchmark: it never fails on figures.
# CHAIN_EDIT=old: each pass runs the chain fully twice (the first untimed), then edits n5000 to
# "a + 777·pass", a value that makes the input fingerprints of most nodes after it equal those
# of older generations of other nodes: the changed run reuses them from the cache (reason
# cached), and the from run must find them current (a cache hit costs about a reuse, whatever
# the history).
# CHAIN_NODES=N: a chain of N nodes instead of 10,000 (n$((N/2)) edited, n$((N-1)) the from
# target): runs at several lengths separate a process's fixed cost from its cost per node.
# Figures: docs/PERFORMANCE.md. Needs python3 (to write the chain and check the plan).
set -euo pipefail
cd "$(dirname "$0")/.."

passes="${1:-3}"
edit="${CHAIN_EDIT:-new}"
case "$edit" in new | old) ;; *) echo "CHAIN_EDIT: want new or old, got $edit" >&2; exit 2 ;; esac
nodes="${CHAIN_NODES:-10000}"
[[ $nodes =~ ^[0-9]+$ && $nodes -ge 2 ]] || { echo "CHAIN_NODES: want a number ≥ 2, got $nodes" >&2; exit 2; }
mid=$((nodes / 2))
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
go build -o "$work/flowbench" ./cmd/flowbench
fb() { "$work/flowbench" --home "$work/home" "$@"; }

# chain K: the chain with n$mid = "a + K" (K = 1: every node "a + 1").
chain() {
  python3 - "$nodes" "$mid" "$1" <<'EOF'
import json, sys
n, mid, k = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
nodes = [{"id": "in", "type": "flow.inputs", "position": {"x": 0, "y": 0}}]
edges, prev = [], ("in", "x")
for i in range(n):
    expr = f"a + {k}" if i == mid else "a + 1"
    nodes.append({"id": f"n{i}", "type": "math.expr", "params": {"expression": expr}, "position": {"x": 260 * (i + 1), "y": 0}})
    edges.append({"source": prev[0], "sourceHandle": prev[1], "target": f"n{i}", "targetHandle": "a"})
    prev = (f"n{i}", "result")
nodes.append({"id": "out", "type": "io.output", "params": {"name": "result"}, "position": {"x": 260 * (n + 1), "y": 0}})
edges.append({"source": prev[0], "sourceHandle": prev[1], "target": "out", "targetHandle": "value"})
print(json.dumps({"format": "flowbench.workflow/1", "name": "Chain",
                  "inputs": [{"name": "x", "type": "integer", "required": False, "default": 1}], "nodes": nodes, "edges": edges}))
EOF
}

chain 1 >"$work/chain.json"
fb import "$work/chain.json" >/dev/null

# ms CMD...: runs CMD (stdout to $work/out, stderr to $work/err) and prints its wall time and
# its CPU time (user + system), in ms.
ms() {
  local TIMEFORMAT='%R %U %S' t
  t=$({ time "$@" >"$work/out" 2>"$work/err"; } 2>&1) || { cat "$work/err" >&2; return 1; }
  awk '{ printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000 }' <<<"$t"
}

printf '%s, %s cores, Go %s, %s-node chain\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(nproc)" "$(go env GOVERSION)" "$nodes"
printf 'wall ms (CPU ms) of each process, CHAIN_EDIT=%s\n' "$edit"
printf '%-5s %12s %16s %12s %12s %12s %16s %16s %18s   %s\n' pass full from-after-full plan changed from 'changed-% (cpu)' 'from-% (cpu)' 'after-full-% (cpu)' load
for ((p = 1; p <= passes; p++)); do
  load="$(cut -d' ' -f1 /proc/loadavg)"
  if [[ $edit == old ]]; then
    fb run Chain >/dev/null
  fi
  read -r full fullc < <(ms fb run Chain)
  read -r after afterc < <(ms fb run Chain --from "n$((nodes - 1))")
  if [[ $edit == old ]]; then
    chain $((777 * p)) >"$work/edit.json"
  else
    chain $((1000000 * p)) >"$work/edit.json"
  fi
  fb import "$work/edit.json" --into Chain >/dev/null
  read -r plan planc < <(ms fb plan Chain --changed --json)
  python3 - "$work/out" "$((nodes + 2))" <<'EOF2'
import json, sys
plan, want = json.load(open(sys.argv[1])), int(sys.argv[2])
nodes = plan["nodes"]
unexplained = [i for i, n in nodes.items() if n["action"] == "rerun" and not n["reasons"]]
if len(nodes) != want or unexplained:
    sys.exit(f"plan --changed: {len(nodes)} nodes of {want}, unexplained: {unexplained[:5]}")
EOF2
  read -r changed changedc < <(ms fb run Chain --changed)
  read -r from fromc < <(ms fb run Chain --from "n$((nodes - 1))")
  printf '%-5s %12s %16s %12s %12s %12s %16s %16s %18s   %s\n' "$p" "$full ($fullc)" "$after ($afterc)" "$plan ($planc)" "$changed ($changedc)" "$from ($fromc)" \
    "$((100 * changed / full))% ($((100 * changedc / fullc))%)" "$((100 * from / full))% ($((100 * fromc / fullc))%)" \
    "$((100 * after / full))% ($((100 * afterc / fullc))%)" \
    "$load → $(cut -d' ' -f1 /proc/loadavg)"
done
