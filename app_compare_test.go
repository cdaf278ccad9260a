package main

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// TestCompareAndRestoreBindings: CompareRuns brings both runs and graphs; RestoreRun keeps an
// edited draft as a version before the current version changes; refusals name the id.
func TestCompareAndRestoreBindings(t *testing.T) {
	ctx := context.Background()
	a, svc := newStoredApp(ctx, t)
	a.ctx = ctx
	imp, err := a.ImportJSON(`{"format":"flowbench.workflow/1","name":"cmp","inputs":[{"name":"x","type":"integer","default":1}],"nodes":[
		{"id":"in","type":"flow.inputs"},
		{"id":"a","type":"math.expr","params":{"expression":"a * 2"}},
		{"id":"out","type":"io.output","params":{"name":"answer"}}],
		"edges":[{"source":"in","sourceHandle":"x","target":"a","targetHandle":"a"},{"source":"a","sourceHandle":"result","target":"out","targetHandle":"value"}]}`, "")
	if err != nil {
		t.Fatal(err)
	}
	var runs []engine.Run
	for _, x := range []int{1, 2} {
		r, err := svc.StartRun(ctx, engine.RunRequest{Workflow: imp.WorkflowID, Inputs: map[string]any{"x": x}})
		if err != nil {
			t.Fatal(err)
		}
		done, err := svc.Wait(ctx, r.ID)
		if err != nil || done.Status != engine.RunCompleted {
			t.Fatalf("run: %v %v", done.Status, err)
		}
		runs = append(runs, done)
	}
	c, err := a.CompareRuns(runs[0].ID, runs[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.RunA.ID != runs[0].ID || c.RunB.ID != runs[1].ID || len(c.GraphA.Nodes) != 3 || c.GraphB != nil || c.Diff.Outputs["answer"].Same {
		t.Fatalf("compare: %+v", c)
	}
	// what the view does not show stays home: generation ids and params, not taken from the
	// stored version itself
	for id, n := range c.Diff.Nodes {
		if n.A != nil && n.A.GenerationID != "" || n.B != nil && n.B.GenerationID != "" {
			t.Errorf("node %s: generation ids sent to the compare view: %+v %+v", id, n.A, n.B)
		}
	}
	for _, n := range c.GraphA.Nodes {
		if n.Params != nil {
			t.Errorf("node %s: params sent to the compare view: %v", n.ID, n.Params)
		}
	}
	if v, err := svc.GetVersion(ctx, runs[0].VersionID); err != nil || v.Graph.Nodes[1].Params == nil {
		t.Errorf("the version lost its params: %+v %v", v.Graph.Nodes, err)
	}
	if _, err := a.CompareRuns(runs[0].ID, "../x"); err == nil {
		t.Fatal("a malformed run id was accepted")
	}
	if _, err := a.CompareRuns(runs[0].ID, runs[0].ID); !errors.Is(err, engine.ErrInvalid) || !strings.Contains(err.Error(), runs[0].ID) {
		t.Fatalf("same run twice: %v", err)
	}

	// An edited, valid draft becomes a version before the restore switches versions.
	w, _, _ := svc.Versions(ctx, imp.WorkflowID)
	v, _ := svc.GetVersion(ctx, w.CurrentVersionID)
	g := v.Graph
	g.Nodes[1].Params = map[string]any{"expression": "a * 3"}
	if err := a.SaveDraft(imp.WorkflowID, g, v.ID); err != nil {
		t.Fatal(err)
	}
	res, err := a.RestoreRun(runs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.VersionID != v.ID || res.Selected["a"] != runs[0].Snapshot.Nodes["a"].GenerationID {
		t.Fatalf("restore: %+v", res)
	}
	if _, vs, _ := svc.Versions(ctx, imp.WorkflowID); len(vs) != 2 {
		t.Fatalf("the draft was not kept as a version: %d versions", len(vs))
	}
	if run, err := a.RestoredRun(imp.WorkflowID); err != nil || run != runs[0].ID {
		t.Fatalf("restored run: %q %v", run, err)
	}
	if _, err := a.UndoRestore(imp.WorkflowID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.RestoreRun("nope"); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("unknown run: %v", err)
	}
}
