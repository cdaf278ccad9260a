package storage

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// TestMigrateUpgradesOlderDatabase applies 0001 as an older build would, then opens the
// database with a build that knows 0002: only 0002 runs and the data stays.
func TestMigrateUpgradesOlderDatabase(t *testing.T) {
	ctx := context.Background()
	db := migrationDB(t)
	log := slog.New(slog.DiscardHandler)
	older := fstest.MapFS{
		"migrations/0001_init.sql": {Data: []byte(`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);`)},
	}
	if err := migrate(ctx, db, older, log); err != nil {
		t.Fatalf("older build: %v", err)
	}
	if _, err := db.Exec(`INSERT INTO notes (body) VALUES ('kept')`); err != nil {
		t.Fatal(err)
	}
	newer := fstest.MapFS{
		"migrations/0001_init.sql":   older["migrations/0001_init.sql"],
		"migrations/0002_author.sql": {Data: []byte(`ALTER TABLE notes ADD COLUMN author TEXT NOT NULL DEFAULT 'anon';`)},
		"migrations/README.txt":      {Data: []byte("not a migration")},
	}
	for range 2 { // the second open finds nothing to do
		if err := migrate(ctx, db, newer, log); err != nil {
			t.Fatalf("newer build: %v", err)
		}
	}
	var body, author string
	if err := db.QueryRow(`SELECT body, author FROM notes`).Scan(&body, &author); err != nil || body != "kept" || author != "anon" {
		t.Errorf("after upgrade: %q %q %v", body, author, err)
	}
	var versions string
	if err := db.QueryRow(`SELECT group_concat(version, ',') FROM (SELECT version FROM schema_migrations ORDER BY version)`).Scan(&versions); err != nil || versions != "1,2" {
		t.Errorf("schema_migrations = %q %v, want 1,2", versions, err)
	}
	// The older build refuses the upgraded database instead of writing to it.
	if err := migrate(ctx, db, older, log); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("older build on newer database: %v", err)
	}
}

// TestEpochMigrationCountsExistingGenerations opens a database written by the build before
// 0002: each workflow's generation epoch starts at its number of generations, so epoch 0
// still means "never had a generation".
func TestEpochMigrationCountsExistingGenerations(t *testing.T) {
	ctx := context.Background()
	db := migrationDB(t)
	log := slog.New(slog.DiscardHandler)
	first, err := migrationsFS.ReadFile("migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	if err := migrate(ctx, db, fstest.MapFS{"migrations/0001_init.sql": {Data: first}}, log); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO workflows (id, name, created_at, updated_at) VALUES ('w1', 'used', 0, 0), ('w2', 'new', 0, 0)`,
		`INSERT INTO generations (id, workflow_id, node_id, status, created_at) VALUES
			('g1', 'w1', 'a', 'completed', 1), ('g2', 'w1', 'a', 'failed', 2), ('g3', 'w1', 'b', 'completed', 3)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if err := migrate(ctx, db, migrationsFS, log); err != nil {
		t.Fatal(err)
	}
	for wf, want := range map[string]int64{"w1": 3, "w2": 0} {
		var got int64
		if err := db.QueryRow(`SELECT generation_epoch FROM workflows WHERE id = ?`, wf).Scan(&got); err != nil || got != want {
			t.Errorf("epoch of %s = %d (%v), want %d", wf, got, err, want)
		}
	}
}

// TestMigrateFailureRollsBack shows a broken migration leaves no trace: neither its
// changes nor its record.
func TestMigrateFailureRollsBack(t *testing.T) {
	ctx := context.Background()
	db := migrationDB(t)
	broken := fstest.MapFS{
		"migrations/0001_init.sql": {Data: []byte(`CREATE TABLE a (id INTEGER); CREATE TABLE a (id INTEGER);`)},
	}
	if err := migrate(ctx, db, broken, slog.New(slog.DiscardHandler)); err == nil {
		t.Fatal("broken migration applied")
	}
	var n int
	db.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'a'`).Scan(&n)
	var recorded int
	db.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&recorded)
	if n != 0 || recorded != 0 {
		t.Errorf("after a failed migration: table a exists %d, records %d", n, recorded)
	}
}

func TestEmbeddedMigrationsLoad(t *testing.T) {
	ms, err := loadMigrations(migrationsFS)
	if err != nil || len(ms) == 0 || ms[0].version != 1 {
		t.Fatalf("embedded migrations: %v %v", ms, err)
	}
	for i, m := range ms {
		if m.version != i+1 {
			t.Errorf("migration %s: numbers must be dense from 1", m.name)
		}
	}
}

// migrationDB is an empty database on the writer's settings, one connection, as migrate
// sees it at start.
func migrationDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(t.TempDir(), "m.db")+"?"+writerParams)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	return db
}

// TestFingerprintMigrationIndexesExistingGenerations opens a database written by the build
// before 0008: its completed generations are in the fingerprint index and the mark is after
// them, so a lookup finds them without scanning.
func TestFingerprintMigrationIndexesExistingGenerations(t *testing.T) {
	ctx := context.Background()
	db := migrationDB(t)
	log := slog.New(slog.DiscardHandler)
	before := fstest.MapFS{}
	for _, name := range []string{"0001_init.sql", "0002_epoch_and_reused.sql", "0003_providers.sql", "0004_child_runs.sql",
		"0005_run_slots.sql", "0006_fingerprint_index.sql", "0007_work_claims.sql"} {
		body, err := migrationsFS.ReadFile("migrations/" + name)
		if err != nil {
			t.Fatal(err)
		}
		before["migrations/"+name] = &fstest.MapFile{Data: body}
	}
	if err := migrate(ctx, db, before, log); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO workflows (id, name, created_at, updated_at) VALUES ('w1', 'used', 0, 0)`,
		`INSERT INTO generations (id, workflow_id, node_id, status, input_fingerprint, created_at) VALUES
			('g1', 'w1', 'a', 'completed', 'fp-a', 1), ('g2', 'w1', 'a', 'failed', 'fp-a', 2),
			('g3', 'w1', 'b', 'completed', 'fp-b', 3), ('g4', 'w1', 'c', 'completed', '', 4)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if err := migrate(ctx, db, migrationsFS, log); err != nil {
		t.Fatal(err)
	}
	var entries string
	var mark int
	if err := db.QueryRow(`SELECT (SELECT group_concat(fingerprint || ':' || seq, ',') FROM generation_fingerprints),
		(SELECT seq FROM fingerprint_mark)`).Scan(&entries, &mark); err != nil {
		t.Fatal(err)
	}
	if entries != "fp-a:1,fp-b:3" || mark != 4 {
		t.Errorf("after 0008: index %q, mark %d; want fp-a:1,fp-b:3 and 4", entries, mark)
	}
}

// migrationsBefore returns the migrations up to, not including, the one whose file name ends
// in suffix ("_fingerprint_latest.sql"): what a home written by the build before it holds.
func migrationsBefore(t *testing.T, suffix string) fstest.MapFS {
	t.Helper()
	ms, err := loadMigrations(migrationsFS)
	if err != nil {
		t.Fatal(err)
	}
	before := fstest.MapFS{}
	for _, m := range ms {
		if strings.HasSuffix(m.name+".sql", suffix) {
			return before
		}
		before["migrations/"+m.name+".sql"] = &fstest.MapFile{Data: []byte(m.sql)}
	}
	t.Fatalf("no migration named *%s", suffix)
	return nil
}

// homeBefore makes a data home whose database a build before the migration named *suffix
// wrote (migrationsBefore), and returns it with that database open; close db before opening a
// Store on home.
func homeBefore(t *testing.T, suffix string) (home string, db *sql.DB) {
	t.Helper()
	home = t.TempDir()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(home, DBName)+"?"+writerParams)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	if err := migrate(context.Background(), db, migrationsBefore(t, suffix), slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	return home, db
}

// TestMigrateReadsNoAppliedText: an open of a home that has every migration reads none of
// their texts (it checks schema_migrations only), and a build with one more migration reads the
// texts and applies the one missing.
func TestMigrateReadsNoAppliedText(t *testing.T) {
	ctx := context.Background()
	db := migrationDB(t)
	log := slog.New(slog.DiscardHandler)
	files := fstest.MapFS{
		"migrations/0001_init.sql": {Data: []byte(`CREATE TABLE notes (id INTEGER PRIMARY KEY);`)},
		"migrations/0002_more.sql": {Data: []byte(`CREATE TABLE more (id INTEGER PRIMARY KEY);`)},
	}
	if err := migrate(ctx, db, files, log); err != nil {
		t.Fatal(err)
	}
	if err := migrate(ctx, db, unreadableTexts{files}, log); err != nil {
		t.Fatalf("an up-to-date home read migration texts: %v", err)
	}
	files["migrations/0003_last.sql"] = &fstest.MapFile{Data: []byte(`CREATE TABLE last (id INTEGER PRIMARY KEY);`)}
	if err := migrate(ctx, db, unreadableTexts{files}, log); err == nil {
		t.Fatal("a home missing a migration was not read")
	}
	if err := migrate(ctx, db, files, log); err != nil {
		t.Fatalf("a missing migration after applied ones: %v", err)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = 'last'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("migration 0003 not applied: %d %v", n, err)
	}
}

// unreadableTexts lists a folder's migrations but fails to open any file.
type unreadableTexts struct{ fstest.MapFS }

func (u unreadableTexts) Open(name string) (fs.File, error) {
	if strings.HasSuffix(name, ".sql") {
		return nil, fmt.Errorf("open %s: %w", name, fs.ErrPermission)
	}
	return u.MapFS.Open(name)
}

func (u unreadableTexts) ReadFile(name string) ([]byte, error) {
	f, err := u.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

func (u unreadableTexts) ReadDir(name string) ([]fs.DirEntry, error) { return u.MapFS.ReadDir(name) }
