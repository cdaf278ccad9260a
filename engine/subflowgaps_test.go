package engine_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/memstore"
)

// TestSubworkflowInsideLoopBody: a subworkflow node in a control.map (and control.loop-like
// foreach) body runs one child run per item, each under the parent run, and the loop
// collects the children's outputs in order.
func TestSubworkflowInsideLoopBody(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, typ := range []string{"control.map", "control.foreach"} {
		svc := libraryService(t, memstore.New())
		child := importGraph(t, svc, "Square "+typ, engine.Graph{
			Inputs: []engine.InputDecl{{Name: "x", Type: engine.TypeNumber, Required: true}},
			Nodes: []engine.Node{node("in", "flow.inputs", nil), node("sq", "math.expr", map[string]any{"expression": "a * a"}),
				node("out", "io.output", map[string]any{"name": "y"})},
			Edges: []engine.Edge{edge("in", "x", "sq", "a"), edge("sq", "result", "out", "value")},
		})
		g := engine.Graph{
			Inputs: []engine.InputDecl{{Name: "items", Type: engine.TypeArray, Default: []any{1.0, 2.0, 3.0}}},
			Nodes: []engine.Node{
				node("in", "flow.inputs", nil),
				node("loop", typ, nil),
				{ID: "sub", Type: engine.TypeSubworkflow, ParentID: "loop", Params: map[string]any{"workflow": child.WorkflowID, "version": child.VersionID}},
				node("out", "io.output", map[string]any{"name": "squares"}),
			},
			Edges: []engine.Edge{
				edge("in", "items", "loop", "items"),
				edge("loop", "item", "sub", "x"),
				edge("sub", "y", "loop", "result"),
				edge("loop", "results", "out", "value"),
			},
		}
		parent := importGraph(t, svc, "Loop "+typ, g)
		run := runAndWait(t, svc, engine.RunRequest{Workflow: parent.WorkflowID, Inputs: map[string]any{"items": "[1,2,3,4]"}})
		if run.Status != engine.RunCompleted || engine.ToText(run.Outputs["squares"]) != "[1,4,9,16]" {
			t.Fatalf("%s: run = %s %v (%s), want completed [1,4,9,16]", typ, run.Status, run.Outputs, run.Error)
		}
		runs, err := svc.Runs(ctx, child.WorkflowID, 0)
		if err != nil || len(runs) != 4 {
			t.Fatalf("%s: child runs = %d, %v; want 4 (one per item)", typ, len(runs), err)
		}
		for _, cr := range runs {
			if cr.ParentRunID != run.ID || cr.ParentNodeID != "sub" || cr.Status != engine.RunCompleted {
				t.Errorf("%s: child run %+v, want completed under %s/sub", typ, cr, run.ID)
			}
		}
		// A run from the loop's output reuses everything; from the loop reruns its items.
		again := runAndWait(t, svc, engine.RunRequest{Workflow: parent.WorkflowID, From: "loop", Inputs: map[string]any{"items": "[1,2,3,4]"}})
		if again.Status != engine.RunCompleted || engine.ToText(again.Outputs["squares"]) != "[1,4,9,16]" {
			t.Fatalf("%s: run from the loop = %s %v (%s)", typ, again.Status, again.Outputs, again.Error)
		}
	}
}

// TestSubworkflowWithApprovalRefused: a child version holding an approval node cannot pause
// its parent run, so a subworkflow node pinning it is refused when the graph is saved or
// imported (and when an older version is run), naming the node, the child workflow and the
// approval node: not a failure in the middle of the run.
func TestSubworkflowWithApprovalRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := libraryService(t, memstore.New())
	child := importGraph(t, svc, "Review", engine.Graph{
		Inputs: []engine.InputDecl{{Name: "x", Type: engine.TypeString, Default: "draft"}},
		Nodes: []engine.Node{node("in", "flow.inputs", nil), node("ok", "control.approval", nil),
			node("out", "io.output", map[string]any{"name": "y"})},
		Edges: []engine.Edge{edge("in", "x", "ok", "value"), edge("ok", "value", "out", "value")},
	})
	pg := engine.Graph{Nodes: []engine.Node{
		node("sub", engine.TypeSubworkflow, map[string]any{"workflow": child.WorkflowID, "version": child.VersionID}),
		node("out", "io.output", map[string]any{"name": "y"})},
		Edges: []engine.Edge{edge("sub", "y", "out", "value")}}
	check := func(what string, err error) {
		t.Helper()
		var ve *engine.ValidationError
		if !errors.As(err, &ve) || len(ve.Problems) == 0 || ve.Problems[0].NodeID != "sub" {
			t.Fatalf("%s: err = %v, want a validation error on node sub", what, err)
		}
		for _, w := range []string{`"Review"`, `"ok"`, "approval"} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %v does not say %s", what, err, w)
			}
		}
	}
	f, err := jsonMarshal(engine.WorkflowFile{Format: engine.FormatWorkflow, Name: "Parent", Nodes: pg.Nodes, Edges: pg.Edges})
	if err != nil {
		t.Fatal(err)
	}
	_, err = svc.Import(ctx, f, "")
	check("import", err)
	if runs, _ := svc.Runs(ctx, "", 0); len(runs) != 0 {
		t.Fatalf("a refused import ran something: %d runs", len(runs))
	}

	// A parent made before the child had an approval: saving the re-pin is refused, and so
	// is a run of a stored version pinning it.
	plain := importGraph(t, svc, "Plain", childGraphNumbers())
	parent := importGraph(t, svc, "Parent", engine.Graph{Nodes: []engine.Node{
		node("sub", engine.TypeSubworkflow, map[string]any{"workflow": plain.WorkflowID, "version": plain.VersionID})}})
	_, err = svc.SaveVersion(ctx, parent.WorkflowID, pg, "", "", true)
	check("save", err)
	if _, err := svc.SaveVersion(ctx, plain.WorkflowID, engine.Graph{
		Inputs: []engine.InputDecl{{Name: "x", Type: engine.TypeString, Default: "draft"}},
		Nodes: []engine.Node{node("in", "flow.inputs", nil), node("ok", "control.approval", nil),
			node("out", "io.output", map[string]any{"name": "y"})},
		Edges: []engine.Edge{edge("in", "x", "ok", "value"), edge("ok", "value", "out", "value")}}, "", "", true); err != nil {
		t.Fatal(err)
	}
	// Re-pinning the parent's node to the child's new version (the way the inspector's
	// "update to latest" does) is refused too, naming the child.
	w, err := svc.ResolveWorkflow(ctx, plain.WorkflowID)
	if err != nil {
		t.Fatal(err)
	}
	repinned := engine.Graph{Nodes: []engine.Node{
		node("sub", engine.TypeSubworkflow, map[string]any{"workflow": plain.WorkflowID, "version": w.CurrentVersionID})}}
	_, err = svc.SaveVersion(ctx, parent.WorkflowID, repinned, "", "", true)
	var ve *engine.ValidationError
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), `"Plain"`) || !strings.Contains(err.Error(), "approval") {
		t.Fatalf("re-pin to a version with an approval: %v", err)
	}
	// A version stored before this rule (written to the store as it is) is refused at run,
	// with nothing run.
	old, err := svc.Store().AddVersion(ctx, engine.Version{ID: engine.NewID(), WorkflowID: parent.WorkflowID, Graph: repinned,
		ContentHash: engine.ContentHash(repinned), CreatedAt: time.Now()}, true)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := svc.Runs(ctx, "", 0)
	_, err = svc.StartRun(ctx, engine.RunRequest{Workflow: parent.WorkflowID, Version: old.ID})
	if !errors.As(err, &ve) || ve.Problems[0].NodeID != "sub" || !strings.Contains(err.Error(), `"Plain"`) || !strings.Contains(err.Error(), `"ok"`) {
		t.Fatalf("run of a stored version pinning a child with an approval: %v", err)
	}
	if after, _ := svc.Runs(ctx, "", 0); len(after) != len(before) {
		t.Errorf("a refused run wrote %d runs", len(after)-len(before))
	}
}

// childGraphNumbers: y = x (a number input passed through).
func childGraphNumbers() engine.Graph {
	return engine.Graph{
		Inputs: []engine.InputDecl{{Name: "x", Type: engine.TypeNumber, Default: 1.0}},
		Nodes:  []engine.Node{node("in", "flow.inputs", nil), node("out", "io.output", map[string]any{"name": "y"})},
		Edges:  []engine.Edge{edge("in", "x", "out", "value")},
	}
}

// TestCancelChildRunFromAnotherProcess: `flowbench cancel CHILD_RUN_ID` while the window runs
// the child: the CLI's service asks the window's, which cancels the child run; the parent's
// subworkflow node fails saying the child run was cancelled, and the parent run fails.
func TestCancelChildRunFromAnotherProcess(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	var mu sync.Mutex
	requests := map[string][]string{} // owner → runs asked to cancel
	cfg := func(owner string) engine.Config {
		return engine.Config{Owner: owner, OwnerAlive: func(string) bool { return true }, CancelEvery: 10 * time.Millisecond,
			RequestCancel: func(o, id string) error {
				mu.Lock()
				defer mu.Unlock()
				requests[o] = append(requests[o], id)
				return nil
			},
			CancelRequests: func() []string {
				mu.Lock()
				defer mu.Unlock()
				ids := requests[owner]
				delete(requests, owner)
				return ids
			}}
	}
	window, cli := serviceAt(t, home, cfg("window")), serviceAt(t, home, cfg("cli"))
	child := importGraph(t, window, "Slow", engine.Graph{
		Nodes: []engine.Node{node("a", "util.delay", map[string]any{"ms": 60000}), node("out", "io.output", map[string]any{"name": "v"})},
		Edges: []engine.Edge{edge("a", "value", "out", "value")}})
	parent := importGraph(t, window, "Parent", engine.Graph{Nodes: []engine.Node{
		node("sub", engine.TypeSubworkflow, map[string]any{"workflow": child.WorkflowID, "version": child.VersionID})}})
	// The child's id as the window and `flowbench runs` learn it: its run event, sent once
	// its row is written, while its node runs.
	started := make(chan string, 1)
	var smu sync.Mutex
	announced, running := map[string]bool{}, map[string]bool{}
	unsub := window.Bus.Subscribe(func(e engine.Event) {
		smu.Lock()
		defer smu.Unlock()
		switch {
		case e.Type == engine.EventRun && e.WorkflowID == child.WorkflowID && e.Status == string(engine.RunRunning):
			announced[e.RunID] = true
		case e.Type == engine.EventNode && e.NodeID == "a" && e.Status == string(engine.NodeRunning):
			running[e.RunID] = true
		default:
			return
		}
		if announced[e.RunID] && running[e.RunID] {
			select {
			case started <- e.RunID:
			default:
			}
		}
	})
	defer unsub()
	r, err := window.StartRun(ctx, engine.RunRequest{Workflow: parent.WorkflowID})
	if err != nil {
		t.Fatal(err)
	}
	var childID string
	select {
	case childID = <-started:
	case <-time.After(60 * time.Second):
		t.Fatal("the child never started")
	}
	if runs, err := cli.Runs(ctx, child.WorkflowID, 0); err != nil || len(runs) != 1 || runs[0].ID != childID || runs[0].ParentRunID != r.ID {
		t.Fatalf("the CLI's runs of the child = %+v, %v; want %s under %s", runs, err, childID, r.ID)
	}
	if err := cli.Cancel(ctx, childID); !errors.Is(err, engine.ErrCancelRequested) {
		t.Fatalf("cancel of the child from another process: %v, want a request to the window", err)
	}
	waitCtx, stop := context.WithTimeout(ctx, 60*time.Second) // a hang guard: the delay is 60 s
	defer stop()
	cr, err := cli.WaitFinished(waitCtx, childID, 10*time.Millisecond)
	if err != nil || cr.Status != engine.RunCancelled {
		t.Fatalf("child after the request: %s, %v; want cancelled", cr.Status, err)
	}
	pr, err := cli.WaitFinished(waitCtx, r.ID, 10*time.Millisecond)
	if err != nil || pr.Status != engine.RunFailed {
		t.Fatalf("parent after its child was cancelled: %s (%s), %v; want failed", pr.Status, pr.Error, err)
	}
	if rec := pr.Snapshot.Records()["sub"]; rec.Status != engine.NodeFailed || !strings.Contains(rec.Error, "cancelled") || !strings.Contains(rec.Error, childID) {
		t.Errorf("sub = %s %q, want failed saying child run %s was cancelled", rec.Status, rec.Error, childID)
	}
}

// TestMakeSubworkflowRefusesApproval: "Make subworkflow" on a selection holding an approval
// is refused naming the node, before any workflow is created.
func TestMakeSubworkflowRefusesApproval(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := libraryService(t, memstore.New())
	g := engine.Graph{
		Inputs: []engine.InputDecl{{Name: "x", Type: engine.TypeString, Default: "draft"}},
		Nodes: []engine.Node{node("in", "flow.inputs", nil), node("t", "text.template", map[string]any{"template": "{{a}}!"}),
			node("ok", "control.approval", nil), node("out", "io.output", map[string]any{"name": "y"})},
		Edges: []engine.Edge{edge("in", "x", "t", "a"), edge("t", "text", "ok", "value"), edge("ok", "value", "out", "value")},
	}
	w := importGraph(t, svc, "Review", g)
	_, err := svc.MakeSubworkflow(ctx, w.WorkflowID, g, []string{"t", "ok"}, "Inner")
	var ve *engine.ValidationError
	if !errors.As(err, &ve) || ve.Problems[0].NodeID != "ok" || !strings.Contains(err.Error(), "approval") {
		t.Fatalf("make subworkflow of a selection with an approval: %v, want refused naming ok", err)
	}
	if ws, _ := svc.ListWorkflows(ctx); len(ws) != 1 {
		t.Errorf("%d workflows after the refusal, want 1 (nothing created)", len(ws))
	}
}

// failingGenStore refuses to save the generations of one workflow (a full disk while the
// child writes).
type failingGenStore struct {
	engine.Store
	mu       sync.Mutex
	workflow string
}

func (s *failingGenStore) SaveGenerations(ctx context.Context, gens []engine.Generation) (map[string]int64, error) {
	s.mu.Lock()
	wf := s.workflow
	s.mu.Unlock()
	for _, g := range gens {
		if g.WorkflowID == wf {
			return nil, errDiskFull
		}
	}
	return s.Store.SaveGenerations(ctx, gens)
}

// TestChildRunWriteFailureFailsParent: the child run's rows and generations go through the
// parent's committer without the node waiting for them; when the child's generations cannot
// be saved, the child's record says it failed saving and so does the parent run (it does not
// complete pointing at results that are not there).
func TestChildRunWriteFailureFailsParent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := &failingGenStore{Store: memstore.New()}
	svc, err := engine.NewService(engine.Config{Store: st, Registry: subRegistry(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Close)
	child := importGraph(t, svc, "Child", childGraph(1))
	parent := importGraph(t, svc, "Parent", parentGraph(child))
	st.mu.Lock()
	st.workflow = child.WorkflowID
	st.mu.Unlock()
	ended := make(chan engine.Event, 4)
	unsub := svc.Bus.Subscribe(func(e engine.Event) {
		if e.Type == engine.EventRun && e.WorkflowID == child.WorkflowID && e.Status != string(engine.RunRunning) {
			ended <- e
		}
	})
	defer unsub()
	run := runAndWait(t, svc, engine.RunRequest{Workflow: parent.WorkflowID})
	select {
	case e := <-ended:
		if e.Status != string(engine.RunFailed) || !strings.Contains(e.Error, "saving results") {
			t.Errorf("the child's end event = %s %q, want failed saving results", e.Status, e.Error)
		}
	default:
		t.Error("no end event of the child run (the window would show it running)")
	}
	if run.Status != engine.RunFailed || !strings.Contains(run.Error, "saving results") || !strings.Contains(run.Error, "disk full") {
		t.Fatalf("parent = %s %q, want failed saving results (disk full)", run.Status, run.Error)
	}
	runs, err := svc.Runs(ctx, child.WorkflowID, 0)
	if err != nil || len(runs) != 1 {
		t.Fatalf("child runs = %v, %v", runs, err)
	}
	if runs[0].Status != engine.RunFailed || !strings.Contains(runs[0].Error, "saving results") || runs[0].Label != "x=41" {
		t.Errorf("child = %s %q (label %q), want failed saving results, still x=41", runs[0].Status, runs[0].Error, runs[0].Label)
	}
	if !strings.Contains(run.Error, runs[0].ID) {
		t.Errorf("parent error %q does not name the child run %s", run.Error, runs[0].ID)
	}
}

// TestChildRunRowsInOneTransaction: on SQLite the child run's start, its generations, its end
// and the parent node's generation are written without the node waiting, and after the parent
// completes everything the child's record names is stored, with its number and label.
func TestChildRunRowsInOneTransaction(t *testing.T) {
	ctx := context.Background()
	svc := perfService(t, 0)
	child := importGraph(t, svc, "child", subflowChain(3))
	parent := perfImport(t, svc, "parent", subflowParent(child))
	for i := 0; i < 3; i++ {
		r := runAndWait(t, svc, engine.RunRequest{Workflow: parent, Inputs: map[string]any{"x": int64(i)}})
		if r.Status != engine.RunCompleted || engine.ToText(r.Outputs["y"]) != engine.ToText(int64(i+3)) {
			t.Fatalf("run %d = %s %v (%s)", i, r.Status, r.Outputs, r.Error)
		}
	}
	crs, err := svc.Runs(ctx, child.WorkflowID, 0)
	if err != nil || len(crs) != 3 {
		t.Fatalf("child runs = %d, %v", len(crs), err)
	}
	for _, c := range crs {
		full, _, err := svc.GetRun(ctx, c.ID)
		if err != nil || full.Status != engine.RunCompleted || full.Label != engine.NumberedLabel(full.Number) && !strings.HasPrefix(full.Label, "x=") {
			t.Fatalf("child %s = %s %q #%d, %v", c.ID, full.Status, full.Label, full.Number, err)
		}
		for id, rec := range full.Snapshot.Records() {
			if rec.GenerationID == "" {
				continue
			}
			if _, err := svc.Store().GetGeneration(ctx, rec.GenerationID); err != nil {
				t.Errorf("child %s node %s names generation %s: %v", c.ID, id, rec.GenerationID, err)
			}
		}
	}
}
