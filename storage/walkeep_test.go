package storage_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/storage"
)

// TestCloseKeepsASmallWAL: a store that wrote little leaves its WAL in place at Close (no
// checkpoint, no unlink: the next process appends to it instead of making it again), and what
// it committed is read back from it by the next open and by a plain SQLite connection; once
// the WAL has grown past the bound, Close folds it into the database file and removes it, as
// SQLite does by default.
func TestCloseKeepsASmallWAL(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	wal := filepath.Join(home, storage.DBName+"-wal")
	walSize := func() int64 {
		fi, err := os.Stat(wal)
		if err != nil {
			return -1
		}
		return fi.Size()
	}

	s := open(t, home)
	if err := s.SetSetting(ctx, "kept", "one"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n := walSize(); n <= 0 {
		t.Fatalf("after a small write and Close: WAL size %d, want the WAL kept", n)
	}
	var v string
	db := rawDB(t, home)
	if err := db.QueryRow(`SELECT value FROM settings WHERE key = 'kept'`).Scan(&v); err != nil || v != "one" {
		t.Fatalf("a plain connection reads kept = %q (%v), want one", v, err)
	}
	db.Close() // an open connection keeps any close from checkpointing

	s = open(t, home)
	if got, ok, err := s.GetSetting(ctx, "kept"); err != nil || !ok || got != "one" {
		t.Fatalf("reopened: kept = %q, %v, %v; want one", got, ok, err)
	}
	big := strings.Repeat("x", 64<<10)
	for i := range 24 { // 1.5 MB: past the bound
		if err := s.SetSetting(ctx, fmt.Sprintf("big%d", i), big); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n := walSize(); n > 0 {
		t.Errorf("after 1.5 MB of writes and Close: WAL size %d, want it folded and removed", n)
	}

	s = open(t, home)
	defer s.Close()
	for _, key := range []string{"kept", "big23"} {
		if _, ok, err := s.GetSetting(ctx, key); err != nil || !ok {
			t.Errorf("after the checkpointing close: %s missing (%v)", key, err)
		}
	}
}
