package engine_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/memstore"
	"github.com/flowbench/flowbench/engine/nodes"
)

// sweepGraph is issue 15's shared-work target: image.noise 2048² (fixed seed) → image.blur
// radius 8 → image.crop whose left edge is the flow input seed → io.output. Only the last
// image node sees the seed.
func sweepGraph() engine.Graph {
	return engine.Graph{
		Inputs: []engine.InputDecl{{Name: "seed", Type: engine.TypeInteger, Default: 0}},
		Nodes: []engine.Node{
			node("noise", "image.noise", map[string]any{"width": 2048, "height": 2048, "seed": 7, "scale": 32}),
			node("blur", "image.blur", map[string]any{"radius": 8}),
			node("crop", "image.crop", map[string]any{"x": "{{seed}}", "y": 0, "width": 256, "height": 256}),
			node("out", "io.output", map[string]any{"name": "tile"}),
		},
		Edges: []engine.Edge{edge("noise", "image", "blur", "image"), edge("blur", "image", "crop", "image"), edge("crop", "image", "out", "value")},
	}
}

// BenchmarkSharedSeedSweep8 starts 8 runs of sweepGraph together at cap 8, seeds 0…7, and
// waits for all of them (one op). Before each op it times one run alone (seed 100), and
// reports the 8 runs' wall time as a multiple of one run's (x-one-run; target ≤ 1.3) and how
// many of the 8 runs executed the upstream blur themselves (upstream-execs; target 1: the
// others record it as shared).
func BenchmarkSharedSeedSweep8(b *testing.B) {
	reg := engine.NewRegistry()
	if err := nodes.Register(reg); err != nil {
		b.Fatal(err)
	}
	svc, err := engine.NewService(engine.Config{Store: memstore.New(), Registry: reg, RunCap: 8})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(svc.Close)
	importGraph(b, svc, "sweep", sweepGraph())
	ctx := context.Background()
	wait := func(id string) engine.Run {
		r, err := svc.Wait(ctx, id)
		if err != nil || r.Status != engine.RunCompleted {
			b.Fatalf("run: %v %s %s", err, r.Status, r.Error)
		}
		return r
	}
	var one, eight time.Duration
	execs := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		start := time.Now()
		benchRun(b, svc, engine.RunRequest{Workflow: "sweep", Inputs: map[string]any{"seed": 100}})
		one += time.Since(start)
		b.StartTimer()

		start = time.Now()
		ids := make([]string, 8)
		for s := range ids {
			r, err := svc.StartRun(ctx, engine.RunRequest{Workflow: "sweep", Inputs: map[string]any{"seed": s}})
			if err != nil {
				b.Fatal(err)
			}
			ids[s] = r.ID
		}
		runs := make([]engine.Run, len(ids))
		for s, id := range ids {
			runs[s] = wait(id)
		}
		eight += time.Since(start)
		for _, r := range runs {
			if !slices.Contains(r.Snapshot.Records()["blur"].Reasons, engine.ReasonShared) {
				execs++
			}
		}
	}
	b.ReportMetric(float64(eight)/float64(one), "x-one-run")
	b.ReportMetric(float64(execs)/float64(b.N), "upstream-execs")
}
