package engine_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/storage"
)

// knownCountingStore counts the reads of the cache's known set.
type knownCountingStore struct {
	*storage.Store
	known atomic.Int64
}

func (c *knownCountingStore) CompletedFingerprints(ctx context.Context, since int64, limit int) ([]uint64, []string, bool, error) {
	c.known.Add(1)
	return c.Store.CompletedFingerprints(ctx, since, limit)
}

// TestCacheWarmsOnlyForRunsThatAsk: a fresh process that runs a chain from its last node
// reads no known set (the cache is never asked about the target of a run from a block, and
// the output node after it is cut off early: warming the index for it would be work for
// nothing), while one that runs it changed after an edit in the middle reads it once: the
// warming read and the run's first lookup share it.
func TestCacheWarmsOnlyForRunsThatAsk(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg := libRegistry(t)
	st := sqliteStore(t)
	g := recChain(300)
	first := cacheService(t, st, reg)
	imp := importGraph(t, first, "chain", g)
	if r := runAndWait(t, first, engine.RunRequest{Workflow: imp.WorkflowID}); r.Status != engine.RunCompleted {
		t.Fatalf("full run %s %s", r.Status, r.Error)
	}
	first.Close()

	from := &knownCountingStore{Store: st}
	svc := cacheService(t, from, reg)
	r := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID, From: "n299"})
	if r.Status != engine.RunCompleted {
		t.Fatalf("run from n299: %s %s", r.Status, r.Error)
	}
	svc.Close() // waits for a warming read under way
	if n := from.known.Load(); n != 0 {
		t.Fatalf("a run from the last node read the known set %d times, want none", n)
	}
	if rec := r.Snapshot.Records()["out"]; rec.Status != engine.NodeReused {
		t.Fatalf("the output node after n299 %s %v, want reused (early cutoff)", rec.Status, rec.Reasons)
	}

	g.Nodes[151].Params = map[string]any{"expression": "a + 1000000"} // n150: a new value
	changed := &knownCountingStore{Store: st}
	svc2 := cacheService(t, changed, reg)
	if _, err := svc2.SaveVersion(ctx, imp.WorkflowID, g, "edit", "", true); err != nil {
		t.Fatal(err)
	}
	r = runAndWait(t, svc2, engine.RunRequest{Workflow: imp.WorkflowID, Changed: true})
	if r.Status != engine.RunCompleted || r.Snapshot.Records()["n299"].Status != engine.NodeExecuted {
		t.Fatalf("changed run: %s %s", r.Status, r.Error)
	}
	svc2.Close()
	if n := changed.known.Load(); n != 1 {
		t.Fatalf("a changed run's process read the known set %d times, want once", n)
	}
}
