package storage

import (
	"context"
	"os"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// TestVersionBinWrittenAsideOutlivesNoVersion: a large version's cache file is written after
// its row, on another goroutine; when its workflow is deleted before the file is written, no
// file is left behind, and a version kept has its file once the store is closed.
func TestVersionBinWrittenAsideOutlivesNoVersion(t *testing.T) {
	ctx := context.Background()
	s := openDeltaStore(t, t.TempDir())
	s.holdBins = make(chan struct{})
	gone, v1, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "gone"}, engine.Version{Graph: chainGraph(2000)})
	if err != nil {
		t.Fatal(err)
	}
	_, kept, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "kept"}, engine.Version{Graph: chainGraph(2000)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.versionBinPath(v1.ID)); !os.IsNotExist(err) {
		t.Fatalf("the cache file was written before its write was let go: %v", err)
	}
	if err := s.DeleteWorkflow(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	close(s.holdBins)
	s.Close()
	if _, err := os.Stat(s.versionBinPath(v1.ID)); !os.IsNotExist(err) {
		t.Errorf("a deleted version's cache file is left: %v", err)
	}
	if _, err := os.Stat(s.versionBinPath(kept.ID)); err != nil {
		t.Errorf("the kept version has no cache file after Close: %v", err)
	}
}
