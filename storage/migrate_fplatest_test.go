package storage

import (
	"context"
	"log/slog"
	"strings"
	"testing"
)

// TestFingerprintLatestMigration opens a database written by the build before the migration
// that keys the fingerprint index by time (fingerprint_latest): the entries it had keep
// their fingerprint and seq and gain their generation's created_at, so a lookup reads the
// latest with one seek; deleting a generation still takes its entry out.
func TestFingerprintLatestMigration(t *testing.T) {
	ctx := context.Background()
	db := migrationDB(t)
	log := slog.New(slog.DiscardHandler)
	before := migrationsBefore(t, "_fingerprint_latest.sql")
	if err := migrate(ctx, db, before, log); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO workflows (id, name, created_at, updated_at) VALUES ('w1', 'used', 0, 0)`,
		`INSERT INTO generations (id, workflow_id, node_id, status, input_fingerprint, created_at) VALUES
			('g1', 'w1', 'a', 'completed', 'fp-a', 30), ('g2', 'w1', 'b', 'completed', 'fp-a', 10),
			('g3', 'w1', 'c', 'completed', 'fp-b', 20)`,
		`INSERT INTO generation_fingerprints (fingerprint, seq) SELECT input_fingerprint, seq FROM generations`,
		`UPDATE fingerprint_mark SET seq = 3`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if err := migrate(ctx, db, migrationsFS, log); err != nil {
		t.Fatal(err)
	}
	entries := func() string {
		t.Helper()
		var s string
		if err := db.QueryRow(`SELECT group_concat(fingerprint || ':' || created_at || ':' || seq, ',') FROM generation_fingerprints`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if got := entries(); got != "fp-a:10:2,fp-a:30:1,fp-b:20:3" {
		t.Errorf("after the migration: index %q, want fp-a:10:2,fp-a:30:1,fp-b:20:3", got)
	}
	var latest int
	if err := db.QueryRow(strings.ReplaceAll(latestIndexed, "?1", "'fp-a'")).Scan(&latest); err != nil || latest != 1 {
		t.Errorf("latest of fp-a = %d, %v; want seq 1 (created last)", latest, err)
	}
	if _, err := db.Exec(`DELETE FROM generations WHERE id = 'g1'`); err != nil {
		t.Fatal(err)
	}
	if got := entries(); got != "fp-a:10:2,fp-b:20:3" {
		t.Errorf("after deleting g1: index %q, want fp-a:10:2,fp-b:20:3", got)
	}
}
