package storage

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// segTestHome opens a store on a new home with one workflow and one run.
func segTestHome(t *testing.T) (s *Store, home string, save func(fps []string, failedEvery int) []engine.Generation) {
	t.Helper()
	ctx := context.Background()
	home = t.TempDir()
	s, err := Open(ctx, home, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	w, v, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "chain"}, engine.Version{Graph: engine.Graph{Nodes: []engine.Node{{ID: "a", Type: "math.expr"}}}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.CreateRun(ctx, engine.Run{WorkflowID: w.ID, VersionID: v.ID, Status: engine.RunRunning})
	if err != nil {
		t.Fatal(err)
	}
	node := 0
	save = func(fps []string, failedEvery int) []engine.Generation {
		t.Helper()
		gens := make([]engine.Generation, len(fps))
		for i, fp := range fps {
			st := engine.GenCompleted
			if failedEvery > 0 && i%failedEvery == failedEvery-1 {
				st = engine.GenFailed
			}
			node++
			gens[i] = engine.Generation{ID: engine.NewID(), WorkflowID: w.ID, NodeID: fmt.Sprint("n", node), RunID: r.ID, VersionID: v.ID,
				Status: st, Outputs: map[string]any{"result": i}, InputFingerprint: fp}
		}
		if _, err := s.SaveGenerations(ctx, gens); err != nil {
			t.Fatal(err)
		}
		return gens
	}
	return s, home, save
}

func segFP(i int) string { return fmt.Sprintf("%016x%016x", uint64(i)*0x9e3779b97f4a7c15, i) }

// TestKnownSetAfterFullRunReadsNoGenerations: after a full run of a 10,000-node graph (its
// generations committed in a few large batches), a fresh process reads the cache's known set
// from the batches' segments (migration 0015) without reading the generations: before, it read
// all 10,000 rows after the summary (tailRead 10,000), ~10 ms of a changed run.
func TestKnownSetAfterFullRunReadsNoGenerations(t *testing.T) {
	ctx := context.Background()
	s, home, save := segTestHome(t)
	const n, batch = 10_000, 1_500
	for i := 0; i < n; i += batch {
		var fps []string
		for j := i; j < min(i+batch, n); j++ {
			fps = append(fps, segFP(j))
		}
		save(fps, 0)
	}
	save([]string{segFP(n), segFP(n + 1)}, 0) // a small batch: no segment, read from the table
	s.Close()
	fresh, err := Open(ctx, home, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	sorted, more, ok, err := fresh.CompletedFingerprints(ctx, -1, 1_000_000)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if got := fresh.fps.tailRead.Load(); got > 2 {
		t.Errorf("read %d generations for the known set, want ≤ 2 (the small batch)", got)
	}
	if got, want := fresh.fps.segmentsRead.Load(), int64((n+batch-1)/batch); got != want {
		t.Errorf("read %d segments, want %d", got, want)
	}
	for i := range n + 2 {
		k, _ := engine.FingerprintKey(segFP(i))
		if _, found := slices.BinarySearch(sorted, k); !found && !slices.Contains(more, segFP(i)) {
			t.Fatalf("fingerprint %d not in the known set", i)
		}
	}
}

// TestPropertyKnownSetWithSegments: random histories of batches large and small (with failed
// generations), deletions of the latest generations (their seqs then taken again) and of
// others, and reads from fresh stores (which fold segments into the summary): every read's
// known set names every completed generation's fingerprint in the table. (It may name more: a
// deleted generation's key may stay, which only costs a store lookup.)
func TestPropertyKnownSetWithSegments(t *testing.T) {
	ctx := context.Background()
	defer func(n int) { segmentFold = n }(segmentFold)
	for seed := range uint64(12) {
		// half the histories fold after a few segments (fold: a segment in place of those
		// read, or a new summary once they are a quarter of it)
		segmentFold = []int{32, 2}[seed%2]
		rng := rand.New(rand.NewPCG(seed, 7))
		s, home, save := segTestHome(t)
		var live []engine.Generation
		next := 0
		for step := range 40 {
			switch op := rng.IntN(10); {
			case op < 5: // a batch, large or small
				size := 1 + rng.IntN(20)
				if rng.IntN(2) == 0 {
					size = segmentMin + rng.IntN(300)
				}
				fps := make([]string, size)
				for i := range fps {
					if rng.IntN(5) == 0 && next > 0 {
						fps[i] = segFP(rng.IntN(next)) // a value seen before
					} else {
						fps[i] = segFP(next)
						next++
					}
				}
				live = append(live, save(fps, 1+rng.IntN(9))...)
			case op < 7 && len(live) > 0: // the latest few deleted: their seqs come again
				k := 1 + rng.IntN(min(len(live), 80))
				for _, g := range live[len(live)-k:] {
					if err := s.DeleteGeneration(ctx, g.ID); err != nil {
						t.Fatal(err)
					}
				}
				live = live[:len(live)-k]
			case op < 8 && len(live) > 0: // one in the middle
				i := rng.IntN(len(live))
				if err := s.DeleteGeneration(ctx, live[i].ID); err != nil {
					t.Fatal(err)
				}
				live = slices.Delete(live, i, i+1)
			default: // a read, from this store or a fresh one
				rd := s
				if rng.IntN(2) == 0 {
					f, err := Open(ctx, home, slog.New(slog.DiscardHandler))
					if err != nil {
						t.Fatal(err)
					}
					rd = f
				}
				sorted, more, ok, err := rd.CompletedFingerprints(ctx, -1, 1_000_000)
				if err != nil || !ok {
					t.Fatal(ok, err)
				}
				for _, g := range live {
					if g.Status != engine.GenCompleted {
						continue
					}
					k, _ := engine.FingerprintKey(g.InputFingerprint)
					if _, found := slices.BinarySearch(sorted, k); !found && !slices.Contains(more, g.InputFingerprint) {
						t.Fatalf("seed %d step %d: generation %d's fingerprint not in the known set", seed, step, g.Seq)
					}
				}
				if rd != s {
					rd.Close()
				}
			}
		}
		// a last check from a fresh store
		f, err := Open(ctx, home, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		sorted, more, ok, err := f.CompletedFingerprints(ctx, -1, 1_000_000)
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
		for _, g := range live {
			k, _ := engine.FingerprintKey(g.InputFingerprint)
			if _, found := slices.BinarySearch(sorted, k); g.Status == engine.GenCompleted && !found && !slices.Contains(more, g.InputFingerprint) {
				t.Fatalf("seed %d, end: generation %d's fingerprint not in the known set", seed, g.Seq)
			}
		}
		f.Close()
	}
}

// TestFoldLeavesTheSummary: on a home whose summary is large, a read that finds more
// segments than segmentFold folds them into one segment and leaves the summary as it is;
// once what came after the summary is a quarter of it, the summary is rewritten. Before, every
// such read rewrote the whole summary (every key of the home's history). Reads from fresh
// stores find every fingerprint throughout.
func TestFoldLeavesTheSummary(t *testing.T) {
	ctx := context.Background()
	s, home, save := segTestHome(t)
	next := 0
	batch := func(n int) {
		fps := make([]string, n)
		for i := range fps {
			fps[i] = segFP(next)
			next++
		}
		save(fps, 0)
	}
	state := func() (mark int64, summary, segments int) {
		t.Helper()
		if err := s.r.QueryRowContext(ctx, `SELECT seq, length(keys) / 8, (SELECT count(*) FROM fingerprint_segments) FROM fingerprint_summary`).Scan(&mark, &summary, &segments); err != nil {
			t.Fatal(err)
		}
		return
	}
	read := func() {
		t.Helper()
		f, err := Open(ctx, home, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		sorted, more, ok, err := f.CompletedFingerprints(ctx, -1, 1_000_000)
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
		for i := range next {
			k, _ := engine.FingerprintKey(segFP(i))
			if _, found := slices.BinarySearch(sorted, k); !found && !slices.Contains(more, segFP(i)) {
				t.Fatalf("fingerprint %d not in the known set", i)
			}
		}
	}
	for range 40 { // 20,480 keys, then a read: the first summary
		batch(512)
	}
	read()
	mark, summary, segments := state()
	if summary != 20_480 || segments != 0 {
		t.Fatalf("after the first read: summary of %d keys and %d segments, want 20480 and 0", summary, segments)
	}
	for range segmentFold + 1 { // 2,112 keys: less than a quarter of the summary
		batch(64)
	}
	read()
	if m, sum, segs := state(); m != mark || sum != summary || segs != 1 {
		t.Fatalf("after a fold: summary at %d with %d keys and %d segments, want it at %d with %d and 1 segment", m, sum, segs, mark, summary)
	}
	for range segmentFold { // one fold and 32 new segments: still less than a quarter
		batch(64)
	}
	batch(3) // a small batch in a gap between segments, read from the generations
	batch(64)
	read()
	if m, sum, segs := state(); m != mark || sum != summary || segs != 1 {
		t.Fatalf("after a second fold: summary at %d with %d keys and %d segments, want it at %d with %d and 1 segment", m, sum, segs, mark, summary)
	}
	for range 2 * segmentFold { // past a quarter of the summary
		batch(64)
	}
	read()
	if m, sum, segs := state(); m == mark || sum != next || segs != 0 {
		t.Fatalf("after a quarter of the summary came: summary at %d with %d keys and %d segments, want it moved on with %d and none", m, sum, segs, next)
	}
	read()
}
