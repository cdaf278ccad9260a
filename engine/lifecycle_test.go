package engine_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/memstore"
)

// failingRunStore refuses the run writes its rule picks (a full disk, a lost database).
type failingRunStore struct {
	engine.Store
	mu   sync.Mutex
	fail func(r engine.Run) bool
}

var errDiskFull = errors.New("disk full")

func (s *failingRunStore) UpdateRun(ctx context.Context, r engine.Run) error {
	s.mu.Lock()
	fail := s.fail != nil && s.fail(r)
	s.mu.Unlock()
	if fail {
		return errDiskFull
	}
	return s.Store.UpdateRun(ctx, r)
}

// TakeSlots refuses, as a whole, a slot write carrying a run record the rule picks: an end,
// or the start of the runs it grants (when the rule refuses running records).
func (s *failingRunStore) TakeSlots(ctx context.Context, req engine.SlotRequest) ([]string, error) {
	s.mu.Lock()
	fail := req.Begin != nil && s.fail != nil && s.fail(engine.Run{Status: engine.RunRunning})
	for _, r := range req.Ended {
		fail = fail || (s.fail != nil && s.fail(r))
	}
	s.mu.Unlock()
	if fail {
		return nil, errDiskFull
	}
	return s.Store.TakeSlots(ctx, req)
}

func lifecycleService(t *testing.T, runCap int, fail func(engine.Run) bool) (*engine.Service, *failingRunStore) {
	t.Helper()
	reg, _ := testRegistry(t)
	st := &failingRunStore{Store: memstore.New(), fail: fail}
	svc, err := engine.NewService(engine.Config{Store: st, Registry: reg, RunCap: runCap})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Close)
	return svc, st
}

func sleepChain(first, second int) engine.Graph {
	return engine.Graph{
		Nodes: []engine.Node{
			node("a", "t.sleep", map[string]any{"ms": first}),
			node("b", "t.sleep", map[string]any{"ms": second}),
			node("out", "io.output", map[string]any{"name": "result"}),
		},
		Edges: []engine.Edge{edge("a", "value", "b", "value"), edge("b", "value", "out", "value")},
	}
}

func waitRun(t *testing.T, svc *engine.Service, id string) engine.Run {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r, err := svc.Wait(ctx, id)
	if err != nil {
		t.Fatalf("wait %s: %v", id, err)
	}
	return r
}

// TestRunFailsWhenItsStartCannotBeRecorded: a run whose "running" record cannot be written
// does not execute unrecorded; it fails, saying why.
func TestRunFailsWhenItsStartCannotBeRecorded(t *testing.T) {
	svc, _ := lifecycleService(t, 2, func(r engine.Run) bool { return r.Status == engine.RunRunning })
	imp := importGraph(t, svc, "chain", sleepChain(1, 1))
	r, err := svc.StartRun(context.Background(), engine.RunRequest{Workflow: imp.WorkflowID})
	if err != nil {
		t.Fatal(err)
	}
	final := waitRun(t, svc, r.ID)
	if final.Status != engine.RunFailed || !strings.Contains(final.Error, "recording the start") || !strings.Contains(final.Error, "disk full") {
		t.Fatalf("run = %s %q, want failed naming the start record and the disk", final.Status, final.Error)
	}
	if n := len(final.Snapshot.Records()); n != 0 {
		t.Errorf("%d nodes recorded: a run that could not be marked running must not execute", n)
	}
}

// TestRunReportsAnEndThatCannotBeRecorded: when the run's end cannot be written, the run is
// reported failed with the write's error, not as the store's stale "running".
func TestRunReportsAnEndThatCannotBeRecorded(t *testing.T) {
	svc, _ := lifecycleService(t, 2, func(r engine.Run) bool { return r.Status == engine.RunCompleted })
	imp := importGraph(t, svc, "chain", sleepChain(1, 1))
	var mu sync.Mutex
	var events []engine.Event
	svc.Bus.Subscribe(func(ev engine.Event) {
		mu.Lock()
		events = append(events, ev)
		mu.Unlock()
	})
	r, err := svc.StartRun(context.Background(), engine.RunRequest{Workflow: imp.WorkflowID})
	if err != nil {
		t.Fatal(err)
	}
	final := waitRun(t, svc, r.ID)
	if final.Status != engine.RunFailed || !strings.Contains(final.Error, "could not be recorded") || !strings.Contains(final.Error, "disk full") {
		t.Fatalf("run = %s %q, want failed saying its end could not be recorded", final.Status, final.Error)
	}
	mu.Lock()
	defer mu.Unlock()
	last := ""
	for _, ev := range events {
		if ev.Type == engine.EventRun && ev.RunID == r.ID {
			last = ev.Status
		}
	}
	if last != string(engine.RunFailed) {
		t.Errorf("last run event status %q, want failed", last)
	}
}

// TestRunStopsWhenItsSnapshotCannotBeSaved: a checkpoint that cannot be written stops the
// run, failed with the error, instead of going on with nothing to resume from.
func TestRunStopsWhenItsSnapshotCannotBeSaved(t *testing.T) {
	svc, _ := lifecycleService(t, 2, func(r engine.Run) bool {
		return r.Status == engine.RunRunning && len(r.Snapshot.Nodes) > 0
	})
	// a finishes after the first checkpoint is due; b would take a minute.
	imp := importGraph(t, svc, "chain", sleepChain(1100, 60_000))
	r, err := svc.StartRun(context.Background(), engine.RunRequest{Workflow: imp.WorkflowID})
	if err != nil {
		t.Fatal(err)
	}
	final := waitRun(t, svc, r.ID)
	if final.Status != engine.RunFailed || !strings.Contains(final.Error, "snapshot") || !strings.Contains(final.Error, "disk full") {
		t.Fatalf("run = %s %q, want failed naming the snapshot write", final.Status, final.Error)
	}
	if rec := final.Snapshot.Records()["b"]; rec.Status == engine.NodeExecuted {
		t.Errorf("b executed after the snapshot failed")
	}
}

// TestCancelQueuedReportsAWriteThatFailed: cancelling a queued run whose cancel cannot be
// recorded says so.
func TestCancelQueuedReportsAWriteThatFailed(t *testing.T) {
	svc, _ := lifecycleService(t, 1, func(r engine.Run) bool { return r.Status == engine.RunCancelled && r.StartedAt == nil })
	imp := importGraph(t, svc, "chain", sleepChain(60_000, 1))
	ctx := context.Background()
	first, err := svc.StartRun(ctx, engine.RunRequest{Workflow: imp.WorkflowID})
	if err != nil {
		t.Fatal(err)
	}
	second, err := svc.StartRun(ctx, engine.RunRequest{Workflow: imp.WorkflowID})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Cancel(ctx, second.ID); !errors.Is(err, errDiskFull) || !strings.Contains(err.Error(), second.ID) {
		t.Fatalf("cancel of the queued run = %v, want the write's error naming the run", err)
	}
	if err := svc.Cancel(ctx, first.ID); err != nil {
		t.Fatal(err)
	}
	if r := waitRun(t, svc, first.ID); r.Status != engine.RunCancelled {
		t.Fatalf("first run %s", r.Status)
	}
}
