package engine_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// tmpLeft lists the entries of dir whose names contain ".tmp".
func tmpLeft(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp") {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestWriteFileAtomicCleansUp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	folder := filepath.Join(dir, "folder")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	err := engine.WriteFileAtomic(folder, []byte("x"))
	if err == nil || !errors.Is(err, engine.ErrInvalid) || !strings.Contains(err.Error(), folder) {
		t.Errorf("onto a folder: err = %v, want ErrInvalid naming it", err)
	}
	if err := engine.WriteFileAtomic(filepath.Join(dir, "missing", "f.json"), []byte("x")); err == nil {
		t.Error("into a missing folder: no error")
	}
	if l := tmpLeft(t, dir); len(l) > 0 {
		t.Errorf("failed writes left %v", l)
	}
	if l := tmpLeft(t, folder); len(l) > 0 {
		t.Errorf("failed writes left %v in the folder", l)
	}
	good := filepath.Join(dir, "good.json")
	for _, text := range []string{"first", "second"} {
		if err := engine.WriteFileAtomic(good, []byte(text)); err != nil {
			t.Fatal(err)
		}
		if data, _ := os.ReadFile(good); string(data) != text {
			t.Errorf("content = %q, want %q", data, text)
		}
	}
	if fi, _ := os.Stat(good); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode = %v, want 0644", fi.Mode().Perm())
	}
	if l := tmpLeft(t, dir); len(l) > 0 {
		t.Errorf("good writes left %v", l)
	}
}
