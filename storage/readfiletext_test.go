package storage

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// TestReadFileText: the string is the file's bytes, whatever its size (empty, around the
// first buffer's size, a few MB), for a file longer than its Stat said (a /proc file says 0:
// the read goes on past the first buffer), and stays as read when the file changes after.
func TestReadFileText(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 511, 512, 513, 4096, 1<<20 + 3, 3 << 20} {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		path := filepath.Join(dir, "f")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := readFileText(path)
		if err != nil || got != string(data) {
			t.Fatalf("size %d: got %d bytes (err %v), equal %v", n, len(got), err, got == string(data))
		}
		if n > 0 {
			// Another content written in place: the string read before keeps its bytes.
			other := bytes.Repeat([]byte{'x'}, n)
			if err := os.WriteFile(path, other, 0o644); err != nil {
				t.Fatal(err)
			}
			if got != string(data) {
				t.Fatalf("size %d: the string changed with the file", n)
			}
		}
	}
	if _, err := readFileText(filepath.Join(dir, "missing")); err == nil {
		t.Fatal("a missing file read without an error")
	}
	// A file whose Stat says 0 bytes and that has more than the first buffer holds.
	const proc = "/proc/self/maps"
	want, err := os.ReadFile(proc)
	if err != nil || len(want) <= 512 {
		t.Skipf("%s: %d bytes, %v", proc, len(want), err)
	}
	got, err := readFileText(proc)
	if err != nil || len(got) <= 512 {
		t.Fatalf("%s: got %d bytes, %v (os.ReadFile: %d)", proc, len(got), err, len(want))
	}
}
