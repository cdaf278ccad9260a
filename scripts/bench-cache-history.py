#!/usr/bin/env python3
"""bench-cache-history.py ROUNDS BINARY [--hit-each-round]

What the cache across workflows (SPEC §14) costs a command as a data home's history grows. A
scratch home gets the 10,000-node chain of bench-chain-ab.py and a 3-node workflow ("Tiny"),
then ROUNDS rounds of history (an edit of the chain's n5000 to a new value, `run --changed`,
`run`: ~15,000 generations a round). Before the rounds and after them it times, each a fresh
process with the cache on and then off (`settings set cache`):

  tiny     `run Tiny --changed` after an edit of its one expression (one node reruns);
  miss     `run Chain --changed` after an edit to a value no run had (5,000 nodes rerun, none
           found in the cache);
  hit      `run Chain --changed` after an edit 100 above the last changed run's value: the
           downstream nodes' inputs are then those the last changed run gave 100 nodes further
           on, so ~4,900 of them are served by the cache (reason cached) when it is on.

Prints the wall-time medians [min-max] in ms and the number of cached nodes. With
--hit-each-round each round also times a `hit` changed run, so the fingerprint index catches
up every round (as it does for a person whose changed runs find results), and the rounds' times
are printed in order (a slower round every few rounds shows there). BINARY is built with `go build -o X ./cmd/flowbench`. A benchmark: it
never fails on figures.
"""
import importlib.util, json, os, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("chainab", os.path.join(HERE, "bench-chain-ab.py"))
chainab = importlib.util.module_from_spec(spec)
spec.loader.exec_module(chainab)
REPEAT = 5


def tiny(k):
    return {"format": "flowbench.workflow/1", "name": "Tiny",
            "inputs": [{"name": "x", "type": "integer", "required": False, "default": 1}],
            "nodes": [{"id": "in", "type": "flow.inputs", "position": {"x": 0, "y": 0}},
                      {"id": "a", "type": "math.expr", "params": {"expression": f"a + {k}"}, "position": {"x": 260, "y": 0}},
                      {"id": "out", "type": "io.output", "params": {"name": "r"}, "position": {"x": 520, "y": 0}}],
            "edges": [{"source": "in", "sourceHandle": "x", "target": "a", "targetHandle": "a"},
                      {"source": "a", "sourceHandle": "result", "target": "out", "targetHandle": "value"}]}


class Home:
    def __init__(self, binary, path, work):
        self.binary, self.path, self.work, self.k = binary, path, work, 1

    def cmd(self, *args, out=subprocess.DEVNULL):
        return subprocess.run([self.binary, "--home", self.path, *args], stdout=out, stderr=subprocess.PIPE, check=True)

    def load(self, graph, into=None):
        f = os.path.join(self.work, "edit.json")
        with open(f, "w") as fh:
            json.dump(graph, fh)
        self.cmd("import", f, *(["--into", into] if into else []))

    def timed(self, workflow):
        start = time.perf_counter()
        out = self.cmd("run", workflow, "--changed", "--json", out=subprocess.PIPE).stdout
        wall = (time.perf_counter() - start) * 1000
        nodes = json.loads(out)["nodes"].values()
        return wall, sum(1 for n in nodes if "cached" in (n.get("reasons") or []))

    def fresh_k(self):
        self.k += 1_000_000  # far from every value a run of this home had
        return self.k


def measure(h):
    rows = {}
    for cache in ("on", "off"):
        h.cmd("settings", "set", "cache", cache)
        for name in ("tiny", "miss", "hit"):
            got = rows.setdefault((name, cache), ([], []))
            for _ in range(REPEAT):
                if name == "tiny":
                    h.load(tiny(h.fresh_k()), "Tiny")
                    wall, hits = h.timed("Tiny")
                else:
                    k = h.fresh_k()
                    h.load(chainab.chain(k), "Chain")
                    wall, hits = h.timed("Chain")
                    if name == "hit":
                        h.load(chainab.chain(k + 100), "Chain")
                        wall, hits = h.timed("Chain")
                got[0].append(wall)
                got[1].append(hits)
    h.cmd("settings", "set", "cache", "")
    return rows


def main():
    args = [a for a in sys.argv[1:] if a != "--hit-each-round"]
    each = len(args) != len(sys.argv) - 1
    if len(args) != 2 or not args[0].isdigit():
        sys.exit(__doc__.strip().splitlines()[0])
    rounds, binary = int(args[0]), os.path.abspath(args[1])
    per_round = []
    work = tempfile.mkdtemp(prefix="bench-cache-history.")
    try:
        h = Home(binary, os.path.join(work, "home"), work)
        h.load(chainab.chain(1))
        h.load(tiny(1))
        h.cmd("run", "Chain")
        h.cmd("run", "Tiny")
        results = [("fresh home", measure(h))]
        for _ in range(rounds):
            k = h.fresh_k()
            h.load(chainab.chain(k), "Chain")
            h.cmd("run", "Chain", "--changed")
            h.cmd("run", "Chain")
            if each:
                h.load(chainab.chain(k + 100), "Chain")
                per_round.append(h.timed("Chain")[0])
        results.append((f"after {rounds} rounds (~{15 * rounds},000 generations more)", measure(h)))
    finally:
        subprocess.run(["rm", "-rf", work])
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, load {open('/proc/loadavg').read().split()[0]}, "
          f"{REPEAT} commands each; wall ms median [min-max], cached nodes")
    if per_round:
        print(f"hit each round, ms in order (median {statistics.median(per_round):.0f}, max {max(per_round):.0f}):")
        print("  " + " ".join(f"{w:.0f}" for w in per_round))
    for label, rows in results:
        print(label)
        for (name, cache), (walls, hits) in rows.items():
            print(f"  {name:5s} cache {cache:3s}  {statistics.median(walls):7.1f} [{min(walls):.0f}-{max(walls):.0f}]  cached {statistics.median(hits):.0f}")


if __name__ == "__main__":
    main()
