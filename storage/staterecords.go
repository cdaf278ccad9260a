package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

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
	return n > 0, nil
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
	err = tx.QueryRowContext(ctx, `SELECT w.generation_epoch, r.epoch, r.max_seq, r.data
		FROM workflows w LEFT JOIN state_records r ON r.workflow_id = w.id WHERE w.id = ?`, workflowID).
		Scan(&rec.Now, &epoch, &mark, &rec.Data)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return rec, nil // no workflow: no record
	case err != nil:
		return fail(err)
	}
	if !epoch.Valid {
		rec.Data = nil
		return rec, nil
	}
	rec.Epoch = epoch.Int64
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
