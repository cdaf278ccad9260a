package engine_test

import (
	"context"
	"fmt"
	"math/rand"
	"reflect"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/memstore"
	"github.com/flowbench/flowbench/storage"
)

// cacheGraph is c (const 5) → add (+1) → out.
func cacheGraph() engine.Graph {
	return engine.Graph{
		Nodes: []engine.Node{node("c", "t.const", map[string]any{"value": int64(5)}),
			node("add", "t.add", map[string]any{"k": int64(1)}), node("out", "io.output", map[string]any{"name": "result"})},
		Edges: []engine.Edge{edge("c", "out", "add", "a"), edge("add", "out", "out", "value")},
	}
}

// TestCacheAcrossWorkflows: a changed run of a workflow that never ran reuses, node by node,
// the completed generations of another workflow with the same input fingerprints (reason
// cached, the generation named), executing nothing; a full run stays full; the target of a
// run from a block executes; with the setting off every node executes.
func TestCacheAcrossWorkflows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg, executions := testRegistry(t)
	svc := newService(t, reg, 2)
	importGraph(t, svc, "A", cacheGraph())
	importGraph(t, svc, "B", cacheGraph())
	importGraph(t, svc, "C", cacheGraph())
	a := runAndWait(t, svc, engine.RunRequest{Workflow: "A"})
	if a.Status != engine.RunCompleted {
		t.Fatalf("A: %s %s", a.Status, a.Error)
	}

	before := executions.Load()
	b := runAndWait(t, svc, engine.RunRequest{Workflow: "B", Changed: true})
	if b.Status != engine.RunCompleted || !reflect.DeepEqual(b.Outputs, a.Outputs) {
		t.Fatalf("B changed run: %s outputs %v, want %v", b.Status, b.Outputs, a.Outputs)
	}
	if n := executions.Load() - before; n != 0 {
		t.Errorf("B's changed run executed %d nodes, want 0 (all cached)", n)
	}
	for id, rec := range b.Snapshot.Records() {
		want := a.Snapshot.Records()[id].GenerationID
		if rec.Status != engine.NodeReused || !slices.Contains(rec.Reasons, engine.ReasonCached) || rec.GenerationID != want {
			t.Errorf("B %s: %+v, want reused (cached) of A's %s", id, rec, want)
		}
	}

	before = executions.Load()
	full := runAndWait(t, svc, engine.RunRequest{Workflow: "B"})
	if n := executions.Load() - before; full.Status != engine.RunCompleted || n != 3 {
		t.Errorf("B full run: %s, executed %d nodes, want all 3", full.Status, n)
	}

	before = executions.Load()
	from := runAndWait(t, svc, engine.RunRequest{Workflow: "C", From: "c"})
	if rec := from.Snapshot.Records()["c"]; rec.Status != engine.NodeExecuted {
		t.Errorf("C's target c: %+v, want executed", rec)
	}
	if rec := from.Snapshot.Records()["add"]; rec.Status != engine.NodeReused || !slices.Contains(rec.Reasons, engine.ReasonCached) {
		t.Errorf("C add: %+v, want cached", rec)
	}
	if n := executions.Load() - before; n != 1 {
		t.Errorf("C's run from c executed %d nodes, want 1", n)
	}

	if err := svc.SetSetting(ctx, engine.SettingCache, "off"); err != nil {
		t.Fatal(err)
	}
	importGraph(t, svc, "D", cacheGraph())
	before = executions.Load()
	d := runAndWait(t, svc, engine.RunRequest{Workflow: "D", Changed: true})
	if n := executions.Load() - before; d.Status != engine.RunCompleted || n != 3 {
		t.Errorf("D changed run with the cache off: %s, executed %d nodes, want 3", d.Status, n)
	}
	if err := svc.SetSetting(ctx, engine.SettingCache, "maybe"); err == nil {
		t.Errorf("cache=maybe accepted")
	}
}

// TestCacheNamesTheLatest: where two workflows hold a completed generation with the same
// fingerprint, a cached node names the later one, as a lookup per node would. The first hit
// (c) is in A, which re-executed c last; add and out were last computed by B, so the batched
// check of A's generations must not settle for A's earlier ones. A node served from the cache
// keeps the value as its own generation (TestCachedBecomesCurrent): D's changed run, after
// C's, names C's.
func TestCacheNamesTheLatest(t *testing.T) {
	t.Parallel()
	for _, store := range []string{"memstore", "sqlite"} {
		t.Run(store, func(t *testing.T) {
			reg, executions := testRegistry(t)
			svc := newService(t, reg, 2)
			if store == "sqlite" { // the process's known set counts the generations of each fingerprint
				st, err := storage.Open(context.Background(), t.TempDir(), nil)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				svc = cacheService(t, st, reg)
			}
			cacheNamesTheLatest(t, svc, executions)
		})
	}
}

func cacheNamesTheLatest(t *testing.T, svc *engine.Service, executions *atomic.Int64) {
	for _, name := range []string{"A", "B", "C", "D"} {
		importGraph(t, svc, name, cacheGraph())
	}
	a := runAndWait(t, svc, engine.RunRequest{Workflow: "A"})
	b := runAndWait(t, svc, engine.RunRequest{Workflow: "B"})
	again := runAndWait(t, svc, engine.RunRequest{Workflow: "A", From: "c"})
	if a.Status != engine.RunCompleted || b.Status != engine.RunCompleted || again.Status != engine.RunCompleted {
		t.Fatalf("runs: A %s %s, B %s %s, A from c %s %s", a.Status, a.Error, b.Status, b.Error, again.Status, again.Error)
	}
	want := map[string]string{"c": again.Snapshot.Records()["c"].GenerationID,
		"add": b.Snapshot.Records()["add"].GenerationID, "out": b.Snapshot.Records()["out"].GenerationID}
	if rec := again.Snapshot.Records()["add"]; rec.Status != engine.NodeReused || want["c"] == a.Snapshot.Records()["c"].GenerationID {
		t.Fatalf("A from c: c %+v, add %+v; want c executed again, add reused", again.Snapshot.Records()["c"], rec)
	}
	for _, name := range []string{"C", "D"} {
		before := executions.Load()
		r := runAndWait(t, svc, engine.RunRequest{Workflow: name, Changed: true})
		if n := executions.Load() - before; r.Status != engine.RunCompleted || n != 0 {
			t.Fatalf("%s changed run: %s, executed %d nodes, want 0", name, r.Status, n)
		}
		for id, rec := range r.Snapshot.Records() {
			if !slices.Contains(rec.Reasons, engine.ReasonCached) || rec.GenerationID != want[id] {
				t.Errorf("%s %s: %+v, want cached from the latest, %s", name, id, rec, want[id])
			}
			want[id] = latestOf(t, svc, name, id)
		}
	}
}

// TestPropertyCachedEqualsFull: for random deterministic graphs, a workflow's changed runs
// that reuse another workflow's generations from the cache (after random edits, with random
// flow input values) hold, node by node, the values a full run of the same version gives.
// The cache is hit (the test counts the hits, so it cannot pass without them).
func TestPropertyCachedEqualsFull(t *testing.T) {
	t.Parallel()
	reg := libRegistry(t)
	graphs := 60
	if testing.Short() {
		graphs = 15
	}
	var hits atomic.Int64
	t.Run("graphs", func(t *testing.T) {
		for i := 0; i < graphs; i++ {
			seed := int64(20261206 + i)
			t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
				t.Parallel()
				hits.Add(checkCachedProperty(t, reg, seed))
			})
		}
	})
	if hits.Load() == 0 {
		t.Errorf("no node was ever cached")
	}
}

func checkCachedProperty(t *testing.T, reg *engine.Registry, seed int64) int64 {
	ctx := context.Background()
	rng := rand.New(rand.NewSource(seed))
	pg := randomPropGraph(rng)
	g := pg.g
	svc := newService(t, reg, 2)
	if seed%10 == 0 {
		svc = serviceAt(t, t.TempDir(), engine.Config{RunCap: 2})
	}
	ref := newService(t, reg, 2)
	a := importGraph(t, svc, "a", g)
	b := importGraph(t, svc, "b", g)
	r := importGraph(t, ref, "ref", g)
	givenX, x := propX(rng)
	if run := runAndWait(t, svc, engine.RunRequest{Workflow: a.WorkflowID, Inputs: map[string]any{"x": givenX}}); run.Status != engine.RunCompleted {
		t.Fatalf("seed %d: full run of a: %s %s", seed, run.Status, run.Error)
	}
	var hits int64
	for round := 0; round < 3; round++ {
		if round > 0 {
			g = cloneGraph(g)
			for e := rng.Intn(3); e > 0; e-- {
				i := 1 + rng.Intn(len(pg.handles))
				g.Nodes[i].Params = map[string]any{"expression": randomExpr(rng, pg.handles[g.Nodes[i].ID])}
			}
			for _, w := range []struct {
				s  *engine.Service
				id string
			}{{svc, a.WorkflowID}, {svc, b.WorkflowID}, {ref, r.WorkflowID}} {
				if _, err := w.s.SaveVersion(ctx, w.id, g, fmt.Sprint("round ", round), "", true); err != nil {
					t.Fatal(err)
				}
			}
			if rng.Intn(2) == 0 {
				givenX, x = propX(rng)
			}
		}
		// b's changed run finds a's generations; then a's own changed run finds b's
		for _, wf := range []string{b.WorkflowID, a.WorkflowID} {
			plan, err := svc.PlanChanged(ctx, wf, "", map[string]any{"x": givenX})
			if err != nil {
				t.Fatal(err)
			}
			run := runAndWait(t, svc, engine.RunRequest{Workflow: wf, Changed: true, Inputs: map[string]any{"x": givenX}})
			if run.Status != engine.RunCompleted {
				t.Fatalf("seed %d round %d: changed run: %s %s", seed, round, run.Status, run.Error)
			}
			checkPlanSaidIt(t, fmt.Sprintf("seed %d round %d", seed, round), plan, run)
			full := runAndWait(t, ref, engine.RunRequest{Workflow: r.WorkflowID, Inputs: map[string]any{"x": x}})
			for id, rec := range run.Snapshot.Records() {
				if slices.Contains(rec.Reasons, engine.ReasonCached) {
					hits++
				}
				got := generationOutputs(t, svc, rec.GenerationID)
				want := generationOutputs(t, ref, full.Snapshot.Records()[id].GenerationID)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("seed %d round %d: node %s (%s %v) holds %v, a full run gives %v", seed, round, id, rec.Status, rec.Reasons, got, want)
				}
				// What an executed or cached node was fingerprinted with (from the hashes its
				// inputs were handed, a hit's among them) is what the full run worked out.
				if rec.Status == engine.NodeExecuted || slices.Contains(rec.Reasons, engine.ReasonCached) {
					if got, want := generationFingerprint(t, svc, rec.GenerationID), generationFingerprint(t, ref, full.Snapshot.Records()[id].GenerationID); got != want {
						t.Fatalf("seed %d round %d: node %s (%s %v) fingerprint %s, a full run's %s", seed, round, id, rec.Status, rec.Reasons, got, want)
					}
				}
			}
			if !reflect.DeepEqual(run.Outputs, full.Outputs) {
				t.Fatalf("seed %d round %d: outputs %v, a full run gives %v", seed, round, run.Outputs, full.Outputs)
			}
		}
	}
	return hits
}

// generationFingerprint is the input fingerprint of generation id.
func generationFingerprint(t *testing.T, svc *engine.Service, id string) string {
	t.Helper()
	g, err := svc.Store().GetGeneration(context.Background(), id)
	if err != nil {
		t.Fatalf("generation %s: %v", id, err)
	}
	return g.InputFingerprint
}

// cacheService is a service with the test registry on store.
func cacheService(t *testing.T, store engine.Store, reg *engine.Registry) *engine.Service {
	t.Helper()
	svc, err := engine.NewService(engine.Config{Store: store, Registry: reg, RunCap: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Close)
	return svc
}

// cachedFrom returns the generation node id of a changed run reused from the cache, failing
// the test when it was not cached.
func cachedFrom(t *testing.T, svc *engine.Service, workflow, id string) string {
	t.Helper()
	r := runAndWait(t, svc, engine.RunRequest{Workflow: workflow, Changed: true})
	rec := r.Snapshot.Records()[id]
	if r.Status != engine.RunCompleted || !slices.Contains(rec.Reasons, engine.ReasonCached) {
		t.Fatalf("%s changed run: %s %s, %s %+v; want cached", workflow, r.Status, r.Error, id, rec)
	}
	return rec.GenerationID
}

// TestCacheIndexFollowsTheStore: the process's memory of the cache names what a lookup in
// the store would, as the store changes: after this process executes a node again, after
// another process (a second store on the same data home) does, and after a deletion.
func TestCacheIndexFollowsTheStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg, _ := testRegistry(t)
	home := t.TempDir()
	stores := make([]*storage.Store, 2)
	for i := range stores {
		st, err := storage.Open(ctx, home, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		stores[i] = st
	}
	one, two := cacheService(t, stores[0], reg), cacheService(t, stores[1], reg)
	for _, name := range []string{"A", "B", "C", "D", "E"} {
		importGraph(t, one, name, cacheGraph())
	}
	a := runAndWait(t, one, engine.RunRequest{Workflow: "A"})
	if got, want := cachedFrom(t, one, "B", "c"), a.Snapshot.Records()["c"].GenerationID; got != want {
		t.Errorf("B: c cached from %s, want A's %s", got, want)
	}
	// This process executes c again: the next changed run names that generation.
	again := runAndWait(t, one, engine.RunRequest{Workflow: "A", From: "c"})
	if got, want := cachedFrom(t, one, "C", "c"), again.Snapshot.Records()["c"].GenerationID; got != want {
		t.Errorf("C: c cached from %s, want %s (this process's later execution)", got, want)
	}
	// Another process executes c again.
	other := runAndWait(t, two, engine.RunRequest{Workflow: "A", From: "c"})
	otherGen := other.Snapshot.Records()["c"].GenerationID
	if got := cachedFrom(t, one, "D", "c"); got != otherGen {
		t.Errorf("D: c cached from %s, want %s (the other process's later execution)", got, otherGen)
	}
	// That generation is deleted: the one before it is the latest again (D's own, which the
	// cache hit made current).
	if err := one.DeleteGeneration(ctx, otherGen); err != nil {
		t.Fatal(err)
	}
	if got, want := cachedFrom(t, one, "E", "c"), latestOf(t, one, "D", "c"); got != want {
		t.Errorf("E: c cached from %s, want %s (the deleted one's predecessor)", got, want)
	}
}

// latestOf is the id of the latest generation of a workflow's node.
func latestOf(t *testing.T, svc *engine.Service, workflow, nodeID string) string {
	t.Helper()
	w, err := svc.ResolveWorkflow(context.Background(), workflow)
	if err != nil {
		t.Fatal(err)
	}
	gens, err := svc.Store().ListGenerations(context.Background(), w.ID, nodeID)
	if err != nil || len(gens) == 0 {
		t.Fatalf("generations of %s %s: %d, %v", workflow, nodeID, len(gens), err)
	}
	return gens[0].ID
}

// TestCacheKnownSeesOtherProcesses: a warm process, whose memory knows every fingerprint of
// the data home and answers the others "none" without asking the store, sees fingerprints
// another process (a second store on the same home) computed since: new ones (read after
// its clock), and new ones after a deletion (read again, summary and all).
func TestCacheKnownSeesOtherProcesses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg, _ := testRegistry(t)
	home := t.TempDir()
	stores := make([]*storage.Store, 2)
	for i := range stores {
		st, err := storage.Open(ctx, home, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		stores[i] = st
	}
	one, two := cacheService(t, stores[0], reg), cacheService(t, stores[1], reg)
	withConst := func(v int64) engine.Graph {
		g := cacheGraph()
		g.Nodes[0].Params = map[string]any{"value": v}
		return g
	}
	importGraph(t, one, "A", cacheGraph())
	importGraph(t, one, "B", cacheGraph())
	a := runAndWait(t, one, engine.RunRequest{Workflow: "A"})
	if got, want := cachedFrom(t, one, "B", "add"), a.Snapshot.Records()["add"].GenerationID; got != want {
		t.Errorf("B: add cached from %s, want A's %s", got, want)
	}
	// the other process computes values this one never saw
	importGraph(t, two, "X", withConst(9))
	importGraph(t, one, "Y", withConst(9))
	x := runAndWait(t, two, engine.RunRequest{Workflow: "X"})
	if got, want := cachedFrom(t, one, "Y", "add"), x.Snapshot.Records()["add"].GenerationID; got != want {
		t.Errorf("Y: add cached from %s, want X's %s (the other process's)", got, want)
	}
	// a deletion, then the other process computes new values again
	if err := two.DeleteGeneration(ctx, x.Snapshot.Records()["add"].GenerationID); err != nil {
		t.Fatal(err)
	}
	importGraph(t, two, "P", withConst(11))
	importGraph(t, one, "Q", withConst(11))
	p := runAndWait(t, two, engine.RunRequest{Workflow: "P"})
	if got, want := cachedFrom(t, one, "Q", "add"), p.Snapshot.Records()["add"].GenerationID; got != want {
		t.Errorf("Q: add cached from %s, want P's %s (written after a deletion)", got, want)
	}
	// and the deleted generation is not named: Y's changed run executes add
	r := runAndWait(t, one, engine.RunRequest{Workflow: "Y", Changed: true})
	if rec := r.Snapshot.Records()["add"]; rec.Status != engine.NodeExecuted && rec.GenerationID == x.Snapshot.Records()["add"].GenerationID {
		t.Errorf("Y after the deletion: add %s %v from the deleted generation", rec.Status, rec.Reasons)
	}
}

// lookupCounter counts the store's cache lookups.
type lookupCounter struct {
	engine.Store
	lookups atomic.Int64
}

func (s *lookupCounter) CachedGeneration(ctx context.Context, fingerprint string) (engine.Generation, error) {
	s.lookups.Add(1)
	return s.Store.CachedGeneration(ctx, fingerprint)
}

func (s *lookupCounter) CachedGenerations(ctx context.Context, fingerprints []string) (map[string]engine.Generation, error) {
	s.lookups.Add(1)
	return s.Store.CachedGenerations(ctx, fingerprints)
}

// TestWarmCacheAsksNoStore: once a changed run found a workflow's generations in the cache,
// the next changed run of another copy finds them in the process's memory without a lookup
// in the store, also after this process executed one of them again (its own commit).
func TestWarmCacheAsksNoStore(t *testing.T) {
	t.Parallel()
	reg, executions := testRegistry(t)
	store := &lookupCounter{Store: memstore.New()}
	svc := cacheService(t, store, reg)
	for _, name := range []string{"A", "B", "C", "D"} {
		importGraph(t, svc, name, cacheGraph())
	}
	runAndWait(t, svc, engine.RunRequest{Workflow: "A"})
	cachedFrom(t, svc, "B", "c")
	if store.lookups.Load() == 0 {
		t.Fatal("the first changed run looked nothing up in the store")
	}
	again := runAndWait(t, svc, engine.RunRequest{Workflow: "A", From: "c"})
	before, ran := store.lookups.Load(), executions.Load()
	if got, want := cachedFrom(t, svc, "C", "c"), again.Snapshot.Records()["c"].GenerationID; got != want {
		t.Errorf("C: c cached from %s, want %s", got, want)
	}
	cachedFrom(t, svc, "D", "add")
	if n := store.lookups.Load() - before; n != 0 {
		t.Errorf("the warm changed runs asked the store %d times, want 0", n)
	}
	if n := executions.Load() - ran; n != 0 {
		t.Errorf("the warm changed runs executed %d nodes, want 0", n)
	}
}

// checkPlanSaidIt checks a run against its dry plan (SPEC §7 dry run, §14): a node the plan
// reuses (from its current generation, the cache, or early cutoff) is reused from that very
// generation for the same reasons; one it reruns executes, unless the plan said it may be
// cached, when the run may also reuse it (cached or inputs_unchanged).
func checkPlanSaidIt(t *testing.T, what string, plan engine.Plan, run engine.Run) {
	t.Helper()
	for id, rec := range run.Snapshot.Records() {
		pn, ok := plan.Nodes[id]
		if !ok {
			continue
		}
		switch {
		case pn.Action == engine.ActionReuse:
			if rec.Status != engine.NodeReused || rec.GenerationID != pn.SourceGenerationID || !slices.Equal(rec.Reasons, pn.Reasons) {
				t.Errorf("%s: node %s planned reuse %v of %s; the run: %s %v of %s", what, id, pn.Reasons, pn.SourceGenerationID,
					rec.Status, rec.Reasons, rec.GenerationID)
			}
		case pn.Action == engine.ActionRerun && pn.MayBeCached:
			if rec.Status != engine.NodeExecuted && (rec.Status != engine.NodeReused ||
				!(slices.Contains(rec.Reasons, engine.ReasonCached) || slices.Contains(rec.Reasons, engine.ReasonInputsUnchanged))) {
				t.Errorf("%s: node %s planned rerun, may be cached; the run: %s %v", what, id, rec.Status, rec.Reasons)
			}
		case pn.Action == engine.ActionRerun:
			if rec.Status != engine.NodeExecuted {
				t.Errorf("%s: node %s planned rerun %v; the run: %s %v", what, id, pn.Reasons, rec.Status, rec.Reasons)
			}
		}
	}
}

// TestPlanSaysCached: the dry plan of a changed run says which nodes the cache will serve and
// names the generations (a copy of a workflow that ran: every node, each fed by the one
// before); after an edit in the middle, the edited node reruns and those after it may be
// cached; with the cache off, the plan says nothing of it. Each run does what its plan said.
func TestPlanSaysCached(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg, _ := testRegistry(t)
	svc := newService(t, reg, 2)
	importGraph(t, svc, "A", cacheGraph())
	importGraph(t, svc, "B", cacheGraph())
	a := runAndWait(t, svc, engine.RunRequest{Workflow: "A"})
	plan, err := svc.PlanChanged(ctx, "B", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"c", "add", "out"} {
		pn := plan.Nodes[id]
		want := a.Snapshot.Records()[id].GenerationID
		if pn.Action != engine.ActionReuse || !slices.Contains(pn.Reasons, engine.ReasonCached) || pn.SourceGenerationID != want {
			t.Errorf("plan of B, %s: %+v, want reuse (cached) of A's %s", id, pn, want)
		}
	}
	if plan.Rerun != 0 || plan.Reuse != 3 {
		t.Errorf("plan counts: %d rerun, %d reuse; want 0, 3", plan.Rerun, plan.Reuse)
	}
	checkPlanSaidIt(t, "B", plan, runAndWait(t, svc, engine.RunRequest{Workflow: "B", Changed: true}))

	// an edit in the middle: add reruns (nothing has its new fingerprint); out depends on it
	g := cacheGraph()
	g.Nodes[1].Params = map[string]any{"k": int64(2)}
	importGraph(t, svc, "C", g)
	plan, err = svc.PlanChanged(ctx, "C", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if pn := plan.Nodes["c"]; pn.Action != engine.ActionReuse || !slices.Contains(pn.Reasons, engine.ReasonCached) {
		t.Errorf("plan of C, c: %+v, want cached", pn)
	}
	if pn := plan.Nodes["add"]; pn.Action != engine.ActionRerun || pn.MayBeCached {
		t.Errorf("plan of C, add: %+v, want rerun (its fingerprint is known: no generation has it)", pn)
	}
	if pn := plan.Nodes["out"]; pn.Action != engine.ActionRerun || !pn.MayBeCached {
		t.Errorf("plan of C, out: %+v, want rerun, may be cached", pn)
	}
	checkPlanSaidIt(t, "C", plan, runAndWait(t, svc, engine.RunRequest{Workflow: "C", Changed: true}))

	if err := svc.SetSetting(ctx, engine.SettingCache, "off"); err != nil {
		t.Fatal(err)
	}
	importGraph(t, svc, "D", cacheGraph())
	plan, err = svc.PlanChanged(ctx, "D", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	for id, pn := range plan.Nodes {
		if pn.Action != engine.ActionRerun || pn.MayBeCached || slices.Contains(pn.Reasons, engine.ReasonCached) {
			t.Errorf("plan of D with the cache off, %s: %+v", id, pn)
		}
	}
}
