package storage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// TestFingerprintSegmentsMigration opens a home written by the build before
// fingerprint_segments: its generations after the summary are still read from the table, a
// large batch written after the migration adds a segment, and deleting the latest generations
// brings the segment's end down so the next ones, taking the freed seqs, are read.
func TestFingerprintSegmentsMigration(t *testing.T) {
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	home, db := homeBefore(t, "_fingerprint_segments.sql")
	if _, err := db.Exec(`INSERT INTO workflows (id, name, created_at, updated_at) VALUES ('w1', 'used', 0, 0)`); err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		if _, err := db.Exec(`INSERT INTO generations (id, workflow_id, node_id, status, input_fingerprint, created_at) VALUES (?, 'w1', ?, 'completed', ?, 10)`,
			fmt.Sprint("old", i), fmt.Sprint("o", i), segFP(i)); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	s, err := Open(ctx, home, log)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	named := func(what string, sorted []uint64, more []string, fps ...string) {
		t.Helper()
		for _, fp := range fps {
			k, _ := engine.FingerprintKey(fp)
			if _, found := slices.BinarySearch(sorted, k); !found && !slices.Contains(more, fp) {
				t.Fatalf("%s: %s not in the known set", what, fp)
			}
		}
	}
	var all []string
	for i := range 100 {
		all = append(all, segFP(i))
	}
	sorted, more, ok, err := s.CompletedFingerprints(ctx, -1, 1_000_000)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	named("after migrating", sorted, more, all...)
	if len(more) != 100 {
		t.Errorf("after migrating: %d read from the table, want 100", len(more))
	}
	var gens []engine.Generation
	for i := 100; i < 300; i++ {
		gens = append(gens, engine.Generation{ID: engine.NewID(), WorkflowID: "w1", NodeID: fmt.Sprint("n", i), Status: engine.GenCompleted,
			Outputs: map[string]any{}, InputFingerprint: segFP(i)})
		all = append(all, segFP(i))
	}
	if _, err := s.SaveGenerations(ctx, gens); err != nil {
		t.Fatal(err)
	}
	var segs int
	if err := s.r.QueryRow(`SELECT count(*) FROM fingerprint_segments WHERE seq_from = 101 AND seq_to = 300`).Scan(&segs); err != nil || segs != 1 {
		t.Fatalf("segments after a batch of 200: %d, %v; want one for seqs 101–300", segs, err)
	}
	for _, g := range gens[150:] {
		if err := s.DeleteGeneration(ctx, g.ID); err != nil {
			t.Fatal(err)
		}
	}
	all = all[:250]
	if err := s.r.QueryRow(`SELECT count(*) FROM fingerprint_segments WHERE seq_from = 101 AND seq_to = 250`).Scan(&segs); err != nil || segs != 1 {
		t.Fatalf("the segment after deleting seqs 251–300: %d, %v; want it to end at 250", segs, err)
	}
	again := []engine.Generation{{ID: engine.NewID(), WorkflowID: "w1", NodeID: "again", Status: engine.GenCompleted, Outputs: map[string]any{}, InputFingerprint: segFP(1000)}}
	if _, err := s.SaveGenerations(ctx, again); err != nil {
		t.Fatal(err)
	}
	all = append(all, segFP(1000))
	sorted, more, ok, err = s.CompletedFingerprints(ctx, -1, 1_000_000)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	named("after deleting and writing again", sorted, more, all...)
}

// TestFingerprintRecentMigration opens a home written by the build before
// fingerprint_recent: the index's entries stay in the large table and are counted, a lookup
// finds them and the generations after the mark, a catch-up goes to the recent table, and a
// deletion takes the entry out of either table.
func TestFingerprintRecentMigration(t *testing.T) {
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	home, db := homeBefore(t, "_fingerprint_recent.sql")
	for _, q := range []string{
		`INSERT INTO workflows (id, name, created_at, updated_at) VALUES ('w1', 'used', 0, 0)`,
		`INSERT INTO generations (id, workflow_id, node_id, status, input_fingerprint, created_at) VALUES
			('g1', 'w1', 'a', 'completed', 'fp-a', 30), ('g2', 'w1', 'b', 'completed', 'fp-b', 10)`,
		`INSERT INTO generation_fingerprints (fingerprint, created_at, seq) SELECT input_fingerprint, created_at, seq FROM generations`,
		`UPDATE fingerprint_mark SET seq = 2`,
		`INSERT INTO generations (id, workflow_id, node_id, status, input_fingerprint, created_at) VALUES ('g3', 'w1', 'c', 'completed', 'fp-c', 40)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s, err := Open(ctx, home, log)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var indexed int
	if err := s.r.QueryRow(`SELECT indexed FROM fingerprint_mark`).Scan(&indexed); err != nil || indexed != 2 {
		t.Fatalf("indexed after migrating: %d, %v; want 2", indexed, err)
	}
	got, err := s.CachedGenerations(ctx, []string{"fp-a", "fp-b", "fp-c"})
	if err != nil || got["fp-a"].ID != "g1" || got["fp-b"].ID != "g2" || got["fp-c"].ID != "g3" {
		t.Fatalf("CachedGenerations after migrating: %v, %v", got, err)
	}
	var recent int
	if err := s.r.QueryRow(`SELECT count(*) FROM generation_fingerprints_recent WHERE fingerprint = 'fp-c'`).Scan(&recent); err != nil || recent != 1 {
		t.Fatalf("fp-c in the recent table after the catch-up: %d, %v", recent, err)
	}
	for _, id := range []string{"g1", "g3"} {
		if err := s.DeleteGeneration(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	var left int
	if err := s.r.QueryRow(`SELECT (SELECT count(*) FROM generation_fingerprints) + (SELECT count(*) FROM generation_fingerprints_recent)`).Scan(&left); err != nil || left != 1 {
		t.Fatalf("index entries after deleting g1 and g3: %d, %v; want 1", left, err)
	}
	if _, err := s.CachedGeneration(ctx, "fp-c"); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("fp-c after deleting it: %v", err)
	}
}
