package engine_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/memstore"
)

func writePNG(t *testing.T, path string, c color.Color) {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 8, 8))
	for i := 0; i < 64; i++ {
		img.Set(i%8, i/8, c)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// TestLinkedFileChangeMakesNodeStale edits a linked image on disk: the watch sends a stale
// event naming the node, and the plan reruns it with file_changed.
func TestLinkedFileChangeMakesNodeStale(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	photo := filepath.Join(dir, "photo.png")
	writePNG(t, photo, color.NRGBA{R: 255, A: 255})
	svc := libraryService(t, memstore.New())
	g := engine.Graph{
		Nodes: []engine.Node{node("load", "image.load", map[string]any{"path": photo}), node("gray", "image.grayscale", nil),
			node("out", "io.output", map[string]any{"name": "img"})},
		Edges: []engine.Edge{edge("load", "image", "gray", "image"), edge("gray", "image", "out", "value")},
	}
	imp := importGraph(t, svc, "linked", g)
	run := runAndWait(t, svc, engine.RunRequest{Workflow: "linked"})
	if run.Status != engine.RunCompleted {
		t.Fatalf("first run: %s %s", run.Status, run.Error)
	}
	plan, err := svc.PlanFrom(context.Background(), "linked", "", "out", nil)
	if err != nil || plan.Nodes["load"].Action != engine.ActionReuse {
		t.Fatalf("unchanged file should be reused: %v %+v", err, plan.Nodes["load"])
	}

	stale := make(chan engine.Event, 16)
	svc.Bus.Subscribe(func(e engine.Event) {
		if e.Type == engine.EventStale {
			stale <- e
		}
	})
	if err := svc.WatchWorkflow(context.Background(), imp.WorkflowID, g); err != nil {
		t.Fatal(err)
	}
	if svc.WatchedFiles() != 1 {
		t.Fatalf("watched files %d", svc.WatchedFiles())
	}
	writePNG(t, photo, color.NRGBA{B: 255, A: 255})
	select {
	case e := <-stale:
		if e.NodeID != "load" || e.WorkflowID != imp.WorkflowID || !slices.Contains(e.Reasons, engine.ReasonFileChanged) {
			t.Fatalf("stale event %+v", e)
		}
	case <-time.After(30 * time.Second): // a hang guard
		t.Fatal("no stale event after the file changed")
	}
	plan, err = svc.PlanFrom(context.Background(), "linked", "", "out", nil)
	if err != nil {
		t.Fatal(err)
	}
	if p := plan.Nodes["load"]; p.Action != engine.ActionRerun || !slices.Contains(p.Reasons, engine.ReasonFileChanged) {
		t.Fatalf("changed file plan %+v", p)
	}
	run2 := runAndWait(t, svc, engine.RunRequest{Workflow: "linked", From: "out"})
	if run2.Status != engine.RunCompleted || run2.Snapshot.Records()["load"].Status != engine.NodeExecuted {
		t.Fatalf("rerun: %s %+v", run2.Status, run2.Snapshot.Records()["load"])
	}

	// Deleting the file is reported, and a run names the missing file instead of crashing.
	if err := os.Remove(photo); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(30 * time.Second) // a hang guard
	for deleted := false; !deleted; {
		select {
		case e := <-stale:
			deleted = bytes.Contains([]byte(e.Text), []byte("deleted"))
		case <-deadline:
			t.Fatal("no stale event after the file was deleted")
		}
	}
	run3 := runAndWait(t, svc, engine.RunRequest{Workflow: "linked"})
	if run3.Status != engine.RunFailed || !bytes.Contains([]byte(run3.Error), []byte("photo.png")) {
		t.Fatalf("missing file run: %s %q", run3.Status, run3.Error)
	}
	svc.UnwatchWorkflow(imp.WorkflowID)
	if svc.WatchedFiles() != 0 {
		t.Fatalf("watches not released: %d", svc.WatchedFiles())
	}
}
