package engine

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkBuildPlanChangedRun10k makes the plan a changed run of a 10,000-node chain runs
// (decisions in graph order only, as prepare makes it), after the middle node's params were
// edited in a new version wired as the one the previous run ran: 5,000 nodes reused, 5,000
// rerun. Run it with GOGC=off to see it as a command does, on fresh memory.
func BenchmarkBuildPlanChangedRun10k(b *testing.B) {
	reg := NewRegistry()
	reg.MustRegister(NodeType{Type: "t.plain", Inputs: []Handle{{Name: "a", Type: "any"}}, Outputs: []Handle{{Name: "result", Type: "any"}},
		Params: []ParamSpec{{Name: "v", Kind: ParamString}}, Deterministic: true,
		Run: func(context.Context, *NodeInput) (map[string]any, error) { return nil, nil }})
	const n = 10_000
	var g Graph
	for i := range n {
		g.Nodes = append(g.Nodes, Node{ID: fmt.Sprintf("n%d", i), Type: "t.plain", Params: map[string]any{"v": "x"}})
		if i > 0 {
			g.Edges = append(g.Edges, Edge{Source: fmt.Sprintf("n%d", i-1), SourceHandle: "result", Target: fmt.Sprintf("n%d", i), TargetHandle: "a"})
		}
	}
	ran := newGraphFacts(reg, g)
	prior := make(map[string]*Generation, n)
	for i, nd := range g.Nodes {
		prior[nd.ID] = &Generation{ID: "g-" + nd.ID, NodeID: nd.ID, RunID: "r1", VersionID: "v1", Status: GenCompleted,
			ConfigHash: ran.static[i], InputFingerprint: fmt.Sprintf("%032x", i), Outputs: map[string]any{"result": 1}}
	}
	edited := g
	edited.Nodes = append([]Node(nil), g.Nodes...)
	edited.Nodes[n/2].Params = map[string]any{"v": "y"}
	f := newGraphFacts(reg, edited)
	in := PlanInput{Registry: reg, Graph: edited, Changed: true, Prior: prior, LatestFailed: map[string]bool{}, Inputs: map[string]any{},
		PrevInputs: map[string]any{}, FilesChanged: map[string]bool{}, RunInputs: map[string]map[string]any{"r1": {}}, facts: f,
		versionID: "v2", wiringOf: func(string) string { return f.wiringHash() }}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		p, err := buildPlan(in, false)
		if err != nil || p.Rerun != n/2 || p.Reuse != n/2 {
			b.Fatal(err, p.Rerun, p.Reuse)
		}
	}
}
