package engine_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/memstore"
	"github.com/flowbench/flowbench/engine/nodes"
)

// failingBatch is a store whose batched cache check fails.
type failingBatch struct{ engine.Store }

func (failingBatch) CachedGenerations(context.Context, []string) (map[string]engine.Generation, error) {
	return nil, errors.New("disk I/O error")
}

// TestCacheBatchedCheckFails: when the batched check of a hit's workflow fails, the run goes
// on with a store lookup a node and serves the same results (it used to crash the process).
func TestCacheBatchedCheckFails(t *testing.T) {
	t.Parallel()
	store := failingBatch{Store: memstore.New()}
	reg := engine.NewRegistry()
	if err := nodes.Register(reg); err != nil {
		t.Fatal(err)
	}
	svc, err := engine.NewService(engine.Config{RunCap: 2, Store: store, Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Close)
	a := perfImport(t, svc, "A", bigChain(50))
	var full engine.Run
	for range 2 { // every fingerprint then has two generations: the batched check is asked
		if full = runAndWait(t, svc, engine.RunRequest{Workflow: a}); full.Status != engine.RunCompleted {
			t.Fatal(full.Status, full.Error)
		}
	}
	b := perfImport(t, svc, "B", bigChain(50))
	r := runAndWait(t, svc, engine.RunRequest{Workflow: b, Changed: true})
	if r.Status != engine.RunCompleted || !reflect.DeepEqual(r.Outputs, full.Outputs) {
		t.Fatalf("changed run of the copy: %s %s, outputs %v, want %v", r.Status, r.Error, r.Outputs, full.Outputs)
	}
	if rec := r.Snapshot.Records()["n49"]; !slices.Contains(rec.Reasons, engine.ReasonCached) {
		t.Errorf("n49: %+v, want it served from the cache", rec)
	}
}

// TestCacheServesOneSourceARun: within one run a fingerprint is served by the generation the
// cache named first, as its plan said, even after a copy of it (written by a cache hit, so the
// latest generation with that fingerprint) joins the process's index; a new run is served the
// copy. Before, two nodes of a run sharing a fingerprint were served the source or its copy
// depending on when the first one's copy was committed, and the run contradicted its plan
// (TestPropertyCachedEqualsFull failed now and then).
func TestCacheServesOneSourceARun(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg, _ := testRegistry(t)
	svc := newService(t, reg, 2)
	importGraph(t, svc, "A", cacheGraph())
	importGraph(t, svc, "B", cacheGraph())
	a := runAndWait(t, svc, engine.RunRequest{Workflow: "A"})
	src, err := svc.Store().GetGeneration(ctx, a.Snapshot.Records()["add"].GenerationID)
	if err != nil {
		t.Fatal(err)
	}
	lookup := svc.CacheLookup()
	if g, err := lookup(ctx, src.InputFingerprint); err != nil || g == nil || g.ID != src.ID {
		t.Fatalf("first lookup: %+v %v, want %s", g, err, src.ID)
	}
	b := runAndWait(t, svc, engine.RunRequest{Workflow: "B", Changed: true})
	cp := b.Snapshot.Records()["add"]
	if !slices.Contains(cp.Reasons, engine.ReasonCached) {
		t.Fatalf("B add: %+v, want cached", cp)
	}
	if g, err := lookup(ctx, src.InputFingerprint); err != nil || g == nil || g.ID != src.ID {
		t.Errorf("the same run's next lookup: %+v %v, want the source %s again", g, err, src.ID)
	}
	latest := latestOf(t, svc, "B", "add")
	if g, err := svc.CacheLookup()(ctx, src.InputFingerprint); err != nil || g == nil || g.ID != latest {
		t.Errorf("a new run's lookup: %+v %v, want B's copy %s (the latest)", g, err, latest)
	}
}
