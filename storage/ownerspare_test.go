package storage_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/flowbench/flowbench/storage"
)

// TestOwnerFileIsReused: a process that ends leaves its owner file as a spare, and the next
// process takes that file (the same inode, renamed to its owner name): no file is created or
// removed; the ended owner reads as gone and the new one as alive, from a third process.
func TestOwnerFileIsReused(t *testing.T) {
	home := t.TempDir()
	dir := filepath.Join(home, "owners")
	watcher := acquire(t, home)
	defer watcher.Release()
	a := acquire(t, home)
	before, err := os.Stat(filepath.Join(dir, a.ID+".lock"))
	if err != nil {
		t.Fatal(err)
	}
	a.Release()
	if watcher.Alive(a.ID) {
		t.Fatal("an ended owner reads as alive")
	}
	if got := ownerFiles(t, dir); len(got) != 2 || !strings.HasPrefix(got[1], "spare-") {
		t.Fatalf("after a release the owners folder holds %v, want the watcher's file and a spare", got)
	}
	b := acquire(t, home)
	after, err := os.Stat(filepath.Join(dir, b.ID+".lock"))
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(before, after) {
		t.Error("the next owner made a new file instead of taking the spare")
	}
	if got := ownerFiles(t, dir); len(got) != 2 {
		t.Errorf("owners folder holds %v, want the two live owners' files", got)
	}
	if !watcher.Alive(b.ID) || watcher.Alive(a.ID) {
		t.Errorf("alive: new owner %v, ended owner %v; want true, false", watcher.Alive(b.ID), watcher.Alive(a.ID))
	}
	// The taken file goes back as a spare in its turn.
	b.Release()
	if got := ownerFiles(t, dir); len(got) != 2 || !strings.HasPrefix(got[1], "spare-") {
		t.Fatalf("after the next owner's release the owners folder holds %v, want the watcher's file and a spare", got)
	}
	// A spare left by a process killed while taking or giving it (unlocked) is taken too.
	if err := os.WriteFile(filepath.Join(dir, "spare-killed.lock"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	c := acquire(t, home)
	d := acquire(t, home)
	if _, err := os.Stat(filepath.Join(dir, "spare-killed.lock")); !os.IsNotExist(err) {
		t.Errorf("an unlocked spare was not taken: %v", err)
	}
	c.Release()
	d.Release()
	if got := ownerFiles(t, dir); len(got) != 3 {
		t.Errorf("after all released the owners folder holds %v, want the watcher's file and two spares", got)
	}
}

// TestOwnersTakeSparesConcurrently: owners acquired and released at once from many goroutines
// (each lock its own open file, as separate processes hold theirs) never share a file: each
// live owner is alive to the others and reads as gone once released, and the spares left stay
// within the sweep's bound.
func TestOwnersTakeSparesConcurrently(t *testing.T) {
	home := t.TempDir()
	watcher := acquire(t, home)
	defer watcher.Release()
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				l, err := storage.AcquireOwner(home)
				if err != nil {
					errs <- err.Error()
					return
				}
				if !watcher.Alive(l.ID) {
					errs <- "a live owner reads as gone"
				}
				if (g+i)%3 == 0 {
					// another owner's probe while this one lives
					if m, err := storage.AcquireOwner(home); err == nil {
						if !m.Alive(l.ID) || !l.Alive(m.ID) {
							errs <- "two live owners read each other as gone"
						}
						m.Release()
					}
				}
				id := l.ID
				l.Release()
				if watcher.Alive(id) {
					errs <- "a released owner reads as alive"
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	last := acquire(t, home) // sweeps
	defer last.Release()
	spares := 0
	for _, n := range ownerFiles(t, filepath.Join(home, "owners")) {
		switch {
		case strings.HasPrefix(n, "spare-"):
			spares++
		case n != watcher.ID+".lock" && n != last.ID+".lock":
			t.Errorf("an ended owner's file %s is left", n)
		}
	}
	if spares > 16 {
		t.Errorf("%d spares left, want at most 16", spares)
	}
}

func acquire(t *testing.T, home string) *storage.OwnerLock {
	t.Helper()
	l, err := storage.AcquireOwner(home)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// ownerFiles lists the owners folder, the spares last.
func ownerFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var owners, spares []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "spare-") {
			spares = append(spares, e.Name())
		} else {
			owners = append(owners, e.Name())
		}
	}
	return append(owners, spares...)
}
