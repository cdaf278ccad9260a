#!/usr/bin/env bash
# bench.sh [go test flags...]
# Runs the engine and storage benchmarks and prints them as a table. A benchmark that
# reports a custom `us/node` metric (b.ReportMetric(v, "us/node")) gets it in its column.
# Extra arguments go to `go test`, e.g. scripts/bench.sh -benchtime=2s -count=3.
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=()
for p in ./engine/... ./storage/...; do
  # skip a pattern that matches no package yet rather than failing on it
  [ -n "$(go list "$p" 2>/dev/null)" ] && pkgs+=("$p")
done
[ "${#pkgs[@]}" -gt 0 ] || { echo "bench: no packages under engine/ or storage/"; exit 0; }

raw="$(mktemp)"
trap 'rm -f "$raw"' EXIT
status=0
go test -run='^$' -bench=. -benchmem "$@" "${pkgs[@]}" >"$raw" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
  cat "$raw" >&2
  echo "bench: go test failed (exit $status)" >&2
  exit "$status"
fi

awk '
  /^pkg: / { pkg = $2; sub(/^.*\/flowbench\//, "", pkg) }
  /^Benchmark/ {
    name = $1; sub(/-[0-9]+$/, "", name)
    nsop = "-"; usnode = "-"; bop = "-"; allocs = "-"
    for (i = 3; i < NF; i += 2) {
      v = $i; u = $(i + 1)
      if (u == "ns/op") nsop = v
      else if (u == "us/node") usnode = v
      else if (u == "B/op") bop = v
      else if (u == "allocs/op") allocs = v
    }
    rows[++n] = sprintf("%-18s %-44s %14s %10s %12s %10s", pkg, name, nsop, usnode, bop, allocs)
  }
  END {
    if (n == 0) { print "bench: no benchmarks found"; exit 0 }
    printf "%-18s %-44s %14s %10s %12s %10s\n", "package", "benchmark", "ns/op", "µs/node", "B/op", "allocs/op"
    for (i = 1; i <= n; i++) print rows[i]
  }
' "$raw"
