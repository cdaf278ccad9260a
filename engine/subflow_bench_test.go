package engine_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// subflowChain is a workflow with an integer input x, a chain of n math.expr nodes adding 1,
// and the output y: run as a child, or flat.
func subflowChain(n int) engine.Graph {
	g := engine.Graph{Inputs: []engine.InputDecl{{Name: "x", Type: engine.TypeInteger, Default: int64(0)}},
		Nodes: []engine.Node{node("in", "flow.inputs", nil)}}
	prev, ph := "in", "x"
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("n%d", i)
		g.Nodes = append(g.Nodes, node(id, "math.expr", map[string]any{"expression": "a + 1"}))
		g.Edges = append(g.Edges, edge(prev, ph, id, "a"))
		prev, ph = id, "result"
	}
	g.Nodes = append(g.Nodes, node("out", "io.output", map[string]any{"name": "y"}))
	g.Edges = append(g.Edges, edge(prev, ph, "out", "value"))
	return g
}

// subflowParent runs child as a subworkflow node fed x, recording its y.
func subflowParent(child engine.ImportResult) engine.Graph {
	return engine.Graph{Inputs: []engine.InputDecl{{Name: "x", Type: engine.TypeInteger, Default: int64(0)}},
		Nodes: []engine.Node{node("in", "flow.inputs", nil),
			node("sub", engine.TypeSubworkflow, map[string]any{"workflow": child.WorkflowID, "version": child.VersionID}),
			node("out", "io.output", map[string]any{"name": "y"})},
		Edges: []engine.Edge{edge("in", "x", "sub", "x"), edge("sub", "y", "out", "value")}}
}

// BenchmarkSubworkflowOverhead runs, alternately, a flat workflow holding n math.expr nodes
// and a workflow running the same n nodes as a subworkflow (SQLite store, real node library),
// and reports what the subworkflow adds per run (overhead-us: the child run's row, its
// flow.inputs and io.output, the node's own generation) and the per-node cost of the nested
// one against the flat one (%-of-flat, counting the n nodes only). Targets (issue 16):
// overhead ≤ 1 ms around a 1-node child; 20 nodes in a child at the flat per-node cost ±15 %.
func BenchmarkSubworkflowOverhead(b *testing.B) {
	for _, n := range []int{1, 20} {
		b.Run(fmt.Sprintf("child-nodes=%d", n), func(b *testing.B) {
			svc := perfService(b, 0)
			flat := perfImport(b, svc, "flat", subflowChain(n))
			child := importGraph(b, svc, "child", subflowChain(n))
			parent := perfImport(b, svc, "parent", subflowParent(child))
			want := fmt.Sprint(n)
			var tFlat, tSub time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				r := perfRunAll(b, svc, flat, []map[string]any{nil})[0]
				t1 := time.Now()
				s := perfRunAll(b, svc, parent, []map[string]any{nil})[0]
				t2 := time.Now()
				if engine.ToText(r.Outputs["y"]) != want || engine.ToText(s.Outputs["y"]) != want {
					b.Fatalf("y = %v flat, %v nested; want %s", r.Outputs["y"], s.Outputs["y"], want)
				}
				tFlat, tSub = tFlat+t1.Sub(t0), tSub+t2.Sub(t1)
			}
			b.StopTimer()
			b.ReportMetric(float64((tSub-tFlat).Microseconds())/float64(b.N), "overhead-us")
			b.ReportMetric(float64(tFlat.Microseconds())/float64(b.N), "flat-us")
			b.ReportMetric(float64(tSub.Microseconds())/float64(b.N), "nested-us")
		})
	}
}
