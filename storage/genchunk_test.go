package storage_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// A batch of generations goes in multi-row INSERTs of 32 and the rest one by one: every
// generation gets its own row's seq, in batch order, and a row that cannot be written in a
// chunk is named in the error, the whole batch refused.
func TestSaveGenerationsInChunks(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	ctx := context.Background()
	w, v, err := s.CreateWorkflow(ctx, engine.Workflow{ID: "wf", Name: "Chunks"},
		engine.Version{Graph: engine.Graph{Nodes: []engine.Node{{ID: "a", Type: "util.random"}}}})
	if err != nil {
		t.Fatal(err)
	}
	gens := func(prefix string, n int) []engine.Generation {
		out := make([]engine.Generation, n)
		for i := range out {
			out[i] = engine.Generation{ID: fmt.Sprintf("%s%03d", prefix, i), WorkflowID: w.ID, NodeID: fmt.Sprintf("n%d", i%7), VersionID: v.ID,
				Status: engine.GenCompleted, Outputs: map[string]any{"value": int64(i)}, ConfigHash: "c", InputFingerprint: fmt.Sprintf("f%d", i)}
		}
		return out
	}
	for _, n := range []int{1, 31, 32, 33, 75} {
		batch := gens(fmt.Sprintf("b%d-", n), n)
		if _, err := s.SaveGenerations(ctx, batch); err != nil {
			t.Fatalf("%d generations: %v", n, err)
		}
		ids := make([]string, n)
		for i, g := range batch {
			ids[i] = g.ID
			if i > 0 && g.Seq <= batch[i-1].Seq {
				t.Fatalf("%d generations: seq %d after %d", n, g.Seq, batch[i-1].Seq)
			}
		}
		stored, err := s.GetGenerations(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		for i, g := range batch {
			got := stored[g.ID]
			if got.Seq != g.Seq || got.NodeID != g.NodeID || got.Outputs["value"] != int64(i) || got.InputFingerprint != g.InputFingerprint ||
				got.WorkflowID != w.ID || got.VersionID != v.ID || got.RunID != g.RunID || got.Status != g.Status {
				t.Fatalf("%d generations: #%d stored as %+v, want seq %d node %s value %d", n, i, got, g.Seq, g.NodeID, i)
			}
		}
	}

	// Chunks of one run bind the run's ids once; a chunk of two runs binds them per row.
	// Both write the same rows.
	for name, runOf := range map[string]func(int) string{
		"one run":  func(int) string { return "run-a" },
		"two runs": func(i int) string { return []string{"run-a", "run-b"}[i/40%2] },
	} {
		batch := gens(strings.ReplaceAll(name, " ", "-")+"-", 80)
		for i := range batch {
			batch[i].RunID = runOf(i)
			if i%9 == 0 {
				batch[i].Status, batch[i].Error, batch[i].DurationMS = engine.GenFailed, fmt.Sprintf("error %d", i), int64(i)
			}
		}
		if _, err := s.SaveGenerations(ctx, batch); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for i, g := range batch {
			got, err := s.GetGeneration(ctx, g.ID)
			if err != nil || got.Seq != g.Seq || (i > 0 && g.Seq != batch[i-1].Seq+1) || got.RunID != runOf(i) || got.NodeID != g.NodeID ||
				got.WorkflowID != w.ID || got.VersionID != v.ID || got.Status != g.Status || got.Error != g.Error ||
				got.DurationMS != g.DurationMS || got.ConfigHash != "c" || got.InputFingerprint != g.InputFingerprint || got.Outputs["value"] != int64(i) {
				t.Fatalf("%s: #%d stored as %+v (%v), want %+v", name, i, got, err, g)
			}
		}
	}

	// A duplicate id in the middle of a chunk: named, nothing of the batch written.
	dup := gens("dup-", 40)
	dup[20].ID = "b75-010"
	_, err = s.SaveGenerations(ctx, dup)
	if !errors.Is(err, engine.ErrConflict) || !strings.Contains(err.Error(), "b75-010") {
		t.Fatalf("duplicate id in a chunk: %v", err)
	}
	if got, _ := s.GetGenerations(ctx, []string{"dup-000", "dup-039"}); len(got) != 0 {
		t.Fatalf("a refused batch left %d generations", len(got))
	}
	// A generation of a workflow that does not exist, inside a chunk: named.
	orphan := gens("orphan-", 64)
	orphan[45].WorkflowID = "no-such-workflow"
	_, err = s.SaveGenerations(ctx, orphan)
	if !errors.Is(err, engine.ErrNotFound) || !strings.Contains(err.Error(), "orphan-045") {
		t.Fatalf("unknown workflow in a chunk: %v", err)
	}
	if got, _ := s.GetGenerations(ctx, []string{"orphan-000", "orphan-063"}); len(got) != 0 {
		t.Fatalf("a refused batch left %d generations", len(got))
	}
}
