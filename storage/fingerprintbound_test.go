package storage

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// TestBatchedCheckSeeksTheLargeIndexOnlyWhenNeeded: the batched checks seek a fingerprint in
// the large table of the index only when its latest entry elsewhere (the recent table, the
// generations after the mark) is not later than everything the large table was given
// (migration 0017), and answer as CachedGeneration does: when a generation older by time is
// written later, and when the later ones are deleted (then the large table's is the latest).
func TestBatchedCheckSeeksTheLargeIndexOnlyWhenNeeded(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	defer func(m, r int64) { recentMin, recentRatio = m, r }(recentMin, recentRatio)
	recentMin, recentRatio = 10, 1 // the first catch-up moves into the large table
	w, v, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "w"}, engine.Version{Graph: engine.Graph{Nodes: []engine.Node{{ID: "a", Type: "math.expr"}}}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.CreateRun(ctx, engine.Run{WorkflowID: w.ID, VersionID: v.ID, Status: engine.RunRunning})
	if err != nil {
		t.Fatal(err)
	}
	const fps = 100
	fp := func(i int) string { return fmt.Sprintf("%032x", i) }
	all := make([]string, fps)
	for i := range all {
		all[i] = fp(i)
	}
	round := func(n int, ms int64) []engine.Generation {
		t.Helper()
		gens := make([]engine.Generation, n)
		for i := range gens {
			gens[i] = engine.Generation{ID: engine.NewID(), WorkflowID: w.ID, NodeID: fmt.Sprint("n", i), RunID: r.ID, VersionID: v.ID,
				Status: engine.GenCompleted, Outputs: map[string]any{"v": float64(ms)}, InputFingerprint: fp(i),
				CreatedAt: time.UnixMilli(1_700_000_000_000 + ms + int64(i)).UTC()}
		}
		if _, err := s.SaveGenerations(ctx, gens); err != nil {
			t.Fatal(err)
		}
		catchUpNow(s)
		return gens
	}
	check := func(what string, want map[string]string, sought int64) {
		t.Helper()
		s.fps.bigSought.Store(0)
		got, err := s.CachedGenerations(ctx, all)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range all {
			one, err := s.CachedGeneration(ctx, f)
			if err != nil || got[f].ID != one.ID || got[f].ID != want[f] {
				t.Fatalf("%s: %s: CachedGenerations %s, CachedGeneration %s (%v); want %s", what, f, got[f].ID, one.ID, err, want[f])
			}
		}
		cands := make([]engine.CacheCandidate, 0, fps)
		for f, g := range got {
			cands = append(cands, engine.CacheCandidate{Fingerprint: f, ID: g.ID, Seq: g.Seq})
		}
		outs, err := s.CandidateOutputs(ctx, cands)
		if err != nil || len(outs) != fps {
			t.Fatalf("%s: CandidateOutputs confirmed %d of the latest, %v; want %d", what, len(outs), err, fps)
		}
		if n := s.fps.bigSought.Load(); n != 2*sought {
			t.Errorf("%s: the two batched checks sought %d fingerprints in the large table, want %d", what, n, 2*sought)
		}
	}
	ids := func(gens ...[]engine.Generation) map[string]string {
		m := map[string]string{}
		for _, gs := range gens {
			for _, g := range gs {
				m[g.InputFingerprint] = g.ID
			}
		}
		return m
	}
	a := round(fps, 1000)
	if _, err := s.CachedGeneration(ctx, fp(0)); err != nil { // the catch-up that moves a into the large table
		t.Fatal(err)
	}
	if s.fps.moved.Load() != 1 {
		t.Fatalf("moved %d times, want 1", s.fps.moved.Load())
	}
	recentMin = 1 << 40
	check("one round, in the large table", ids(a), fps)
	b := round(fps, 2000)
	check("a later round in the recent table", ids(b), 0)
	round(fps/2, 500) // older by time, written later
	check("an older round written after it", ids(b), 0)
	want := ids(b)
	for i := range 20 { // 0…9 have an older generation in the recent table, 60…69 none
		k := i
		if i >= 10 {
			k = 50 + i
		}
		if err := s.DeleteGeneration(ctx, b[k].ID); err != nil {
			t.Fatal(err)
		}
		want[fp(k)] = a[k].ID
	}
	check("the later ones of 20 deleted", want, 20)
}

// TestFingerprintIndexedAtMigration: a home at migration 0016 gains the large table's bound,
// the latest created_at it holds.
func TestFingerprintIndexedAtMigration(t *testing.T) {
	ctx := context.Background()
	home, db := homeBefore(t, "_fingerprint_indexed_until.sql")
	for _, q := range []string{
		`INSERT INTO workflows (id, name, created_at, updated_at) VALUES ('w1', 'used', 0, 0)`,
		`INSERT INTO generations (id, workflow_id, node_id, status, input_fingerprint, created_at) VALUES
			('g1', 'w1', 'a', 'completed', 'fp-a', 30), ('g2', 'w1', 'b', 'completed', 'fp-a', 10)`,
		`INSERT INTO generation_fingerprints (fingerprint, created_at, seq) SELECT input_fingerprint, created_at, seq FROM generations`,
		`UPDATE fingerprint_mark SET seq = 2`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s, err := Open(ctx, home, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var at int64
	if err := s.r.QueryRow(`SELECT indexed_at FROM fingerprint_mark`).Scan(&at); err != nil || at != 30 {
		t.Fatalf("indexed_at after migrating: %d, %v; want 30", at, err)
	}
	got, err := s.CachedGenerations(ctx, []string{"fp-a"})
	if err != nil || got["fp-a"].ID != "g1" || s.fps.bigSought.Load() != 1 {
		t.Fatalf("CachedGenerations after migrating: %v, %v, %d sought in the large table", got, err, s.fps.bigSought.Load())
	}
}
