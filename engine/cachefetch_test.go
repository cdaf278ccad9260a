package engine_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/nodes"
	"github.com/flowbench/flowbench/storage"
)

// readCountingStore counts the reads of whole generations a service makes.
type readCountingStore struct {
	*storage.Store
	current, batches, batched, lookups, reads atomic.Int64
	whole, checked                            atomic.Int64 // generations the batched lookups gave whole; candidates checked
}

func (c *readCountingStore) CandidateOutputs(ctx context.Context, cands []engine.CacheCandidate) (map[string]map[string]any, error) {
	c.batches.Add(1)
	c.batched.Add(int64(len(cands)))
	c.checked.Add(int64(len(cands)))
	return c.Store.CandidateOutputs(ctx, cands)
}

func (c *readCountingStore) CurrentGenerations(ctx context.Context, workflowID string) (engine.CurrentState, error) {
	c.current.Add(1)
	return c.Store.CurrentGenerations(ctx, workflowID)
}

func (c *readCountingStore) CachedGenerations(ctx context.Context, fps []string) (map[string]engine.Generation, error) {
	c.batches.Add(1)
	c.batched.Add(int64(len(fps)))
	got, err := c.Store.CachedGenerations(ctx, fps)
	c.whole.Add(int64(len(got)))
	return got, err
}

func (c *readCountingStore) CachedGeneration(ctx context.Context, fp string) (engine.Generation, error) {
	c.lookups.Add(1)
	return c.Store.CachedGeneration(ctx, fp)
}

func (c *readCountingStore) GetGenerations(ctx context.Context, ids []string) (map[string]engine.Generation, error) {
	c.reads.Add(int64(len(ids)))
	return c.Store.GetGenerations(ctx, ids)
}

func (c *readCountingStore) GetGeneration(ctx context.Context, id string) (engine.Generation, error) {
	c.reads.Add(1)
	return c.Store.GetGeneration(ctx, id)
}

// process opens the data home as a new process does (nothing in memory), counting reads.
func process(t *testing.T, home string) (*readCountingStore, *engine.Service) {
	t.Helper()
	st, err := storage.Open(context.Background(), home, nil)
	if err != nil {
		t.Fatal(err)
	}
	counted := &readCountingStore{Store: st}
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

// TestCacheHitsInFreshProcess: bench-chain's CHAIN_EDIT=old case as the command line runs
// it, each command a new process. A chain run fully, then changed so that most nodes after
// the edit receive values other nodes of the chain had before: the changed run, in a new
// process that planned from the state record, serves them from the cache without reading
// the workflow's whole current state (every node's generation, ~8 µs each): a store lookup
// and one batched lookup per window of the chain it uses (the hits come whole, no second
// read for their outputs); its outputs are a full run's. Before, the batched check read the
// whole state and then checked every node of the workflow.
func TestCacheHitsInFreshProcess(t *testing.T) {
	t.Parallel()
	const n, mid, k = 1200, 200, 50
	ctx := context.Background()
	home := t.TempDir()
	g := bigChain(n)
	_, first := process(t, home)
	wf := perfImport(t, first, "Chain", g)
	if r := runAndWait(t, first, engine.RunRequest{Workflow: wf}); r.Status != engine.RunCompleted {
		t.Fatal(r.Status, r.Error)
	}
	edited := cloneGraph(g)
	edited.Nodes[mid].Params = map[string]any{"expression": fmt.Sprintf("a + %d", k)}
	if _, err := first.SaveVersion(ctx, wf, edited, "edit", "", true); err != nil {
		t.Fatal(err)
	}
	first.Close()

	counted, svc := process(t, home)
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
	if want := n - 1 - mid - k + 1; hits != want {
		t.Errorf("the changed run served %d nodes from the cache, want %d", hits, want)
	}
	if c := counted.current.Load(); c != 0 {
		t.Errorf("the changed run read the workflow's whole current state %d times, want 0", c)
	}
	// 950 hits: two windows of 512
	if b, l := counted.batches.Load(), counted.lookups.Load(); b > 3 || l > 3 {
		t.Errorf("the changed run's %d hits took %d batched lookups and %d single ones, want at most 3 each", hits, b, l)
	}
	if got := counted.batched.Load(); got > int64(hits+2*512) {
		t.Errorf("the changed run's batched lookups asked %d fingerprints for %d hits", got, hits)
	}
	// The window's candidates (the state record's, without outputs) are checked as they are:
	// only their outputs are read, none of them whole again.
	if w, c := counted.whole.Load(), counted.checked.Load(); w != 0 || c < int64(hits) {
		t.Errorf("the changed run's batched lookups gave %d generations whole and checked %d candidates for %d hits, want 0 and all", w, c, hits)
	}
	if r := counted.reads.Load(); r > 1 {
		t.Errorf("the changed run read %d generations by id, want at most 1 (the reused node feeding the edit; hits come whole)", r)
	}
	full := runAndWait(t, svc, engine.RunRequest{Workflow: wf})
	if !reflect.DeepEqual(changed.Outputs, full.Outputs) {
		t.Fatalf("changed run outputs %v, a full run gives %v", changed.Outputs, full.Outputs)
	}
}
