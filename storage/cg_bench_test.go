package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/flowbench/flowbench/engine"
)

// BenchmarkCurrentGenerations reads the current generation of every node of a 10,000-node
// workflow that ran 1 or 5 times: what the first run from a block in a new process reads. The
// cost should follow the number of nodes, not of runs.
func BenchmarkCurrentGenerations(b *testing.B) {
	for _, runs := range []int{1, 5} {
		b.Run(fmt.Sprintf("runs=%d", runs), func(b *testing.B) { benchCurrent(b, runs) })
	}
}

func benchCurrent(b *testing.B, runs int) {
	ctx := context.Background()
	s := open(b, b.TempDir())
	defer s.Close()
	const n = 10000
	w, v, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "big"}, engine.Version{})
	if err != nil {
		b.Fatal(err)
	}
	for run := 0; run < runs; run++ {
		r, err := s.CreateRun(ctx, engine.Run{WorkflowID: w.ID, VersionID: v.ID})
		if err != nil {
			b.Fatal(err)
		}
		gens := make([]engine.Generation, 0, n)
		for i := 0; i < n; i++ {
			gens = append(gens, engine.Generation{ID: uuid.Must(uuid.NewV7()).String(), WorkflowID: w.ID, NodeID: fmt.Sprintf("n%d", i),
				RunID: r.ID, VersionID: v.ID, Status: engine.GenCompleted, Outputs: map[string]any{"result": float64(i)},
				ConfigHash: "0123456789abcdef0123456789abcdef", InputFingerprint: "0123456789abcdef0123456789abcdef", CreatedAt: time.Now()})
		}
		if _, err := s.SaveGenerations(ctx, gens); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		st, err := s.CurrentGenerations(ctx, w.ID)
		if err != nil || len(st.Current) != n {
			b.Fatalf("%d current, %v", len(st.Current), err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
}
