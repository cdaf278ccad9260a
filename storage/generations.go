package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/flowbench/flowbench/engine"
)

const insertGenerationSQL = `INSERT INTO generations (id, workflow_id, node_id, run_id, version_id, status, outputs,
	error, duration_ms, cost, config_hash, input_fingerprint, created_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

const genCols = `g.id, g.workflow_id, g.node_id, g.run_id, g.version_id, COALESCE(v.label, ''), COALESCE(r.label, ''),
	g.status, g.outputs, g.error, g.duration_ms, g.cost, g.config_hash, g.input_fingerprint, g.created_at,
	sel.generation_id IS NOT NULL`

const genFrom = ` FROM generations g
	LEFT JOIN versions v ON v.id = g.version_id
	LEFT JOIN runs r ON r.id = g.run_id
	LEFT JOIN selections sel ON sel.workflow_id = g.workflow_id AND sel.node_id = g.node_id AND sel.generation_id = g.id `

func scanGeneration(sc scanner) (engine.Generation, error) {
	var g engine.Generation
	var outputs string
	var cost sql.NullString
	var created int64
	if err := sc.Scan(&g.ID, &g.WorkflowID, &g.NodeID, &g.RunID, &g.VersionID, &g.VersionLabel, &g.RunLabel,
		&g.Status, &outputs, &g.Error, &g.DurationMS, &cost, &g.ConfigHash, &g.InputFingerprint, &created, &g.Selected); err != nil {
		return g, err
	}
	g.CreatedAt = fromMS(created)
	if err := decodeInto("generation outputs", outputs, &g.Outputs); err != nil {
		return g, err
	}
	if cost.Valid {
		return g, decodeInto("generation cost", cost.String, &g.Cost)
	}
	return g, nil
}

func validGenStatus(st engine.GenStatus) bool {
	return st == engine.GenCompleted || st == engine.GenFailed || st == engine.GenRunning
}

// encodedGen is a generation ready for its INSERT.
type encodedGen struct {
	id, outputs string
	cost        sql.NullString
	created     int64
	refs        []string
}

// SaveGenerations stores a batch of generations in one transaction, all or none, linking
// each to the assets its outputs refer to. A generation without ID or CreatedAt gets one
// (the caller does not learn the ID: the engine assigns its own).
func (s *Store) SaveGenerations(ctx context.Context, gens []engine.Generation) error {
	if len(gens) == 0 {
		return nil
	}
	enc := make([]encodedGen, len(gens))
	now := time.Now()
	anyRefs := false
	for i := range gens {
		g := &gens[i]
		e := &enc[i]
		e.id = g.ID
		if e.id == "" {
			e.id = uuid.NewString()
		}
		if g.NodeID == "" {
			return fmt.Errorf("saving generation %s: empty node id: %w", e.id, engine.ErrInvalid)
		}
		if !validGenStatus(g.Status) {
			return fmt.Errorf("saving generation %s: status %q: %w", e.id, g.Status, engine.ErrInvalid)
		}
		var err error
		if e.outputs, err = encode("generation outputs", g.Outputs); err != nil {
			return err
		}
		if g.Cost != nil {
			if e.cost.String, err = encode("generation cost", g.Cost); err != nil {
				return err
			}
			e.cost.Valid = true
		}
		e.created = msOr(g.CreatedAt, now)
		e.refs = engine.AssetRefs(g.Outputs)
		anyRefs = anyRefs || len(e.refs) > 0
	}

	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("saving generations: %w", err)
	}
	defer tx.Rollback()
	ins := tx.StmtContext(ctx, s.stmts.insertGen)
	var link *sql.Stmt
	if anyRefs {
		link = tx.StmtContext(ctx, s.stmts.insertGenLink)
	}
	for i := range gens {
		g, e := &gens[i], &enc[i]
		_, err := ins.ExecContext(ctx, e.id, g.WorkflowID, g.NodeID, g.RunID, g.VersionID, string(g.Status), e.outputs,
			g.Error, g.DurationMS, e.cost, g.ConfigHash, g.InputFingerprint, e.created)
		switch {
		case isForeignKey(err):
			return fmt.Errorf("saving generation %s: workflow %s: %w", e.id, g.WorkflowID, engine.ErrNotFound)
		case isUnique(err):
			return fmt.Errorf("saving generation %s: %w", e.id, engine.ErrConflict)
		case err != nil:
			return fmt.Errorf("saving generation %s: %w", e.id, err)
		}
		for _, sha := range e.refs {
			if _, err := link.ExecContext(ctx, e.id, sha); err != nil {
				return fmt.Errorf("linking asset %s to generation %s: %w", sha, e.id, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("saving generations: %w", err)
	}
	if anyRefs {
		for i := range enc {
			s.linked(enc[i].refs)
		}
	}
	return nil
}

// GetGeneration returns one generation.
func (s *Store) GetGeneration(ctx context.Context, id string) (engine.Generation, error) {
	g, err := scanGeneration(s.r.QueryRowContext(ctx, `SELECT `+genCols+genFrom+`WHERE g.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return g, fmt.Errorf("getting generation %s: %w", id, engine.ErrNotFound)
	}
	if err != nil {
		return g, fmt.Errorf("getting generation %s: %w", id, err)
	}
	return g, nil
}

// ListGenerations returns a node's generations newest first.
func (s *Store) ListGenerations(ctx context.Context, workflowID, nodeID string) ([]engine.Generation, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+genCols+genFrom+`WHERE g.workflow_id = ? AND g.node_id = ?
		ORDER BY g.created_at DESC, g.seq DESC`, workflowID, nodeID)
	if err != nil {
		return nil, fmt.Errorf("listing generations of node %s: %w", nodeID, err)
	}
	defer rows.Close()
	out := []engine.Generation{}
	for rows.Next() {
		g, err := scanGeneration(rows)
		if err != nil {
			return nil, fmt.Errorf("listing generations of node %s: %w", nodeID, err)
		}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing generations of node %s: %w", nodeID, err)
	}
	return out, nil
}

// CurrentGenerations returns per node the selected generation, else the latest completed one.
func (s *Store) CurrentGenerations(ctx context.Context, workflowID string) (map[string]engine.Generation, error) {
	// One query returns, per node, the latest completed generation and the selected one;
	// the selection wins below.
	rows, err := s.r.QueryContext(ctx, `WITH latest AS (
			SELECT seq, ROW_NUMBER() OVER (PARTITION BY node_id ORDER BY created_at DESC, seq DESC) AS rn
			FROM generations WHERE workflow_id = ?1 AND status = 'completed'
		)
		SELECT `+genCols+genFrom+`WHERE g.workflow_id = ?1
			AND (sel.generation_id IS NOT NULL OR g.seq IN (SELECT seq FROM latest WHERE rn = 1))`, workflowID)
	if err != nil {
		return nil, fmt.Errorf("current generations of workflow %s: %w", workflowID, err)
	}
	defer rows.Close()
	out := map[string]engine.Generation{}
	for rows.Next() {
		g, err := scanGeneration(rows)
		if err != nil {
			return nil, fmt.Errorf("current generations of workflow %s: %w", workflowID, err)
		}
		if prev, ok := out[g.NodeID]; ok && prev.Selected {
			continue
		}
		out[g.NodeID] = g
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("current generations of workflow %s: %w", workflowID, err)
	}
	return out, nil
}

// SelectGeneration marks generationID as the pick of its node; "" clears the pick.
func (s *Store) SelectGeneration(ctx context.Context, workflowID, nodeID, generationID string) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("selecting generation %s: %w", generationID, err)
	}
	defer tx.Rollback()
	if generationID == "" {
		if _, err := tx.ExecContext(ctx, `DELETE FROM selections WHERE workflow_id = ? AND node_id = ?`, workflowID, nodeID); err != nil {
			return fmt.Errorf("clearing selection of node %s: %w", nodeID, err)
		}
		return tx.Commit()
	}
	var gw, gn string
	err = tx.QueryRowContext(ctx, `SELECT workflow_id, node_id FROM generations WHERE id = ?`, generationID).Scan(&gw, &gn)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("selecting generation %s: %w", generationID, engine.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("selecting generation %s: %w", generationID, err)
	}
	if gw != workflowID || gn != nodeID {
		return fmt.Errorf("selecting generation %s: not a generation of node %s of workflow %s: %w", generationID, nodeID, workflowID, engine.ErrInvalid)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO selections (workflow_id, node_id, generation_id, selected_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (workflow_id, node_id) DO UPDATE SET generation_id = excluded.generation_id, selected_at = excluded.selected_at`,
		workflowID, nodeID, generationID, time.Now().UnixMilli()); err != nil {
		return fmt.Errorf("selecting generation %s: %w", generationID, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("selecting generation %s: %w", generationID, err)
	}
	return nil
}

// DeleteGeneration removes a generation and its selection, then the asset files nothing
// refers to any more.
func (s *Store) DeleteGeneration(ctx context.Context, id string) error {
	s.assetMu.Lock()
	defer s.assetMu.Unlock()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("deleting generation %s: %w", id, err)
	}
	defer tx.Rollback()
	candidates, err := queryStrings(ctx, tx, `SELECT sha256 FROM generation_assets WHERE generation_id = ?`, id)
	if err != nil {
		return fmt.Errorf("deleting generation %s: %w", id, err)
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM generations WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("deleting generation %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("deleting generation %s: %w", id, engine.ErrNotFound)
	}
	garbage, err := s.unreferenced(ctx, tx, candidates)
	if err != nil {
		return fmt.Errorf("deleting generation %s: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("deleting generation %s: %w", id, err)
	}
	s.removeAssetFiles(garbage)
	return nil
}
