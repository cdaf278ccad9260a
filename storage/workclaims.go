package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/flowbench/flowbench/engine"
)

var _ engine.WorkClaimStore = (*Store)(nil)

// ClaimWork records claim c on its work unless a live other owner's running run holds it.
func (s *Store) ClaimWork(ctx context.Context, c engine.WorkClaim, alive func(owner string) bool) (engine.WorkClaim, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return engine.WorkClaim{}, fmt.Errorf("claiming work of node %s: %w", c.NodeID, err)
	}
	defer tx.Rollback()
	var h engine.WorkClaim
	var status sql.NullString
	err = tx.QueryRowContext(ctx, `SELECT w.fingerprint, w.node_type, w.owner, w.run_id, w.node_id, w.token, r.status
		FROM work_claims w LEFT JOIN runs r ON r.id = w.run_id WHERE w.fingerprint = ? AND w.node_type = ?`,
		c.Fingerprint, c.NodeType).Scan(&h.Fingerprint, &h.NodeType, &h.Owner, &h.RunID, &h.NodeID, &h.Token, &status)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return engine.WorkClaim{}, fmt.Errorf("claiming work of node %s: %w", c.NodeID, err)
	case h.Owner != c.Owner && status.String == string(engine.RunRunning) && alive != nil && alive(h.Owner):
		return h, nil // rolled back: nothing written
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO work_claims (fingerprint, node_type, owner, run_id, node_id, token)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (fingerprint, node_type) DO UPDATE SET owner = excluded.owner,
		run_id = excluded.run_id, node_id = excluded.node_id, token = excluded.token`,
		c.Fingerprint, c.NodeType, c.Owner, c.RunID, c.NodeID, c.Token); err != nil {
		return engine.WorkClaim{}, fmt.Errorf("claiming work of node %s: %w", c.NodeID, err)
	}
	if err := tx.Commit(); err != nil {
		return engine.WorkClaim{}, fmt.Errorf("claiming work of node %s: %w", c.NodeID, err)
	}
	return c, nil
}

// ReleaseWork removes claim c if it still holds its work.
func (s *Store) ReleaseWork(ctx context.Context, c engine.WorkClaim) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM work_claims WHERE fingerprint = ? AND node_type = ? AND token = ?`,
		c.Fingerprint, c.NodeType, c.Token); err != nil {
		return fmt.Errorf("releasing the work of node %s: %w", c.NodeID, err)
	}
	return nil
}

// DropWorkClaims removes every claim of run runID.
func (s *Store) DropWorkClaims(ctx context.Context, runID string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM work_claims WHERE run_id = ?`, runID); err != nil {
		return fmt.Errorf("dropping the work claims of run %s: %w", runID, err)
	}
	return nil
}

// ClaimedWork returns the completed generation of c's run with c's fingerprint, if there is
// one, and whether c still holds its work for a running run.
func (s *Store) ClaimedWork(ctx context.Context, c engine.WorkClaim) (*engine.Generation, bool, error) {
	s.catchUpFingerprints(ctx)
	g, err := s.scanGeneration(s.r.QueryRowContext(ctx, `SELECT `+genCols+genFrom+`WHERE `+withFingerprint+`
		AND g.run_id = ?2 ORDER BY g.seq DESC LIMIT 1`, c.Fingerprint, c.RunID))
	switch {
	case err == nil:
		return &g, false, nil
	case !errors.Is(err, sql.ErrNoRows):
		return nil, false, fmt.Errorf("following the work of node %s: %w", c.NodeID, err)
	}
	var n int
	err = s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM work_claims w JOIN runs r ON r.id = w.run_id
		WHERE w.fingerprint = ? AND w.node_type = ? AND w.token = ? AND r.status = 'running'`,
		c.Fingerprint, c.NodeType, c.Token).Scan(&n)
	if err != nil {
		return nil, false, fmt.Errorf("following the work of node %s: %w", c.NodeID, err)
	}
	return nil, n > 0, nil
}

// SlotOwners returns the owners other than owner whose runs hold or are ready for run slots.
func (s *Store) SlotOwners(ctx context.Context, owner string) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT owner FROM run_slots WHERE owner != ?`, owner)
	if err != nil {
		return nil, fmt.Errorf("listing run slot owners: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var o string
		if err := rows.Scan(&o); err != nil {
			return nil, fmt.Errorf("listing run slot owners: %w", err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing run slot owners: %w", err)
	}
	return out, nil
}
