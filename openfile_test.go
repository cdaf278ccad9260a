package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestOpenAtStartImportsTheFile: the file the window was started with (`flowbench FILE.json`)
// is imported after startup without blocking it, becomes a chosen path, and the window hears
// "openfile" and takes the new workflow once; a file that does not import is reported as an
// error (no workflow written, no crash).
func TestOpenAtStartImportsTheFile(t *testing.T) {
	a, _ := testApp(t)
	var mu sync.Mutex
	var events []string
	a.emit = func(_ context.Context, name string, data ...any) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, name)
	}
	src, err := os.ReadFile("testdata/json-math.json")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "math.flowbench.json")
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := a.TakeOpenedFile(); got.Path != "" {
		t.Fatalf("before any import: %+v", got)
	}
	wait := func(done <-chan struct{}) {
		t.Helper()
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			t.Fatal("the startup import hung for 60 s")
		}
	}
	wait(a.openAtStart(a.ctx, path))
	if err := a.chosen.check(path); err != nil {
		t.Errorf("the opened file is not a chosen path: %v", err)
	}
	got := a.TakeOpenedFile()
	if got.Path != path || got.Error != "" || got.WorkflowID == "" || !got.Created {
		t.Fatalf("opened: %+v", got)
	}
	if again := a.TakeOpenedFile(); again.Path != "" {
		t.Errorf("taken twice: %+v", again)
	}
	// The same file opened again (a second double-click): the workflow it became, no copy.
	wait(a.openAtStart(a.ctx, path))
	if again := a.TakeOpenedFile(); again.Path != path || again.Error != "" || again.Created || again.WorkflowID != got.WorkflowID {
		t.Fatalf("opened again: %+v; want workflow %s, created false", again, got.WorkflowID)
	}
	if l, _ := a.ListWorkflows(); len(l) != 1 {
		t.Fatalf("%d workflows after opening one file twice", len(l))
	}
	d, err := a.OpenWorkflow(got.WorkflowID)
	if err != nil {
		t.Fatalf("the imported workflow does not open: %v", err)
	}
	if d.Workflow.Name == "" {
		t.Errorf("imported workflow has no name: %+v", d.Workflow)
	}
	mu.Lock()
	if len(events) != 2 || events[0] != "openfile" || events[1] != "openfile" {
		t.Errorf("events %q, want two openfile", events)
	}
	mu.Unlock()

	// A broken file: an error naming the problem, nothing imported.
	bad := filepath.Join(t.TempDir(), "broken.flowbench.json")
	if err := os.WriteFile(bad, []byte(`{"format": `), 0o644); err != nil {
		t.Fatal(err)
	}
	before, err := a.ListWorkflows()
	if err != nil {
		t.Fatal(err)
	}
	wait(a.openAtStart(a.ctx, bad))
	got = a.TakeOpenedFile()
	if got.Path != bad || got.Error == "" || got.WorkflowID != "" {
		t.Fatalf("broken file: %+v", got)
	}
	after, _ := a.ListWorkflows()
	if len(after) != len(before) {
		t.Errorf("a broken file wrote a workflow: %d → %d", len(before), len(after))
	}

	// No file: nothing happens.
	wait(a.openAtStart(a.ctx, ""))
	if got := a.TakeOpenedFile(); got.Path != "" {
		t.Errorf("no file: %+v", got)
	}
	// Another path is still refused: only the opened file was added.
	if err := a.chosen.check(filepath.Join(filepath.Dir(path), "other.json")); err == nil || !strings.Contains(err.Error(), "was not chosen") {
		t.Errorf("other path: %v", err)
	}
}
