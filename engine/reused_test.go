package engine_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// TestReusedNodesRecorded: a changed run records its reused nodes (Reused, in graph
// order) and their run outputs, an executed output of the same name winning over a reused
// one; and a checkpoint taken while nodes execute already holds every reused node (the run
// writes them once the executing nodes are done, or before a checkpoint), so a crash leaves a
// snapshot that says what the run reused.
func TestReusedNodesRecorded(t *testing.T) {
	reg, _ := testRegistry(t)
	g := engine.Graph{
		Nodes: []engine.Node{
			node("a", "t.const", map[string]any{"value": 1}),
			node("oa", "io.output", map[string]any{"name": "x"}),
			node("ob", "io.output", map[string]any{"name": "y"}),
			node("s", "t.sleep", map[string]any{"ms": 1100}), // past a checkpoint's second
			node("add", "t.add", map[string]any{"k": 10}),
			node("os", "io.output", map[string]any{"name": "x"}),
		},
		Edges: []engine.Edge{
			edge("a", "out", "oa", "value"), edge("a", "out", "ob", "value"), edge("a", "out", "s", "value"),
			edge("s", "value", "add", "a"), edge("add", "out", "os", "value"),
		},
	}
	h := newHistory(reg, g)
	h.run(t, "r1", nil)
	// a changed run after s was edited: s and what follows it rerun, the rest is reused
	setParam(t, &g, "s", "ms", 1101)
	in := h.planInput(t, "", nil)
	in.Graph, in.Changed = g, true
	plan, err := engine.BuildPlan(in)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var checkpoints [][]engine.ReusedNode
	ex := &engine.Executor{Registry: reg, Committer: &captureCommitter{}, Checkpoint: func(nodes map[string]engine.NodeRecord, reused []engine.ReusedNode) error {
		mu.Lock()
		defer mu.Unlock()
		checkpoints = append(checkpoints, append([]engine.ReusedNode(nil), reused...))
		return nil
	}}
	x := engine.Execution{Run: engine.Run{ID: "r2", WorkflowID: "wf", VersionID: "v"}, Version: engine.Version{ID: "v", Graph: g}, Plan: &plan}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res := ex.Execute(ctx, x)
	if res.Status != engine.RunCompleted {
		t.Fatal(res.Status, res.Error)
	}
	want := []string{"a", "oa", "ob"}
	ids := func(rs []engine.ReusedNode) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.NodeID)
		}
		return out
	}
	if got := ids(res.Reused); len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("reused %v, want %v", got, want)
	}
	// Without checkpoints the reused nodes are written after the executed ones: the run's
	// outputs are still the executed one's where both give a name.
	res = (&engine.Executor{Registry: reg, Committer: &captureCommitter{}}).Execute(ctx, x)
	if x, y := fmt.Sprint(res.Outputs["x"]), fmt.Sprint(res.Outputs["y"]); x != "11" || y != "1" {
		t.Fatalf("outputs x=%v (want the executed 11) y=%v (want the reused 1)", x, y)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(checkpoints) == 0 {
		t.Fatal("no checkpoint while the run executed for more than a second")
	}
	if got := ids(checkpoints[0]); len(got) != 3 {
		t.Fatalf("the first checkpoint holds reused %v, want %v", got, want)
	}
}
