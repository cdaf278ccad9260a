package engine_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/storage"
)

// gauge counts the nodes of type t.gauge executing at once, across every Service of a test.
// A node with ms below 0 runs until it takes a token from tokens (or tokens is closed).
type gauge struct {
	now, peak atomic.Int64
	tokens    chan struct{}
}

func (g *gauge) register(tb testing.TB, reg *engine.Registry) {
	tb.Helper()
	reg.MustRegister(engine.NodeType{Type: "t.gauge", Outputs: []engine.Handle{{Name: "out", Type: engine.TypeAny}},
		Params: []engine.ParamSpec{{Name: "ms", Kind: engine.ParamInteger}},
		Run: func(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
			n := g.now.Add(1)
			defer g.now.Add(-1)
			for {
				p := g.peak.Load()
				if n <= p || g.peak.CompareAndSwap(p, n) {
					break
				}
			}
			ms, _ := in.Int("ms", 100)
			if ms < 0 {
				select {
				case <-g.tokens:
					return map[string]any{"out": ms}, nil
				case <-ctx.Done():
					return nil, ctx.Err()
				}
			}
			select {
			case <-time.After(time.Duration(ms) * time.Millisecond):
				return map[string]any{"out": ms}, nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}})
}

// processAt is another process on home: its own SQLite connection, owner and owner lock
// (the lock the OS drops when a process dies).
func processAt(tb testing.TB, home string, g *gauge) (*engine.Service, *storage.OwnerLock) {
	tb.Helper()
	st, err := storage.Open(context.Background(), home, nil)
	if err != nil {
		tb.Fatal(err)
	}
	lock, err := storage.AcquireOwner(home)
	if err != nil {
		tb.Fatal(err)
	}
	reg, _ := testRegistry(tb)
	g.register(tb, reg)
	svc, err := engine.NewService(engine.Config{Store: st, Registry: reg, Owner: lock.ID, OwnerAlive: lock.Alive,
		CancelEvery: 10 * time.Millisecond})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		svc.Close()
		st.Close()
		lock.Release()
	})
	return svc, lock
}

func gaugeGraph(ms int) engine.Graph {
	return engine.Graph{
		Nodes: []engine.Node{node("g", "t.gauge", map[string]any{"ms": ms}), node("out", "io.output", map[string]any{"name": "v"})},
		Edges: []engine.Edge{edge("g", "out", "out", "value")},
	}
}

// TestRunCapSharedAcrossProcesses: three processes on one data home at run cap 2 never run
// more than 2 runs at once between them (SPEC §5), and every run completes.
func TestRunCapSharedAcrossProcesses(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	g := &gauge{}
	var procs []*engine.Service
	for range 3 {
		svc, _ := processAt(t, home, g)
		procs = append(procs, svc)
	}
	if err := procs[0].SetRunCap(ctx, 2); err != nil {
		t.Fatal(err)
	}
	imp := importGraph(t, procs[0], "gauge", gaugeGraph(150))
	var wg sync.WaitGroup
	errs := make(chan error, 9)
	for _, p := range procs {
		for range 3 {
			r, err := p.StartRun(ctx, engine.RunRequest{Workflow: imp.WorkflowID})
			if err != nil {
				t.Fatal(err)
			}
			wg.Add(1)
			go func(p *engine.Service, id string) {
				defer wg.Done()
				waitCtx, stop := context.WithTimeout(ctx, 2*time.Minute) // a hang guard
				defer stop()
				final, err := p.Wait(waitCtx, id)
				if err == nil && final.Status != engine.RunCompleted {
					err = &runErr{final}
				}
				if err != nil {
					errs <- err
				}
			}(p, r.ID)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if peak := g.peak.Load(); peak > 2 {
		t.Errorf("%d runs executed at once across three processes at cap 2", peak)
	}
}

type runErr struct{ r engine.Run }

func (e *runErr) Error() string {
	return "run " + e.r.ID + " ended " + string(e.r.Status) + ": " + e.r.Error
}

// TestDeadProcessSlotsComeBack: the slot a killed process held is given back once its owner
// lock is gone, and the run waiting for it starts.
func TestDeadProcessSlotsComeBack(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	g := &gauge{}
	svc, _ := processAt(t, home, g)
	if err := svc.SetRunCap(ctx, 1); err != nil {
		t.Fatal(err)
	}
	imp := importGraph(t, svc, "gauge", gaugeGraph(1))

	// The "killed" process: a queued run it owns holds the one slot; then its lock goes.
	ghostStore, err := storage.Open(ctx, home, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ghostStore.Close()
	ghost, err := storage.AcquireOwner(home)
	if err != nil {
		t.Fatal(err)
	}
	wf, err := ghostStore.GetWorkflow(ctx, imp.WorkflowID)
	if err != nil {
		t.Fatal(err)
	}
	held, err := ghostStore.CreateRun(ctx, engine.Run{WorkflowID: wf.ID, VersionID: wf.CurrentVersionID, Status: engine.RunQueued,
		Mode: engine.ModeFull, Owner: ghost.ID, CreatedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	granted, err := ghostStore.TakeSlots(ctx, engine.SlotRequest{Owner: ghost.ID, Queued: []string{held.ID}, Limit: 1, Cap: 1,
		PausedKey: engine.SettingQueuePaused, Alive: func(string) bool { return true }})
	if err != nil || len(granted) != 1 {
		t.Fatalf("ghost slot: %v %v", granted, err)
	}
	held.Status, held.StartedAt = engine.RunRunning, &held.CreatedAt
	if err := ghostStore.UpdateRun(ctx, held); err != nil {
		t.Fatal(err)
	}

	r, err := svc.StartRun(ctx, engine.RunRequest{Workflow: imp.WorkflowID})
	if err != nil {
		t.Fatal(err)
	}
	if got, _, _ := svc.GetRun(ctx, r.ID); got.Status != engine.RunQueued {
		t.Fatalf("run started while a live process held the only slot: %s", got.Status)
	}
	ghost.Release()                                        // the process dies: the OS drops its lock
	waitCtx, stop := context.WithTimeout(ctx, time.Minute) // a hang guard
	defer stop()
	final, err := svc.Wait(waitCtx, r.ID)
	if err != nil || final.Status != engine.RunCompleted {
		t.Fatalf("run after the holder died: %s %v %s", final.Status, err, final.Error)
	}
}

// TestPauseResumeFromTwoProcessesAgree: pauses and resumes racing from two processes end
// in one state both processes report, and the queue honours it.
func TestPauseResumeFromTwoProcessesAgree(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	g := &gauge{}
	a, _ := processAt(t, home, g)
	b, _ := processAt(t, home, g)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(2)
		go func() { defer wg.Done(); _ = a.PauseQueue(ctx) }()
		go func() {
			defer wg.Done()
			if i == 19 {
				return
			}
			_ = b.ResumeQueue(ctx)
		}()
	}
	wg.Wait()
	if a.QueuePaused() != b.QueuePaused() {
		t.Fatalf("processes disagree: a paused %v, b paused %v", a.QueuePaused(), b.QueuePaused())
	}
	if err := b.PauseQueue(ctx); err != nil {
		t.Fatal(err)
	}
	imp := importGraph(t, a, "gauge", gaugeGraph(1))
	r, err := a.StartRun(ctx, engine.RunRequest{Workflow: imp.WorkflowID})
	if err != nil {
		t.Fatal(err)
	}
	if !a.QueuePaused() {
		t.Fatal("a does not see b's pause")
	}
	if got, _, _ := a.GetRun(ctx, r.ID); got.Status != engine.RunQueued {
		t.Fatalf("a run started in a queue b paused: %s", got.Status)
	}
	if err := a.ResumeQueue(ctx); err != nil {
		t.Fatal(err)
	}
	waitCtx, stop := context.WithTimeout(ctx, time.Minute)
	defer stop()
	if final, err := a.Wait(waitCtx, r.ID); err != nil || final.Status != engine.RunCompleted {
		t.Fatalf("after resume: %s %v", final.Status, err)
	}
}

// TestRunCapChangedByAnotherProcess: a cap another process sets applies at this process's
// next start, also when the start is decided in the write that records a run's end (which
// reads the cap itself, SlotRequest.CapKey): lowered from 2 to 1 while two runs run, the end
// of the first starts nothing, the end of the second starts one run, not two.
func TestRunCapChangedByAnotherProcess(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	g := &gauge{tokens: make(chan struct{})}
	a, _ := processAt(t, home, g)
	b, _ := processAt(t, home, g)
	if err := a.SetRunCap(ctx, 2); err != nil {
		t.Fatal(err)
	}
	imp := importGraph(t, a, "gate", gaugeGraph(-1))
	var ids []string
	for range 4 {
		r, err := a.StartRun(ctx, engine.RunRequest{Workflow: imp.WorkflowID})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	defer func() {
		close(g.tokens) // every run left finishes
		for _, id := range ids {
			waitCtx, stop := context.WithTimeout(ctx, time.Minute) // a hang guard
			final, err := a.Wait(waitCtx, id)
			stop()
			if err != nil || final.Status != engine.RunCompleted {
				t.Errorf("run %s: %s %v %s", id, final.Status, err, final.Error)
			}
		}
	}()
	status := func(id string) engine.RunStatus {
		r, _, err := a.GetRun(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return r.Status
	}
	waitFor(t, "two runs executing", func() bool { return g.now.Load() == 2 })
	if err := b.SetRunCap(ctx, 1); err != nil {
		t.Fatal(err)
	}
	g.tokens <- struct{}{} // one of the two running ends
	waitFor(t, "a first run completed", func() bool {
		return status(ids[0]) == engine.RunCompleted || status(ids[1]) == engine.RunCompleted
	})
	// Its end and any start it allowed were one write: under cap 1 with one run running, none.
	for _, id := range ids[2:] {
		if st := status(id); st != engine.RunQueued {
			t.Fatalf("run %s is %s after a run ended at cap 1 with another running: want queued", id, st)
		}
	}
	g.tokens <- struct{}{} // the other ends: one run starts
	waitFor(t, "the third run started", func() bool { return status(ids[2]) == engine.RunRunning })
	if st := status(ids[3]); st != engine.RunQueued {
		t.Fatalf("fourth run is %s while the third runs at cap 1: want queued", st)
	}
}
