package engine_test

import (
	"context"
	"fmt"
	"math/rand"
	"sync"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// Planner and run-from-block benchmarks on 10,000-node graphs. Targets: BuildPlan ≤ 20 ms
// with a prior generation for every node; a run from the last node of a chain that ran
// before ≤ 5 % of the full run.

const benchNodes = 10000

// bigChain is n0 → n1 → … → n9999 → out, every node a math.expr.
func bigChain(n int) engine.Graph {
	g := engine.Graph{Nodes: make([]engine.Node, 0, n+1), Edges: make([]engine.Edge, 0, n)}
	for i := 0; i < n; i++ {
		expr := "a + 1"
		if i == 0 {
			expr = "1"
		}
		g.Nodes = append(g.Nodes, node(fmt.Sprintf("n%d", i), "math.expr", map[string]any{"expression": expr}))
		if i > 0 {
			g.Edges = append(g.Edges, edge(fmt.Sprintf("n%d", i-1), "result", fmt.Sprintf("n%d", i), "a"))
		}
	}
	g.Nodes = append(g.Nodes, node("out", "io.output", map[string]any{"name": "result"}))
	g.Edges = append(g.Edges, edge(fmt.Sprintf("n%d", n-1), "result", "out", "value"))
	return g
}

// bigDAG is n math.expr nodes, each with up to 4 parents among the 200 nodes before it;
// each node averages its inputs and adds its index, so values stay small.
func bigDAG(n int, seed int64) engine.Graph {
	rng := rand.New(rand.NewSource(seed))
	g := engine.Graph{Nodes: make([]engine.Node, 0, n+1)}
	handles := []string{"a", "b", "c", "d"}
	hasChild := make([]bool, n)
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("n%d", i)
		k := 0
		if i > 0 {
			k = rng.Intn(5)
		}
		seen := map[int]bool{}
		var used []string
		for j := 0; j < k; j++ {
			lo := i - 200
			if lo < 0 {
				lo = 0
			}
			p := lo + rng.Intn(i-lo)
			if seen[p] {
				continue
			}
			seen[p] = true
			hasChild[p] = true
			h := handles[len(used)]
			used = append(used, h)
			g.Edges = append(g.Edges, edge(fmt.Sprintf("n%d", p), "result", id, h))
		}
		expr := fmt.Sprint(i % 97)
		if len(used) > 0 {
			sum := used[0]
			for _, h := range used[1:] {
				sum += " + " + h
			}
			expr = fmt.Sprintf("(%s) / %d + %d", sum, len(used), i%7)
		}
		g.Nodes = append(g.Nodes, node(id, "math.expr", map[string]any{"expression": expr}))
	}
	outs := 0
	for i := n - 1; i >= 0 && outs < 8; i-- {
		if !hasChild[i] {
			oid := fmt.Sprintf("out%d", outs)
			g.Nodes = append(g.Nodes, node(oid, "io.output", map[string]any{"name": oid}))
			g.Edges = append(g.Edges, edge(fmt.Sprintf("n%d", i), "result", oid, "value"))
			outs++
		}
	}
	return g
}

// planBench is a graph with a prior generation for every node, made by running it once.
type planBench struct {
	reg *engine.Registry
	g   engine.Graph
	h   *history
}

var (
	benchOnce  = map[string]*sync.Once{"chain": {}, "dag": {}}
	benchSetup = map[string]*planBench{}
)

func planBenchFor(b *testing.B, kind string) *planBench {
	b.Helper()
	benchOnce[kind].Do(func() {
		reg := libRegistry(b)
		g := bigChain(benchNodes)
		if kind == "dag" {
			g = bigDAG(benchNodes, 1)
		}
		h := newHistory(reg, g)
		h.run(b, "r1", nil)
		benchSetup[kind] = &planBench{reg: reg, g: g, h: h}
	})
	return benchSetup[kind]
}

func benchBuildPlan(b *testing.B, kind, from string) {
	pb := planBenchFor(b, kind)
	in := pb.h.planInput(b, from, nil)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		p, err := engine.BuildPlan(in)
		if err != nil {
			b.Fatal(err)
		}
		if p.Rerun == 0 {
			b.Fatal("nothing to rerun")
		}
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/op")
}

// BenchmarkBuildPlanChain10k plans a run from the middle of a 10,000-node chain.
func BenchmarkBuildPlanChain10k(b *testing.B) {
	benchBuildPlan(b, "chain", fmt.Sprintf("n%d", benchNodes/2))
}

// BenchmarkBuildPlanDAG10k plans a run from the middle of a 10,000-node random DAG.
func BenchmarkBuildPlanDAG10k(b *testing.B) {
	benchBuildPlan(b, "dag", fmt.Sprintf("n%d", benchNodes/2))
}

// BenchmarkPlanRunFromLast10k runs a 10,000-node chain in full once, then from its last
// node, through the Service on the SQLite store (as the window and the CLI do); it reports
// the from-block run as a share of the full run. The service stays open between the runs,
// as the window does. cold-from-ms is one run from the last node by a second service opened
// on the same data home afterwards, as a CLI command is: it reads the 10,000 current
// generations first.
func BenchmarkPlanRunFromLast10k(b *testing.B) {
	ctx := context.Background()
	home := b.TempDir()
	svc := perfServiceAt(b, home, 4)
	wf := perfImport(b, svc, "chain10k", bigChain(benchNodes))
	start := time.Now()
	full := runAndWait(b, svc, engine.RunRequest{Workflow: wf})
	fullDur := time.Since(start)
	if full.Status != engine.RunCompleted || full.Outputs["result"] != int64(benchNodes) {
		b.Fatalf("full run: %s %v %s", full.Status, full.Outputs, full.Error)
	}
	last := fmt.Sprintf("n%d", benchNodes-1)
	fromLast := func(svc *engine.Service) {
		r := runAndWait(b, svc, engine.RunRequest{Workflow: wf, From: last})
		if r.Status != engine.RunCompleted || r.Outputs["result"] != int64(benchNodes) || r.Snapshot.Nodes[last].Status != engine.NodeExecuted {
			b.Fatalf("from-block run: %s %v %s", r.Status, r.Outputs, r.Error)
		}
	}
	b.ResetTimer()
	start = time.Now()
	for i := 0; i < b.N; i++ {
		fromLast(svc)
	}
	per := time.Since(start) / time.Duration(b.N)
	b.StopTimer()
	// The dry run of the same plan: the part of a run from a block that decides.
	start = time.Now()
	if _, err := svc.PlanFrom(ctx, wf, "", last, nil); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000, "plan-ms")
	cold := perfServiceAt(b, home, 4)
	start = time.Now()
	fromLast(cold)
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000, "cold-from-ms")
	b.ReportMetric(float64(fullDur.Microseconds())/1000, "full-ms")
	b.ReportMetric(float64(per.Microseconds())/1000, "from-ms")
	b.ReportMetric(100*float64(per)/float64(fullDur), "%-of-full")
}
