package storage_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// TestFingerprintSummary: the cache's known set read from a fresh store is the persisted
// summary plus the generations after it. A read that finds a long tail writes the summary,
// so the next read gets one blob and nothing after; every completed fingerprint is named
// (never a failed one alone); and after the latest generations are deleted, the next ones,
// which SQLite numbers with the freed seqs, are still read.
func TestFingerprintSummary(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	s := open(t, home)
	defer s.Close()
	w, v, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "chain"}, engine.Version{Graph: engine.Graph{Nodes: []engine.Node{{ID: "a", Type: "math.expr"}}}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.CreateRun(ctx, engine.Run{WorkflowID: w.ID, VersionID: v.ID, Status: engine.RunRunning})
	if err != nil {
		t.Fatal(err)
	}
	fp := func(i int) string { return fmt.Sprintf("%016x%016x", uint64(i)*0x9e3779b97f4a7c15, i) }
	save := func(from, to int) []engine.Generation {
		t.Helper()
		var gens []engine.Generation
		for i := from; i < to; i++ {
			st := engine.GenCompleted
			if i%7 == 6 {
				st = engine.GenFailed
			}
			gens = append(gens, engine.Generation{ID: engine.NewID(), WorkflowID: w.ID, NodeID: fmt.Sprint("n", i), RunID: r.ID, VersionID: v.ID,
				Status: st, Outputs: map[string]any{}, InputFingerprint: fp(i)})
		}
		if _, err := s.SaveGenerations(ctx, gens); err != nil {
			t.Fatal(err)
		}
		return gens
	}
	list := func() (sorted []uint64, more []string) {
		t.Helper()
		sorted, more, ok, err := s.CompletedFingerprints(ctx, -1, 1_000_000)
		if err != nil || !ok {
			t.Fatalf("CompletedFingerprints: %v, %v", ok, err)
		}
		if !slices.IsSorted(sorted) {
			t.Fatal("summary keys not sorted")
		}
		return sorted, more
	}
	check := func(what string, sorted []uint64, more []string, n int) {
		t.Helper()
		for i := range n {
			k, _ := engine.FingerprintKey(fp(i))
			_, inSorted := slices.BinarySearch(sorted, k)
			named := inSorted || slices.Contains(more, fp(i))
			if want := i%7 != 6; named != want {
				t.Fatalf("%s: fingerprint %d named %v, want %v", what, i, named, want)
			}
		}
	}
	const n = 3000 // more than one summary rewrite's worth
	save(0, n)
	// the batch's writer named its keys in a segment (migration 0015): nothing after
	sorted, more := list()
	if len(sorted) != n-n/7 || len(more) != 0 {
		t.Fatalf("first read: %d keys + %d after, want the batch's segment (%d keys)", len(sorted), len(more), n-n/7)
	}
	check("first read", sorted, more, n)
	// small batches leave no segment: read from the generations
	for i := n; i < n+2600; i += 50 {
		save(i, i+50)
	}
	const m = n + 2600
	sorted, more = list()
	if len(sorted) != n-n/7 || len(more) != m-m/7-len(sorted) {
		t.Fatalf("second read: %d keys + %d after, want %d after", len(sorted), len(more), m-m/7-len(sorted))
	}
	check("second read", sorted, more, m)
	// the second read left its rewrite to the store's next batch of generations (here a
	// failed one, which names no key)
	save(6, 7)
	if sorted, more = list(); len(more) != 0 {
		t.Fatalf("third read: %d after the summary, want it rewritten with the batch after the second", len(more))
	}
	check("third read", sorted, more, m)
	saved := save(m, m+n)
	top := m + n
	if sorted, more = list(); len(sorted)+len(more) != top-top/7 {
		t.Fatalf("fourth read: %d keys + %d after", len(sorted), len(more))
	}
	check("fourth read", sorted, more, top)
	// since >= 0: what was written after a seq
	if _, after, ok, err := s.CompletedFingerprints(ctx, saved[n-2].Seq, 10); err != nil || !ok || !slices.Equal(after, []string{fp(top - 1)}) {
		t.Fatalf("after seq %d: %v, %v, %v; want [%s]", saved[n-2].Seq, after, ok, err, fp(top-1))
	}
	// the last ten deleted; ten new ones take their seqs
	for _, g := range saved[n-10:] {
		if err := s.DeleteGeneration(ctx, g.ID); err != nil {
			t.Fatal(err)
		}
	}
	again := save(top, top+10)
	if again[0].Seq != saved[n-10].Seq {
		t.Logf("seq %d after deleting from %d (not reused: still checked)", again[0].Seq, saved[n-10].Seq)
	}
	sorted, more = list()
	check("after deleting and writing again", sorted, more, top+10)
	if _, _, ok, err := s.CompletedFingerprints(ctx, -1, 100); ok || err != nil {
		t.Fatalf("past the limit: %v, %v; want not ok", ok, err)
	}
}

// BenchmarkFingerprintsAfter: the known set's read of the fingerprints a full run of a
// 10,000-node graph wrote after the summary (what the next changed run's first cache lookup
// reads).
func BenchmarkFingerprintsAfter(b *testing.B) {
	ctx := context.Background()
	s := open(b, b.TempDir())
	defer s.Close()
	w, v, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "chain"}, engine.Version{Graph: engine.Graph{Nodes: []engine.Node{{ID: "a", Type: "math.expr"}}}})
	if err != nil {
		b.Fatal(err)
	}
	r, err := s.CreateRun(ctx, engine.Run{WorkflowID: w.ID, VersionID: v.ID, Status: engine.RunRunning})
	if err != nil {
		b.Fatal(err)
	}
	var gens []engine.Generation
	for i := range 10_000 {
		gens = append(gens, engine.Generation{ID: engine.NewID(), WorkflowID: w.ID, NodeID: fmt.Sprint("n", i), RunID: r.ID, VersionID: v.ID,
			Status: engine.GenCompleted, Outputs: map[string]any{"result": i}, InputFingerprint: fmt.Sprintf("%016x%016x", uint64(i)*0x9e3779b97f4a7c15, i)})
	}
	if _, err := s.SaveGenerations(ctx, gens); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		_, more, ok, err := s.CompletedFingerprints(ctx, 0, 1_000_000)
		if err != nil || !ok || len(more) != 10_000 {
			b.Fatal(len(more), ok, err)
		}
	}
}
