package storage

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// TestStateRecordFiles: a saved record is a file named for its epoch, which the read takes,
// and the row keeps no copy of its bytes (they went through the WAL and the checkpoint on
// every run); with the file gone the record reads as none; a row written by an earlier build,
// with its bytes, is read when there is no file; a file that cannot be staged leaves the bytes
// in the row; a later record replaces the files of earlier epochs (and staged files a killed
// process left, not a fresh one); a file of an epoch the row is not at is never read; the
// files go with their workflow.
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
	stateDir := filepath.Join(s.home, "cache", "state")
	files := func() []string {
		f, _ := filepath.Glob(filepath.Join(stateDir, "*"))
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
	rowBytes := func() int {
		t.Helper()
		var n int
		if err := s.w.QueryRow(`SELECT length(data) FROM state_records WHERE workflow_id = ?`, w.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// The cache folder cannot be made (a file is in its way): the row keeps the bytes.
	if err := os.MkdirAll(filepath.Dir(stateDir), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stateDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.SaveStateRecord(ctx, w.ID, 0, []byte("zero")); err != nil || !ok {
		t.Fatalf("SaveStateRecord without a cache folder: %v %v", ok, err)
	}
	if got, n := read("no cache folder"), rowBytes(); got != "zero" || n != 4 {
		t.Fatalf("without a cache folder read %q, the row holds %d bytes; want zero in the row", got, n)
	}
	os.Remove(stateDir)
	if ok, err := s.SaveStateRecord(ctx, w.ID, 0, []byte("zero")); err != nil || !ok {
		t.Fatalf("SaveStateRecord: %v %v", ok, err)
	}
	path := s.stateFilePath(w.ID, 0)
	if f := files(); len(f) != 1 || f[0] != path {
		t.Fatalf("files %v, want %s", f, path)
	}
	if n := rowBytes(); n != 0 {
		t.Fatalf("the row holds %d bytes of a record its file holds", n)
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
	if got := read("no file"); got != "" {
		t.Fatalf("without the file read %q, want no record", got)
	}
	// A row an earlier build wrote, with its bytes and no file.
	if _, err := s.w.Exec(`UPDATE state_records SET data = ? WHERE workflow_id = ?`, []byte("old row"), w.ID); err != nil {
		t.Fatal(err)
	}
	if got := read("an earlier build's row"); got != "old row" {
		t.Fatalf("read %q, want the row's", got)
	}
	// The epoch moves on: a file of epoch 1 left there is not read for the row's epoch 0,
	// and saving for epoch 1 replaces the files of earlier epochs and a stale staged file.
	if err := os.WriteFile(s.stateFilePath(w.ID, 1), []byte("stale"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := read("another epoch's file"); got != "old row" {
		t.Fatalf("read %q, want the row's", got)
	}
	if err := os.WriteFile(path, []byte("epoch 0"), 0o600); err != nil {
		t.Fatal(err)
	}
	oldTmp, newTmp := s.stateFilePath(w.ID, 1)+".123.tmp", s.stateFilePath(w.ID, 2)+".456.tmp"
	for _, f := range []string{oldTmp, newTmp} {
		if err := os.WriteFile(f, []byte("staged"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chtimes(oldTmp, time.Now().Add(-2*staleTemp), time.Now().Add(-2*staleTemp)); err != nil {
		t.Fatal(err)
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
	if f := files(); len(f) != 2 || f[0] != s.stateFilePath(w.ID, 1) || f[1] != newTmp {
		t.Fatalf("files %v after the record of epoch 1, want its file and the fresh staged one", f)
	}
	if got := read("epoch 1"); got != "one" {
		t.Fatalf("read %q", got)
	}
	// A record for an epoch the workflow has left is not kept, nor is its staged file.
	if ok, err := s.SaveStateRecord(ctx, w.ID, 0, []byte("zero")); err != nil || ok {
		t.Fatalf("SaveStateRecord at a past epoch: %v %v", ok, err)
	}
	if f := files(); len(f) != 2 {
		t.Fatalf("files %v after a refused record", f)
	}
	if err := s.DeleteWorkflow(ctx, w.ID); err != nil {
		t.Fatal(err)
	}
	if f := files(); len(f) != 0 {
		t.Fatalf("files %v outlived their workflow", f)
	}
}
