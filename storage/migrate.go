package storage

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// migrationsFS holds the forward-only schema migrations, NNNN_name.sql, applied in order.
// An applied migration is never edited: a change to the schema is a new file.
//
//go:embed migrations/*.sql
var migrationsFS embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads the NNNN_name.sql files of migrations/ in fsys, sorted by number.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	out, err := listMigrations(fsys)
	if err != nil {
		return nil, err
	}
	for i, m := range out {
		body, err := fs.ReadFile(fsys, path.Join("migrations", m.name+".sql"))
		if err != nil {
			return nil, fmt.Errorf("reading migration %s: %w", m.name, err)
		}
		out[i].sql = string(body)
	}
	return out, nil
}

// listMigrations is loadMigrations without the files' text: every open reads the list, and
// only a home that misses one needs a text.
func listMigrations(fsys fs.FS) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, "migrations")
	if err != nil {
		return nil, fmt.Errorf("reading migrations: %w", err)
	}
	var out []migration
	seen := map[int]string{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must be NNNN_description.sql", name)
		}
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %s and %s share number %d", prev, name, v)
		}
		seen[v] = name
		out = append(out, migration{version: v, name: strings.TrimSuffix(name, ".sql")})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// upToDate reports whether db records exactly the migrations 1…N of ms, when ms are those
// (dense from 1): one read of schema_migrations, the check every open of a migrated home
// makes. Otherwise (or on any error: no table yet) migrate's full path decides.
func upToDate(ctx context.Context, db *sql.DB, ms []migration) bool {
	for i, m := range ms {
		if m.version != i+1 {
			return false
		}
	}
	var n, lo, hi int
	err := db.QueryRowContext(ctx, `SELECT count(*), coalesce(min(version), 0), coalesce(max(version), 0) FROM schema_migrations`).
		Scan(&n, &lo, &hi)
	// Versions are unique (the primary key): n of them from 1 to n are 1…n.
	return err == nil && len(ms) > 0 && n == len(ms) && lo == 1 && hi == len(ms)
}

// migrate applies every migration of fsys not yet recorded in schema_migrations, each in
// its own transaction. A database recording a migration this build does not know comes
// from a newer build and is refused rather than written to.
func migrate(ctx context.Context, db *sql.DB, fsys fs.FS, log *slog.Logger) error {
	list, err := listMigrations(fsys)
	if err != nil {
		return err
	}
	if upToDate(ctx, db, list) {
		return nil
	}
	ms, err := loadMigrations(fsys)
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at INTEGER NOT NULL
	)`); err != nil {
		return fmt.Errorf("creating schema_migrations: %w", err)
	}
	applied := map[int]bool{}
	rows, err := db.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return fmt.Errorf("reading schema_migrations: %w", err)
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return fmt.Errorf("reading schema_migrations: %w", err)
		}
		applied[v] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading schema_migrations: %w", err)
	}
	known := map[int]bool{}
	for _, m := range ms {
		known[m.version] = true
	}
	for v := range applied {
		if !known[v] {
			return fmt.Errorf("database has migration %d, unknown to this build: it was written by a newer Flowbench", v)
		}
	}
	for _, m := range ms {
		if applied[m.version] {
			continue
		}
		if err := applyMigration(ctx, db, m); err != nil {
			return err
		}
		log.Info("applied migration", "migration", m.name)
	}
	return nil
}

func applyMigration(ctx context.Context, db *sql.DB, m migration) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	defer tx.Rollback()
	// Another process opening the same home may have applied it since we looked.
	var one int
	switch err := tx.QueryRowContext(ctx, `SELECT 1 FROM schema_migrations WHERE version = ?`, m.version).Scan(&one); {
	case err == nil:
		return nil
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		m.version, m.name, time.Now().UnixMilli()); err != nil {
		return fmt.Errorf("recording migration %s: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	return nil
}
