package storage_test

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/flowbench/flowbench/storage"
)

// TestCheckpointerFoldsCommits: a commit of a store left open is folded into the database
// file by the store's background checkpointer (whose connection is opened at its first tick,
// not at Open), seen in the WAL index: the frames backfilled reach the frames written.
func TestCheckpointerFoldsCommits(t *testing.T) {
	home := t.TempDir()
	s := open(t, home)
	defer s.Close()
	if err := s.SetSetting(context.Background(), "checkpoint-test", "1"); err != nil {
		t.Fatal(err)
	}
	shm := filepath.Join(home, storage.DBName+"-shm")
	var written, backfilled uint32
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		b, err := os.ReadFile(shm)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) < 100 {
			t.Fatalf("%s: %d bytes, want a WAL index", shm, len(b))
		}
		// The WAL index header's mxFrame and its checkpoint info's nBackfill, in native order.
		written, backfilled = binary.NativeEndian.Uint32(b[16:]), binary.NativeEndian.Uint32(b[96:])
		if written > 0 && backfilled == written {
			return
		}
	}
	t.Fatalf("after 30 s: %d of %d WAL frames checkpointed", backfilled, written)
}
