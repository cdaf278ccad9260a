package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// SaveStateRecord keeps data as the workflow's state record for epoch when epoch is still the
// workflow's generation epoch, with the data home's largest generation seq at that moment:
// every generation the record describes is at or below it.
//
// The bytes go to the record's cache file (below), the row keeps the epoch and the mark with
// no copy of them (an empty data): a 10,000-node chain's record is 1.6 MB, which written into
// the row went through the WAL and again through the checkpoint at close, on every run that
// writes a record (docs/PERFORMANCE.md, issue 15, session 6). The file is staged before the
// row is written and put in place once the row says the record is of its epoch; a file that
// cannot be staged leaves the bytes in the row, as before. The record is a cache: a record
// whose file is lost (a kill between the row and the rename, a power loss, a removed cache
// folder) reads as no record, and the reader reads the whole state and writes one again.
func (s *Store) SaveStateRecord(ctx context.Context, workflowID string, epoch int64, data []byte) (bool, error) {
	path := s.stateFilePath(workflowID, epoch)
	staged := ""
	if path != "" {
		staged = stageCacheFile(path, data)
	}
	rowData := data
	if staged != "" {
		rowData = nil // the row's data is then x''
	}
	res, err := s.w.ExecContext(ctx, `INSERT INTO state_records (workflow_id, epoch, max_seq, data)
		SELECT id, generation_epoch, (SELECT COALESCE(MAX(seq), 0) FROM generations), COALESCE(?3, x'')
		FROM workflows WHERE id = ?1 AND generation_epoch = ?2
		ON CONFLICT (workflow_id) DO UPDATE SET epoch = excluded.epoch, max_seq = excluded.max_seq, data = excluded.data`,
		workflowID, epoch, rowData)
	var n int64
	if err == nil {
		n, err = res.RowsAffected()
	}
	if err != nil || n == 0 {
		if staged != "" {
			os.Remove(staged)
		}
		if err != nil {
			return false, fmt.Errorf("saving the state record of workflow %s: %w", workflowID, err)
		}
		return false, nil
	}
	if staged != "" && os.Rename(staged, path) != nil {
		os.Remove(staged) // the row then reads as no record
	}
	if path != "" {
		s.removeStateFilesBefore(workflowID, epoch, staleTemp)
	}
	return true, nil
}

// A state record is kept as a file of the data home's cache, home/cache/state/W.EPOCH.rec:
// reading 1.6 MB of a 10,000-node chain's record through SQLite walks ~400 overflow pages into
// its page cache and copies the bytes twice more, a file is one read (docs/PERFORMANCE.md,
// issue 15). The row says which epoch the record is of; its data is empty when the file holds
// the bytes (SaveStateRecord; a row written by an earlier build holds them as well). The
// state of a workflow at an epoch is one state, so a file named for the row's epoch holds
// that record or a damaged one (the record's own checksum and workflow id refuse it: the plan
// then reads the whole state, as for a damaged row, and writes the record again). No file,
// and the row's bytes are read. Saving a record removes the workflow's files of earlier epochs.

// stateFilePath is the cache file of workflow id's record for epoch ("" for an id that is not
// a plain id).
func (s *Store) stateFilePath(id string, epoch int64) string {
	if id == "" || strings.Trim(id, "0123456789abcdefABCDEF-") != "" {
		return ""
	}
	return filepath.Join(s.home, "cache", "state", id+"."+strconv.FormatInt(epoch, 10)+".rec")
}

// stageCacheFile writes data to a new temporary file beside path and returns its name, ""
// when it could not be written whole.
func stageCacheFile(path string, data []byte) string {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return ""
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return ""
	}
	_, werr := tmp.Write(data)
	if cerr := tmp.Close(); werr != nil || cerr != nil {
		os.Remove(tmp.Name())
		return ""
	}
	return tmp.Name()
}

// removeStateFilesBefore removes the workflow's record files of epochs before epoch (a file
// of a later epoch is another process's, saved meanwhile) and the files a process killed
// between staging and renaming one left: those older than age (a newer one may be another
// process's, staged a moment ago).
func (s *Store) removeStateFilesBefore(id string, epoch int64, age time.Duration) {
	dir := filepath.Join(s.home, "cache", "state")
	old, _ := filepath.Glob(filepath.Join(dir, id+".*.rec"))
	for _, f := range old {
		e, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), id+"."), ".rec"), 10, 64)
		if err != nil || e < epoch {
			os.Remove(f)
		}
	}
	tmps, _ := filepath.Glob(filepath.Join(dir, id+".*.rec.*.tmp"))
	for _, f := range tmps {
		if fi, err := os.Stat(f); err == nil && time.Since(fi.ModTime()) >= age {
			os.Remove(f)
		}
	}
}

// removeStateFiles removes a deleted workflow's record files, staged ones too (a save under
// way for it finds no row to write and removes its own).
func (s *Store) removeStateFiles(id string) {
	if s.stateFilePath(id, 0) != "" {
		s.removeStateFilesBefore(id, math.MaxInt64, 0)
	}
}

// StateRecord returns the workflow's state record, its epoch now and, when that is at most
// maxSince past the record's, the workflow's generations with a seq above the record's mark,
// in one read transaction.
func (s *Store) StateRecord(ctx context.Context, workflowID string, maxSince int64) (engine.StateRecord, error) {
	var rec engine.StateRecord
	fail := func(err error) (engine.StateRecord, error) {
		return engine.StateRecord{}, fmt.Errorf("state record of workflow %s: %w", workflowID, err)
	}
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fail(err)
	}
	defer tx.Rollback()
	var mark sql.NullInt64
	var epoch sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT w.generation_epoch, r.epoch, r.max_seq
		FROM workflows w LEFT JOIN state_records r ON r.workflow_id = w.id WHERE w.id = ?`, workflowID).
		Scan(&rec.Now, &epoch, &mark)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return rec, nil // no workflow: no record
	case err != nil:
		return fail(err)
	}
	if !epoch.Valid {
		return rec, nil
	}
	rec.Epoch = epoch.Int64
	// The record: its file when there is one for this epoch, else the row's bytes (read in
	// this transaction, so they are the epoch's).
	if path := s.stateFilePath(workflowID, rec.Epoch); path != "" {
		if text, err := readFileText(path); err == nil && text != "" {
			rec.Text = text
		}
	}
	if rec.Text == "" {
		if err := tx.QueryRowContext(ctx, `SELECT data FROM state_records WHERE workflow_id = ?`, workflowID).Scan(&rec.Data); err != nil {
			return fail(err)
		}
	}
	if rec.Now-rec.Epoch < 0 || rec.Now-rec.Epoch > maxSince {
		return rec, nil
	}
	// The generations after the mark: a walk of the table from it (seq is the rowid).
	rows, err := tx.QueryContext(ctx, `SELECT `+genOwnColsOrZero+` FROM generations g
		WHERE g.seq > ? AND g.workflow_id = ? ORDER BY g.seq`, mark.Int64, workflowID)
	if err != nil {
		return fail(err)
	}
	defer rows.Close()
	rec.Since = []engine.Generation{}
	for rows.Next() {
		var g engine.Generation
		if err := s.scanOwnGeneration(rows, &g); err != nil {
			return fail(err)
		}
		rec.Since = append(rec.Since, g)
	}
	if err := rows.Err(); err != nil {
		return fail(err)
	}
	rec.SinceRead = true
	return rec, nil
}
