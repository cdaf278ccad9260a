// Package storage is the SQLite and asset-folder implementation of engine.Store.
//
// One home folder holds flowbench.db and assets/. Writes go through a single connection
// (SQLite has one writer anyway, and one connection makes "BEGIN IMMEDIATE" never wait on
// itself); reads use a separate pool of query-only connections, which WAL lets run
// alongside the writer.
package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/mattn/go-sqlite3"

	"github.com/flowbench/flowbench/engine"
)

var (
	_ engine.Store           = (*Store)(nil)
	_ engine.WorkflowStore   = (*Store)(nil)
	_ engine.RunStore        = (*Store)(nil)
	_ engine.GenerationStore = (*Store)(nil)
	_ engine.SettingsStore   = (*Store)(nil)
	_ engine.AssetStore      = (*Store)(nil)
)

// DBName is the database file inside the home folder.
const DBName = "flowbench.db"

const (
	writerParams = "_busy_timeout=5000&_journal_mode=WAL&_foreign_keys=on&_txlock=immediate&_synchronous=NORMAL" +
		"&_stmt_cache_size=64&_cache_size=-32000"
	readerParams = "_busy_timeout=5000&_foreign_keys=on&_query_only=1&_txlock=deferred&_stmt_cache_size=64&_cache_size=-8000"
)

// Store is the SQLite engine.Store.
type Store struct {
	home   string
	assets string
	dbPath string // home/flowbench.db
	log    *slog.Logger
	w      *sql.DB // the one writer connection
	r      *sql.DB // query-only read pool
	stmts  stmts
	ckpt   *checkpointer

	// assetMu orders asset file writes against asset collection, so a file is never
	// removed while PutAsset is storing the same bytes again.
	assetMu sync.Mutex
	// instance names this open store in the assets it puts (assets.put_by), so another
	// process's deletion knows an asset may be about to be linked here.
	instance string
	// pending holds assets put but not yet linked to anything, so a concurrent delete
	// does not collect an asset a running node is about to save a generation for.
	pending map[string]struct{}
	// fps is when the cache's fingerprint index last caught up (fingerprints.go).
	fps fingerprintIndex
	// keys holds the texts of recent keyframes of version deltas, bases the whole texts of
	// recent versions drafts were stored against (versiondelta.go).
	keys, bases keyframes
	// aside is the cache files being written after what they follow (a version stored or
	// read); Close waits for them. binWrites, under binMu, are the versions' cache files
	// being written (versionbins.go).
	aside     sync.WaitGroup
	binMu     sync.Mutex
	binWrites map[string]*binWrite
	holdBins  chan struct{} // tests: the aside writes wait for it to close; nil: none

	closeOnce sync.Once
	closeErr  error
}

// Open opens (creating if needed) the data home: the folder, home/flowbench.db and
// home/assets/, and applies pending migrations.
func Open(ctx context.Context, home string, logger *slog.Logger) (*Store, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	home, err := filepath.Abs(home)
	if err != nil {
		return nil, fmt.Errorf("opening home %s: %w", home, err)
	}
	assets := filepath.Join(home, "assets")
	if err := os.MkdirAll(assets, 0o755); err != nil {
		return nil, fmt.Errorf("creating home %s: %w", home, err)
	}
	path := filepath.Join(home, DBName)
	uri := "file:" + (&url.URL{Path: filepath.ToSlash(path)}).EscapedPath()

	w, err := sql.Open("sqlite3", uri+"?"+writerParams)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	s := &Store{home: home, assets: assets, dbPath: path, log: logger, w: w, pending: map[string]struct{}{}, instance: uuid.NewString(),
		binWrites: map[string]*binWrite{}}
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	if err := migrate(ctx, w, migrationsFS, logger); err != nil {
		w.Close()
		return nil, fmt.Errorf("migrating %s: %w", path, err)
	}
	r, err := sql.Open("sqlite3", uri+"?"+readerParams)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	n := max(4, runtime.NumCPU())
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	s.r = r
	// Checkpoints run in the background (see checkpointer); the writer never does them. A
	// statement that may fail halfway (a multi-row INSERT: a unique id, a foreign key) keeps
	// the pages it changes in a statement journal, to undo it alone: in memory, not in a temp
	// file (a run of 10,000 generations wrote 8–38 MB of them to /var/tmp). It is never needed
	// after a crash: the transaction's own undo is the WAL.
	if _, err := w.ExecContext(ctx, `PRAGMA wal_autocheckpoint = 0; PRAGMA temp_store = MEMORY`); err != nil {
		s.Close()
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	// The sweep's first read opens the first reader connection (~0.5 ms: SQLite reads the
	// schema again for it): it runs while the writer prepares its statements.
	swept := make(chan error, 1)
	go func() { swept <- s.sweepAssets(ctx) }()
	err = s.stmts.prepare(ctx, w)
	var cdb *sql.DB
	if err == nil {
		if cdb, err = openCheckpointer(uri); err != nil {
			err = fmt.Errorf("opening %s: %w", path, err)
		}
	}
	if err == nil {
		s.ckpt = startCheckpointer(cdb, s)
		s.removeTempFiles()
	}
	if serr := <-swept; serr != nil && err == nil {
		s.log.Warn("sweeping unlinked assets", "err", serr) // they stay; the next open tries again
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Home is the data home folder.
func (s *Store) Home() string { return s.home }

// Close closes both connection pools. Calling it again returns the first result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.aside.Wait()
		var errs []error
		if s.ckpt != nil {
			errs = append(errs, s.ckpt.close())
		}
		s.stmts.close()
		if s.r != nil {
			errs = append(errs, s.r.Close())
		}
		s.writePendingFold(context.Background())
		// PRAGMA optimize keeps the planner's statistics fresh. SQLite itself checkpoints
		// and removes the WAL when the last connection to the file closes, unless the WAL is
		// small: then it stays for the next process (keepWALOnClose).
		_, _ = s.w.Exec(`PRAGMA optimize`)
		if _, err := s.keepWALOnClose(context.Background()); err != nil {
			s.log.Warn("keeping the WAL at close", "err", err) // the close checkpoints it
		}
		errs = append(errs, s.w.Close())
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

// stmts are the statements prepared once on the writer connection for hot paths.
type stmts struct {
	// (The multi-row INSERTs of genChunk generations are not among them: preparing them
	// took ~0.6–0.9 ms, paid by every command; saveGenerations runs them by their text, which
	// the driver prepares at first use and keeps in its statement cache for the next batch.)
	insertGen     *sql.Stmt
	insertGenLink *sql.Stmt
	moveHeads     *sql.Stmt // generation_heads after a batch (genheads.go)
	// runs: created and updated by every run (subworkflows' child runs in the committer's batch)
	versionLabel, nextRunNumber, insertRun, updateRun *sql.Stmt
	// slots: taken and given back at every run's start and end (queue.go)
	slots slotStmts
}

func (p *stmts) prepare(ctx context.Context, w *sql.DB) error {
	var err error
	prep := func(q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		st, err = w.PrepareContext(ctx, q)
		return st
	}
	p.insertGen = prep(insertGenerationSQL)
	p.insertGenLink = prep(`INSERT OR IGNORE INTO generation_assets (generation_id, sha256) VALUES (?, ?)`)
	p.moveHeads = prep(moveHeadsSQL)
	p.versionLabel = prep(versionLabelSQL)
	p.nextRunNumber = prep(nextRunNumberSQL)
	p.insertRun = prep(insertRunSQL)
	p.updateRun = prep(updateRunSQL)
	p.slots.prepare(prep)
	if err != nil {
		return fmt.Errorf("preparing statements: %w", err)
	}
	return nil
}

func (p *stmts) close() {
	for _, st := range append([]*sql.Stmt{p.insertGen, p.insertGenLink, p.moveHeads, p.versionLabel, p.nextRunNumber, p.insertRun, p.updateRun}, p.slots.all()...) {
		if st != nil {
			st.Close()
		}
	}
}

// ---- settings ----

// GetSetting returns a setting and whether it is set.
func (s *Store) GetSetting(ctx context.Context, key string) (string, bool, error) {
	var v string
	err := s.r.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("getting setting %s: %w", key, err)
	}
	return v, true, nil
}

// SetSetting stores a setting.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	if key == "" {
		return fmt.Errorf("setting: empty key: %w", engine.ErrInvalid)
	}
	_, err := s.w.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("setting %s: %w", key, err)
	}
	return nil
}

// ---- shared helpers ----

func toMS(t time.Time) int64 { return t.UnixMilli() }

func fromMS(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

func msOr(t, now time.Time) int64 {
	if t.IsZero() {
		return now.UnixMilli()
	}
	return t.UnixMilli()
}

func nullMS(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

func fromNullMS(n sql.NullInt64) *time.Time {
	if !n.Valid {
		return nil
	}
	t := fromMS(n.Int64)
	return &t
}

// encode turns a value into the JSON text stored in a column. Generations are saved one a
// node, so plain values (what outputs mostly hold) are encoded without encoding/json's
// reflection, into the same bytes (engine.AppendMarshalJSON); anything else goes through
// json.Marshal.
func encode(what string, v any) (string, error) {
	var space [256]byte
	if b, ok := engine.AppendMarshalJSON(space[:0], v); ok {
		return string(b), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encoding %s: %v: %w", what, err, engine.ErrInvalid)
	}
	return string(b), nil
}

// decodeInto reads a JSON column. A column that does not decode is a corrupt database,
// reported rather than silently dropped.
func decodeInto(what, text string, v any) error {
	if text == "" {
		return nil
	}
	if err := engine.UnmarshalJSON([]byte(text), v); err != nil {
		return fmt.Errorf("decoding %s: %w", what, err)
	}
	return nil
}

// constraint reports whether err is the SQLite constraint violation code.
func constraint(err error, code sqlite3.ErrNoExtended) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.ExtendedCode == code
}

func isUnique(err error) bool {
	return constraint(err, sqlite3.ErrConstraintUnique) || constraint(err, sqlite3.ErrConstraintPrimaryKey)
}

func isForeignKey(err error) bool { return constraint(err, sqlite3.ErrConstraintForeignKey) }

// exists reports whether query (a SELECT 1 …) returns a row inside tx.
func exists(ctx context.Context, tx *sql.Tx, query string, args ...any) (bool, error) {
	var one int
	err := tx.QueryRowContext(ctx, query, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}
