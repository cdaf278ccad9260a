package engine_test

import (
	"context"
	"os"
	"reflect"
	"slices"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/nodes"
	"github.com/flowbench/flowbench/storage"
)

// noCandidateCheck is a store without the batched check of candidates: the cache asks
// CachedGenerations for every fingerprint of a window.
type noCandidateCheck struct{ engine.Store }

// TestCandidateCheckNamesWhatTheBatchedLookupNames: with history (a chain run fully and
// changed again and again, each edit shifting n<mid> by one, so that the nodes after it hit
// older generations of other nodes, each fingerprint held by several generations; and another
// workflow holding the latest of some, so that the window's candidate is not always the
// latest), a fresh process that checks the window's candidates
// (only their outputs read) runs changed as one that asks CachedGenerations does, on a copy
// of the same home: each node with the same status and reasons, each reused or cached one
// from the same generation; and its outputs are a full run's.
func TestCandidateCheckNamesWhatTheBatchedLookupNames(t *testing.T) {
	t.Parallel()
	const n, mid = 700, 150
	home := t.TempDir()
	g := bigChain(n)
	_, first := process(t, home)
	wf := perfImport(t, first, "Chain", g)
	other := perfImport(t, first, "Other", g)
	edit := func(svc *engine.Service, wf string, k int) { saveChainEdit(t, svc, wf, g, mid, k) }
	run := func(svc *engine.Service, req engine.RunRequest) engine.Run { return completedRun(t, svc, req) }
	for i := range 4 {
		run(first, engine.RunRequest{Workflow: wf})
		edit(first, wf, 10+i)
		run(first, engine.RunRequest{Workflow: wf, Changed: true})
	}
	// Other, the same chain, holds the latest generations of some fingerprints of the chain's
	// current ones: those of the nodes from n500 on, which it ran from after the chain's full run.
	edit(first, other, 13)
	run(first, engine.RunRequest{Workflow: other})
	run(first, engine.RunRequest{Workflow: wf})
	run(first, engine.RunRequest{Workflow: other, From: "n500"})
	edit(first, wf, 14)
	first.Close()

	// The same home twice (generation ids and all): one process checks candidates, the other
	// asks CachedGenerations.
	twin := t.TempDir()
	if err := os.CopyFS(twin, os.DirFS(home)); err != nil {
		t.Fatal(err)
	}
	counted, svc := process(t, home)
	plain := serviceOn(t, twin, func(st *storage.Store) engine.Store { return noCandidateCheck{st} })
	got := run(svc, engine.RunRequest{Workflow: wf, Changed: true})
	want := run(plain, engine.RunRequest{Workflow: wf, Changed: true})
	cached, wantRecs := 0, want.Snapshot.Records()
	for id, rec := range got.Snapshot.Records() {
		w := wantRecs[id]
		if rec.Status != w.Status || !slices.Equal(rec.Reasons, w.Reasons) || rec.Status == engine.NodeReused && rec.GenerationID != w.GenerationID {
			t.Errorf("%s: %s %v from %q; asking CachedGenerations, %s %v from %q", id, rec.Status, rec.Reasons, rec.GenerationID, w.Status, w.Reasons, w.GenerationID)
		}
		if slices.Contains(rec.Reasons, engine.ReasonCached) {
			cached++
		}
	}
	if len(wantRecs) != len(got.Snapshot.Records()) || cached < (n-mid)/2 || counted.checked.Load() == 0 || counted.whole.Load() == 0 {
		t.Fatalf("%d records (want %d), %d served from the cache, %d candidates checked, %d not the latest: the test must hit the cache through both",
			len(got.Snapshot.Records()), len(wantRecs), cached, counted.checked.Load(), counted.whole.Load())
	}
	if !reflect.DeepEqual(got.Outputs, want.Outputs) {
		t.Errorf("outputs %v; asking CachedGenerations, %v", got.Outputs, want.Outputs)
	}
	full := run(svc, engine.RunRequest{Workflow: wf})
	if !reflect.DeepEqual(got.Outputs, full.Outputs) {
		t.Fatalf("changed run outputs %v, a full run gives %v", got.Outputs, full.Outputs)
	}
}

// serviceOn opens the data home as a new process does, with the store wrap gives.
func serviceOn(t *testing.T, home string, wrap func(*storage.Store) engine.Store) *engine.Service {
	t.Helper()
	st, err := storage.Open(context.Background(), home, nil)
	if err != nil {
		t.Fatal(err)
	}
	reg := engine.NewRegistry()
	if err := nodes.Register(reg); err != nil {
		t.Fatal(err)
	}
	svc, err := engine.NewService(engine.Config{RunCap: 2, Store: wrap(st), Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		svc.Close()
		st.Close()
	})
	return svc
}
