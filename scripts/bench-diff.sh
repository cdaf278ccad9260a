#!/usr/bin/env bash
# bench-diff.sh [CALLS]
# Times `flowbench diff A B --json` (issue 14: ≤ 150 ms) on two runs of a 10,000-node
# workflow: builds cmd/flowbench into a scratch folder, imports a workflow of one input and
# 9,999 math.expr nodes (every one reads the input; half of them ignore it, so half the
# outputs differ between the runs), saves a second version with one param changed, runs v1
# with n=1 and v2 with n=2, then calls diff CALLS times (default 10, after 2 warm-up calls)
# and prints the median, min and max wall time and the median CPU time (user+sys) in ms.
# A benchmark: it records figures and never fails on them. Results: docs/PERFORMANCE.md.
set -euo pipefail
cd "$(dirname "$0")/.."

calls="${1:-10}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
go build -o "$work/flowbench" ./cmd/flowbench
home="$work/home"
fb() { "$work/flowbench" --home "$home" "$@"; }

# make_workflow K: the workflow file; node n05000's expression is "a * K".
make_workflow() {
  awk -v k="$1" 'BEGIN {
    n = 10000
    printf "{\"format\":\"flowbench.workflow/1\",\"name\":\"Ten thousand\",\"inputs\":[{\"name\":\"n\",\"type\":\"integer\",\"required\":false,\"default\":1}],\"nodes\":[{\"id\":\"in\",\"type\":\"flow.inputs\",\"position\":{\"x\":0,\"y\":0}}"
    for (i = 1; i < n; i++) {
      expr = (i % 2) ? "a + " i : "0 * a + " i
      if (i == 5000) expr = "a * " k
      printf ",{\"id\":\"n%05d\",\"type\":\"math.expr\",\"params\":{\"expression\":\"%s\"},\"position\":{\"x\":%d,\"y\":%d}}", i, expr, 260 + (i % 100) * 240, int(i / 100) * 120
    }
    printf "],\"edges\":["
    for (i = 1; i < n; i++) printf "%s{\"source\":\"in\",\"sourceHandle\":\"n\",\"target\":\"n%05d\",\"targetHandle\":\"a\"}", (i > 1 ? "," : ""), i
    printf "]}\n"
  }'
}

echo "bench-diff: importing and running a 10,000-node workflow twice (takes a while)" >&2
make_workflow 2 >"$work/v1.json"
make_workflow 3 >"$work/v2.json"
fb import "$work/v1.json" >/dev/null
fb import "$work/v2.json" --into "Ten thousand" >/dev/null
run_id() { sed -n 's/.*"run_id":"\([^"]*\)".*/\1/p' | head -1; }
a="$(fb run "Ten thousand" --version v1 --input n=1 --json | run_id)"
b="$(fb run "Ten thousand" --version v2 --input n=2 --json | run_id)"
[ -n "$a" ] && [ -n "$b" ] || { echo "bench-diff: the runs did not start" >&2; exit 1; }
fb diff "$a" "$b" --json >"$work/diff.json"
echo "bench-diff: diff is $(wc -c <"$work/diff.json") bytes of JSON" >&2

for ((i = 0; i < 2; i++)); do fb diff "$a" "$b" --json >/dev/null; done
wall=() cpu=()
for ((i = 0; i < calls; i++)); do
  t0=${EPOCHREALTIME/./}
  /usr/bin/time -f '%U %S' -o "$work/time" "$work/flowbench" --home "$home" diff "$a" "$b" --json >/dev/null
  t1=${EPOCHREALTIME/./}
  wall+=($(((t1 - t0) / 1000)))
  read -r u s <"$work/time"
  cpu+=("$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%d", (u + s) * 1000 }')")
done
med() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
minmax() { printf '%s\n' "$@" | sort -n | sed -n '1p;$p' | paste -sd/ -; }
printf '%s, %s cores, load %s, %d calls\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$calls"
printf 'flowbench diff (10,000 nodes, 2 versions): wall median %s ms (min/max %s), CPU user+sys median %s ms\n' \
  "$(med "${wall[@]}")" "$(minmax "${wall[@]}")" "$(med "${cpu[@]}")"
