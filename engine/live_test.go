package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/memstore"
)

// TestTimelineShowsANodeStillRunning: while a node runs, its timeline holds it as a running
// generation of its run ("live:RUN:NODE", no outputs, from when it started); once its
// generation lands, only that one.
func TestTimelineShowsANodeStillRunning(t *testing.T) {
	reg, _ := testRegistry(t)
	started, release := make(chan struct{}), make(chan struct{})
	if err := reg.Register(engine.NodeType{Type: "t.hold", Outputs: []engine.Handle{{Name: "out", Type: engine.TypeAny}},
		Run: func(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
			close(started)
			select {
			case <-release:
				return map[string]any{"out": 1}, nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}}); err != nil {
		t.Fatal(err)
	}
	svc, err := engine.NewService(engine.Config{Store: memstore.New(), Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Close)
	imp := importGraph(t, svc, "hold", engine.Graph{Nodes: []engine.Node{node("h", "t.hold", nil)}})
	before := time.Now().Add(-time.Second)
	r, err := svc.StartRun(context.Background(), engine.RunRequest{Workflow: imp.WorkflowID})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-started:
	case <-time.After(30 * time.Second):
		t.Fatal("the node never started")
	}
	// the running event goes out as the node starts; the timeline follows it
	var tl engine.Timeline
	for deadline := time.Now().Add(30 * time.Second); ; {
		if tl, err = svc.NodeTimeline(context.Background(), imp.WorkflowID, "h"); err != nil {
			t.Fatal(err)
		}
		if len(tl.Generations) > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if len(tl.Generations) != 1 {
		t.Fatalf("timeline while running: %+v", tl.Generations)
	}
	g := tl.Generations[0]
	if g.ID != "live:"+r.ID+":h" || g.Status != engine.GenRunning || g.RunID != r.ID || g.WorkflowID != imp.WorkflowID ||
		g.NodeID != "h" || g.Outputs == nil || len(g.Outputs) != 0 || g.CreatedAt.Before(before) || g.CreatedAt.Location() != time.UTC {
		t.Fatalf("live generation = %+v", g)
	}
	close(release)
	if final := waitRun(t, svc, r.ID); final.Status != engine.RunCompleted {
		t.Fatalf("run: %s %q", final.Status, final.Error)
	}
	tl, err = svc.NodeTimeline(context.Background(), imp.WorkflowID, "h")
	if err != nil {
		t.Fatal(err)
	}
	if len(tl.Generations) != 1 || tl.Generations[0].Status != engine.GenCompleted {
		t.Fatalf("timeline after the run: %+v", tl.Generations)
	}
}
