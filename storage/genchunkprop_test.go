package storage

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// TestPropertyChunkedWritesEqualRowByRow writes random batches of generations to one store
// as batches (multi-row INSERTs of 32: insertDoneChunkSQL for the completed rows of one run,
// insertRunChunkSQL, insertGenChunkSQL, then one by one) and to another one generation at a
// time (insertGenerationSQL, every value bound): every row and every node's head must be the
// same, column by column and type by type.
func TestPropertyChunkedWritesEqualRowByRow(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			ctx := context.Background()
			rng := rand.New(rand.NewPCG(seed, 20261206))
			batched, single := openForProperty(t), openForProperty(t)
			base := time.UnixMilli(1_800_000_000_000)
			done := 0 // batches every row of which insertDoneChunkSQL can write
			for b := range 24 {
				n := 1 + rng.IntN(100)
				oneRun, allDone := rng.IntN(2) == 0, b%3 == 0
				if allDone {
					n, oneRun = 32*(1+rng.IntN(3)), true
					done++
				}
				gens := make([]engine.Generation, n)
				for i := range gens {
					g := &gens[i]
					g.ID = engine.NewID()
					g.WorkflowID = fmt.Sprint("wf", rng.IntN(2))
					g.RunID, g.VersionID = fmt.Sprint("run", b), fmt.Sprint("v", b%4)
					if !oneRun {
						g.RunID = fmt.Sprint("run", b, "-", rng.IntN(3))
					} else {
						g.WorkflowID = fmt.Sprint("wf", b%2)
					}
					g.NodeID = fmt.Sprint("n", rng.IntN(150))
					if allDone {
						g.NodeID = fmt.Sprint("n", i) // no node twice in the batch
					}
					g.Status = engine.GenCompleted
					g.Outputs = map[string]any{"result": float64(rng.IntN(1000))}
					g.DurationMS = int64(rng.IntN(3)) * int64(rng.IntN(100000))
					g.ConfigHash, g.InputFingerprint = fmt.Sprintf("%032x", rng.Uint64()), fmt.Sprintf("%032x", rng.Uint64())
					g.CreatedAt = base.Add(time.Duration(b*1000+rng.IntN(50)) * time.Millisecond)
					if !allDone {
						switch rng.IntN(8) {
						case 0:
							g.Status, g.Error, g.Outputs = engine.GenFailed, "boom "+g.NodeID, map[string]any{}
						case 1:
							g.Cost = map[string]any{"model": "m", "seed": float64(rng.IntN(9))}
						case 2:
							g.InputFingerprint, g.ConfigHash = "", ""
						}
					}
				}
				if _, err := batched.SaveGenerations(ctx, gens); err != nil {
					t.Fatal(err)
				}
				for i := range gens {
					if _, err := single.SaveGenerations(ctx, gens[i:i+1]); err != nil {
						t.Fatal(err)
					}
				}
			}
			if done == 0 {
				t.Fatal("no batch for insertDoneChunkSQL")
			}
			for _, q := range []string{
				`SELECT seq, id, workflow_id, node_id, run_id, version_id, status, outputs, error, duration_ms, cost,
					config_hash, input_fingerprint, created_at, prev, typeof(seq) || typeof(duration_ms) || typeof(cost) ||
					typeof(created_at) || typeof(prev) || typeof(status) || typeof(error) FROM generations ORDER BY seq`,
				`SELECT workflow_id, node_id, last_seq, done_seq, done_at, failed FROM generation_heads ORDER BY workflow_id, node_id`,
				`SELECT id, generation_epoch FROM workflows ORDER BY id`,
			} {
				want, got := dumpRows(t, single, q), dumpRows(t, batched, q)
				if len(want) == 0 || !reflect.DeepEqual(got, want) {
					for i := range min(len(got), len(want)) {
						if !reflect.DeepEqual(got[i], want[i]) {
							t.Fatalf("%s\nrow %d written in batches: %v\none at a time: %v", q, i, got[i], want[i])
						}
					}
					t.Fatalf("%s\n%d rows written in batches, %d one at a time", q, len(got), len(want))
				}
			}
		})
	}
}

func openForProperty(t *testing.T) *Store {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	for _, id := range []string{"wf0", "wf1"} {
		if _, _, err := s.CreateWorkflow(ctx, engine.Workflow{ID: id, Name: id}, engine.Version{}); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// dumpRows reads every row q gives, each column as SQLite gives it.
func dumpRows(t *testing.T, s *Store, q string) [][]any {
	t.Helper()
	rows, err := s.r.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]any
	for rows.Next() {
		row := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range row {
			ptrs[i] = &row[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range row {
			if b, ok := v.([]byte); ok {
				row[i] = string(b)
			}
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
