package engine_test

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/nodes"
	"github.com/flowbench/flowbench/storage"
)

// TestCacheFilterLongChangedRun: a changed run of 300 nodes, whose new fingerprints the
// process's known set answers without a store lookup, still reuses every node another workflow computed
// (cached, the same generations a lookup per node finds) and executes the new ones; its
// outputs are those of a full run. A fingerprint the run made itself is found when asked
// again (the nodes after the edit compute the same value over and over).
func TestCacheFilterLongChangedRun(t *testing.T) {
	t.Parallel()
	const n = 300
	g := bigChain(n)
	for i := 200; i < n; i++ {
		g.Nodes[i].Params = map[string]any{"expression": "a * 0 + 7"} // the same work from 201 on
	}
	counted, svc := countedService(t)
	a := perfImport(t, svc, "A", g)
	first := runAndWait(t, svc, engine.RunRequest{Workflow: a})
	if first.Status != engine.RunCompleted {
		t.Fatal(first.Status, first.Error)
	}
	// the fingerprints the cache's known set reads: each completed one (n201…n299 share one),
	// or nothing past the limit. The sorted keys (summary and the writers' segments) and the
	// fingerprints read from rows may name one twice: the run's commits fall into batches as
	// it goes, large ones named by a segment, small ones read row by row.
	sorted, fps, ok, err := counted.CompletedFingerprints(context.Background(), -1, 1000)
	keys := slices.Clone(sorted)
	for _, fp := range fps {
		if k, ok := engine.FingerprintKey(fp); ok {
			keys = append(keys, k)
		}
	}
	if slices.Sort(keys); err != nil || !ok || len(slices.Compact(keys)) != 203 {
		t.Fatalf("CompletedFingerprints: %d keys + %d fingerprints, %d distinct, %v, %v; want 203 (201 nodes, n201…n299 alike, out)",
			len(sorted), len(fps), len(slices.Compact(keys)), ok, err)
	}
	if sorted, fps, ok, err := counted.CompletedFingerprints(context.Background(), -1, 100); err != nil || ok || fps != nil || sorted != nil {
		t.Fatalf("CompletedFingerprints past its limit: %d, %v, %v", len(fps), ok, err)
	}
	edited := cloneGraph(g)
	edited.Nodes[150].Params = map[string]any{"expression": "a + 1000"}
	b := perfImport(t, svc, "B", edited)
	counted.lookups.Store(0)
	run := runAndWait(t, svc, engine.RunRequest{Workflow: b, Changed: true})
	if run.Status != engine.RunCompleted {
		t.Fatal(run.Status, run.Error)
	}
	// A's generations come from memory (the cache's index, with A's current generations);
	// the 52 nodes with values no generation had (the edited one and 51 after it) are
	// answered without a store lookup (without the filter: one each)
	if n := counted.lookups.Load(); n > 10 {
		t.Errorf("the changed run looked %d fingerprints up in the store, want the new ones answered in memory", n)
	}
	full := runAndWait(t, svc, engine.RunRequest{Workflow: b})
	if fmt.Sprint(run.Outputs) != fmt.Sprint(full.Outputs) {
		t.Fatalf("changed run outputs %v, a full run gives %v", run.Outputs, full.Outputs)
	}
	recs, was := run.Snapshot.Records(), first.Snapshot.Records()
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("n%d", i)
		rec := recs[id]
		switch {
		case i < 150 || i >= 201: // before the edit; and past 200, where the values are 7 again
			if rec.Status != engine.NodeReused || !slices.Contains(rec.Reasons, engine.ReasonCached) || rec.GenerationID != was[id].GenerationID && i < 150 {
				t.Errorf("%s: %s %v (%s), want cached", id, rec.Status, rec.Reasons, rec.GenerationID)
			}
		default:
			if rec.Status != engine.NodeExecuted {
				t.Errorf("%s: %s %v, want executed (a value no generation had)", id, rec.Status, rec.Reasons)
			}
		}
	}
}

// lookupCountingStore counts the cache's lookups of one fingerprint and its batched checks.
// countedService is a service with the node library on a new SQLite home whose cache lookups
// and batched checks are counted.
func countedService(t *testing.T) (*lookupCountingStore, *engine.Service) {
	st, err := storage.Open(context.Background(), t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	counted := &lookupCountingStore{Store: st}
	reg := engine.NewRegistry()
	if err := nodes.Register(reg); err != nil {
		t.Fatal(err)
	}
	svc, err := engine.NewService(engine.Config{RunCap: 2, Store: counted, Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		svc.Close()
		st.Close()
	})
	return counted, svc
}

type lookupCountingStore struct {
	*storage.Store
	lookups atomic.Int64
	batched atomic.Int64
}

func (c *lookupCountingStore) CachedGenerations(ctx context.Context, fps []string) (map[string]engine.Generation, error) {
	c.batched.Add(1)
	return c.Store.CachedGenerations(ctx, fps)
}

func (c *lookupCountingStore) CachedGeneration(ctx context.Context, fp string) (engine.Generation, error) {
	c.lookups.Add(1)
	return c.Store.CachedGeneration(ctx, fp)
}
