package engine_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/memstore"
	"github.com/flowbench/flowbench/engine/nodes"
)

// TestCachedBecomesCurrent: a node a changed run served from the cache holds the value as its
// current generation, as if it had executed: the next changed plan reruns nothing, and the
// next changed run reuses every node without asking the cache (no store lookup, no hit, no
// execution). Before, the nodes kept no generation of their own and every later run planned
// them to rerun and hit the cache again.
func TestCachedBecomesCurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg, executions := testRegistry(t)
	store := &lookupCounter{Store: memstore.New()}
	svc := cacheService(t, store, reg)
	importGraph(t, svc, "A", cacheGraph())
	importGraph(t, svc, "B", cacheGraph())
	a := runAndWait(t, svc, engine.RunRequest{Workflow: "A"})
	b := runAndWait(t, svc, engine.RunRequest{Workflow: "B", Changed: true})
	for id, rec := range b.Snapshot.Records() {
		if !slices.Contains(rec.Reasons, engine.ReasonCached) || rec.GenerationID != a.Snapshot.Records()[id].GenerationID {
			t.Fatalf("B's changed run: %s %+v, want cached from A", id, rec)
		}
	}
	plan, err := svc.PlanChanged(ctx, "B", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Rerun != 0 {
		t.Errorf("after the changed run, the changed plan reruns %d nodes, want 0: %+v", plan.Rerun, plan.Nodes)
	}
	for id, pn := range plan.Nodes {
		src := plan.Nodes[id].SourceGenerationID
		if pn.Action != engine.ActionReuse || len(pn.Reasons) != 0 {
			t.Errorf("B %s planned %s %v, want reuse of its current generation", id, pn.Action, pn.Reasons)
			continue
		}
		got, want := generationOutputs(t, svc, src), generationOutputs(t, svc, a.Snapshot.Records()[id].GenerationID)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("B %s's current generation %s holds %v, the cached one %v", id, src, got, want)
		}
	}
	before, ran := store.lookups.Load(), executions.Load()
	again := runAndWait(t, svc, engine.RunRequest{Workflow: "B", Changed: true})
	for id, rec := range again.Snapshot.Records() {
		if rec.Status != engine.NodeReused || len(rec.Reasons) != 0 {
			t.Errorf("B's second changed run: %s %s %v, want reused", id, rec.Status, rec.Reasons)
		}
	}
	if n := store.lookups.Load() - before; n != 0 {
		t.Errorf("B's second changed run asked the store %d times, want 0", n)
	}
	if n := executions.Load() - ran; n != 0 {
		t.Errorf("B's second changed run executed %d nodes, want 0", n)
	}
}

// TestCacheHitsInOwnHistory: the bench-chain CHAIN_EDIT=old case. A chain run fully once or
// three times is edited in the middle so that most nodes after the edit receive values
// other nodes of the chain had in the earlier runs. The changed run serves them from the
// cache with a handful of store calls whatever the history (not one lookup per hit: the
// fingerprints have several generations each), and a run from the last node afterwards plans
// everything before it as reused and asks the cache nothing.
func TestCacheHitsInOwnHistory(t *testing.T) {
	t.Parallel()
	const n, mid, k = 400, 200, 50
	for _, fullRuns := range []int{1, 3} {
		t.Run(fmt.Sprint(fullRuns, " full runs"), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			counted, svc := countedService(t)
			g := bigChain(n)
			wf := perfImport(t, svc, "Chain", g)
			for range fullRuns {
				if r := runAndWait(t, svc, engine.RunRequest{Workflow: wf}); r.Status != engine.RunCompleted {
					t.Fatal(r.Status, r.Error)
				}
			}
			edited := cloneGraph(g)
			edited.Nodes[mid].Params = map[string]any{"expression": fmt.Sprintf("a + %d", k)}
			if _, err := svc.SaveVersion(ctx, wf, edited, "edit", "", true); err != nil {
				t.Fatal(err)
			}
			counted.lookups.Store(0)
			counted.batched.Store(0)
			changed := runAndWait(t, svc, engine.RunRequest{Workflow: wf, Changed: true})
			if changed.Status != engine.RunCompleted {
				t.Fatal(changed.Status, changed.Error)
			}
			hits := 0
			for _, rec := range changed.Snapshot.Records() {
				if slices.Contains(rec.Reasons, engine.ReasonCached) {
					hits++
				}
			}
			// n(mid+1) … n(n-1-k+1) receive values n(mid+k) … n(n-1) received before
			if want := n - 1 - mid - k + 1; hits != want {
				t.Errorf("the changed run served %d nodes from the cache, want %d", hits, want)
			}
			if l, b := counted.lookups.Load(), counted.batched.Load(); l > 2 || b > 2 {
				t.Errorf("the changed run's %d cache hits took %d store lookups and %d batched checks, want at most 2 each", hits, l, b)
			}
			full := runAndWait(t, svc, engine.RunRequest{Workflow: wf})
			if !reflect.DeepEqual(changed.Outputs, full.Outputs) {
				t.Fatalf("changed run outputs %v, a full run gives %v", changed.Outputs, full.Outputs)
			}

			// again after a second changed run's hits, and then from the last node
			last := fmt.Sprintf("n%d", n-1)
			edited = cloneGraph(edited)
			edited.Nodes[mid].Params = map[string]any{"expression": fmt.Sprintf("a + %d", 2*k)}
			if _, err := svc.SaveVersion(ctx, wf, edited, "edit 2", "", true); err != nil {
				t.Fatal(err)
			}
			if r := runAndWait(t, svc, engine.RunRequest{Workflow: wf, Changed: true}); r.Status != engine.RunCompleted {
				t.Fatal(r.Status, r.Error)
			}
			plan, err := svc.PlanFrom(ctx, wf, "", last, nil)
			if err != nil {
				t.Fatal(err)
			}
			if plan.Rerun != 2 { // the target and out
				t.Errorf("the plan from %s after the changed run reruns %d nodes, want 2", last, plan.Rerun)
			}
			counted.lookups.Store(0)
			counted.batched.Store(0)
			from := runAndWait(t, svc, engine.RunRequest{Workflow: wf, From: last})
			if from.Status != engine.RunCompleted {
				t.Fatal(from.Status, from.Error)
			}
			if l, b := counted.lookups.Load(), counted.batched.Load(); l != 0 || b != 0 {
				t.Errorf("the run from %s asked the store's cache %d + %d times, want 0", last, l, b)
			}
			executed := 0
			for _, rec := range from.Snapshot.Records() {
				if rec.Status == engine.NodeExecuted {
					executed++
				}
			}
			if executed != 1 { // out: early cutoff
				t.Errorf("the run from %s executed %d nodes, want 1", last, executed)
			}
		})
	}
}

// recordSaves counts the state records a service writes; while refuse is set it keeps none
// (as a process killed before writing one, or a build that wrote none).
type recordSaves struct {
	engine.Store
	saved  atomic.Int64
	refuse atomic.Bool
}

func (s *recordSaves) SaveStateRecord(ctx context.Context, workflowID string, epoch int64, data []byte) (bool, error) {
	if s.refuse.Load() {
		return false, nil
	}
	s.saved.Add(1)
	return s.Store.SaveStateRecord(ctx, workflowID, epoch, data)
}

// recordProcesses is a store that counts the state records written, and a function that
// starts a service on it with the node library and run cap, as a fresh process would.
func recordProcesses(t *testing.T, runCap int) (*recordSaves, func() *engine.Service) {
	store := &recordSaves{Store: memstore.New()}
	reg := engine.NewRegistry()
	if err := nodes.Register(reg); err != nil {
		t.Fatal(err)
	}
	return store, func() *engine.Service {
		s, err := engine.NewService(engine.Config{RunCap: runCap, Store: store, Registry: reg})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		return s
	}
}

// TestChangedRunWritesOneRecord: a full run writes the workflow's state record at its end; a
// changed run after it writes the record once, at its end, with what it executed; its plan
// does not write one first. The next process plans from that record.
func TestChangedRunWritesOneRecord(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, fresh := recordProcesses(t, 2)
	svc := fresh()
	g := bigChain(300)
	wf := perfImport(t, svc, "Chain", g)
	if r := runAndWait(t, svc, engine.RunRequest{Workflow: wf}); r.Status != engine.RunCompleted {
		t.Fatal(r.Status, r.Error)
	}
	svc.WaitRecords()
	if n := store.saved.Load(); n != 1 {
		t.Fatalf("the full run wrote %d state records, want 1", n)
	}
	edited := cloneGraph(g)
	edited.Nodes[150].Params = map[string]any{"expression": "a + 1000"}
	if _, err := svc.SaveVersion(ctx, wf, edited, "edit", "", true); err != nil {
		t.Fatal(err)
	}
	// each step in a fresh process, as from the command line
	changer := fresh()
	if r := runAndWait(t, changer, engine.RunRequest{Workflow: wf, Changed: true}); r.Status != engine.RunCompleted {
		t.Fatal(r.Status, r.Error)
	}
	changer.WaitRecords()
	if n := store.saved.Load() - 1; n != 1 {
		t.Errorf("the changed run wrote %d state records, want 1 (at its end)", n)
	}
	// the next process plans from it: nothing to rerun, nothing more to write
	plan, err := fresh().PlanChanged(ctx, wf, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Rerun != 0 || store.saved.Load() != 2 {
		t.Errorf("the next plan: %d to rerun, %d records written in all; want 0 and 2", plan.Rerun, store.saved.Load())
	}
}

// TestFullRunWritesRecord: a full run by a fresh process of a workflow that ran before reads
// the state record at its start and writes the record at its end, with what it executed (the
// state record's property test checks what it holds); the next process that plans reads the
// record and writes none, whatever the full run executed.
func TestFullRunWritesRecord(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, fresh := recordProcesses(t, 2)
	wf := perfImport(t, fresh(), "Chain", bigChain(300))
	for i := 1; i <= 3; i++ {
		svc := fresh()
		if r := runAndWait(t, svc, engine.RunRequest{Workflow: wf}); r.Status != engine.RunCompleted {
			t.Fatal(r.Status, r.Error)
		}
		svc.WaitRecords()
		if n := store.saved.Load(); n != int64(i) {
			t.Fatalf("after %d full runs, %d state records written, want %d", i, n, i)
		}
	}
	plan, err := fresh().PlanFrom(ctx, wf, "", "n299", nil)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Rerun != 2 || store.saved.Load() != 3 { // n299 and the output after it
		t.Errorf("the next plan: %d to rerun, %d records written in all; want 2 and 3", plan.Rerun, store.saved.Load())
	}
}

// TestBatchWritesOneRecord: a batch of full runs queued together writes the workflow's state
// record once, at the end of its last run (each run's record would be replaced by the next),
// and the next process plans from it without reading what the batch wrote.
func TestBatchWritesOneRecord(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, fresh := recordProcesses(t, 1)
	svc := fresh()
	wf := perfImport(t, svc, "Chain", bigChain(300))
	if err := svc.PauseQueue(ctx); err != nil { // all three are queued before the first starts
		t.Fatal(err)
	}
	started, err := svc.StartBatch(ctx, engine.RunRequest{Workflow: wf}, []map[string]any{{}, {}, {}})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.ResumeQueue(ctx); err != nil {
		t.Fatal(err)
	}
	for _, r := range started.Runs {
		if got, err := svc.Wait(ctx, r.ID); err != nil || got.Status != engine.RunCompleted {
			t.Fatal(got.Status, got.Error, err)
		}
	}
	svc.WaitRecords()
	if n := store.saved.Load(); n != 1 {
		t.Fatalf("a batch of 3 full runs wrote %d state records, want 1", n)
	}
	plan, err := fresh().PlanFrom(ctx, wf, "", "n299", nil)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Rerun != 2 || store.saved.Load() != 1 {
		t.Errorf("the next plan: %d to rerun, %d records written in all; want 2 and 1", plan.Rerun, store.saved.Load())
	}
}

// TestPlanWritesLaggingRecord: a plan (not a run) whose state came from a record lagging by
// more than recordSlack generations writes the record anew, also when the state was read
// ahead while the version was (the plan's prefetch), so the next process reads no tail.
func TestPlanWritesLaggingRecord(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, fresh := recordProcesses(t, 2)
	g := bigChain(100)
	wf := perfImport(t, fresh(), "Chain", g)
	// each run in a process that then ends: its end's record is written (or refused) by then
	first := fresh()
	if r := runAndWait(t, first, engine.RunRequest{Workflow: wf, Changed: true}); r.Status != engine.RunCompleted {
		t.Fatal(r.Status, r.Error)
	}
	first.WaitRecords()
	store.refuse.Store(true)
	second := fresh()
	if r := runAndWait(t, second, engine.RunRequest{Workflow: wf}); r.Status != engine.RunCompleted {
		t.Fatal(r.Status, r.Error) // 101 generations after the record, which it does not write
	}
	second.WaitRecords()
	store.refuse.Store(false)
	before := store.saved.Load()
	if _, err := fresh().PlanChanged(ctx, wf, "", nil); err != nil {
		t.Fatal(err)
	}
	if n := store.saved.Load() - before; n != 1 {
		t.Errorf("the plan wrote %d state records, want 1 (the record lagged by 101 generations)", n)
	}
	mid := store.saved.Load()
	if _, err := fresh().PlanChanged(ctx, wf, "", nil); err != nil {
		t.Fatal(err)
	}
	if n := store.saved.Load() - mid; n != 0 {
		t.Errorf("the next plan wrote %d more, want none", n)
	}
}

// TestPlanPreviewAsksTheCacheAsTheRun: the plan preview of a changed run of a copy that never
// ran names every node the cache will serve, and asks the store as the run does (memory, then
// one batched check for the workflow a hit comes from), not once a node, also when every
// fingerprint has several generations.
func TestPlanPreviewAsksTheCacheAsTheRun(t *testing.T) {
	t.Parallel()
	const n = 300
	ctx := context.Background()
	counted, svc := countedService(t)
	wf := perfImport(t, svc, "Chain", bigChain(n))
	for range 2 {
		if r := runAndWait(t, svc, engine.RunRequest{Workflow: wf}); r.Status != engine.RunCompleted {
			t.Fatal(r.Status, r.Error)
		}
	}
	cp := perfImport(t, svc, "Copy", bigChain(n))
	counted.lookups.Store(0)
	counted.batched.Store(0)
	plan, err := svc.PlanChanged(ctx, cp, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	cached := 0
	for _, pn := range plan.Nodes {
		if slices.Contains(pn.Reasons, engine.ReasonCached) {
			cached++
		}
	}
	if cached != n+1 { // the chain and its output
		t.Errorf("the preview names %d nodes the cache will serve, want %d", cached, n+1)
	}
	if l, b := counted.lookups.Load(), counted.batched.Load(); l > 2 || b > 2 {
		t.Errorf("the preview of %d cache hits took %d store lookups and %d batched checks, want at most 2 each", cached, l, b)
	}
}
