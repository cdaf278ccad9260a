package storage

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// walFrames is how many pages the WAL holds since the last truncating checkpoint (the store's
// own checkpointer stopped).
func walFrames(t *testing.T, s *Store, truncate bool) int {
	t.Helper()
	mode := "PASSIVE"
	if truncate {
		mode = "TRUNCATE"
	}
	deadline := time.Now().Add(30 * time.Second) // a hang guard: a busy checkpoint is retried
	for {
		var busy, log, done int
		if err := s.w.QueryRow(`PRAGMA wal_checkpoint(`+mode+`)`).Scan(&busy, &log, &done); err != nil {
			t.Fatal(err)
		}
		if busy == 0 && log >= 0 {
			return log
		}
		if time.Now().After(deadline) {
			t.Fatalf("wal_checkpoint(%s) still busy", mode)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// catchUpNow makes the next lookup catch the index up.
func catchUpNow(s *Store) { s.fps.written.Add(fingerprintTail) }

// TestFingerprintCatchUpWritesFewPages: catching the fingerprint index up after a batch writes
// the pages of the small recent table (migration 0016), not one page of the large index per
// generation. Here 2,000 generations indexed after 60,000: before, the catch-up inserted
// them into the 60,000-entry index, about 700 pages written; now well under 200.
func TestFingerprintCatchUpWritesFewPages(t *testing.T) {
	ctx := context.Background()
	s, _, save := segTestHome(t)
	// The store's background checkpoints would fold the WAL back while this test counts its
	// frames (the count would start over, or its truncation be busy).
	if err := s.StopCheckpointer(); err != nil {
		t.Fatal(err)
	}
	fps := func(from, to int) []string {
		out := make([]string, 0, to-from)
		for i := from; i < to; i++ {
			out = append(out, segFP(i))
		}
		return out
	}
	for i := 0; i < 60_000; i += 500 {
		save(fps(i, i+500), 0)
	}
	if _, err := s.CachedGeneration(ctx, segFP(1)); err != nil {
		t.Fatal(err)
	}
	var indexed, recent int
	if err := s.r.QueryRow(`SELECT (SELECT count(*) FROM generation_fingerprints), (SELECT count(*) FROM generation_fingerprints_recent)`).Scan(&indexed, &recent); err != nil {
		t.Fatal(err)
	}
	if indexed != 60_000 || recent != 0 {
		t.Fatalf("after the first catch-up: %d in the index, %d recent; want 60000 moved at once (more than recentMin)", indexed, recent)
	}
	save(fps(60_000, 62_000), 0)
	walFrames(t, s, true)
	catchUpNow(s)
	if g, err := s.CachedGeneration(ctx, segFP(61_234)); err != nil || g.InputFingerprint != segFP(61_234) {
		t.Fatal(g, err)
	}
	if pages := walFrames(t, s, false); pages > 200 {
		t.Errorf("the catch-up of 2000 generations wrote %d pages, want ≤ 200", pages)
	}
}

// TestPropertyFingerprintIndexAnswers: random histories (batches with random creation times,
// values seen before, failed generations, deletions of the latest and of others, catch-ups at
// random with the recent table moved often): CachedGeneration and CachedGenerations always
// name the latest completed generation with each fingerprint (by created_at, then seq), as a
// scan of every generation does, and CandidateOutputs confirms exactly the candidates that are.
func TestPropertyFingerprintIndexAnswers(t *testing.T) {
	ctx := context.Background()
	defer func(m, r int64) { recentMin, recentRatio = m, r }(recentMin, recentRatio)
	recentMin, recentRatio = 30, 2
	base := time.UnixMilli(1_700_000_000_000).UTC()
	for seed := range uint64(8) {
		rng := rand.New(rand.NewPCG(seed, 11))
		s, _, _ := segTestHome(t)
		w, v, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "p"}, engine.Version{Graph: engine.Graph{Nodes: []engine.Node{{ID: "a", Type: "math.expr"}}}})
		if err != nil {
			t.Fatal(err)
		}
		var live []engine.Generation
		const values = 60
		node := 0
		for step := range 60 {
			switch op := rng.IntN(10); {
			case op < 5:
				gens := make([]engine.Generation, 1+rng.IntN(40))
				for i := range gens {
					st := engine.GenCompleted
					if rng.IntN(6) == 0 {
						st = engine.GenFailed
					}
					node++
					gens[i] = engine.Generation{ID: engine.NewID(), WorkflowID: w.ID, NodeID: fmt.Sprint("n", node), VersionID: v.ID, Status: st,
						Outputs: map[string]any{}, InputFingerprint: segFP(rng.IntN(values)),
						CreatedAt: base.Add(time.Duration(rng.IntN(100_000)) * time.Millisecond)}
				}
				if _, err := s.SaveGenerations(ctx, gens); err != nil {
					t.Fatal(err)
				}
				live = append(live, gens...)
			case op < 7 && len(live) > 0:
				i := rng.IntN(len(live))
				if rng.IntN(2) == 0 {
					i = len(live) - 1
				}
				if err := s.DeleteGeneration(ctx, live[i].ID); err != nil {
					t.Fatal(err)
				}
				live = append(live[:i:i], live[i+1:]...)
			default:
				if rng.IntN(2) == 0 {
					catchUpNow(s)
				}
				want := map[string]engine.Generation{}
				for _, g := range live {
					if o, ok := want[g.InputFingerprint]; g.Status == engine.GenCompleted && (!ok || laterGeneration(&g, &o)) {
						want[g.InputFingerprint] = g
					}
				}
				var ask []string
				for i := range values {
					ask = append(ask, segFP(i))
				}
				if rng.IntN(2) == 0 {
					got, err := s.CachedGenerations(ctx, ask)
					if err != nil {
						t.Fatal(err)
					}
					for _, fp := range ask {
						if got[fp].ID != want[fp].ID {
							t.Fatalf("seed %d step %d: CachedGenerations(%s) = %q, want %q", seed, step, fp, got[fp].ID, want[fp].ID)
						}
					}
					// The check of candidates (a random live generation with each
					// fingerprint) confirms exactly the latest ones.
					var cands []engine.CacheCandidate
					for _, g := range live {
						if g.Status == engine.GenCompleted && rng.IntN(3) == 0 {
							cands = append(cands, engine.CacheCandidate{Fingerprint: g.InputFingerprint, ID: g.ID, Seq: g.Seq})
						}
					}
					outs, err := s.CandidateOutputs(ctx, cands)
					if err != nil {
						t.Fatal(err)
					}
					first := map[string]bool{}
					for _, c := range cands {
						if first[c.Fingerprint] {
							continue // one candidate a fingerprint: the first
						}
						first[c.Fingerprint] = true
						if _, ok := outs[c.Fingerprint]; ok != (c.ID == want[c.Fingerprint].ID) {
							t.Fatalf("seed %d step %d: candidate %s of %s confirmed %v; the latest is %s", seed, step, c.ID, c.Fingerprint, ok, want[c.Fingerprint].ID)
						}
					}
				} else {
					fp := ask[rng.IntN(len(ask))]
					g, err := s.CachedGeneration(ctx, fp)
					if errors.Is(err, engine.ErrNotFound) {
						g, err = engine.Generation{}, nil
					}
					if err != nil || g.ID != want[fp].ID {
						t.Fatalf("seed %d step %d: CachedGeneration(%s) = %q, %v; want %q", seed, step, fp, g.ID, err, want[fp].ID)
					}
				}
			}
		}
		if s.fps.moved.Load() == 0 {
			t.Errorf("seed %d: the recent table never moved", seed)
		}
	}
}
