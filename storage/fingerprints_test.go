package storage_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// TestFingerprintIndexOffTheWritePath: saving generations writes nothing to the cache's
// fingerprint index (a full run never looks fingerprints up); the first lookup indexes the
// completed generations written so far and finds what the table holds.
func TestFingerprintIndexOffTheWritePath(t *testing.T) {
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
	var gens []engine.Generation
	for i := range 20 {
		st := engine.GenCompleted
		if i%5 == 4 {
			st = engine.GenFailed
		}
		gens = append(gens, engine.Generation{WorkflowID: w.ID, NodeID: fmt.Sprint("n", i), RunID: r.ID, VersionID: v.ID,
			Status: st, Outputs: map[string]any{}, InputFingerprint: fmt.Sprint("fp-", i)})
	}
	if _, err := s.SaveGenerations(ctx, gens); err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, home)
	count := func() (entries, mark int) {
		t.Helper()
		if err := db.QueryRow(`SELECT (SELECT COUNT(*) FROM generation_fingerprints) + (SELECT COUNT(*) FROM generation_fingerprints_recent), (SELECT seq FROM fingerprint_mark)`).Scan(&entries, &mark); err != nil {
			t.Fatal(err)
		}
		return
	}
	if entries, mark := count(); entries != 0 || mark != 0 {
		t.Errorf("after saving 20 generations the index holds %d (mark %d), want nothing", entries, mark)
	}
	g, err := s.CachedGeneration(ctx, "fp-3")
	if err != nil || g.NodeID != "n3" {
		t.Fatalf("CachedGeneration(fp-3) = %+v, %v", g, err)
	}
	if _, err := s.CachedGeneration(ctx, "fp-4"); err == nil {
		t.Error("CachedGeneration(fp-4) found a failed generation")
	}
	var maxSeq int
	if err := db.QueryRow(`SELECT MAX(seq) FROM generations`).Scan(&maxSeq); err != nil {
		t.Fatal(err)
	}
	if entries, mark := count(); entries != 16 || mark != maxSeq {
		t.Errorf("after a lookup the index holds %d (mark %d), want the 16 completed ones (mark %d)", entries, mark, maxSeq)
	}
}
