#!/usr/bin/env python3
"""bench-chain-ab.py ROUNDS BINARY [BINARY...]

Issue 15's whole-process targets on the 10,000-node chain of scripts/bench-chain.sh, for one or
more builds of flowbench side by side (e.g. main's and a base commit's, each built with
`go build -o X ./cmd/flowbench`). Each build gets its own scratch data home (a facts file names
the build that wrote it, so two builds never share one) with the chain imported and run once.
Each round, for each build in turn (the order alternating round by round, so a drift in the
machine's speed falls on both): import an edit of n5000 to a value no node had, then time
`run --changed`, `run --from n9999` (cold, after the changed run), `run` (full) and
`run --from n9999` again (after the full run), every command a fresh process. Wall time is
read around the child, CPU (user + system) from wait4. Ratios are taken round by round against
that round's full run of the same build, and the rounds whose from-runs exceed 20 % are
counted (targets: changed <= 55 %, from <= 20 %). A benchmark: it never fails on figures.
"""
import json, os, statistics, subprocess, sys, tempfile, time

NODES, MID = 10_000, 5_000


def chain(k):
    nodes = [{"id": "in", "type": "flow.inputs", "position": {"x": 0, "y": 0}}]
    edges, prev = [], ("in", "x")
    for i in range(NODES):
        expr = f"a + {k}" if i == MID else "a + 1"
        nodes.append({"id": f"n{i}", "type": "math.expr", "params": {"expression": expr}, "position": {"x": 260 * (i + 1), "y": 0}})
        edges.append({"source": prev[0], "sourceHandle": prev[1], "target": f"n{i}", "targetHandle": "a"})
        prev = (f"n{i}", "result")
    nodes.append({"id": "out", "type": "io.output", "params": {"name": "result"}, "position": {"x": 260 * (NODES + 1), "y": 0}})
    edges.append({"source": prev[0], "sourceHandle": prev[1], "target": "out", "targetHandle": "value"})
    return {"format": "flowbench.workflow/1", "name": "Chain",
            "inputs": [{"name": "x", "type": "integer", "required": False, "default": 1}], "nodes": nodes, "edges": edges}


def timed(binary, home, args):
    start = time.perf_counter()
    p = subprocess.Popen([binary, "--home", home] + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    wall = (time.perf_counter() - start) * 1000
    if status != 0:
        sys.exit(f"{binary} {' '.join(args)}: exit status {status >> 8}: {p.stderr.read().decode()}")
    return wall, (usage.ru_utime + usage.ru_stime) * 1000


def main():
    if len(sys.argv) < 3 or not sys.argv[1].isdigit() or int(sys.argv[1]) < 1:
        sys.exit(__doc__.strip().splitlines()[0])
    rounds, binaries = int(sys.argv[1]), [os.path.abspath(b) for b in sys.argv[2:]]
    work = tempfile.mkdtemp(prefix="bench-chain-ab.")
    steps = [("changed", ["run", "Chain", "--changed"]), ("from", ["run", "Chain", "--from", f"n{NODES - 1}"]),
             ("full", ["run", "Chain"]), ("from-after-full", ["run", "Chain", "--from", f"n{NODES - 1}"])]
    try:
        def write(name, k):
            path = os.path.join(work, name)
            with open(path, "w") as f:
                json.dump(chain(k), f)
            return path
        first = write("chain.json", 1)
        homes = {}
        for i, b in enumerate(binaries):
            homes[b] = os.path.join(work, f"home{i}")
            subprocess.run([b, "--home", homes[b], "import", first], stdout=subprocess.DEVNULL, check=True)
            subprocess.run([b, "--home", homes[b], "run", "Chain"], stdout=subprocess.DEVNULL, check=True)
        got = {b: {s: ([], []) for s, _ in steps} for b in binaries}
        load0 = open("/proc/loadavg").read().split()[0]
        for r in range(rounds):
            edit = write("edit.json", 1_000_000 * (r + 1) + 7)
            for b in (binaries if r % 2 == 0 else binaries[::-1]):
                subprocess.run([b, "--home", homes[b], "import", edit, "--into", "Chain"], stdout=subprocess.DEVNULL, check=True)
                for name, args in steps:
                    wall, cpu = timed(b, homes[b], args)
                    got[b][name][0].append(wall)
                    got[b][name][1].append(cpu)
        load1 = open("/proc/loadavg").read().split()[0]
    finally:
        subprocess.run(["rm", "-rf", work])
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, {rounds} rounds, load {load0} -> {load1}")
    print("wall ms median [min-max] (CPU median); ratios to the same round's full run: median [min-max], rounds over 20 %")
    for b in binaries:
        g = got[b]
        full_w, full_c = g["full"]
        print(f"{b}: full {statistics.median(full_w):.0f} [{min(full_w):.0f}-{max(full_w):.0f}] ({statistics.median(full_c):.0f})")
        for name in ("changed", "from", "from-after-full"):
            w, c = g[name]
            rw = [100 * a / f for a, f in zip(w, full_w)]
            rc = [100 * a / f for a, f in zip(c, full_c)]
            over = "" if name == "changed" else f"  over 20 %: {sum(x > 20 for x in rw)}/{rounds}"
            print(f"  {name:16s} {statistics.median(w):6.1f} ({statistics.median(c):6.1f})  wall {statistics.median(rw):5.1f}% "
                  f"[{min(rw):.1f}-{max(rw):.1f}]  cpu {statistics.median(rc):5.1f}%{over}")


if __name__ == "__main__":
    main()
