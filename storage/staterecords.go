package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/flowbench/flowbench/engine"
)

// SaveStateRecord keeps data as the workflow's state record for epoch when epoch is still the
// workflow's generation epoch, with the data home's largest generation seq at that moment:
// every generation the record describes is at or below it.
func (s *Store) SaveStateRecord(ctx context.Context, workflowID string, epoch int64, data []byte) (bool, error) {
	res, err := s.w.ExecContext(ctx, `INSERT INTO state_records (workflow_id, epoch, max_seq, data)
		SELECT id, generation_epoch, (SELECT COALESCE(MAX(seq), 0) FROM generations), ?3
		FROM workflows WHERE id = ?1 AND generation_epoch = ?2
		ON CONFLICT (workflow_id) DO UPDATE SET epoch = excluded.epoch, max_seq = excluded.max_seq, data = excluded.data`,
		workflowID, epoch, data)
	if err != nil {
		return false, fmt.Errorf("saving the state record of workflow %s: %w", workflowID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("saving the state record of workflow %s: %w", workflowID, err)
	}
	if n > 0 {
		s.writeStateFile(workflowID, epoch, data)
	}
	return n > 0, nil
}

// A state record is also kept as a file of the data home's cache, home/cache/state/W.EPOCH.rec,
// written once its row is saved: reading 1.6 MB of a 10,000-node chain's record through SQLite
// walks ~400 overflow pages into its page cache and copies the bytes twice more, a file is one
// read (docs/PERFORMANCE.md, issue 15). The row stays the record; the file is a copy. The
// state of a workflow at an epoch is one state, so a file named for the row's epoch holds
// that record or a damaged one (the record's own checksum and workflow id refuse it: the plan
// then reads the whole state, as for a damaged row, and writes the record again). No file,
// and the row's bytes are read as before. Saving a record removes the workflow's other files.

// stateFilePath is the cache file of workflow id's record for epoch ("" for an id that is not
// a plain id).
func (s *Store) stateFilePath(id string, epoch int64) string {
	if id == "" || strings.Trim(id, "0123456789abcdefABCDEF-") != "" {
		return ""
	}
	return filepath.Join(s.home, "cache", "state", id+"."+strconv.FormatInt(epoch, 10)+".rec")
}

// writeStateFile writes the file of a record just saved and removes the workflow's others.
func (s *Store) writeStateFile(id string, epoch int64, data []byte) {
	path := s.stateFilePath(id, epoch)
	if path == "" {
		return
	}
	writeCacheFile(path, data)
	old, _ := filepath.Glob(filepath.Join(filepath.Dir(path), id+".*.rec"))
	for _, f := range old {
		if f != path {
			os.Remove(f)
		}
	}
}

// removeStateFiles removes a deleted workflow's record files.
func (s *Store) removeStateFiles(id string) {
	if path := s.stateFilePath(id, 0); path != "" {
		old, _ := filepath.Glob(filepath.Join(filepath.Dir(path), id+".*.rec"))
		for _, f := range old {
			os.Remove(f)
		}
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
