package storage_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/flowbench/flowbench/storage"
)

func TestOwnerLockTellsLiveFromGone(t *testing.T) {
	home := t.TempDir()
	a, err := storage.AcquireOwner(home)
	if err != nil {
		t.Fatal(err)
	}
	b, err := storage.AcquireOwner(home)
	if err != nil {
		t.Fatal(err)
	}
	if !b.Alive(a.ID) || !a.Alive(a.ID) {
		t.Fatal("a live owner reads as gone")
	}
	if b.Alive("not-an-owner") || b.Alive("../../etc/passwd") {
		t.Fatal("a malformed owner reads as alive")
	}
	a.Release()
	if b.Alive(a.ID) {
		t.Fatal("a released owner reads as alive")
	}
	b.Release()
	b.Release() // idempotent
}

// TestOwnerFilesOfGoneProcessesAreRemoved: a process killed before it could remove its owner
// file leaves it behind; the next start removes it (once it is old enough that it cannot be
// a file just created and not yet locked), and keeps the files of live processes.
func TestOwnerFilesOfGoneProcessesAreRemoved(t *testing.T) {
	home := t.TempDir()
	dir := filepath.Join(home, "owners")
	live, err := storage.AcquireOwner(home)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Release()
	old := time.Now().Add(-2 * time.Hour)
	stale := []string{"11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"}
	for _, id := range stale {
		path := filepath.Join(dir, id+".lock")
		if err := os.WriteFile(path, []byte("123\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(path, old, old)
	}
	// a cancel request to a gone owner, and a fresh unlocked file (a process starting now)
	os.WriteFile(filepath.Join(dir, stale[0]+".run1.cancel"), nil, 0o644)
	os.Chtimes(filepath.Join(dir, stale[0]+".run1.cancel"), old, old)
	fresh := filepath.Join(dir, "33333333-3333-3333-3333-333333333333.lock")
	os.WriteFile(fresh, nil, 0o644)
	os.Chtimes(filepath.Join(dir, live.ID+".lock"), old, old)

	next, err := storage.AcquireOwner(home)
	if err != nil {
		t.Fatal(err)
	}
	defer next.Release()
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := map[string]bool{live.ID + ".lock": true, next.ID + ".lock": true, filepath.Base(fresh): true}
	if len(names) != len(want) {
		t.Fatalf("owners folder holds %v, want %v", names, want)
	}
	for _, n := range names {
		if !want[n] {
			t.Fatalf("owners folder holds %v, want %v", names, want)
		}
	}
}

// TestCancelRequestsReachTheirOwner: a request names its owner and run; only that owner
// takes it, once.
func TestCancelRequestsReachTheirOwner(t *testing.T) {
	home := t.TempDir()
	a, err := storage.AcquireOwner(home)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Release()
	b, err := storage.AcquireOwner(home)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Release()
	if err := storage.RequestCancel(home, a.ID, "run-1"); err != nil {
		t.Fatal(err)
	}
	if err := storage.RequestCancel(home, a.ID, "../x"); err == nil {
		t.Fatal("a run id with a path in it was accepted")
	}
	if got := b.TakeCancelRequests(); len(got) != 0 {
		t.Fatalf("another owner took %v", got)
	}
	if got := a.TakeCancelRequests(); len(got) != 1 || got[0] != "run-1" {
		t.Fatalf("took %v", got)
	}
	if got := a.TakeCancelRequests(); len(got) != 0 {
		t.Fatalf("took %v twice", got)
	}
}
