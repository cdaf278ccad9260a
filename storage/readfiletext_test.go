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

// TestReadFileTextMapped: in a process that maps cache files (MapCacheFiles), a file of at
// least mapMin bytes is mapped (it shows in /proc/self/maps), a smaller one is read, and so
// is one past what is left of the budget; a mapped string keeps its bytes when the file is
// written again as flowbench writes cache files (a new file renamed over it) or removed.
func TestReadFileTextMapped(t *testing.T) {
	if _, err := os.Stat("/proc/self/maps"); err != nil {
		t.Skip("no /proc/self/maps:", err)
	}
	t.Cleanup(func() { MapCacheFiles(0) })
	dir := t.TempDir()
	mapped := func(path string) bool {
		maps, err := os.ReadFile("/proc/self/maps")
		if err != nil {
			t.Fatal(err)
		}
		return bytes.Contains(maps, []byte(" "+path+"\n"))
	}
	rng := rand.New(rand.NewPCG(3, 4))
	file := func(name string, n int) (string, []byte) {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		path := filepath.Join(dir, name)
		writeCacheFile(path, data)
		return path, data
	}
	MapCacheFiles(3 << 20)
	for _, c := range []struct {
		name   string
		size   int
		mapped bool
	}{
		{"small", mapMin - 1, false}, {"at the limit", mapMin, true}, {"large", 2<<20 + 5, true},
		{"past the budget", 1 << 20, false}, // 3 MB − 64 KB − 2 MB left
	} {
		path, data := file(c.name, c.size)
		got, err := readFileText(path)
		if err != nil || got != string(data) {
			t.Fatalf("%s: got %d bytes (err %v), equal %v", c.name, len(got), err, got == string(data))
		}
		if mapped(path) != c.mapped {
			t.Fatalf("%s (%d bytes): mapped %v, want %v", c.name, c.size, mapped(path), c.mapped)
		}
		writeCacheFile(path, bytes.Repeat([]byte{'x'}, c.size))
		if got != string(data) {
			t.Fatalf("%s: the string changed when the file was written again", c.name)
		}
		os.Remove(path)
		if got != string(data) {
			t.Fatalf("%s: the string changed when the file was removed", c.name)
		}
	}
	// Without a budget (the window, tests): read.
	MapCacheFiles(0)
	path, data := file("unmapped", 1<<20)
	if got, err := readFileText(path); err != nil || got != string(data) || mapped(path) {
		t.Fatalf("no budget: equal %v, mapped %v, err %v", got == string(data), mapped(path), err)
	}
}
