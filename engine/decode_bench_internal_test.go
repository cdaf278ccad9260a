package engine

import (
	"fmt"
	"testing"
)

// chainGraph10k is the graph of scripts/bench-chain.sh's 10,000-node chain; distinct: each
// node's expression its own ("a + i").
func chainGraph10k(distinct bool) Graph {
	g := Graph{Inputs: []InputDecl{{Name: "x", Type: "integer", Default: int64(1)}}}
	g.Nodes = append(g.Nodes, Node{ID: "in", Type: "flow.inputs", Position: &Position{}})
	prev, handle := "in", "x"
	for i := range 10000 {
		id := fmt.Sprintf("n%d", i)
		expr := "a + 1"
		if distinct {
			expr = fmt.Sprintf("a + %d", i)
		}
		g.Nodes = append(g.Nodes, Node{ID: id, Type: "math.expr", Params: map[string]any{"expression": expr},
			Position: &Position{X: float64(260 * (i + 1))}})
		g.Edges = append(g.Edges, Edge{Source: prev, SourceHandle: handle, Target: id, TargetHandle: "a"})
		prev, handle = id, "result"
	}
	g.Nodes = append(g.Nodes, Node{ID: "out", Type: "io.output", Params: map[string]any{"name": "result"}})
	g.Edges = append(g.Edges, Edge{Source: prev, SourceHandle: handle, Target: "out", TargetHandle: "value"})
	return g
}

// BenchmarkDecodeGraphBin10k: the binary form of the 10,000-node chain's graph, as a fresh
// process reads it before any run: every node's params the same, and each its own.
func BenchmarkDecodeGraphBin10k(b *testing.B) {
	for _, distinct := range []bool{false, true} {
		b.Run(map[bool]string{false: "same", true: "distinct"}[distinct], func(b *testing.B) {
			data, err := EncodeGraphBin(chainGraph10k(distinct))
			if err != nil {
				b.Fatal(err)
			}
			text := string(data)
			b.ReportAllocs()
			for b.Loop() {
				var g Graph
				if err := DecodeGraphBinText(text, &g); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecodeState10k: the state record of the 10,000-node chain after a full run, as a
// fresh process reads it to plan.
func BenchmarkDecodeState10k(b *testing.B) {
	const nodes = 10000
	st := chainState(nodes)
	text := string(encodeState("w", st))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := decodeStateBase(text, "w", nil); err != nil {
			b.Fatal(err)
		}
	}
}
