package engine_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// deadOwners is an OwnerAlive that counts its probes: owners named in gone are dead.
type deadOwners struct {
	mu     sync.Mutex
	gone   map[string]bool
	probes map[string]int
}

func (d *deadOwners) alive(owner string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.probes[owner]++
	return !d.gone[owner]
}

func (d *deadOwners) total() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, c := range d.probes {
		n += c
	}
	return n
}

// orphanHome is a SQLite home with one workflow (smallChain) and a service that sees owner
// "gone" as a dead process.
func orphanHome(t *testing.T) (*engine.Service, *deadOwners, engine.ImportResult) {
	t.Helper()
	d := &deadOwners{gone: map[string]bool{"gone": true}, probes: map[string]int{}}
	svc := serviceAt(t, t.TempDir(), engine.Config{Owner: "me", OwnerAlive: d.alive, RunCap: 2})
	return svc, d, importGraph(t, svc, "chain", smallChain())
}

// queueOrphans writes n queued runs owned by the dead process, as a killed batch leaves them.
func queueOrphans(t *testing.T, svc *engine.Service, imp engine.ImportResult, n int) []string {
	t.Helper()
	var ids []string
	for i := 0; i < n; i++ {
		r, err := svc.Store().CreateRun(context.Background(), engine.Run{ID: engine.NewID(), WorkflowID: imp.WorkflowID, VersionID: imp.VersionID,
			Status: engine.RunQueued, Mode: engine.ModeFull, Owner: "gone", Inputs: map[string]any{}, Outputs: map[string]any{}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	return ids
}

// TestInterruptedRunShowsWhatFinished: a run whose process died before its first snapshot
// (an empty snapshot, every node's generation committed) is recorded interrupted with a
// record of each node that finished, naming its generation.
func TestInterruptedRunShowsWhatFinished(t *testing.T) {
	ctx := context.Background()
	svc, _, imp := orphanHome(t)
	done := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID})
	want := done.Snapshot.Records()
	// As the killed process left it: running, its owner gone, nothing in the snapshot.
	r, err := svc.Store().GetRun(ctx, done.ID)
	if err != nil {
		t.Fatal(err)
	}
	r.Status, r.Owner, r.FinishedAt, r.Snapshot = engine.RunRunning, "gone", nil, engine.Snapshot{}
	if err := svc.Store().UpdateRun(ctx, r); err != nil {
		t.Fatal(err)
	}
	ids, err := svc.RecoverInterrupted(ctx)
	if err != nil || len(ids) != 1 || ids[0] != done.ID {
		t.Fatalf("recovered %v, %v", ids, err)
	}
	got, err := svc.Store().GetRun(ctx, done.ID)
	if err != nil {
		t.Fatal(err)
	}
	recs := got.Snapshot.Records()
	if got.Status != engine.RunInterrupted || len(recs) != len(want) {
		t.Fatalf("interrupted run: %s, records %+v, want %d", got.Status, recs, len(want))
	}
	for id, w := range want {
		if recs[id].Status != engine.NodeExecuted || recs[id].GenerationID != w.GenerationID {
			t.Errorf("node %s: %+v, want executed with %s", id, recs[id], w.GenerationID)
		}
	}
}

// TestCommandLineStartLeavesOrphansAlone: RecoverInterrupted (what every command runs at
// start) neither touches nor probes queued runs, so a thousand orphans cost nothing; Queue
// and OrphanedRuns probe each owner once, not each run.
func TestCommandLineStartLeavesOrphansAlone(t *testing.T) {
	ctx := context.Background()
	svc, d, imp := orphanHome(t)
	ids := queueOrphans(t, svc, imp, 30)
	if got, err := svc.RecoverInterrupted(ctx); err != nil || len(got) != 0 {
		t.Fatalf("recovered %v, %v", got, err)
	}
	if n := d.total(); n != 0 {
		t.Fatalf("a start probed owners %d times", n)
	}
	orphans, err := svc.OrphanedRuns(ctx)
	if err != nil || len(orphans) != len(ids) {
		t.Fatalf("orphans %d, %v", len(orphans), err)
	}
	q, err := svc.Queue(ctx)
	if err != nil || len(q.Queued) != len(ids) || !q.Queued[0].Orphaned || q.Queued[0].ID != ids[0] {
		t.Fatalf("queue %+v, %v", q, err)
	}
	if d.probes["gone"] != 2 {
		t.Fatalf("the dead owner was probed %d times for two listings of %d runs, want 2", d.probes["gone"], len(ids))
	}
	if r, _ := svc.Store().GetRun(ctx, ids[0]); r.Status != engine.RunQueued {
		t.Fatalf("an orphan became %s", r.Status)
	}
}

// TestResumeAndCancelOrphans: a dead process's queued runs can be resumed (they run here,
// in their order) or cancelled; runs of a live process, unknown or finished runs are refused.
func TestResumeAndCancelOrphans(t *testing.T) {
	ctx := context.Background()
	svc, _, imp := orphanHome(t)
	first := queueOrphans(t, svc, imp, 3)
	resumed, err := svc.ResumeOrphaned(ctx)
	if err != nil || len(resumed) != 3 {
		t.Fatalf("resumed %d, %v", len(resumed), err)
	}
	for i, r := range resumed {
		if r.ID != first[i] {
			t.Fatalf("resumed out of order: %d is %s, want %s", i, r.ID, first[i])
		}
		final, err := svc.Wait(ctx, r.ID)
		if err != nil || final.Status != engine.RunCompleted || final.Outputs["result"] == nil {
			t.Fatalf("resumed run %s: %s %v, %v", r.ID, final.Status, final.Outputs, err)
		}
	}
	second := queueOrphans(t, svc, imp, 2)
	cancelled, err := svc.CancelOrphaned(ctx, second[1])
	if err != nil || len(cancelled) != 1 || cancelled[0].Status != engine.RunCancelled {
		t.Fatalf("cancel one: %+v, %v", cancelled, err)
	}
	if _, err := svc.CancelOrphaned(ctx, first[0]); !errors.Is(err, engine.ErrConflict) {
		t.Fatalf("cancelling a finished run as an orphan: %v", err)
	}
	if _, err := svc.ResumeOrphaned(ctx, "no-such-run"); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("resuming an unknown run: %v", err)
	}
	all, err := svc.CancelOrphaned(ctx)
	if err != nil || len(all) != 1 || all[0].ID != second[0] {
		t.Fatalf("cancel all: %+v, %v", all, err)
	}
	if left, _ := svc.OrphanedRuns(ctx); len(left) != 0 {
		t.Fatalf("%d orphans left", len(left))
	}
}

// TestCancelNamesMissingAndFinishedRuns: cancelling a run that does not exist or has
// finished is refused, naming the run.
func TestCancelNamesMissingAndFinishedRuns(t *testing.T) {
	ctx := context.Background()
	svc, _, imp := orphanHome(t)
	done := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID})
	if err := svc.Cancel(ctx, "nope"); !errors.Is(err, engine.ErrNotFound) || !contains(err.Error(), `"nope"`) {
		t.Fatalf("unknown run: %v", err)
	}
	if err := svc.Cancel(ctx, done.ID); !errors.Is(err, engine.ErrConflict) || !contains(err.Error(), done.ID) {
		t.Fatalf("finished run: %v", err)
	}
}

// TestCancelRunOfAnotherLiveProcess: a run queued by another live process is not marked
// cancelled behind its back: that process is asked, and cancels it itself.
func TestCancelRunOfAnotherLiveProcess(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	var mu sync.Mutex
	requests := map[string][]string{} // owner → runs asked to cancel
	cfg := func(owner string) engine.Config {
		return engine.Config{Owner: owner, RunCap: 1, OwnerAlive: func(string) bool { return true },
			RequestCancel: func(o, id string) error {
				mu.Lock()
				defer mu.Unlock()
				requests[o] = append(requests[o], id)
				return nil
			},
			CancelRequests: func() []string {
				mu.Lock()
				defer mu.Unlock()
				ids := requests[owner]
				delete(requests, owner)
				return ids
			}}
	}
	window, cli := serviceAt(t, home, cfg("window")), serviceAt(t, home, cfg("cli"))
	imp := importGraph(t, window, "slow", engine.Graph{
		Nodes: []engine.Node{node("a", "util.delay", map[string]any{"ms": 60000}), node("out", "io.output", map[string]any{"name": "v"})},
		Edges: []engine.Edge{edge("a", "value", "out", "value")}})
	running, err := window.StartRun(ctx, engine.RunRequest{Workflow: imp.WorkflowID})
	if err != nil {
		t.Fatal(err)
	}
	queued, err := window.StartRun(ctx, engine.RunRequest{Workflow: imp.WorkflowID})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{queued.ID, running.ID} {
		if err := cli.Cancel(ctx, id); !errors.Is(err, engine.ErrCancelRequested) {
			t.Fatalf("cancel %s from another process: %v", id, err)
		}
		waitCtx, stop := context.WithTimeout(ctx, 60*time.Second) // a hang guard: the delay is 60 s
		r, err := cli.WaitFinished(waitCtx, id, 10*time.Millisecond)
		stop()
		if err != nil || r.Status != engine.RunCancelled {
			t.Fatalf("run %s after the request: %s, %v", id, r.Status, err)
		}
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// TestQueuePauseAcrossProcesses: a pause made by one process holds runs queued in another
// (they wait, none starts), is kept for a process that opens the home later, and resuming
// from the first process lets the waiting run finish.
func TestQueuePauseAcrossProcesses(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	cfg := engine.Config{RunCap: 2, CancelEvery: 10 * time.Millisecond}
	a, b := serviceAt(t, home, cfg), serviceAt(t, home, cfg)
	imp := importGraph(t, a, "chain", smallChain())
	if err := a.PauseQueue(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := b.StartRun(ctx, engine.RunRequest{Workflow: imp.WorkflowID})
	if err != nil {
		t.Fatal(err)
	}
	if !b.QueuePaused() || b.QueuePosition(r.ID) != 1 {
		t.Fatalf("a run started in a paused queue: paused %v, position %d", b.QueuePaused(), b.QueuePosition(r.ID))
	}
	if q, _ := b.Queue(ctx); !q.Paused || len(q.Queued) != 1 || len(q.Running) != 0 {
		t.Fatalf("queue while paused: %+v", q)
	}
	if later := serviceAt(t, home, cfg); !later.QueuePaused() {
		t.Fatal("the pause was not kept for a process opening the home later")
	}
	if err := a.ResumeQueue(ctx); err != nil {
		t.Fatal(err)
	}
	waitCtx, stop := context.WithTimeout(ctx, time.Minute) // a hang guard
	defer stop()
	final, err := b.Wait(waitCtx, r.ID)
	if err != nil || final.Status != engine.RunCompleted {
		t.Fatalf("after resume: %s, %v", final.Status, err)
	}
}
