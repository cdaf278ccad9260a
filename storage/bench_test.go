package storage_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/flowbench/flowbench/engine"
)

// Storage costs behind the engine benchmarks (engine/bench_test.go): what one generation
// costs at the batch sizes the group committer produces, and the per-run costs that grow
// with the graph (reading a version's graph, writing and reading a run's node snapshot).
// The us/gen and us/node metrics are what scripts/bench.sh shows in its µs/node column.

// BenchmarkSaveGenerationBatch commits batches of small generations (a math.expr result),
// the shape of a chain's node results.
func BenchmarkSaveGenerationBatch(b *testing.B) {
	for _, batch := range []int{1, 16, 128, 512} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			ctx := context.Background()
			s := open(b, b.TempDir())
			defer s.Close()
			w, v, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "bench"}, engine.Version{})
			if err != nil {
				b.Fatal(err)
			}
			r, err := s.CreateRun(ctx, engine.Run{WorkflowID: w.ID, VersionID: v.ID})
			if err != nil {
				b.Fatal(err)
			}
			gens := make([]engine.Generation, batch)
			n := 0
			b.ReportAllocs()
			for b.Loop() {
				for i := range gens {
					n++
					gens[i] = engine.Generation{
						ID: uuid.Must(uuid.NewV7()).String(), WorkflowID: w.ID, NodeID: "n" + strconv.Itoa(n), RunID: r.ID,
						VersionID: v.ID, Status: engine.GenCompleted, Outputs: map[string]any{"result": float64(n)},
						ConfigHash: "0123456789abcdef0123456789abcdef", InputFingerprint: "fedcba9876543210fedcba9876543210",
					}
				}
				if _, err := s.SaveGenerations(ctx, gens); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch)/1000, "us/node")
		})
	}
}

// benchGraph is a chain of n math.expr nodes, as the engine benchmark runs it.
func benchGraph(n int) engine.Graph {
	g := engine.Graph{Inputs: []engine.InputDecl{}, Nodes: make([]engine.Node, 0, n), Edges: make([]engine.Edge, 0, n)}
	for i := 0; i < n; i++ {
		id := "n" + strconv.Itoa(i)
		g.Nodes = append(g.Nodes, engine.Node{ID: id, Type: "math.expr", Params: map[string]any{"expression": "a + 1"},
			Position: &engine.Position{X: float64(i * 240)}})
		if i > 0 {
			g.Edges = append(g.Edges, engine.Edge{Source: "n" + strconv.Itoa(i-1), SourceHandle: "result", Target: id, TargetHandle: "a"})
		}
	}
	return g
}

// BenchmarkGetVersion reads a version back: every run start does it (engine StartRun).
func BenchmarkGetVersion(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("nodes=%d", n), func(b *testing.B) {
			ctx := context.Background()
			s := open(b, b.TempDir())
			defer s.Close()
			_, v, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "bench"}, engine.Version{Graph: benchGraph(n)})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				got, err := s.GetVersion(ctx, v.ID)
				if err != nil || len(got.Graph.Nodes) != n {
					b.Fatalf("GetVersion: %d nodes, %v", len(got.Graph.Nodes), err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n)/1000, "us/node")
		})
	}
}

// BenchmarkRunSnapshot writes a finished run with one node record per node and reads it
// back: the engine writes it once per run; the window reads it when it shows the run. Reused
// records (a run from a block) are stored packed.
func BenchmarkRunSnapshot(b *testing.B) {
	for _, c := range []struct {
		n      int
		status engine.NodeStatus
	}{{1000, engine.NodeExecuted}, {10000, engine.NodeExecuted}, {10000, engine.NodeReused}} {
		n := c.n
		b.Run(fmt.Sprintf("nodes=%d/%s", n, c.status), func(b *testing.B) {
			ctx := context.Background()
			s := open(b, b.TempDir())
			defer s.Close()
			w, v, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "bench"}, engine.Version{})
			if err != nil {
				b.Fatal(err)
			}
			r, err := s.CreateRun(ctx, engine.Run{WorkflowID: w.ID, VersionID: v.ID})
			if err != nil {
				b.Fatal(err)
			}
			r.Status = engine.RunCompleted
			r.Snapshot = engine.Snapshot{Nodes: make(map[string]engine.NodeRecord, n)}
			for i := 0; i < n; i++ {
				id, gen := "n"+strconv.Itoa(i), uuid.Must(uuid.NewV7()).String()
				if c.status == engine.NodeReused { // as the engine records a run from a block
					r.Snapshot.Reused = append(r.Snapshot.Reused, engine.ReusedNode{NodeID: id, GenerationID: gen})
					continue
				}
				r.Snapshot.Nodes[id] = engine.NodeRecord{Status: c.status, Reasons: []string{}, GenerationID: gen, DurationMS: 1}
			}
			b.ReportAllocs()
			var write, read time.Duration
			for b.Loop() {
				start := time.Now()
				if err := s.UpdateRun(ctx, r); err != nil {
					b.Fatal(err)
				}
				write += time.Since(start)
				start = time.Now()
				got, err := s.GetRun(ctx, r.ID)
				if err != nil || len(got.Snapshot.Nodes)+len(got.Snapshot.Reused) != n {
					b.Fatalf("GetRun: %d nodes, %v", len(got.Snapshot.Records()), err)
				}
				read += time.Since(start)
			}
			b.ReportMetric(float64(write.Microseconds())/1000/float64(b.N), "write-ms")
			b.ReportMetric(float64(read.Microseconds())/1000/float64(b.N), "read-ms")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n)/1000, "us/node")
		})
	}
}
