package storage_test

import (
	"testing"

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
