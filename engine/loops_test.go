package engine_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/memstore"
	"github.com/flowbench/flowbench/engine/nodes"
)

func libraryService(tb testing.TB, st engine.Store) *engine.Service {
	tb.Helper()
	reg := engine.NewRegistry()
	if err := nodes.Register(reg); err != nil {
		tb.Fatal(err)
	}
	svc, err := engine.NewService(engine.Config{Store: st, Registry: reg})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(svc.Close)
	return svc
}

func loopGraph(groupType string) engine.Graph {
	return engine.Graph{
		Inputs: []engine.InputDecl{{Name: "items", Type: engine.TypeArray, Default: []any{1.0, 2.0, 3.0}}},
		Nodes: []engine.Node{
			node("in", "flow.inputs", nil),
			node("loop", groupType, nil),
			{ID: "sq", Type: "math.expr", ParentID: "loop", Params: map[string]any{"expression": "a * a + b"}},
			node("out", "io.output", map[string]any{"name": "squares"}),
		},
		Edges: []engine.Edge{
			edge("in", "items", "loop", "items"),
			edge("loop", "item", "sq", "a"), edge("loop", "index", "sq", "b"),
			edge("sq", "result", "loop", "result"),
			edge("loop", "results", "out", "value"),
		},
	}
}

func TestLoopGroupsCollectInOrder(t *testing.T) {
	t.Parallel()
	for _, typ := range []string{"control.foreach", "control.map"} {
		svc := libraryService(t, memstore.New())
		importGraph(t, svc, typ, loopGraph(typ))
		run := runAndWait(t, svc, engine.RunRequest{Workflow: typ, Inputs: map[string]any{"items": "[1,2,3,4,5,6,7,8]"}})
		if run.Status != engine.RunCompleted {
			t.Fatalf("%s: %s %s", typ, run.Status, run.Error)
		}
		got := engine.ToText(run.Outputs["squares"])
		if got != "[1,5,11,19,29,41,55,71]" {
			t.Fatalf("%s: squares %s", typ, got)
		}
	}
}

func TestLoopRestartsWhenBodyChanges(t *testing.T) {
	t.Parallel()
	svc := libraryService(t, memstore.New())
	imp := importGraph(t, svc, "loop", loopGraph("control.foreach"))
	runAndWait(t, svc, engine.RunRequest{Workflow: "loop"})
	g := loopGraph("control.foreach")
	g.Nodes[2].Params["expression"] = "a * 10"
	if _, err := svc.SaveVersion(context.Background(), imp.WorkflowID, g, "body edit", "", true); err != nil {
		t.Fatal(err)
	}
	plan, err := svc.PlanFrom(context.Background(), "loop", "", "out", nil)
	if err != nil {
		t.Fatal(err)
	}
	if p := plan.Nodes["loop"]; p.Action != engine.ActionRerun {
		t.Fatalf("loop plan %+v", p)
	}
	if p := plan.Nodes["sq"]; p.Action != engine.ActionRerun || len(p.Reasons) == 0 || p.Reasons[0] != engine.ReasonLoopRestart {
		t.Fatalf("child plan %+v", p)
	}
	run := runAndWait(t, svc, engine.RunRequest{Workflow: "loop", From: "out"})
	if got := engine.ToText(run.Outputs["squares"]); got != "[10,20,30]" {
		t.Fatalf("after body edit: %s (%s)", got, run.Error)
	}
}

func TestApprovalPausesAndResumesAfterRestart(t *testing.T) {
	t.Parallel()
	st := memstore.New()
	svc := libraryService(t, st)
	importGraph(t, svc, "review", engine.Graph{
		Inputs: []engine.InputDecl{{Name: "draft", Type: engine.TypeString, Default: "first draft"}},
		Nodes: []engine.Node{node("in", "flow.inputs", nil), node("ok", "control.approval", map[string]any{"message": "Publish?"}),
			node("up", "text.template", map[string]any{"template": "published: {{a}}"}), node("out", "io.output", map[string]any{"name": "post"})},
		Edges: []engine.Edge{edge("in", "draft", "ok", "value"), edge("ok", "value", "up", "a"), edge("up", "text", "out", "value")},
	})
	run := runAndWait(t, svc, engine.RunRequest{Workflow: "review"})
	if run.Status != engine.RunPaused || run.Snapshot.Approvals["ok"].Message != "Publish?" {
		t.Fatalf("not paused: %s %+v", run.Status, run.Snapshot)
	}
	svc.Close()
	// A new service on the same store is a restarted app.
	svc2 := libraryService(t, st)
	if _, err := svc2.Recover(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	resumed, err := svc2.Approve(context.Background(), engine.ApproveRequest{RunID: run.ID, Value: "edited draft", HasValue: true})
	if err != nil {
		t.Fatal(err)
	}
	final, err := svc2.Wait(context.Background(), resumed.ID)
	if err != nil {
		t.Fatal(err)
	}
	if final.Status != engine.RunCompleted || final.Outputs["post"] != "published: edited draft" {
		t.Fatalf("after approval: %s %v %s", final.Status, final.Outputs, final.Error)
	}
	if final.Snapshot.Records()["in"].Status != engine.NodeExecuted {
		t.Fatalf("node finished before the pause lost its record: %+v", final.Snapshot.Records()["in"])
	}
	// A second approval of a finished run is refused.
	if _, err := svc2.Approve(context.Background(), engine.ApproveRequest{RunID: run.ID}); err == nil {
		t.Fatal("approving a completed run should fail")
	}
}

// TestSnapshotSavedWhileRunning shows a long run's snapshot reaching the store as it goes,
// so a crash mid-run leaves the finished nodes recorded.
func TestSnapshotSavedWhileRunning(t *testing.T) {
	t.Parallel()
	st := memstore.New()
	svc := libraryService(t, st)
	importGraph(t, svc, "slow", engine.Graph{
		Nodes: []engine.Node{node("a", "util.delay", map[string]any{"ms": 700}), node("b", "util.delay", map[string]any{"ms": 700}),
			node("c", "util.delay", map[string]any{"ms": 3000})},
		Edges: []engine.Edge{edge("a", "value", "b", "value"), edge("b", "value", "c", "value")},
	})
	r, err := svc.StartRun(context.Background(), engine.RunRequest{Workflow: "slow"})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Cancel(context.Background(), r.ID)
	deadline := time.Now().Add(60 * time.Second) // a hang guard: a snapshot is saved about once a second
	for time.Now().Before(deadline) {
		got, err := st.GetRun(context.Background(), r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rec := got.Snapshot.Records()["b"]; rec.Status == engine.NodeExecuted && got.Status == engine.RunRunning {
			if _, err := st.GetGeneration(context.Background(), rec.GenerationID); err != nil {
				t.Fatalf("snapshot names an uncommitted generation: %v", err)
			}
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the running run's snapshot was never saved")
}

// TestPlanGraphPreviewsUnsavedEdits plans from the editor's graph before it is a version.
func TestPlanGraphPreviewsUnsavedEdits(t *testing.T) {
	t.Parallel()
	reg, _ := testRegistry(t)
	svc := newService(t, reg, 4)
	g := chainGraph()
	imp := importGraph(t, svc, "draft", g)
	runAndWait(t, svc, engine.RunRequest{Workflow: "draft"})
	plan, err := svc.PlanGraph(context.Background(), imp.WorkflowID, g, "out", nil)
	if err != nil || plan.VersionID != imp.VersionID || plan.Nodes["a1"].Action != engine.ActionReuse {
		t.Fatalf("saved graph: %v %s %+v", err, plan.VersionID, plan.Nodes["a1"])
	}
	g.Nodes[1].Params = map[string]any{"k": 5}
	plan, err = svc.PlanGraph(context.Background(), imp.WorkflowID, g, "out", nil)
	if err != nil || plan.VersionID != "" {
		t.Fatalf("draft: %v %q", err, plan.VersionID)
	}
	if p := plan.Nodes["a1"]; p.Action != engine.ActionRerun || p.Reasons[0] != engine.ReasonConfigChanged {
		t.Fatalf("edited node %+v", p)
	}
	vs, _ := svc.Runs(context.Background(), "draft", 0)
	if len(vs) != 1 {
		t.Fatalf("planning wrote runs: %d", len(vs))
	}
}

// TestPlanGraphPreviewsAChangedRun: the editor's graph planned with no start block (from "")
// is the plan of a changed run of it: before it is saved, the same decisions as PlanChanged
// makes of the version it becomes; nothing is written.
func TestPlanGraphPreviewsAChangedRun(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg, _ := testRegistry(t)
	svc := newService(t, reg, 4)
	g := chainGraph()
	imp := importGraph(t, svc, "changed draft", g)
	runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID})
	g.Nodes[2].Params = map[string]any{"k": 5} // a2
	draft, err := svc.PlanGraph(ctx, imp.WorkflowID, g, "", nil)
	if err != nil || !draft.Changed || draft.From != "" || draft.VersionID != "" {
		t.Fatalf("plan of the edited graph: %v changed=%v from=%q version=%q", err, draft.Changed, draft.From, draft.VersionID)
	}
	if p := draft.Nodes["a2"]; p.Action != engine.ActionRerun || !slices.Contains(p.Reasons, engine.ReasonChanged) || !slices.Contains(p.Reasons, engine.ReasonConfigChanged) {
		t.Fatalf("a2 %+v, want rerun: changed, config_changed", p)
	}
	if p := draft.Nodes["a1"]; p.Action != engine.ActionReuse {
		t.Fatalf("a1 %+v, want reused", p)
	}
	if p := draft.Nodes["out"]; p.Action != engine.ActionRerun {
		t.Fatalf("out %+v, want rerun after a2", p)
	}
	if runs, _ := svc.Runs(ctx, imp.WorkflowID, 0); len(runs) != 1 {
		t.Fatalf("planning wrote runs: %d", len(runs))
	}
	if _, vs, _ := svc.Versions(ctx, imp.WorkflowID); len(vs) != 1 {
		t.Fatalf("planning saved versions: %d", len(vs))
	}
	// the same as the changed plan of the version the graph becomes
	v, err := svc.SaveVersion(ctx, imp.WorkflowID, g, "", imp.VersionID, true)
	if err != nil {
		t.Fatal(err)
	}
	saved, err := svc.PlanChanged(ctx, imp.WorkflowID, v.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	for id, p := range saved.Nodes {
		if d := draft.Nodes[id]; d.Action != p.Action || !slices.Equal(d.Reasons, p.Reasons) {
			t.Errorf("%s: draft plan %+v, version's %+v", id, d, p)
		}
	}
	if again, err := svc.PlanGraph(ctx, imp.WorkflowID, g, "", nil); err != nil || again.VersionID != v.ID {
		t.Fatalf("the saved graph planned again: %v version %q, want %s", err, again.VersionID, v.ID)
	}
	if _, err := svc.PlanGraph(ctx, imp.WorkflowID, g, "nope", nil); !errors.Is(err, engine.ErrInvalid) {
		t.Fatalf("from a node that is not there: %v, want invalid", err)
	}
}

// TestLoopChildrenKeepGenerations: every execution of a loop body's child writes a
// generation, so the child has a timeline like any node (one entry per item); the run
// records the child's latest execution, and a failing item leaves a failed generation that
// says why.
func TestLoopChildrenKeepGenerations(t *testing.T) {
	ctx := context.Background()
	for _, typ := range []string{"control.foreach", "control.map"} {
		svc := libraryService(t, memstore.New())
		importGraph(t, svc, typ, loopGraph(typ))
		run := runAndWait(t, svc, engine.RunRequest{Workflow: typ, Inputs: map[string]any{"items": "[1,2,3]"}})
		if run.Status != engine.RunCompleted {
			t.Fatalf("%s: %s %s", typ, run.Status, run.Error)
		}
		tl, err := svc.NodeTimeline(ctx, typ, "sq")
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64]bool{}
		for _, g := range tl.Generations {
			if g.RunID != run.ID || g.Status != engine.GenCompleted || g.InputFingerprint == "" || g.ConfigHash == "" {
				t.Errorf("%s: generation %+v", typ, g)
			}
			got[g.Outputs["result"].(int64)] = true
		}
		if len(tl.Generations) != 3 || !got[1] || !got[5] || !got[11] {
			t.Errorf("%s: sq's timeline %v, want one generation per item: 1, 5, 11", typ, got)
		}
		rec := run.Snapshot.Records()["sq"]
		if rec.Status != engine.NodeExecuted || rec.GenerationID != tl.CurrentGenerationID {
			t.Errorf("%s: the run's record of sq %+v names another generation than its current %q", typ, rec, tl.CurrentGenerationID)
		}
		// a run from the group reruns its body: the child says why, as the plan does
		again := runAndWait(t, svc, engine.RunRequest{Workflow: typ, From: "loop"})
		if got := again.Snapshot.Records()["sq"]; again.Status != engine.RunCompleted || !slices.Contains(got.Reasons, engine.ReasonLoopRestart) {
			t.Errorf("%s: from the group, sq's record %+v (%s)", typ, got, again.Status)
		}
	}

	// A child that fails on an item: its failed generation is kept, the run says which.
	g := loopGraph("control.foreach")
	g.Nodes[2].Params = map[string]any{"expression": `a == 2 ? fail("two is not allowed") : a * 10`}
	svc := libraryService(t, memstore.New())
	importGraph(t, svc, "failing", g)
	run := runAndWait(t, svc, engine.RunRequest{Workflow: "failing", Inputs: map[string]any{"items": "[1,2,3]"}})
	if run.Status != engine.RunFailed {
		t.Fatalf("run %s, want failed", run.Status)
	}
	tl, err := svc.NodeTimeline(ctx, "failing", "sq")
	if err != nil {
		t.Fatal(err)
	}
	if len(tl.Generations) != 2 || tl.Generations[0].Status != engine.GenFailed || tl.Generations[1].Outputs["result"] != int64(10) {
		t.Fatalf("timeline after item 2 failed: %+v", tl.Generations)
	}
	if rec := run.Snapshot.Records()["sq"]; rec.Status != engine.NodeFailed || rec.Error == "" {
		t.Errorf("the run's record of sq: %+v", rec)
	}
}

// TestApprovalCannotGoInsideALoop: a node that pauses for a person inside a loop body is
// refused when the graph is checked, naming the node and the loop.
func TestApprovalCannotGoInsideALoop(t *testing.T) {
	reg := engine.NewRegistry()
	if err := nodes.Register(reg); err != nil {
		t.Fatal(err)
	}
	g := loopGraph("control.foreach")
	g.Nodes = append(g.Nodes, engine.Node{ID: "ok?", Type: "control.approval", ParentID: "loop"})
	g.Edges = append(g.Edges, edge("loop", "item", "ok?", "value"))
	err := engine.ValidateGraph(reg, g)
	var ve *engine.ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 1 || ve.Problems[0].NodeID != "ok?" ||
		!strings.Contains(ve.Problems[0].Message, `inside the loop "loop"`) {
		t.Fatalf("validation: %v", err)
	}
	g.Nodes[len(g.Nodes)-1].ParentID = ""
	g.Edges = g.Edges[:len(g.Edges)-1]
	if err := engine.ValidateGraph(reg, g); err != nil {
		t.Errorf("an approval outside the loop: %v", err)
	}
}
