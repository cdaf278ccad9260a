package engine_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

func currentIDs(t *testing.T, svc *engine.Service, wf string) map[string]string {
	t.Helper()
	cur, err := svc.CurrentGenerations(context.Background(), wf)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for id, g := range cur {
		out[id] = g.ID
	}
	return out
}

func runGens(r engine.Run) map[string]string {
	out := map[string]string{}
	for id, rec := range r.Snapshot.Records() {
		if rec.GenerationID != "" {
			out[id] = rec.GenerationID
		}
	}
	return out
}

func TestRestoreRunAndUndo(t *testing.T) {
	svc, wf := newCompareWorkflow(t)
	ctx := context.Background()
	r1 := runX(t, svc, wf, 1)
	// A pick the user made before the restore, on a node the restore changes.
	r2 := runX(t, svc, wf, 2)
	r3 := runX(t, svc, wf, 3)
	if err := svc.SelectGeneration(ctx, wf.WorkflowID, "add", r2.Snapshot.Nodes["add"].GenerationID); err != nil {
		t.Fatal(err)
	}
	g2 := compareGraph(7)
	v2, err := svc.SaveVersion(ctx, wf.WorkflowID, g2, "", "", true)
	if err != nil {
		t.Fatal(err)
	}
	before := currentIDs(t, svc, wf.WorkflowID)

	res, err := svc.RestoreRun(ctx, r1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.WorkflowID != wf.WorkflowID || res.VersionID != wf.VersionID || len(res.Missing) != 0 {
		t.Fatalf("restore: %+v", res)
	}
	if !reflect.DeepEqual(res.Selected, runGens(r1)) {
		t.Fatalf("selected %v, run used %v", res.Selected, runGens(r1))
	}
	if got := currentIDs(t, svc, wf.WorkflowID); !reflect.DeepEqual(got, runGens(r1)) {
		t.Fatalf("current after restore %v, want %v", got, runGens(r1))
	}
	w, _, _ := svc.Versions(ctx, wf.WorkflowID)
	if w.CurrentVersionID != wf.VersionID {
		t.Fatalf("current version %s, want the run's %s", w.CurrentVersionID, wf.VersionID)
	}
	if run, err := svc.CanUndoRestore(ctx, wf.WorkflowID); err != nil || run != r1.ID {
		t.Fatalf("can undo: %q %v", run, err)
	}

	// A run from the output builds on the restored run: same outputs as r1.
	fr := runAndWait(t, svc, engine.RunRequest{Workflow: wf.WorkflowID, From: "out"})
	if !engine.SameValue(fr.Outputs["sum"], r1.Outputs["sum"]) {
		t.Fatalf("run from out after restore gave %v, restored run had %v", fr.Outputs["sum"], r1.Outputs["sum"])
	}

	undo, err := svc.UndoRestore(ctx, wf.WorkflowID)
	if err != nil {
		t.Fatal(err)
	}
	if undo.VersionID != v2.ID || undo.Selected["add"] != r2.Snapshot.Nodes["add"].GenerationID || undo.Selected["txt"] != "" {
		t.Fatalf("undo: %+v", undo)
	}
	after := currentIDs(t, svc, wf.WorkflowID)
	// Undo gives back the picks; nodes without a pick show their latest generation, which is
	// now the run from the output's for the node it executed.
	before["out"] = fr.Snapshot.Nodes["out"].GenerationID
	if !reflect.DeepEqual(after, before) {
		t.Fatalf("current after undo %v, want %v", after, before)
	}
	if w, _, _ := svc.Versions(ctx, wf.WorkflowID); w.CurrentVersionID != v2.ID {
		t.Fatalf("version after undo %s, want %s", w.CurrentVersionID, v2.ID)
	}
	if _, err := svc.UndoRestore(ctx, wf.WorkflowID); !errors.Is(err, engine.ErrConflict) {
		t.Fatalf("second undo: %v", err)
	}
	_ = r3
}

func TestRestoreRunWithDeletedGeneration(t *testing.T) {
	svc, wf := newCompareWorkflow(t)
	ctx := context.Background()
	r1 := runX(t, svc, wf, 1)
	runX(t, svc, wf, 2)
	if err := svc.DeleteGeneration(ctx, r1.Snapshot.Nodes["add"].GenerationID); err != nil {
		t.Fatal(err)
	}
	res, err := svc.RestoreRun(ctx, r1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res.Missing, []string{"add"}) {
		t.Fatalf("missing %v", res.Missing)
	}
	if _, ok := res.Selected["add"]; ok || res.Selected["out"] != r1.Snapshot.Nodes["out"].GenerationID {
		t.Fatalf("selected %v", res.Selected)
	}
}

func TestRestoreRefusesRunningRun(t *testing.T) {
	reg, _ := testRegistry(t)
	svc := newService(t, reg, 2)
	ctx := context.Background()
	g := compareGraph(1)
	g.Nodes = append(g.Nodes, node("slow", "t.sleep", map[string]any{"ms": 60000}))
	wf := importGraph(t, svc, "cmp", g)
	r, err := svc.StartRun(ctx, engine.RunRequest{Workflow: wf.WorkflowID})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Cancel(ctx, r.ID)
	if _, err := svc.RestoreRun(ctx, r.ID); !errors.Is(err, engine.ErrConflict) {
		t.Fatalf("restore of a running run: %v", err)
	}
}
