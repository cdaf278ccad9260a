package storage_test

import (
	"context"
	"errors"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

func TestGenerationBatch(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	ctx := context.Background()
	w, v, err := s.CreateWorkflow(ctx, engine.Workflow{ID: "wf", Name: "Batch"},
		engine.Version{Graph: engine.Graph{Nodes: []engine.Node{{ID: "a", Type: "util.random"}, {ID: "b", Type: "util.random"}}}})
	if err != nil {
		t.Fatal(err)
	}
	gen := func(id, node string, out any) engine.Generation {
		return engine.Generation{ID: id, WorkflowID: w.ID, NodeID: node, VersionID: v.ID, Status: engine.GenCompleted, Outputs: map[string]any{"value": out}}
	}
	if _, err := s.SaveGenerations(ctx, []engine.Generation{gen("g1", "a", 1), gen("g2", "a", 2), gen("g3", "b", "three")}); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetGenerations(ctx, []string{"g1", "g3", "missing"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["g1"].Outputs["value"] != int64(1) || got["g3"].NodeID != "b" {
		t.Fatalf("GetGenerations = %+v", got)
	}
	epoch, _ := s.GenerationEpoch(ctx, w.ID)
	if err := s.SelectGenerations(ctx, w.ID, map[string]string{"a": "g1", "b": "g3"}); err != nil {
		t.Fatal(err)
	}
	cur, err := s.CurrentGenerations(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	if cur.Current["a"].ID != "g1" || !cur.Current["a"].Selected || !cur.Current["b"].Selected || cur.Epoch <= epoch {
		t.Fatalf("after SelectGenerations: a=%+v b=%+v epoch %d→%d", cur.Current["a"], cur.Current["b"], epoch, cur.Epoch)
	}
	// A generation of another node refuses the whole batch: the clear of "a" is not applied.
	err = s.SelectGenerations(ctx, w.ID, map[string]string{"a": "", "b": "g2"})
	if !errors.Is(err, engine.ErrInvalid) {
		t.Fatalf("wrong node: %v", err)
	}
	if err := s.SelectGenerations(ctx, w.ID, map[string]string{"b": "nope"}); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("unknown generation: %v", err)
	}
	cur, _ = s.CurrentGenerations(ctx, w.ID)
	if cur.Current["a"].ID != "g1" || !cur.Current["a"].Selected {
		t.Fatalf("refused batch changed picks: %+v", cur.Current["a"])
	}
	if err := s.SelectGenerations(ctx, w.ID, map[string]string{"a": ""}); err != nil {
		t.Fatal(err)
	}
	cur, _ = s.CurrentGenerations(ctx, w.ID)
	if cur.Current["a"].ID != "g2" || cur.Current["a"].Selected {
		t.Fatalf("cleared pick: %+v", cur.Current["a"])
	}
}

func TestSameOutputs(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	ctx := context.Background()
	w, v, err := s.CreateWorkflow(ctx, engine.Workflow{ID: "wf", Name: "Same"}, engine.Version{Graph: engine.Graph{Nodes: []engine.Node{{ID: "a", Type: "util.random"}}}})
	if err != nil {
		t.Fatal(err)
	}
	ref, err := s.PutAsset(ctx, []byte("pixels"), "image/png", "one.png")
	if err != nil {
		t.Fatal(err)
	}
	renamed := ref
	renamed.Name = "two.png"
	other, _ := s.PutAsset(ctx, []byte("other pixels"), "image/png", "one.png")
	gen := func(id string, st engine.GenStatus, out map[string]any) engine.Generation {
		return engine.Generation{ID: id, WorkflowID: w.ID, NodeID: "a", VersionID: v.ID, Status: st, Outputs: out}
	}
	if _, err := s.SaveGenerations(ctx, []engine.Generation{
		gen("n1", engine.GenCompleted, map[string]any{"x": 1, "y": map[string]any{"b": 2, "a": 1}}),
		gen("n2", engine.GenCompleted, map[string]any{"y": map[string]any{"a": 1, "b": 2}, "x": 1.0}),
		gen("n3", engine.GenCompleted, map[string]any{"x": 2}),
		gen("i1", engine.GenCompleted, map[string]any{"image": ref}),
		gen("i2", engine.GenCompleted, map[string]any{"image": renamed}),
		gen("i3", engine.GenCompleted, map[string]any{"image": other}),
		gen("f1", engine.GenFailed, map[string]any{}),
		gen("f2", engine.GenFailed, map[string]any{}),
	}); err != nil {
		t.Fatal(err)
	}
	pairs := [][2]string{{"n1", "n2"}, {"n1", "n3"}, {"i1", "i2"}, {"i1", "i3"}, {"f1", "f2"}, {"n1", "gone"}}
	got, err := s.SameOutputs(ctx, pairs)
	if err != nil {
		t.Fatal(err)
	}
	want := []bool{true, false, true, false, false, false}
	for i, p := range pairs {
		if got[p] != want[i] {
			t.Errorf("SameOutputs%v = %v, want %v", p, got[p], want[i])
		}
	}
}
