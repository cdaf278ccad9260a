package storage

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestPropertySummaryWithSegments: the known set's keys read from the summary blob in place
// and merged with the segments' keys in the same pass (summaryWithSegments) equal the blob
// decoded, then merged (decodeKeys, mergeSegments), for random summaries and segments with
// keys in common, none, one or many segments.
func TestPropertySummaryWithSegments(t *testing.T) {
	ctx := context.Background()
	db := migrationDB(t)
	if err := migrate(ctx, db, migrationsFS, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 9))
	keys := func(n, span int) []uint64 {
		out := make([]uint64, n)
		for i := range out {
			out[i] = uint64(rng.IntN(span))
			if rng.IntN(4) == 0 {
				out[i] = rng.Uint64() // anywhere, high bits too
			}
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	for round := range 300 {
		span := 1 + rng.IntN(5000)
		summary := keys(rng.IntN(2000), span)
		segs := make([]segment, rng.IntN(5))
		for i := range segs {
			segs[i].keys = keys(1+rng.IntN(300), span)
		}
		if _, err := db.Exec(`UPDATE fingerprint_summary SET keys = ?`, encodeKeys(summary)); err != nil {
			t.Fatal(err)
		}
		decoded, err := decodeKeys(encodeKeys(summary))
		if err != nil {
			t.Fatal(err)
		}
		want := mergeSegments(decoded, segs)
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := summaryWithSegments(ctx, tx, len(summary), segs)
		tx.Rollback()
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("round %d (%d summary keys, %d segments): merged in place %d keys, decoded then merged %d", round, len(summary), len(segs), len(got), len(want))
		}
	}
	// A summary shorter than the first read found: an error, not keys.
	if _, err := db.Exec(`UPDATE fingerprint_summary SET keys = ?`, encodeKeys([]uint64{1, 2})); err != nil {
		t.Fatal(err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := summaryWithSegments(ctx, tx, 3, nil); err == nil {
		t.Error("a summary of 2 keys read as 3: no error")
	}
}
