package home_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/home"
)

// TestOpenAssemblesTheService: Open gives a service over the home's database with every
// node type, owning runs under its lock; two opens of one home (the window and a CLI call)
// are two owners of one store; Close lets the home open again.
func TestOpenAssemblesTheService(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	h, err := home.Open(ctx, dir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "flowbench.db")); err != nil {
		t.Fatalf("no database in the home: %v", err)
	}
	if _, ok := h.Service.Registry().Get("math.expr"); !ok {
		t.Fatal("the registry lacks the node library")
	}
	imp, err := h.Service.Import(ctx, []byte(`{"format":"flowbench.workflow/1","name":"W","nodes":[
		{"id":"a","type":"math.expr","params":{"expression":"2"}},{"id":"out","type":"io.output","params":{"name":"r"}}],
		"edges":[{"source":"a","sourceHandle":"result","target":"out","targetHandle":"value"}]}`), "")
	if err != nil {
		t.Fatal(err)
	}
	r, err := h.Service.StartRun(ctx, engine.RunRequest{Workflow: imp.WorkflowID})
	if err != nil {
		t.Fatal(err)
	}
	if r.Owner != h.Lock.ID {
		t.Errorf("run owner %q, want the home's lock %q", r.Owner, h.Lock.ID)
	}
	if done, err := h.Service.Wait(ctx, r.ID); err != nil || done.Status != engine.RunCompleted {
		t.Fatalf("run: %v %v", done.Status, err)
	}
	other, err := home.Open(ctx, dir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("a second process could not open the home: %v", err)
	}
	if other.Lock.ID == h.Lock.ID || !other.Service.OwnerAlive(h.Lock.ID) {
		t.Error("the second open does not see the first as a live owner")
	}
	if got, err := other.Store.GetRun(ctx, r.ID); err != nil || got.Status != engine.RunCompleted {
		t.Errorf("the second open reads the run as %v, %v", got.Status, err)
	}
	other.Close()
	h.Close()
	again, err := home.Open(ctx, dir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("reopening after Close: %v", err)
	}
	again.Close()
}

// TestOpenRefusesABadImageLimitBeforeWriting: a malformed FLOWBENCH_MAX_IMAGE_PIXELS is
// refused, naming the variable, before the home folder is created.
func TestOpenRefusesABadImageLimitBeforeWriting(t *testing.T) {
	t.Setenv(home.EnvMaxImagePixels, "lots")
	dir := filepath.Join(t.TempDir(), "fresh")
	_, err := home.Open(context.Background(), dir, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), home.EnvMaxImagePixels) {
		t.Fatalf("err = %v, want one naming %s", err, home.EnvMaxImagePixels)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the home folder was created: %v", err)
	}
}
