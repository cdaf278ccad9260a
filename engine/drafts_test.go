package engine_test

import (
	"context"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// TestOpenForEditingShowsTheDraft: the editor opens a workflow with its versions newest
// first, the current one, and the autosaved draft with its base, when there is one.
func TestOpenForEditingShowsTheDraft(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg, _ := testRegistry(t)
	svc := newService(t, reg, 4)
	imp := draftWorkflow(t, svc)
	v2, err := svc.CommitDraft(ctx, imp.WorkflowID, draftGraph(int64(2)), "")
	if err != nil {
		t.Fatal(err)
	}
	e, err := svc.OpenForEditing(ctx, "Drafted")
	if err != nil {
		t.Fatal(err)
	}
	if e.Workflow.ID != imp.WorkflowID || len(e.Versions) != 2 || e.Versions[0].ID != v2.ID || e.Current.ID != v2.ID || e.Draft != nil {
		t.Fatalf("opened %+v, want v2 current, newest first, no draft", e)
	}
	if err := svc.SaveDraft(ctx, imp.WorkflowID, draftGraph(int64(3)), imp.VersionID); err != nil {
		t.Fatal(err)
	}
	if e, err = svc.OpenForEditing(ctx, imp.WorkflowID); err != nil {
		t.Fatal(err)
	}
	if e.Draft == nil || e.DraftBaseID != imp.VersionID || e.Draft.Nodes[0].Params["value"] != int64(3) {
		t.Errorf("draft %+v based on %q, want the k=3 draft based on v1", e.Draft, e.DraftBaseID)
	}
}

// TestRenameWorkflowKeepsTheDescription: renaming changes the name only; a blank name is refused.
func TestRenameWorkflowKeepsTheDescription(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg, _ := testRegistry(t)
	svc := newService(t, reg, 4)
	f := engine.WorkflowFile{Format: engine.FormatWorkflow, Name: "Old", Description: "what it does", Nodes: draftGraph(int64(1)).Nodes,
		Edges: draftGraph(int64(1)).Edges}
	data, err := jsonMarshal(f)
	if err != nil {
		t.Fatal(err)
	}
	imp, err := svc.Import(ctx, data, "")
	if err != nil {
		t.Fatal(err)
	}
	w, err := svc.RenameWorkflow(ctx, imp.WorkflowID, " New ")
	if err != nil || w.Name != "New" || w.Description != "what it does" {
		t.Fatalf("renamed %+v (%v), want New with its description", w, err)
	}
	if _, err := svc.RenameWorkflow(ctx, imp.WorkflowID, "  "); err == nil {
		t.Error("a blank name was accepted")
	}
}
