package engine_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// gate is a deterministic test node that executes only when the test hands it a token: it
// counts its executions, says which run started one, and fails the first execution after
// failNext is set.
type gate struct {
	executions atomic.Int64
	started    chan string
	tokens     chan struct{}
	failNext   atomic.Bool
}

// sharedService is a service at cap runCap with the test nodes and t.gate; its workflow
// "sweep" is t.gate (the shared upstream, out = 40) → t.add (+ seed, the only node that sees
// the seed) → io.output "sum".
func sharedService(t *testing.T, runCap int) (*engine.Service, *gate) {
	t.Helper()
	reg, _ := testRegistry(t)
	gt := &gate{started: make(chan string, 64), tokens: make(chan struct{}, 64)}
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
		}})
	svc := newService(t, reg, runCap)
	importGraph(t, svc, "sweep", engine.Graph{
		Inputs: []engine.InputDecl{{Name: "seed", Type: engine.TypeInteger, Default: 0}},
		Nodes: []engine.Node{node("in", "flow.inputs", nil), node("up", "t.gate", map[string]any{"k": 4}),
			node("add", "t.add", nil), node("o", "io.output", map[string]any{"name": "sum"})},
		Edges: []engine.Edge{edge("up", "out", "add", "a"), edge("in", "seed", "add", "b"), edge("add", "out", "o", "value")},
	})
	return svc, gt
}

// startSweep starts n runs of "sweep" with seeds 0…n-1 and returns their ids.
func startSweep(t *testing.T, svc *engine.Service, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		r, err := svc.StartRun(context.Background(), engine.RunRequest{Workflow: "sweep", Inputs: map[string]any{"seed": i}})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = r.ID
	}
	return ids
}

// waitFor polls cond until it holds; the deadline only catches a hang.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never happened: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// next takes the id of the run that started executing the gate next.
func (g *gate) next(t *testing.T) string {
	t.Helper()
	select {
	case id := <-g.started:
		return id
	case <-time.After(60 * time.Second):
		t.Fatal("the shared node never started")
		return ""
	}
}

// checkSweep checks that each completed run has sum = 40 + seed and its own generation of
// the upstream, and returns how many of them recorded the upstream as shared.
func checkSweep(t *testing.T, svc *engine.Service, ids []string, skip string) (shared int) {
	t.Helper()
	ctx := context.Background()
	gens := map[string]bool{}
	for seed, id := range ids {
		if id == skip {
			continue
		}
		run, err := svc.Wait(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if run.Status != engine.RunCompleted || engine.ToText(run.Outputs["sum"]) != fmt.Sprint(40+seed) {
			t.Fatalf("run with seed %d: %s %v %s", seed, run.Status, run.Outputs, run.Error)
		}
		rec := run.Snapshot.Records()["up"]
		if rec.Status != engine.NodeExecuted || gens[rec.GenerationID] {
			t.Fatalf("seed %d: upstream record %+v, want executed with a generation of its own", seed, rec)
		}
		gens[rec.GenerationID] = true
		gen, err := svc.Store().GetGeneration(ctx, rec.GenerationID)
		if err != nil || gen.RunID != id || gen.Status != engine.GenCompleted || engine.ToText(gen.Outputs["out"]) != "40" {
			t.Fatalf("seed %d: upstream generation %+v %v", seed, gen, err)
		}
		if slices.Contains(rec.Reasons, engine.ReasonShared) {
			shared++
		}
	}
	return shared
}

// TestSharedWorkExecutesOnce: 8 runs at cap 8 about to execute the same deterministic
// upstream with the same inputs execute it once; the 7 others record its result as their own
// generation with reason shared, and each run's seed still reaches its last node.
func TestSharedWorkExecutesOnce(t *testing.T) {
	t.Parallel()
	svc, gt := sharedService(t, 8)
	var mu sync.Mutex
	running := map[string]bool{}
	svc.Bus.Subscribe(func(e engine.Event) {
		if e.Type == engine.EventNode && e.NodeID == "up" && e.Status == string(engine.NodeRunning) {
			mu.Lock()
			running[e.RunID] = true
			mu.Unlock()
		}
	})
	ids := startSweep(t, svc, 8)
	gt.next(t)
	waitFor(t, "7 runs waiting on the shared upstream", func() bool { return svc.SharedWaiting() == 7 })
	mu.Lock()
	if len(running) != 8 {
		t.Errorf("upstream shown running in %d runs, want 8", len(running))
	}
	mu.Unlock()
	gt.tokens <- struct{}{}
	if shared := checkSweep(t, svc, ids, ""); shared != 7 {
		t.Errorf("%d runs recorded the upstream as shared, want 7", shared)
	}
	if n := gt.executions.Load(); n != 1 {
		t.Errorf("the upstream executed %d times, want once", n)
	}
	tl, err := svc.NodeTimeline(context.Background(), "sweep", "up")
	if err != nil || len(tl.Generations) != 8 {
		t.Fatalf("upstream timeline: %d generations (%v), want one per run", len(tl.Generations), err)
	}
}

// TestSharedWorkLeaderCancelled: when the run executing shared work is cancelled, a run
// waiting on it executes the node itself and the others share that; none of them fails.
func TestSharedWorkLeaderCancelled(t *testing.T) {
	t.Parallel()
	svc, gt := sharedService(t, 3)
	ids := startSweep(t, svc, 3)
	leader := gt.next(t)
	waitFor(t, "2 runs waiting", func() bool { return svc.SharedWaiting() == 2 })
	if err := svc.Cancel(context.Background(), leader); err != nil {
		t.Fatal(err)
	}
	if run, _ := svc.Wait(context.Background(), leader); run.Status != engine.RunCancelled {
		t.Fatalf("the leading run: %s", run.Status)
	}
	if next := gt.next(t); next == leader {
		t.Fatal("the cancelled run executed again")
	}
	waitFor(t, "1 run waiting on the new leader", func() bool { return svc.SharedWaiting() == 1 })
	gt.tokens <- struct{}{}
	if shared := checkSweep(t, svc, ids, leader); shared != 1 {
		t.Errorf("%d runs shared, want 1 (one executed, one shared)", shared)
	}
	if n := gt.executions.Load(); n != 2 {
		t.Errorf("the upstream executed %d times, want 2", n)
	}
}

// TestSharedWorkLeaderFails: a failure of the run executing shared work is not the waiting
// runs' failure: one of them executes the node itself, the other shares that.
func TestSharedWorkLeaderFails(t *testing.T) {
	t.Parallel()
	svc, gt := sharedService(t, 3)
	gt.failNext.Store(true)
	ids := startSweep(t, svc, 3)
	leader := gt.next(t)
	waitFor(t, "2 runs waiting", func() bool { return svc.SharedWaiting() == 2 })
	gt.tokens <- struct{}{}
	run, _ := svc.Wait(context.Background(), leader)
	if run.Status != engine.RunFailed || run.Snapshot.Records()["up"].Error != "transient fault" {
		t.Fatalf("the leading run: %s %s", run.Status, run.Error)
	}
	gt.next(t)
	waitFor(t, "1 run waiting on the new leader", func() bool { return svc.SharedWaiting() == 1 })
	gt.tokens <- struct{}{}
	if shared := checkSweep(t, svc, ids, leader); shared != 1 {
		t.Errorf("%d runs shared, want 1", shared)
	}
	if n := gt.executions.Load(); n != 2 {
		t.Errorf("the upstream executed %d times, want 2", n)
	}
}
