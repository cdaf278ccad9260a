package storage_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// TestAssetsAnotherProcessJustPutAreKept: process A stores the bytes a result of its run will
// name; before A commits, process B deletes its own last generation naming the same bytes.
// The file stays (A put it a moment ago), and A's result is whole.
func TestAssetsAnotherProcessJustPutAreKept(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	a, b := open(t, home), open(t, home)
	defer a.Close()
	defer b.Close()
	w, v, err := b.CreateWorkflow(ctx, engine.Workflow{Name: "shared bytes"}, engine.Version{Graph: engine.Graph{Nodes: []engine.Node{{ID: "img", Type: "image.load"}}}})
	if err != nil {
		t.Fatal(err)
	}
	png := []byte("the same picture, made twice")
	old, err := b.PutAsset(ctx, png, "image/png", "old.png")
	if err != nil {
		t.Fatal(err)
	}
	gb := engine.Generation{ID: "0193f2a4-5b6c-7d8e-9f01-0000000000b1", WorkflowID: w.ID, NodeID: "img", VersionID: v.ID,
		Status: engine.GenCompleted, Outputs: map[string]any{"image": old}}
	if _, err := b.SaveGenerations(ctx, []engine.Generation{gb}); err != nil {
		t.Fatal(err)
	}

	ref, err := a.PutAsset(ctx, png, "image/png", "new.png") // A's node made the same bytes
	if err != nil {
		t.Fatal(err)
	}
	if err := b.DeleteGeneration(ctx, gb.ID); err != nil { // B drops its only generation naming them
		t.Fatal(err)
	}
	path, _ := a.AssetPath(ref.Asset)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("B collected the file A is about to link: %v", err)
	}
	ga := engine.Generation{ID: "0193f2a4-5b6c-7d8e-9f01-0000000000a1", WorkflowID: w.ID, NodeID: "img", VersionID: v.ID,
		Status: engine.GenCompleted, Outputs: map[string]any{"image": ref}}
	if _, err := a.SaveGenerations(ctx, []engine.Generation{ga}); err != nil {
		t.Fatal(err)
	}
	rc, err := b.OpenAsset(ctx, ref.Asset)
	if err != nil {
		t.Fatalf("A's result lost its file: %v", err)
	}
	rc.Close()
}

// TestOpenSweepsAssetsLeftUnlinked: an asset stored by a process that stopped before linking
// it goes at the next open, once it is old enough; a recent one of another process stays.
func TestOpenSweepsAssetsLeftUnlinked(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	s := open(t, home)
	left, err := s.PutAsset(ctx, []byte("put, then the process stopped"), "text/plain", "left.txt")
	if err != nil {
		t.Fatal(err)
	}
	recent, err := s.PutAsset(ctx, []byte("put a moment ago"), "text/plain", "recent.txt")
	if err != nil {
		t.Fatal(err)
	}
	leftPath, _ := s.AssetPath(left.Asset)
	recentPath, _ := s.AssetPath(recent.Asset)
	s.Close()
	db := rawDB(t, home)
	if _, err := db.Exec(`UPDATE assets SET put_at = ? WHERE sha256 = ?`, time.Now().Add(-time.Hour).UnixMilli(), left.Asset); err != nil {
		t.Fatal(err)
	}
	// a store opened again within a day does not sweep; a day later it does
	s = open(t, home)
	s.Close()
	if _, err := os.Stat(leftPath); err != nil {
		t.Fatalf("swept sooner than a day after the last sweep: %v", err)
	}
	if _, err := db.Exec(`UPDATE settings SET value = ? WHERE key = 'assets_swept_at'`, time.Now().Add(-25*time.Hour).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	s = open(t, home)
	defer s.Close()
	if _, err := os.Stat(leftPath); !os.IsNotExist(err) {
		t.Errorf("the old unlinked asset is still there (%v)", err)
	}
	if _, err := os.Stat(recentPath); err != nil {
		t.Errorf("the recent unlinked asset was swept: %v", err)
	}
	if _, err := s.OpenAsset(ctx, left.Asset); err == nil {
		t.Error("the swept asset still opens")
	}
}
