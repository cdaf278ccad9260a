package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/flowbench/flowbench/engine"
)

// BenchmarkDiffRuns compares two runs of a 10,000-node workflow on the SQLite store, as
// `flowbench diff A B` does after opening the home (issue 14: ≤ 150 ms for the whole command).
// The runs are of two versions (one param changed), every node executed in both, and half the
// nodes' outputs differ, so every generation is read.
func BenchmarkDiffRuns(b *testing.B) {
	ctx := context.Background()
	s := open(b, b.TempDir())
	defer s.Close()
	const n = 10000
	g := engine.Graph{Inputs: []engine.InputDecl{{Name: "x", Type: engine.TypeInteger}}}
	for i := 0; i < n; i++ {
		g.Nodes = append(g.Nodes, engine.Node{ID: fmt.Sprintf("n%05d", i), Type: "math.expr", Params: map[string]any{"expression": fmt.Sprintf("a + %d", i)},
			Position: &engine.Position{X: float64(i%100) * 240, Y: float64(i/100) * 120}})
		if i > 0 {
			g.Edges = append(g.Edges, engine.Edge{Source: fmt.Sprintf("n%05d", i-1), SourceHandle: "result", Target: fmt.Sprintf("n%05d", i), TargetHandle: "a"})
		}
	}
	w, v1, err := s.CreateWorkflow(ctx, engine.Workflow{ID: uuid.NewString(), Name: "big"}, engine.Version{ID: uuid.NewString(), Graph: g, ContentHash: "v1"})
	if err != nil {
		b.Fatal(err)
	}
	g2 := g
	g2.Nodes = append([]engine.Node(nil), g.Nodes...)
	g2.Nodes[5000].Params = map[string]any{"expression": "a * 2"}
	v2, err := s.AddVersion(ctx, engine.Version{ID: uuid.NewString(), WorkflowID: w.ID, Graph: g2, ContentHash: "v2"}, true)
	if err != nil {
		b.Fatal(err)
	}
	var ids [2]string
	for k, v := range []engine.Version{v1, v2} {
		r, err := s.CreateRun(ctx, engine.Run{ID: uuid.NewString(), WorkflowID: w.ID, VersionID: v.ID, Status: engine.RunRunning, Mode: engine.ModeFull,
			Inputs: map[string]any{"x": float64(k)}, CreatedAt: time.Now()})
		if err != nil {
			b.Fatal(err)
		}
		gens := make([]engine.Generation, 0, n)
		r.Snapshot.Nodes = make(map[string]engine.NodeRecord, n)
		for i := 0; i < n; i++ {
			out := float64(i)
			if i%2 == 1 {
				out += float64(k)
			}
			id := uuid.Must(uuid.NewV7()).String()
			node := fmt.Sprintf("n%05d", i)
			gens = append(gens, engine.Generation{ID: id, WorkflowID: w.ID, NodeID: node, RunID: r.ID, VersionID: v.ID, Status: engine.GenCompleted,
				Outputs: map[string]any{"result": out}, ConfigHash: "0123456789abcdef0123456789abcdef", InputFingerprint: "0123456789abcdef0123456789abcdef", CreatedAt: time.Now()})
			r.Snapshot.Nodes[node] = engine.NodeRecord{Status: engine.NodeExecuted, Reasons: []string{}, GenerationID: id, DurationMS: 1}
		}
		if _, err := s.SaveGenerations(ctx, gens); err != nil {
			b.Fatal(err)
		}
		r.Status = engine.RunCompleted
		if err := s.UpdateRun(ctx, r); err != nil {
			b.Fatal(err)
		}
		ids[k] = r.ID
	}
	svc, err := engine.NewService(engine.Config{Store: s, Registry: engine.NewRegistry()})
	if err != nil {
		b.Fatal(err)
	}
	defer svc.Close()
	b.ResetTimer()
	cpu0 := cpuMS()
	for b.Loop() {
		d, err := svc.DiffRuns(ctx, ids[0], ids[1])
		if err != nil || len(d.Nodes) != n || len(d.Graph.NodesChanged) != 1 {
			b.Fatalf("%d nodes, %d changed, %v", len(d.Nodes), len(d.Graph.NodesChanged), err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
	b.ReportMetric((cpuMS()-cpu0)/float64(b.N), "cpu-ms/op")
}
