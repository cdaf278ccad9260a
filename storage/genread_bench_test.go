package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/storage"
)

// runOf writes one run of a workflow whose nodes are n0…n(nodes-1): a completed generation
// per node, in one SaveGenerations, as the executor's committer does.
func runOf(tb testing.TB, s *storage.Store, wfID, versionID string, nodes int) {
	tb.Helper()
	ctx := context.Background()
	r, err := s.CreateRun(ctx, engine.Run{WorkflowID: wfID, VersionID: versionID})
	if err != nil {
		tb.Fatal(err)
	}
	gens := make([]engine.Generation, 0, nodes)
	for i := range nodes {
		gens = append(gens, engine.Generation{ID: uuid.Must(uuid.NewV7()).String(), WorkflowID: wfID, NodeID: fmt.Sprintf("n%d", i),
			RunID: r.ID, VersionID: versionID, Status: engine.GenCompleted, Outputs: map[string]any{"result": float64(i)},
			ConfigHash: "0123456789abcdef", InputFingerprint: "0123456789abcdef", CreatedAt: time.Now()})
	}
	if _, err := s.SaveGenerations(ctx, gens); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkGenerationReads times the reads of a node's generations (the timeline,
// ListGenerations of one node) and of every node's current one (CurrentGenerations) on the
// two shapes of history: many nodes that ran a few dozen times, a few nodes that ran
// thousands of times.
func BenchmarkGenerationReads(b *testing.B) {
	for _, shape := range []struct{ nodes, runs int }{{10000, 32}, {20, 5000}} {
		ctx := context.Background()
		s := open(b, b.TempDir())
		w, v, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "reads"}, engine.Version{})
		if err != nil {
			b.Fatal(err)
		}
		for range shape.runs {
			runOf(b, s, w.ID, v.ID, shape.nodes)
		}
		node := fmt.Sprintf("n%d", shape.nodes/2)
		b.Run(fmt.Sprintf("timeline/nodes=%d,runs=%d", shape.nodes, shape.runs), func(b *testing.B) {
			for b.Loop() {
				if gens, err := s.ListGenerations(ctx, w.ID, node); err != nil || len(gens) != shape.runs {
					b.Fatalf("%d generations, %v", len(gens), err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
		})
		b.Run(fmt.Sprintf("current/nodes=%d,runs=%d", shape.nodes, shape.runs), func(b *testing.B) {
			for b.Loop() {
				if st, err := s.CurrentGenerations(ctx, w.ID); err != nil || len(st.Current) != shape.nodes {
					b.Fatalf("%d current, %v", len(st.Current), err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
		})
		s.Close()
	}
}

// BenchmarkSaveRunAfterHistory commits a run of a 10,000-node workflow in the group
// committer's batches of 512, after 0, 1 or 30 earlier runs of the same nodes: a run's write
// should cost the same whatever the history.
func BenchmarkSaveRunAfterHistory(b *testing.B) {
	const nodes, batch = 10000, 512
	for _, history := range []int{0, 1, 30} {
		b.Run(fmt.Sprintf("history=%d", history), func(b *testing.B) {
			ctx := context.Background()
			s := open(b, b.TempDir())
			defer s.Close()
			w, v, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "history"}, engine.Version{})
			if err != nil {
				b.Fatal(err)
			}
			for range history {
				runOf(b, s, w.ID, v.ID, nodes)
			}
			var cpu float64
			b.ResetTimer()
			for b.Loop() {
				b.StopTimer()
				r, err := s.CreateRun(ctx, engine.Run{WorkflowID: w.ID, VersionID: v.ID})
				if err != nil {
					b.Fatal(err)
				}
				gens := make([]engine.Generation, 0, nodes)
				for i := range nodes {
					gens = append(gens, engine.Generation{ID: uuid.Must(uuid.NewV7()).String(), WorkflowID: w.ID, NodeID: fmt.Sprintf("n%d", i),
						RunID: r.ID, VersionID: v.ID, Status: engine.GenCompleted, Outputs: map[string]any{"result": float64(i)},
						ConfigHash: "0123456789abcdef", InputFingerprint: "0123456789abcdef", CreatedAt: time.Now()})
				}
				b.StartTimer()
				c := cpuMS()
				for i := 0; i < nodes; i += batch {
					if _, err := s.SaveGenerations(ctx, gens[i:min(i+batch, nodes)]); err != nil {
						b.Fatal(err)
					}
				}
				cpu += cpuMS() - c
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*nodes)/1000, "us/gen")
			b.ReportMetric(cpu*1000/float64(b.N*nodes), "cpu-us/gen")
		})
	}
}
