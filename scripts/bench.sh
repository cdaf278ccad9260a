#!/usr/bin/env bash
# bench.sh [go test flags...]
# Runs every Benchmark* of the engine and storage packages (./engine/... ./storage/...) and
# prints them as a table: benchmark | ns/op | µs/node | runs/s | RSS MB | B/op | allocs/op |
# other metrics. Columns are picked by the unit a benchmark reports, so a benchmark that does
# not report one shows "-":  b.ReportMetric(v, "us/node"), (v, "runs/s"), (v, "rss-MB"); any
# other unit it reports (e.g. "%-of-full") is listed in the last column.
#
# Extra arguments go to `go test`, e.g.
#   scripts/bench.sh -bench='Chain|FanOut' -count=3
#   scripts/bench.sh -benchtime=3s
#   scripts/bench.sh -bench=SharedSeedSweep8 -benchtime=3x   # issue 15 shared work: x-one-run, upstream-execs
# Without -benchtime each benchmark runs for about a second; one whose single operation
# takes longer (100 runs of a 100 ms delay at cap 1 take ~10 s) runs exactly once. The raw
# `go test` output is kept in $BENCH_RAW when that variable names a file.
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=()
for p in ./engine/... ./storage/...; do
  # skip a pattern that matches no package yet rather than failing on it
  [ -n "$(go list "$p" 2>/dev/null)" ] && pkgs+=("$p")
done
[ "${#pkgs[@]}" -gt 0 ] || { echo "bench: no packages under engine/ or storage/"; exit 0; }

bench=(-bench=.)
for a in "$@"; do
  case "$a" in -bench=* | -test.bench=*) bench=() ;; esac
done

raw="${BENCH_RAW:-}"
if [ -z "$raw" ]; then
  raw="$(mktemp)"
  trap 'rm -f "$raw"' EXIT
fi
status=0
go test -run='^$' "${bench[@]}" -benchmem -timeout=30m "$@" "${pkgs[@]}" >"$raw" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
  cat "$raw" >&2
  echo "bench: go test failed (exit $status)" >&2
  exit "$status"
fi

awk '
  /^pkg: / { pkg = $2; sub(/^.*\/flowbench\//, "", pkg) }
  /^Benchmark/ && NF >= 4 {
    name = $1; sub(/-[0-9]+$/, "", name); sub(/^Benchmark/, "", name)
    nsop = usnode = runs = rss = bop = allocs = "-"
    other = ""
    for (i = 3; i < NF; i += 2) {
      v = $i; u = $(i + 1)
      if (u == "ns/op") nsop = v
      else if (u == "us/node") usnode = v
      else if (u == "runs/s") runs = v
      else if (u == "rss-MB") rss = v
      else if (u == "B/op") bop = v
      else if (u == "allocs/op") allocs = v
      else other = other (other == "" ? "" : ", ") v " " u
    }
    rows[++n] = sprintf("%-14s %-42s %14s %9s %9s %8s %12s %10s  %s", pkg, name, nsop, usnode, runs, rss, bop, allocs, other)
  }
  END {
    if (n == 0) { print "bench: no benchmarks found"; exit 0 }
    # "µ" is two bytes to a byte-counting awk (mawk): widen its field so columns line up
    mu = 9 + length("µ") - 1
    printf "%-14s %-42s %14s %" mu "s %9s %8s %12s %10s  %s\n", "package", "benchmark", "ns/op", "µs/node", "runs/s", "RSS MB", "B/op", "allocs/op", "other metrics"
    for (i = 1; i <= n; i++) print rows[i]
  }
' "$raw"
