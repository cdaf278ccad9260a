package storage

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// TestStateRecordFiles: a saved record is also a file named for its epoch, which the read
// takes (the row's bytes when there is none); a later record replaces the file; a file of an
// epoch the row is not at is never read; the files go with their workflow.
func TestStateRecordFiles(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w, v, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "w"}, engine.Version{Graph: engine.Graph{}, ContentHash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	files := func() []string {
		f, _ := filepath.Glob(filepath.Join(s.home, "cache", "state", "*"))
		return f
	}
	read := func(step string) string {
		t.Helper()
		rec, err := s.StateRecord(ctx, w.ID, 100)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if rec.Data != nil {
			return string(rec.Data)
		}
		return rec.Text
	}
	if ok, err := s.SaveStateRecord(ctx, w.ID, 0, []byte("zero")); err != nil || !ok {
		t.Fatalf("SaveStateRecord: %v %v", ok, err)
	}
	path := s.stateFilePath(w.ID, 0)
	if f := files(); len(f) != 1 || f[0] != path {
		t.Fatalf("files %v, want %s", f, path)
	}
	if got := read("saved"); got != "zero" {
		t.Fatalf("read %q", got)
	}
	if err := os.WriteFile(path, []byte("from the file"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := read("the file changed"); got != "from the file" {
		t.Fatalf("read %q: the file was not read", got)
	}
	os.Remove(path)
	if got := read("no file"); got != "zero" {
		t.Fatalf("without the file read %q, want the row's", got)
	}
	// The epoch moves on: a file of epoch 1 left there is not read for the row's epoch 0,
	// and saving for epoch 1 replaces the files.
	if err := os.WriteFile(s.stateFilePath(w.ID, 1), []byte("stale"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := read("another epoch's file"); got != "zero" {
		t.Fatalf("read %q, want the row's", got)
	}
	r, err := s.CreateRun(ctx, engine.Run{WorkflowID: w.ID, VersionID: v.ID, Status: engine.RunRunning, Mode: engine.ModeFull})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveGenerations(ctx, []engine.Generation{{ID: "01a24b96-0000-7000-8000-000000000001", WorkflowID: w.ID, NodeID: "a",
		RunID: r.ID, VersionID: v.ID, Status: engine.GenCompleted, Outputs: map[string]any{}}}); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.SaveStateRecord(ctx, w.ID, 1, []byte("one")); err != nil || !ok {
		t.Fatalf("SaveStateRecord at 1: %v %v", ok, err)
	}
	if f := files(); len(f) != 1 || f[0] != s.stateFilePath(w.ID, 1) {
		t.Fatalf("files %v after the record of epoch 1", f)
	}
	if got := read("epoch 1"); got != "one" {
		t.Fatalf("read %q", got)
	}
	if err := s.DeleteWorkflow(ctx, w.ID); err != nil {
		t.Fatal(err)
	}
	if f := files(); len(f) != 0 {
		t.Fatalf("files %v outlived their workflow", f)
	}
}
