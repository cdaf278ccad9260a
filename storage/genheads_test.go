package storage_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/storage"
)

// TestGenerationWritesDoNotGrowWithHistory counts the pages (WAL frames) one run's
// generations write after 3 and after 40 runs of the same 2,000 nodes: a structural property
// (a per-node index grew it from ~150 to ~1,200 pages, one per node once nodes have dozens of
// generations), not a timing.
func TestGenerationWritesDoNotGrowWithHistory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 80,000 generations")
	}
	ctx := context.Background()
	home := t.TempDir()
	s := open(t, home)
	defer s.Close()
	const nodes = 2000
	w, v, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "history"}, engine.Version{})
	if err != nil {
		t.Fatal(err)
	}
	// The store's own checkpointer would fold the WAL back mid-run (a run outlasting its tick
	// on a busy machine), so that the next commit starts the WAL over and the frames counted
	// are fewer than written; and a checkpoint of its at the moment of this test's own
	// leaves this one busy. This test checkpoints alone.
	if err := s.StopCheckpointer(); err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, home)
	checkpoint := func(mode string) (log int) {
		deadline := time.Now().Add(30 * time.Second) // a hang guard: a busy checkpoint is retried
		for {
			var busy, done int
			if err := db.QueryRow(`PRAGMA wal_checkpoint(`+mode+`)`).Scan(&busy, &log, &done); err != nil {
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
	// pages is how many WAL frames one run writes, from an emptied WAL.
	pages := func() int {
		if f := checkpoint("TRUNCATE"); f != 0 {
			t.Fatalf("WAL not emptied: %d frames", f)
		}
		runOf(t, s, w.ID, v.ID, nodes)
		return checkpoint("PASSIVE")
	}
	var early, late int
	for run := 1; run <= 40; run++ {
		switch run {
		case 3:
			early = pages()
		case 40:
			late = pages()
		default:
			runOf(t, s, w.ID, v.ID, nodes)
		}
	}
	t.Logf("pages per run of %d nodes: run 3 %d, run 40 %d", nodes, early, late)
	if late > early+early/4 {
		t.Errorf("a run of %d nodes wrote %d pages after 39 runs against %d after 2: writing grows with history", nodes, late, early)
	}
}

// TestGenerationChainsFollowWritesAndDeletes writes and deletes generations at random (nodes
// written twice in one batch, older created_at, failed and running ones, deletions anywhere
// in a chain) and checks after each step that ListGenerations and CurrentGenerations, which
// read the nodes' chains and heads, give what the whole table says.
func TestGenerationChainsFollowWritesAndDeletes(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	s := open(t, home)
	defer s.Close()
	db := rawDB(t, home)
	rng := rand.New(rand.NewPCG(15, 6))
	var wfs []string
	for i := range 2 {
		w, _, err := s.CreateWorkflow(ctx, engine.Workflow{Name: fmt.Sprintf("w%d", i)}, engine.Version{})
		if err != nil {
			t.Fatal(err)
		}
		wfs = append(wfs, w.ID)
	}
	nodes := []string{"a", "b", "c", "d"}
	statuses := []engine.GenStatus{engine.GenCompleted, engine.GenCompleted, engine.GenFailed, engine.GenRunning}
	base := time.Now().Add(-time.Hour)
	check := func(step int) {
		t.Helper()
		for _, wf := range wfs {
			want := map[string][]string{} // node -> ids, newest first (created_at, then seq)
			rows, err := db.Query(`SELECT node_id, id FROM generations WHERE workflow_id = ? ORDER BY created_at DESC, seq DESC`, wf)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var node, id string
				if err := rows.Scan(&node, &id); err != nil {
					t.Fatal(err)
				}
				want[node] = append(want[node], id)
			}
			rows.Close()
			for _, node := range nodes {
				list, err := s.ListGenerations(ctx, wf, node)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, g := range list {
					got = append(got, g.ID)
				}
				if !slices.Equal(got, want[node]) {
					t.Fatalf("step %d: timeline of %s = %v, want %v", step, node, got, want[node])
				}
			}
			st, err := s.CurrentGenerations(ctx, wf)
			if err != nil {
				t.Fatal(err)
			}
			for _, node := range nodes {
				var cur, failed string
				err := db.QueryRow(`SELECT COALESCE((SELECT id FROM generations WHERE workflow_id = ?1 AND node_id = ?2 AND status = 'completed'
					ORDER BY created_at DESC, seq DESC LIMIT 1), ''), EXISTS (SELECT 1 FROM generations WHERE workflow_id = ?1 AND node_id = ?2 AND status = 'failed')`,
					wf, node).Scan(&cur, &failed)
				if err != nil {
					t.Fatal(err)
				}
				g := st.Current[node]
				switch {
				case cur != "" && (g == nil || g.ID != cur):
					t.Fatalf("step %d: current of %s = %v, want %s", step, node, g, cur)
				case cur == "" && g != nil:
					t.Fatalf("step %d: current of %s = %s, want none", step, node, g.ID)
				case cur == "" && (failed == "1") != st.Failed[node]:
					t.Fatalf("step %d: failed of %s = %v, want %s", step, node, st.Failed[node], failed)
				}
			}
		}
	}
	var ids []string
	for step := range 300 {
		if len(ids) > 0 && rng.IntN(3) == 0 {
			i := rng.IntN(len(ids))
			if err := s.DeleteGeneration(ctx, ids[i]); err != nil {
				t.Fatal(err)
			}
			ids = slices.Delete(ids, i, i+1)
		} else {
			var gens []engine.Generation
			for range 1 + rng.IntN(40) { // more than a chunk sometimes, nodes repeated
				g := engine.Generation{ID: uuid.NewString(), WorkflowID: wfs[rng.IntN(len(wfs))], NodeID: nodes[rng.IntN(len(nodes))],
					Status: statuses[rng.IntN(len(statuses))], Outputs: map[string]any{}, CreatedAt: base.Add(time.Duration(rng.IntN(20)) * time.Second)}
				gens = append(gens, g)
				ids = append(ids, g.ID)
			}
			if _, err := s.SaveGenerations(ctx, gens); err != nil {
				t.Fatal(err)
			}
		}
		check(step)
	}
}

// TestGenerationChainsWithTwoStores writes the same nodes from two stores on one home at once
// (two processes): each batch links to the head the other left, so every node's timeline is
// all its generations, newest first, and its current one the latest completed.
func TestGenerationChainsWithTwoStores(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	a, b := open(t, home), open(t, home)
	defer a.Close()
	defer b.Close()
	w, _, err := a.CreateWorkflow(ctx, engine.Workflow{Name: "shared"}, engine.Version{})
	if err != nil {
		t.Fatal(err)
	}
	nodes := []string{"a", "b", "c"}
	done := make(chan error, 2)
	for _, s := range []*storage.Store{a, b} {
		go func() {
			for range 40 {
				var gens []engine.Generation
				for _, n := range nodes {
					gens = append(gens, engine.Generation{ID: uuid.NewString(), WorkflowID: w.ID, NodeID: n,
						Status: engine.GenCompleted, Outputs: map[string]any{}})
				}
				if _, err := s.SaveGenerations(ctx, gens); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	db := rawDB(t, home)
	st, err := b.CurrentGenerations(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		var want []string
		rows, err := db.Query(`SELECT id FROM generations WHERE workflow_id = ? AND node_id = ? ORDER BY created_at DESC, seq DESC`, w.ID, n)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			want = append(want, id)
		}
		rows.Close()
		for _, s := range []*storage.Store{a, b} {
			list, err := s.ListGenerations(ctx, w.ID, n)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, g := range list {
				got = append(got, g.ID)
			}
			if len(want) != 80 || !slices.Equal(got, want) {
				t.Fatalf("timeline of %s: %d generations, want the table's %d", n, len(got), len(want))
			}
		}
		if g := st.Current[n]; g == nil || g.ID != want[0] {
			t.Errorf("current of %s = %v, want %s", n, g, want[0])
		}
	}
}
