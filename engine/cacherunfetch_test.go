package engine_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// TestUndoneEditHitsInBatches: a chain's n<mid> edited to a value, then to another, then back
// to the first: the changed run of a fresh process finds every node after n<mid> in the cache,
// the generations the first edit's run wrote (no longer current). Those are looked up in
// batches of the generations that run wrote (prefetchRun), not one store lookup a node; each
// node is served the latest completed generation with its fingerprint (the first edit's
// run's), and the outputs are a full run's.
func TestUndoneEditHitsInBatches(t *testing.T) {
	t.Parallel()
	const n, mid = 700, 150
	home := t.TempDir()
	g := bigChain(n)
	_, first := process(t, home)
	wf := perfImport(t, first, "Chain", g)
	edit := func(svc *engine.Service, k int) { saveChainEdit(t, svc, wf, g, mid, k) }
	run := func(svc *engine.Service, req engine.RunRequest) engine.Run { return completedRun(t, svc, req) }
	run(first, engine.RunRequest{Workflow: wf})
	edit(first, 1000)
	firstEdit := run(first, engine.RunRequest{Workflow: wf, Changed: true})
	edit(first, 2000)
	run(first, engine.RunRequest{Workflow: wf, Changed: true})
	edit(first, 1000)
	first.Close()

	counted, svc := process(t, home)
	got := run(svc, engine.RunRequest{Workflow: wf, Changed: true})
	wrote := firstEdit.Snapshot.Records()
	cached := 0
	for id, rec := range got.Snapshot.Records() {
		if !slices.Contains(rec.Reasons, engine.ReasonCached) {
			continue
		}
		cached++
		if rec.GenerationID != wrote[id].GenerationID { // the run's record names the source
			t.Errorf("%s served %q, want the first edit's generation %q", id, rec.GenerationID, wrote[id].GenerationID)
		}
	}
	if cached < n-mid-1 {
		t.Fatalf("%d nodes served from the cache, want the %d after n%d", cached, n-mid-1, mid)
	}
	if l := counted.lookups.Load(); l > (n-mid)/10 {
		t.Errorf("%d store lookups of one fingerprint for %d cache hits: the generations the first edit's run wrote were not fetched in batches", l, cached)
	}
	full := run(svc, engine.RunRequest{Workflow: wf})
	if !reflect.DeepEqual(got.Outputs, full.Outputs) {
		t.Fatalf("changed run outputs %v, a full run gives %v", got.Outputs, full.Outputs)
	}
}
