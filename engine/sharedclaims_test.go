package engine_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/storage"
)

// claimHome is one data home used by several "processes" of a test: each has its own SQLite
// connections, owner and owner lock (the lock the OS drops when a process dies), and runs the
// same test nodes: t.gate (see shared_test.go: deterministic, executes on a token) and t.hold
// (not deterministic: holds its run, and so a run slot, until released).
type claimHome struct {
	dir  string
	gt   *gate
	hold chan struct{}
}

func newClaimHome(t *testing.T) *claimHome {
	return &claimHome{dir: t.TempDir(), gt: &gate{started: make(chan string, 64), tokens: make(chan struct{}, 64)}, hold: make(chan struct{})}
}

// process opens another process on the home.
func (h *claimHome) process(t *testing.T) (*engine.Service, *storage.OwnerLock) {
	t.Helper()
	st, err := storage.Open(context.Background(), h.dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	lock, err := storage.AcquireOwner(h.dir)
	if err != nil {
		t.Fatal(err)
	}
	reg, _ := testRegistry(t)
	gt := h.gt
	reg.MustRegister(engine.NodeType{Type: "t.gate", Deterministic: true, Outputs: []engine.Handle{{Name: "out", Type: engine.TypeNumber}},
		Params: []engine.ParamSpec{{Name: "k", Kind: engine.ParamNumber}},
		Run: func(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
			gt.executions.Add(1)
			gt.started <- in.RunID
			select {
			case <-gt.tokens:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			if gt.failNext.CompareAndSwap(true, false) {
				return nil, errors.New("transient fault")
			}
			k, _ := in.Float("k", 0)
			return map[string]any{"out": 10 * k}, nil
		}},
		engine.NodeType{Type: "t.hold", Outputs: []engine.Handle{{Name: "out", Type: engine.TypeAny}},
			Run: func(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
				select {
				case <-h.hold:
					return map[string]any{"out": 1}, nil
				case <-ctx.Done():
					return nil, ctx.Err()
				}
			}})
	svc, err := engine.NewService(engine.Config{Store: st, Registry: reg, Owner: lock.ID, OwnerAlive: lock.Alive, RunCap: 8,
		CancelEvery: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		svc.Close()
		st.Close()
		lock.Release()
	})
	return svc, lock
}

// importSweep imports "sweep" (as sharedService does) and "hold" (t.hold → io.output).
func importSweep(t *testing.T, svc *engine.Service) {
	importGraph(t, svc, "sweep", engine.Graph{
		Inputs: []engine.InputDecl{{Name: "seed", Type: engine.TypeInteger, Default: 0}},
		Nodes: []engine.Node{node("in", "flow.inputs", nil), node("up", "t.gate", map[string]any{"k": 4}),
			node("add", "t.add", nil), node("o", "io.output", map[string]any{"name": "sum"})},
		Edges: []engine.Edge{edge("up", "out", "add", "a"), edge("in", "seed", "add", "b"), edge("add", "out", "o", "value")},
	})
	importGraph(t, svc, "hold", engine.Graph{
		Nodes: []engine.Node{node("h", "t.hold", nil), node("o", "io.output", map[string]any{"name": "v"})},
		Edges: []engine.Edge{edge("h", "out", "o", "value")},
	})
}

func startSeed(t *testing.T, svc *engine.Service, seed int) string {
	t.Helper()
	r, err := svc.StartRun(context.Background(), engine.RunRequest{Workflow: "sweep", Inputs: map[string]any{"seed": seed}})
	if err != nil {
		t.Fatal(err)
	}
	return r.ID
}

// sweepDone waits for a sweep run (a hang guard only) and returns its upstream record.
func sweepDone(t *testing.T, svc *engine.Service, id string, seed int) engine.NodeRecord {
	t.Helper()
	ctx, stop := context.WithTimeout(context.Background(), time.Minute)
	defer stop()
	run, err := svc.Wait(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != engine.RunCompleted || engine.ToText(run.Outputs["sum"]) != engine.ToText(40+seed) {
		t.Fatalf("run with seed %d: %s %v %s", seed, run.Status, run.Outputs, run.Error)
	}
	rec := run.Snapshot.Records()["up"]
	gen, err := svc.Store().GetGeneration(ctx, rec.GenerationID)
	if err != nil || gen.RunID != id || gen.Status != engine.GenCompleted || engine.ToText(gen.Outputs["out"]) != "40" {
		t.Fatalf("seed %d: upstream generation %+v %v, want one of its own", seed, gen, err)
	}
	return rec
}

// twoProcesses opens a and b on one home; a holds a run slot (a run of "hold"), so each
// process sees the other use the home.
func twoProcesses(t *testing.T) (h *claimHome, a, b *engine.Service, bLock *storage.OwnerLock) {
	h = newClaimHome(t)
	a, _ = h.process(t)
	b, bLock = h.process(t)
	importSweep(t, a)
	if _, err := a.StartRun(context.Background(), engine.RunRequest{Workflow: "hold"}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { close(h.hold) })
	return h, a, b, bLock
}

// TestSharedWorkAcrossProcesses: a run in one process about to execute the deterministic
// work another process is executing waits for it and records its result as its own
// generation (reason shared): the work executes once on the data home.
func TestSharedWorkAcrossProcesses(t *testing.T) {
	h, a, b, _ := twoProcesses(t)
	first := startSeed(t, b, 0)
	if got := h.gt.next(t); got != first {
		t.Fatalf("the upstream started in run %s, want %s", got, first)
	}
	second := startSeed(t, a, 1)
	waitFor(t, "a's run waiting on b's execution", func() bool { return a.SharedWaiting() == 1 })
	h.gt.tokens <- struct{}{}
	if rec := sweepDone(t, b, first, 0); slices.Contains(rec.Reasons, engine.ReasonShared) {
		t.Errorf("the executing run recorded %v", rec.Reasons)
	}
	if rec := sweepDone(t, a, second, 1); rec.Status != engine.NodeExecuted || !slices.Contains(rec.Reasons, engine.ReasonShared) {
		t.Errorf("the waiting run's upstream: %+v, want executed, reason shared", rec)
	}
	if n := h.gt.executions.Load(); n != 1 {
		t.Errorf("the upstream executed %d times on the home, want once", n)
	}
	waitFor(t, "the claim released", func() bool { return claims(t, h.dir) == 0 })
}

// TestSharedWorkAcrossProcessesClaimantCancelled: when the run executing the work in another
// process is cancelled, the waiting run executes it itself and completes.
func TestSharedWorkAcrossProcessesClaimantCancelled(t *testing.T) {
	h, a, b, _ := twoProcesses(t)
	first := startSeed(t, b, 0)
	h.gt.next(t)
	second := startSeed(t, a, 1)
	waitFor(t, "a's run waiting", func() bool { return a.SharedWaiting() == 1 })
	if err := b.Cancel(context.Background(), first); err != nil {
		t.Fatal(err)
	}
	if got := h.gt.next(t); got != second {
		t.Fatalf("after the cancel the upstream started in %s, want the waiting run %s", got, second)
	}
	h.gt.tokens <- struct{}{}
	if rec := sweepDone(t, a, second, 1); slices.Contains(rec.Reasons, engine.ReasonShared) {
		t.Errorf("the run that executed the work itself recorded %v", rec.Reasons)
	}
	if n := h.gt.executions.Load(); n != 2 {
		t.Errorf("executions %d, want 2", n)
	}
}

// TestSharedWorkAcrossProcessesClaimantFails: a failure in the process executing the work is
// not the waiting run's failure: it executes the work itself.
func TestSharedWorkAcrossProcessesClaimantFails(t *testing.T) {
	h, a, b, _ := twoProcesses(t)
	h.gt.failNext.Store(true)
	first := startSeed(t, b, 0)
	h.gt.next(t)
	second := startSeed(t, a, 1)
	waitFor(t, "a's run waiting", func() bool { return a.SharedWaiting() == 1 })
	h.gt.tokens <- struct{}{}
	if got := h.gt.next(t); got != second {
		t.Fatalf("after the failure the upstream started in %s, want %s", got, second)
	}
	h.gt.tokens <- struct{}{}
	if run, _ := b.Wait(context.Background(), first); run.Status != engine.RunFailed {
		t.Errorf("the failing run: %s", run.Status)
	}
	if rec := sweepDone(t, a, second, 1); slices.Contains(rec.Reasons, engine.ReasonShared) {
		t.Errorf("recorded %v", rec.Reasons)
	}
}

// TestSharedWorkAcrossProcessesClaimantDies: the claim of a process that dies holds nothing:
// the waiting run executes the work itself.
func TestSharedWorkAcrossProcessesClaimantDies(t *testing.T) {
	h, a, b, bLock := twoProcesses(t)
	startSeed(t, b, 0)
	h.gt.next(t)
	second := startSeed(t, a, 1)
	waitFor(t, "a's run waiting", func() bool { return a.SharedWaiting() == 1 })
	bLock.Release() // b's process dies: the OS drops its lock (its goroutines go on in this test)
	if got := h.gt.next(t); got != second {
		t.Fatalf("after the claimant died the upstream started in %s, want %s", got, second)
	}
	h.gt.tokens <- struct{}{}
	h.gt.tokens <- struct{}{} // the "dead" process's execution ends too
	if rec := sweepDone(t, a, second, 1); slices.Contains(rec.Reasons, engine.ReasonShared) {
		t.Errorf("recorded %v", rec.Reasons)
	}
}

// TestDeadClaimantsClaimsDropped: the claims of a process that died go when any process
// settles its runs as interrupted (the next start), not when the same work is claimed again.
func TestDeadClaimantsClaimsDropped(t *testing.T) {
	h, a, b, bLock := twoProcesses(t)
	first := startSeed(t, b, 0)
	h.gt.next(t)
	if n := claims(t, h.dir); n == 0 {
		t.Fatal("b executing shared work wrote no claim")
	}
	bLock.Release() // b's process dies (its goroutines go on in this test)
	ids, err := a.RecoverInterrupted(context.Background())
	if err != nil || !slices.Contains(ids, first) {
		t.Fatalf("recovered %v %v, want b's run %s", ids, err, first)
	}
	if n := claims(t, h.dir); n != 0 {
		t.Errorf("after b's run was interrupted %d claims are left, want 0", n)
	}
	h.gt.tokens <- struct{}{} // the "dead" process's execution ends
}

// TestSharedWorkAcrossProcessesWaiterCancelled: a run waiting on another process's execution
// is cancelled promptly; the execution goes on.
func TestSharedWorkAcrossProcessesWaiterCancelled(t *testing.T) {
	h, a, b, _ := twoProcesses(t)
	first := startSeed(t, b, 0)
	h.gt.next(t)
	second := startSeed(t, a, 1)
	waitFor(t, "a's run waiting", func() bool { return a.SharedWaiting() == 1 })
	if err := a.Cancel(context.Background(), second); err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithTimeout(context.Background(), time.Minute) // a hang guard
	defer stop()
	if run, err := a.Wait(ctx, second); err != nil || run.Status != engine.RunCancelled {
		t.Fatalf("the waiting run: %s %v", run.Status, err)
	}
	h.gt.tokens <- struct{}{}
	sweepDone(t, b, first, 0)
}

// TestSharedWorkLoneProcessClaimsNothing: a process alone on the data home shares work
// inside itself only and writes no claim.
func TestSharedWorkLoneProcessClaimsNothing(t *testing.T) {
	h := newClaimHome(t)
	a, _ := h.process(t)
	importSweep(t, a)
	first, second := startSeed(t, a, 0), startSeed(t, a, 1)
	h.gt.next(t)
	waitFor(t, "the second run waiting", func() bool { return a.SharedWaiting() == 1 })
	if n := claims(t, h.dir); n != 0 {
		t.Errorf("a lone process wrote %d claims", n)
	}
	h.gt.tokens <- struct{}{}
	sweepDone(t, a, first, 0)
	sweepDone(t, a, second, 1)
}

// claims counts the rows of the home's work_claims table.
func claims(t *testing.T, home string) int {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(home, storage.DBName)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM work_claims`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSharedWorkAcrossProcessesManyRuns: three runs in one process and one in another about
// to execute the same work execute it once between them: the process that did not claim it
// waits once (its other runs wait on that wait), and all four record its result.
func TestSharedWorkAcrossProcessesManyRuns(t *testing.T) {
	h, a, b, _ := twoProcesses(t)
	first := startSeed(t, b, 0)
	h.gt.next(t)
	ids := []string{startSeed(t, a, 1), startSeed(t, a, 2), startSeed(t, a, 3)}
	waitFor(t, "a's three runs waiting", func() bool { return a.SharedWaiting() == 3 })
	h.gt.tokens <- struct{}{}
	sweepDone(t, b, first, 0)
	for i, id := range ids {
		if rec := sweepDone(t, a, id, i+1); !slices.Contains(rec.Reasons, engine.ReasonShared) {
			t.Errorf("run with seed %d: %+v, want shared", i+1, rec)
		}
	}
	if n := h.gt.executions.Load(); n != 1 {
		t.Errorf("the upstream executed %d times, want once", n)
	}
}
