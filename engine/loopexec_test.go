package engine_test

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/memstore"
	"github.com/flowbench/flowbench/engine/nodes"
)

// bodyTestService is a service with the node library and three test nodes: t.list (a list
// from its "items" param; "note" changes its config only), t.double (counts its executions,
// deterministic) and t.chatty (reports progress, a log line and a stream chunk).
func bodyTestService(tb testing.TB) (*engine.Service, *atomic.Int64) {
	tb.Helper()
	reg := engine.NewRegistry()
	if err := nodes.Register(reg); err != nil {
		tb.Fatal(err)
	}
	var doubles atomic.Int64
	reg.MustRegister(
		engine.NodeType{Type: "t.list", Deterministic: true,
			Params:  []engine.ParamSpec{{Name: "items", Kind: engine.ParamText}, {Name: "note", Kind: engine.ParamText}},
			Outputs: []engine.Handle{{Name: "items", Type: engine.TypeArray}},
			Run: func(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
				var v any
				err := engine.UnmarshalJSON([]byte(in.String("items", "[]")), &v)
				return map[string]any{"items": v}, err
			}},
		engine.NodeType{Type: "t.double", Deterministic: true,
			Inputs:  []engine.Handle{{Name: "a", Type: engine.TypeAny}},
			Outputs: []engine.Handle{{Name: "result", Type: engine.TypeAny}},
			Run: func(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
				doubles.Add(1)
				n, _ := in.Inputs["a"].(int64)
				return map[string]any{"result": 2 * n}, nil
			}},
		engine.NodeType{Type: "t.chatty", Deterministic: true,
			Inputs:  []engine.Handle{{Name: "a", Type: engine.TypeAny}},
			Outputs: []engine.Handle{{Name: "result", Type: engine.TypeAny}},
			Run: func(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
				in.Progress(0.5)
				in.Log("item " + engine.ToText(in.Inputs["a"]))
				in.Stream("chunk")
				return map[string]any{"result": in.Inputs["a"]}, nil
			}},
	)
	svc, err := engine.NewService(engine.Config{Store: memstore.New(), Registry: reg})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(svc.Close)
	return svc, &doubles
}

// bodyGraph: t.list → control.foreach { child(item) → result } → io.output.
func bodyGraph(childType, items string) engine.Graph {
	return engine.Graph{
		Nodes: []engine.Node{
			node("list", "t.list", map[string]any{"items": items}),
			node("loop", "control.foreach", nil),
			{ID: "child", Type: childType, ParentID: "loop"},
			node("out", "io.output", map[string]any{"name": "results"}),
		},
		Edges: []engine.Edge{
			edge("list", "items", "loop", "items"),
			edge("loop", "item", "child", "a"),
			edge("child", "result", "loop", "result"),
			edge("loop", "results", "out", "value"),
		},
	}
}

// TestLoopBodyEventsReachTheBus: a node inside a loop body runs through the run's executor,
// so its running status, progress, log and stream reach the event bus under its own node id.
func TestLoopBodyEventsReachTheBus(t *testing.T) {
	t.Parallel()
	svc, _ := bodyTestService(t)
	importGraph(t, svc, "chatty", bodyGraph("t.chatty", "[1,2,3]"))
	var mu sync.Mutex
	seen := map[string]int{}
	logs := []string{}
	svc.Bus.Subscribe(func(e engine.Event) {
		if e.NodeID != "child" {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		key := string(e.Type)
		if e.Type == engine.EventNode {
			key += ":" + e.Status
		}
		seen[key]++
		if e.Type == engine.EventLog {
			logs = append(logs, e.Text)
		}
	})
	run := runAndWait(t, svc, engine.RunRequest{Workflow: "chatty"})
	if run.Status != engine.RunCompleted || engine.ToText(run.Outputs["results"]) != "[1,2,3]" {
		t.Fatalf("run %s %v %s", run.Status, run.Outputs, run.Error)
	}
	mu.Lock()
	defer mu.Unlock()
	if seen[string(engine.EventProgress)] == 0 || seen[string(engine.EventStream)] == 0 {
		t.Errorf("no progress or stream event from the body node: %v", seen)
	}
	if seen[string(engine.EventNode)+":"+string(engine.NodeRunning)] != 3 || seen[string(engine.EventNode)+":"+string(engine.NodeExecuted)] != 3 {
		t.Errorf("node events of the body node %v, want running and executed once per item", seen)
	}
	slices.Sort(logs)
	if !slices.Equal(logs, []string{"item 1", "item 2", "item 3"}) {
		t.Errorf("log lines of the body node %q", logs)
	}
}

// TestLoopBodyEarlyCutoff: when a loop reruns because of what is upstream of it, a
// deterministic child whose inputs for an item equal those of the loop's last run reuses that
// item's generation (inputs_unchanged); an item whose inputs changed executes.
func TestLoopBodyEarlyCutoff(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, doubles := bodyTestService(t)
	imp := importGraph(t, svc, "cut", bodyGraph("t.double", "[1,2,3]"))
	first := runAndWait(t, svc, engine.RunRequest{Workflow: "cut"})
	if first.Status != engine.RunCompleted || engine.ToText(first.Outputs["results"]) != "[2,4,6]" || doubles.Load() != 3 {
		t.Fatalf("full run %s %v %s, %d executions", first.Status, first.Outputs, first.Error, doubles.Load())
	}
	save := func(items, note string) {
		t.Helper()
		g := bodyGraph("t.double", items)
		g.Nodes[0].Params["note"] = note
		if _, err := svc.SaveVersion(ctx, imp.WorkflowID, g, note, "", true); err != nil {
			t.Fatal(err)
		}
	}

	// The list's config changes, its items do not: the loop reruns, no item executes again.
	save("[1,2,3]", "same items")
	again := runAndWait(t, svc, engine.RunRequest{Workflow: "cut", From: "list"})
	if again.Status != engine.RunCompleted || engine.ToText(again.Outputs["results"]) != "[2,4,6]" {
		t.Fatalf("run from list: %s %v %s", again.Status, again.Outputs, again.Error)
	}
	if n := doubles.Load(); n != 3 {
		t.Errorf("the body child executed %d more times, want 0 (early cutoff per item)", n-3)
	}
	rec := again.Snapshot.Records()["child"]
	if rec.Status != engine.NodeReused || !slices.Contains(rec.Reasons, engine.ReasonInputsUnchanged) || rec.GenerationID == "" {
		t.Errorf("the child's record %+v, want reused with inputs_unchanged", rec)
	}

	// One item changes: only it executes.
	save("[1,2,5]", "one new item")
	third := runAndWait(t, svc, engine.RunRequest{Workflow: "cut", From: "list"})
	if third.Status != engine.RunCompleted || engine.ToText(third.Outputs["results"]) != "[2,4,10]" {
		t.Fatalf("after one item changed: %s %v %s", third.Status, third.Outputs, third.Error)
	}
	if n := doubles.Load(); n != 4 {
		t.Errorf("the body child executed %d more times, want 1 (only the new item)", n-3)
	}

	// A run from the loop itself (its target) reruns every item.
	runAndWait(t, svc, engine.RunRequest{Workflow: "cut", From: "loop"})
	if n := doubles.Load(); n != 7 {
		t.Errorf("a run from the loop executed the child %d times, want 3", n-4)
	}
}
