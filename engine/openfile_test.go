package engine_test

import (
	"context"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// TestOpenFileDedups: opening a workflow file imports it once; opening the same file again
// (or the export of that workflow) gives the existing workflow and version, not a copy; a file
// with another name, or a graph the current version no longer has, is a new workflow; a broken
// file writes nothing.
func TestOpenFileDedups(t *testing.T) {
	ctx := context.Background()
	svc := newService(t, libRegistry(t), 2)
	g := smallChain()
	file := func(name string, g engine.Graph) []byte {
		data, err := jsonMarshal(engine.WorkflowFile{Format: engine.FormatWorkflow, Name: name, Inputs: g.Inputs, Nodes: g.Nodes, Edges: g.Edges})
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	count := func() int {
		l, err := svc.ListWorkflows(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return len(l)
	}
	first, err := svc.OpenFile(ctx, file("chain", g))
	if err != nil || !first.Created || first.WorkflowID == "" {
		t.Fatalf("first open: %+v, %v", first, err)
	}
	again, err := svc.OpenFile(ctx, file("chain", g))
	if err != nil || again.Created || again.WorkflowID != first.WorkflowID || again.VersionID != first.VersionID {
		t.Fatalf("second open of the same file: %+v, %v; want %+v with created false", again, err, first)
	}
	exported, err := svc.Export(ctx, first.WorkflowID, "", false)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := svc.OpenFile(ctx, exported); err != nil || r.Created || r.WorkflowID != first.WorkflowID {
		t.Fatalf("opening the workflow's export: %+v, %v", r, err)
	}
	if count() != 1 {
		t.Fatalf("%d workflows after opening one file three times", count())
	}
	if r, err := svc.OpenFile(ctx, file("other name", g)); err != nil || !r.Created || r.WorkflowID == first.WorkflowID {
		t.Fatalf("another name: %+v, %v", r, err)
	}
	if _, err := svc.OpenFile(ctx, []byte(`{"format": `)); err == nil {
		t.Fatal("a broken file opened")
	}
	// The workflow moved on (a new current version): the file is no longer what it holds.
	g2 := smallChain()
	g2.Nodes[0].Params = map[string]any{"expression": "3"}
	if _, err := svc.SaveVersion(ctx, first.WorkflowID, g2, "edited", first.VersionID, true); err != nil {
		t.Fatal(err)
	}
	if r, err := svc.OpenFile(ctx, file("chain", g)); err != nil || !r.Created || r.WorkflowID == first.WorkflowID {
		t.Fatalf("after the workflow changed: %+v, %v; want a new workflow", r, err)
	}
	bundle, err := svc.Export(ctx, first.WorkflowID, "", true)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := svc.OpenFile(ctx, bundle); err != nil || !r.Created {
		t.Fatalf("a bundle: %+v, %v; want a new workflow", r, err)
	}
	if count() != 4 {
		t.Fatalf("%d workflows, want 4", count())
	}
}
