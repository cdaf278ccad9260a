package storage

import (
	"context"
	"log/slog"
	"strings"
	"testing"
)

// TestVersionContentMigration opens a database written by the build before the index of
// versions by content hash (0018): after the migration the versions it had are found by their
// content hash through the index, the newest first, and no other version's graph is read.
func TestVersionContentMigration(t *testing.T) {
	ctx := context.Background()
	db := migrationDB(t)
	log := slog.New(slog.DiscardHandler)
	if err := migrate(ctx, db, migrationsBefore(t, "_version_content.sql"), log); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO workflows (id, name, created_at, updated_at) VALUES ('w1', 'one', 0, 0), ('w2', 'two', 0, 0)`,
		`INSERT INTO versions (id, workflow_id, seq, label, graph, content_hash, created_at) VALUES
			('v1', 'w1', 1, 'v1', '{}', 'h1', 0), ('v2', 'w1', 2, 'v2', '{}', 'h1', 0),
			('v3', 'w1', 3, 'v3', '{}', 'h2', 0), ('u1', 'w2', 1, 'v1', '{}', 'h1', 0)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if err := migrate(ctx, db, migrationsFS, log); err != nil {
		t.Fatal(err)
	}
	var id string
	if err := db.QueryRow(`SELECT id FROM versions WHERE workflow_id = 'w1' AND content_hash = 'h1' ORDER BY seq DESC LIMIT 1`).Scan(&id); err != nil || id != "v2" {
		t.Errorf("newest version of w1 with h1 = %q, %v; want v2", id, err)
	}
	rows, err := db.Query(`EXPLAIN QUERY PLAN SELECT id FROM versions WHERE workflow_id = 'w1' AND content_hash = 'h1' ORDER BY seq DESC LIMIT 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var a, b, c int
		var detail string
		if err := rows.Scan(&a, &b, &c, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if p := strings.Join(plan, "; "); !strings.Contains(p, "versions_content") || strings.Contains(p, "TEMP B-TREE") {
		t.Errorf("the lookup's query plan %q: want the versions_content index, no sort", p)
	}
}
