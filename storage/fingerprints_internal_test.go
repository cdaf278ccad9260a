package storage

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// TestCachedGenerationsReadsOneRowEach: the batched cache check reads one row per
// fingerprint however many generations share it (migration 0012's index gives the latest in
// one seek), and still names the latest by time, not by seq: here the generations written
// last are the oldest. Before, it read every generation with each fingerprint (6 a
// fingerprint here, growing with each run that produced the same values again).
func TestCachedGenerationsReadsOneRowEach(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w, v, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "chain"}, engine.Version{Graph: engine.Graph{Nodes: []engine.Node{{ID: "a", Type: "math.expr"}}}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.CreateRun(ctx, engine.Run{WorkflowID: w.ID, VersionID: v.ID, Status: engine.RunRunning})
	if err != nil {
		t.Fatal(err)
	}
	const fps, history = 200, 6 // fps: fewer than fingerprintTail, so the last round stays after the mark
	fp := func(i int) string { return fmt.Sprintf("%032x", i) }
	base := time.UnixMilli(1_700_000_000_000).UTC()
	want := map[string]string{}
	for h := range history {
		var gens []engine.Generation
		for i := range fps {
			g := engine.Generation{ID: engine.NewID(), WorkflowID: w.ID, NodeID: fmt.Sprint("n", (i+h)%fps), RunID: r.ID, VersionID: v.ID,
				Status: engine.GenCompleted, Outputs: map[string]any{}, InputFingerprint: fp(i),
				CreatedAt: base.Add(time.Duration((history-h)*1000+i) * time.Millisecond)} // later rounds are older
			if h == 0 {
				want[fp(i)] = g.ID
			}
			gens = append(gens, g)
		}
		if _, err := s.SaveGenerations(ctx, gens); err != nil {
			t.Fatal(err)
		}
		if h == history-2 {
			// index what is written so far; the last round stays after the mark
			if _, err := s.CachedGeneration(ctx, fp(0)); err != nil {
				t.Fatal(err)
			}
		}
	}
	s.fps.mu.Lock()
	s.fps.at = time.Now().Add(time.Hour) // no catch-up by time either
	s.fps.mu.Unlock()
	ask := make([]string, 0, fps)
	for i := range fps {
		ask = append(ask, fp(i))
	}
	for round := range 2 { // the index and the generations after its mark; then the index alone
		s.fps.rowsRead.Store(0)
		got, err := s.CachedGenerations(ctx, ask)
		if err != nil {
			t.Fatal(err)
		}
		for f, id := range want {
			if got[f].ID != id {
				t.Fatalf("round %d: latest of %s = %q, want %s (the newest by time)", round, f, got[f].ID, id)
			}
		}
		// Each round reads one generation whole per fingerprint: the latest, found from the
		// index (and, in round 0, the generations after its mark) before any is read.
		if n, most := s.fps.rowsRead.Load(), int64(fps); n > most {
			t.Errorf("round %d: the batched check of %d fingerprints, each with %d generations, read %d generations whole; want at most %d",
				round, fps, history, n, most)
		}
		s.fps.mu.Lock()
		s.fps.done, s.fps.at = false, time.Time{} // the next check indexes the last round
		s.fps.mu.Unlock()
		for i := range 3 {
			g, err := s.CachedGeneration(ctx, fp(i))
			if err != nil || g.ID != want[fp(i)] {
				t.Errorf("round %d: CachedGeneration(%s) = %s, %v; want %s", round, fp(i), g.ID, err, want[fp(i)])
			}
		}
	}
}
