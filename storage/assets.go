package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// tempPrefix names asset files being written; leftovers of a crash are removed at Open.
const tempPrefix = ".tmp-"

// assetFile is where the asset with hash sha lives. sha must be validated first.
func (s *Store) assetFile(sha string) string {
	return filepath.Join(s.assets, sha[:2], sha)
}

// PutAsset stores data under its sha256 and returns its reference. Bytes already stored
// are not written again; new ones are written atomically: a temporary file in the same
// folder, synced, then renamed into place.
func (s *Store) PutAsset(ctx context.Context, data []byte, mime, name string) (engine.AssetRef, error) {
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	if mime == "" {
		mime = http.DetectContentType(data)
	}
	ref := engine.AssetRef{Asset: sha, Mime: mime, Name: name}
	final := s.assetFile(sha)
	dir := filepath.Dir(final)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return ref, fmt.Errorf("storing asset %s: %w", sha, err)
	}
	var tmp string
	if _, err := os.Stat(final); err != nil {
		// The slow part, writing, happens outside the lock.
		if tmp, err = writeTemp(dir, data); err != nil {
			return ref, fmt.Errorf("storing asset %s: %w", sha, err)
		}
		defer os.Remove(tmp) // fails harmlessly once renamed
	}
	s.assetMu.Lock()
	defer s.assetMu.Unlock()
	// Look again under the lock: the file may have been collected since.
	if _, err := os.Stat(final); err != nil {
		if tmp == "" {
			if tmp, err = writeTemp(dir, data); err != nil {
				return ref, fmt.Errorf("storing asset %s: %w", sha, err)
			}
			defer os.Remove(tmp)
		}
		if err := os.Rename(tmp, final); err != nil {
			return ref, fmt.Errorf("storing asset %s: %w", sha, err)
		}
		syncDir(dir)
	}
	now := time.Now().UnixMilli()
	if _, err := s.w.ExecContext(ctx, `INSERT INTO assets (sha256, mime, size, created_at, put_at, put_by) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (sha256) DO UPDATE SET put_at = excluded.put_at, put_by = excluded.put_by`,
		sha, mime, len(data), now, now, s.instance); err != nil {
		return ref, fmt.Errorf("storing asset %s: %w", sha, err)
	}
	s.pending[sha] = struct{}{}
	return ref, nil
}

// writeTemp writes data to a new synced temporary file in dir and returns its path.
func writeTemp(dir string, data []byte) (string, error) {
	f, err := os.CreateTemp(dir, tempPrefix+"*")
	if err != nil {
		return "", err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// syncDir makes a rename in dir durable; where directories cannot be synced it is a no-op.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// OpenAsset opens the bytes of an asset.
func (s *Store) OpenAsset(ctx context.Context, sha string) (io.ReadCloser, error) {
	if !engine.ValidSHA(sha) {
		return nil, fmt.Errorf("opening asset %q: malformed hash: %w", sha, engine.ErrInvalid)
	}
	f, err := os.Open(s.assetFile(sha))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("opening asset %s: %w", sha, engine.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("opening asset %s: %w", sha, err)
	}
	return f, nil
}

// AssetPath returns the file holding an asset. Only a well-formed hash reaches the file
// system, so no caller can name a path of its own.
func (s *Store) AssetPath(sha string) (string, error) {
	if !engine.ValidSHA(sha) {
		return "", fmt.Errorf("asset path %q: malformed hash: %w", sha, engine.ErrInvalid)
	}
	p := s.assetFile(sha)
	if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("asset path %s: %w", sha, engine.ErrNotFound)
	} else if err != nil {
		return "", fmt.Errorf("asset path %s: %w", sha, err)
	}
	return p, nil
}

// Link tables, each with its owner column. Names are constants, never user input.
type linkTable struct{ table, owner string }

var (
	linkVersion = linkTable{"version_assets", "version_id"}
	linkDraft   = linkTable{"draft_assets", "workflow_id"}
	linkRun     = linkTable{"run_assets", "run_id"}
)

// linkAssets records that owner refers to each asset in refs.
func linkAssets(ctx context.Context, tx *sql.Tx, lt linkTable, owner string, refs []string) error {
	if len(refs) == 0 {
		return nil
	}
	st, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO `+lt.table+` (`+lt.owner+`, sha256) VALUES (?, ?)`)
	if err != nil {
		return fmt.Errorf("linking assets of %s: %w", owner, err)
	}
	defer st.Close()
	for _, sha := range refs {
		if _, err := st.ExecContext(ctx, owner, sha); err != nil {
			return fmt.Errorf("linking asset %s to %s: %w", sha, owner, err)
		}
	}
	return nil
}

// linked marks refs as referenced by committed rows, so they are no longer pending.
func (s *Store) linked(refs []string) {
	if len(refs) == 0 {
		return
	}
	s.assetMu.Lock()
	for _, sha := range refs {
		delete(s.pending, sha)
	}
	s.assetMu.Unlock()
}

// unreferenced deletes the asset rows of the candidates that no link refers to and that
// are not pending, and returns them: their files go once tx commits. The caller holds
// assetMu.
// assetGrace is how long an asset another process put is kept though nothing links it yet:
// that process links it with its next commit. (Within this process, pending says so exactly.)
const assetGrace = 10 * time.Minute

func (s *Store) unreferenced(ctx context.Context, tx *sql.Tx, candidates []string) ([]string, error) {
	var garbage []string
	recent := time.Now().Add(-assetGrace).UnixMilli()
	for _, sha := range candidates {
		if _, ok := s.pending[sha]; ok {
			continue
		}
		used, err := exists(ctx, tx, `SELECT 1 WHERE
			EXISTS (SELECT 1 FROM assets WHERE sha256 = ?1 AND put_at > ?2 AND put_by != ?3) OR
			EXISTS (SELECT 1 FROM generation_assets WHERE sha256 = ?1) OR
			EXISTS (SELECT 1 FROM version_assets WHERE sha256 = ?1) OR
			EXISTS (SELECT 1 FROM run_assets WHERE sha256 = ?1) OR
			EXISTS (SELECT 1 FROM draft_assets WHERE sha256 = ?1)`, sha, recent, s.instance)
		if err != nil {
			return nil, fmt.Errorf("checking asset %s: %w", sha, err)
		}
		if used {
			continue
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM assets WHERE sha256 = ?`, sha); err != nil {
			return nil, fmt.Errorf("deleting asset %s: %w", sha, err)
		}
		garbage = append(garbage, sha)
	}
	return garbage, nil
}

// removeAssetFiles deletes the files of collected assets after their rows are gone. A
// failure leaves an orphan file, logged, never a row without its file. The caller holds
// assetMu.
func (s *Store) removeAssetFiles(shas []string) {
	for _, sha := range shas {
		if !engine.ValidSHA(sha) {
			continue
		}
		if err := os.Remove(s.assetFile(sha)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			s.log.Warn("removing asset file", "sha256", sha, "err", err)
		}
	}
}

// staleTemp is the age past which a temporary asset file is a crash's leftover rather
// than a write in progress in another process sharing the home.
const staleTemp = time.Hour

// removeTempFiles deletes half-written asset files left by a crash.
func (s *Store) removeTempFiles() {
	matches, _ := filepath.Glob(filepath.Join(s.assets, "*", tempPrefix+"*"))
	for _, m := range matches {
		if fi, err := os.Stat(m); err != nil || time.Since(fi.ModTime()) < staleTemp {
			continue
		}
		if err := os.Remove(m); err != nil {
			s.log.Warn("removing temporary asset file", "path", m, "err", err)
		}
	}
}

// queryStrings returns the single text column of a query's rows.
func queryStrings(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]string, error) {
	return scanStrings(tx.QueryContext(ctx, query, args...))
}

// scanStrings reads the single text column of rows (as a query returns them) and closes them.
func scanStrings(rows *sql.Rows, err error) ([]string, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// sweepEvery is how often opening the store sweeps unlinked assets: a command-line call opens
// it every time, and the sweep reads every asset row.
const sweepEvery = 24 * time.Hour

// settingSweptAt records when assets were last swept (Unix ms).
const settingSweptAt = "assets_swept_at"

// sweepAssets removes assets nothing links that were put longer than assetGrace ago: left
// by a process that stopped between storing a file and committing the row naming it. It runs
// at most once every sweepEvery.
func (s *Store) sweepAssets(ctx context.Context) error {
	now := time.Now()
	if last, ok, err := s.GetSetting(ctx, settingSweptAt); err != nil {
		return err
	} else if ms, perr := strconv.ParseInt(last, 10, 64); ok && perr == nil && now.Sub(time.UnixMilli(ms)) < sweepEvery {
		return nil
	}
	if err := s.SetSetting(ctx, settingSweptAt, strconv.FormatInt(now.UnixMilli(), 10)); err != nil {
		return err
	}
	s.assetMu.Lock()
	defer s.assetMu.Unlock()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	candidates, err := queryStrings(ctx, tx, `SELECT sha256 FROM assets a WHERE put_at <= ?
		AND NOT EXISTS (SELECT 1 FROM generation_assets l WHERE l.sha256 = a.sha256)
		AND NOT EXISTS (SELECT 1 FROM version_assets l WHERE l.sha256 = a.sha256)
		AND NOT EXISTS (SELECT 1 FROM run_assets l WHERE l.sha256 = a.sha256)
		AND NOT EXISTS (SELECT 1 FROM draft_assets l WHERE l.sha256 = a.sha256)`,
		time.Now().Add(-assetGrace).UnixMilli())
	if err != nil || len(candidates) == 0 {
		return err
	}
	garbage, err := s.unreferenced(ctx, tx, candidates)
	if err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.removeAssetFiles(garbage)
	return nil
}
