package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// TestSaveBatchWritesRunsWithGenerations: a batch creates runs (numbered, labelled), saves
// generations and updates runs in one transaction; an update without a label keeps the one
// the run was created with; a run that cannot be written fails alone, the rest is saved.
func TestSaveBatchWritesRunsWithGenerations(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	defer s.Close()
	now := time.Now().UTC()
	w, v, err := s.CreateWorkflow(ctx, engine.Workflow{ID: "wf", Name: "child", CreatedAt: now, UpdatedAt: now},
		engine.Version{ID: "v1", Graph: engine.Graph{Nodes: []engine.Node{{ID: "a", Type: "t"}}}, CreatedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateRun(ctx, engine.Run{ID: "earlier", WorkflowID: w.ID, VersionID: v.ID, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	child := engine.Run{ID: "child", WorkflowID: w.ID, VersionID: v.ID, Status: engine.RunRunning, ParentRunID: "p", ParentNodeID: "sub", CreatedAt: now, StartedAt: &now}
	bad := engine.Run{ID: "bad", WorkflowID: w.ID, VersionID: "no-such-version", Status: engine.RunRunning, CreatedAt: now}
	done := child
	done.Status, done.FinishedAt = engine.RunCompleted, &now
	done.Outputs = map[string]any{"y": int64(3)}
	done.Snapshot = engine.Snapshot{Nodes: map[string]engine.NodeRecord{"a": {Status: engine.NodeExecuted, GenerationID: "g1"}}}
	gens := []engine.Generation{{ID: "g1", WorkflowID: w.ID, NodeID: "a", RunID: "child", Status: engine.GenCompleted, Outputs: map[string]any{"y": int64(3)}}}
	stored, epochs, runErrs, err := s.SaveBatch(ctx, []engine.Run{child, bad}, gens, []engine.Run{done})
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 2 || stored[0].Number != 2 || stored[0].Label != "Run #2" || stored[0].VersionLabel != v.Label {
		t.Fatalf("stored = %+v, want child numbered 2 and labelled Run #2", stored)
	}
	if !errors.Is(runErrs["bad"], engine.ErrInvalid) || runErrs["child"] != nil || len(runErrs) != 1 {
		t.Errorf("run errors = %v, want only bad's (invalid version)", runErrs)
	}
	if epochs[w.ID] != 1 {
		t.Errorf("epochs = %v, want %s at 1", epochs, w.ID)
	}
	got, err := s.GetRun(ctx, "child")
	if err != nil || got.Status != engine.RunCompleted || got.Label != "Run #2" || got.ParentRunID != "p" || engine.ToText(got.Outputs["y"]) != "3" ||
		got.Snapshot.Records()["a"].GenerationID != "g1" {
		t.Errorf("child = %+v, %v; want completed Run #2 under p with y 3 and a's generation", got, err)
	}
	if _, err := s.GetGeneration(ctx, "g1"); err != nil {
		t.Errorf("generation: %v", err)
	}
	if _, err := s.GetRun(ctx, "bad"); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("bad run: %v, want not written", err)
	}
	// An update of a run that is not there fails alone too.
	_, _, runErrs, err = s.SaveBatch(ctx, nil, nil, []engine.Run{{ID: "gone", Status: engine.RunCompleted}})
	if err != nil || !errors.Is(runErrs["gone"], engine.ErrNotFound) {
		t.Errorf("update of a missing run: %v, %v", runErrs, err)
	}
}
