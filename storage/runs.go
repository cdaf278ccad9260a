package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/flowbench/flowbench/engine"
)

const runCols = `r.id, r.workflow_id, r.version_id, COALESCE(v.label, ''), r.number, r.status, r.mode, r.from_node,
	r.inputs, r.label, r.error, r.outputs, r.snapshot, r.reused, r.owner, r.created_at, r.started_at, r.finished_at,
	r.parent_run_id, r.parent_node_id`

// runSummaryCols are runCols without the snapshot, for lists.
var runSummaryCols = strings.Replace(runCols, "r.snapshot, r.reused", "'', NULL", 1)

const runFrom = ` FROM runs r LEFT JOIN versions v ON v.id = r.version_id `

func (s *Store) scanRun(sc scanner) (engine.Run, error) {
	var r engine.Run
	var inputs, outputs, snapshot string
	var reused []byte
	var created int64
	var started, finished sql.NullInt64
	if err := sc.Scan(&r.ID, &r.WorkflowID, &r.VersionID, &r.VersionLabel, &r.Number, &r.Status, &r.Mode, &r.FromNode,
		&inputs, &r.Label, &r.Error, &outputs, &snapshot, &reused, &r.Owner, &created, &started, &finished,
		&r.ParentRunID, &r.ParentNodeID); err != nil {
		return r, err
	}
	r.CreatedAt, r.StartedAt, r.FinishedAt = fromMS(created), fromNullMS(started), fromNullMS(finished)
	if err := decodeInto("run inputs", inputs, &r.Inputs); err != nil {
		return r, err
	}
	if err := decodeInto("run outputs", outputs, &r.Outputs); err != nil {
		return r, err
	}
	s.restoreValues("run output", r.Outputs)
	if snapshot == "" {
		return r, nil // a list leaves the snapshot out
	}
	return r, decodeSnapshot(snapshot, reused, &r.Snapshot)
}

// runJSON is the encoded form of a run's JSON columns and the assets they refer to.
type runJSON struct {
	inputs, outputs, snapshot string
	reused                    []byte
	refs                      []string
}

func (s *Store) encodeRun(ctx context.Context, r engine.Run) (runJSON, error) {
	var j runJSON
	var err error
	if j.inputs, err = encode("run inputs", r.Inputs); err != nil {
		return j, err
	}
	var large []string
	if j.outputs, large, err = s.encodeValues(ctx, "run outputs", r.Outputs); err != nil {
		return j, err
	}
	if j.snapshot, j.reused, err = encodeSnapshot(r.Snapshot); err != nil {
		return j, fmt.Errorf("%w: %w", err, engine.ErrInvalid)
	}
	j.refs = append(append(engine.AssetRefs(r.Inputs), engine.AssetRefs(r.Outputs)...), large...)
	slices.Sort(j.refs)
	j.refs = slices.Compact(j.refs)
	return j, nil
}

// CreateRun stores a new run of a version of its workflow and assigns its Number.
func (s *Store) CreateRun(ctx context.Context, r engine.Run) (engine.Run, error) {
	j, err := s.encodeRun(ctx, r)
	if err != nil {
		return engine.Run{}, err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return engine.Run{}, fmt.Errorf("creating run: %w", err)
	}
	defer tx.Rollback()
	r, err = s.createRunTx(ctx, tx, r, j)
	if err != nil {
		return engine.Run{}, err
	}
	if err := tx.Commit(); err != nil {
		return engine.Run{}, fmt.Errorf("creating run %s: %w", r.ID, err)
	}
	s.linked(j.refs)
	return s.storedRun(r, j), nil
}

const (
	versionLabelSQL  = `SELECT label FROM versions WHERE id = ? AND workflow_id = ?`
	nextRunNumberSQL = `SELECT COALESCE(MAX(number), 0) + 1 FROM runs WHERE workflow_id = ?`
	insertRunSQL     = `INSERT INTO runs (id, workflow_id, version_id, number, status, mode, from_node, inputs,
			label, error, outputs, snapshot, reused, owner, created_at, started_at, finished_at, parent_run_id, parent_node_id, queue_rank)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	updateRunSQL = `UPDATE runs SET status = ?, label = ?, error = ?, outputs = ?, snapshot = ?, reused = ?,
			owner = ?, started_at = ?, finished_at = ?
		WHERE id = ?`
)

// createRunTx inserts run r (encoded as j) in tx, numbering it; it returns r with its ID,
// Number, Label, Status and Mode as stored. Only its asset links write after its row.
func (s *Store) createRunTx(ctx context.Context, tx *sql.Tx, r engine.Run, j runJSON) (engine.Run, error) {
	if r.ID == "" {
		r.ID = uuid.NewString()
	}
	if r.Status == "" {
		r.Status = engine.RunQueued
	}
	if r.Mode == "" {
		r.Mode = engine.ModeFull
	}
	created := msOr(r.CreatedAt, time.Now())
	r.CreatedAt = fromMS(created)
	err := tx.StmtContext(ctx, s.stmts.versionLabel).QueryRowContext(ctx, r.VersionID, r.WorkflowID).Scan(&r.VersionLabel)
	if errors.Is(err, sql.ErrNoRows) {
		if ok, err := exists(ctx, tx, `SELECT 1 FROM workflows WHERE id = ?`, r.WorkflowID); err != nil || !ok {
			return r, fmt.Errorf("creating run of workflow %s: %w", r.WorkflowID, errOr(err, engine.ErrNotFound))
		}
		return r, fmt.Errorf("creating run: version %q is not a version of workflow %s: %w", r.VersionID, r.WorkflowID, engine.ErrInvalid)
	}
	if err != nil {
		return r, fmt.Errorf("creating run: %w", err)
	}
	if err := tx.StmtContext(ctx, s.stmts.nextRunNumber).QueryRowContext(ctx, r.WorkflowID).Scan(&r.Number); err != nil {
		return r, fmt.Errorf("numbering run of workflow %s: %w", r.WorkflowID, err)
	}
	if r.Label == "" {
		r.Label = engine.NumberedLabel(r.Number)
	}
	_, err = tx.StmtContext(ctx, s.stmts.insertRun).ExecContext(ctx,
		r.ID, r.WorkflowID, r.VersionID, r.Number, string(r.Status), string(r.Mode), r.FromNode, j.inputs,
		r.Label, r.Error, j.outputs, j.snapshot, j.reused, r.Owner, created, nullMS(r.StartedAt), nullMS(r.FinishedAt),
		r.ParentRunID, r.ParentNodeID, created*rankPerMS)
	if isUnique(err) {
		return r, fmt.Errorf("creating run %s: %w", r.ID, engine.ErrConflict)
	}
	if err != nil {
		return r, fmt.Errorf("creating run %s: %w", r.ID, err)
	}
	if err := linkAssets(ctx, tx, linkRun, r.ID, j.refs); err != nil {
		return r, err
	}
	return r, nil
}

// storedRun is run r as stored from its encoded form j, sharing nothing with the caller's maps.
func (s *Store) storedRun(r engine.Run, j runJSON) engine.Run {
	out := r
	out.StartedAt, out.FinishedAt = fromNullMS(nullMS(r.StartedAt)), fromNullMS(nullMS(r.FinishedAt))
	out.Inputs, out.Outputs, out.Snapshot = nil, nil, engine.Snapshot{}
	_ = decodeInto("run inputs", j.inputs, &out.Inputs)
	_ = decodeInto("run outputs", j.outputs, &out.Outputs)
	s.restoreValues("run output", out.Outputs)
	_ = decodeSnapshot(j.snapshot, j.reused, &out.Snapshot)
	return out
}

// UpdateRun replaces status, label, error, outputs, snapshot, owner and times of a run.
func (s *Store) UpdateRun(ctx context.Context, r engine.Run) error {
	j, err := s.encodeRun(ctx, engine.Run{Outputs: r.Outputs, Snapshot: r.Snapshot})
	if err != nil {
		return err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("updating run %s: %w", r.ID, err)
	}
	defer tx.Rollback()
	if err := s.updateRunTx(ctx, tx, r, j); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("updating run %s: %w", r.ID, err)
	}
	s.linked(j.refs)
	return nil
}

// updateRunTx writes the mutable fields of run r (its outputs and snapshot encoded as j) in
// tx. Only its asset links write after its row.
func (s *Store) updateRunTx(ctx context.Context, tx *sql.Tx, r engine.Run, j runJSON) error {
	res, err := tx.StmtContext(ctx, s.stmts.updateRun).ExecContext(ctx,
		string(r.Status), r.Label, r.Error, j.outputs, j.snapshot, j.reused, r.Owner, nullMS(r.StartedAt), nullMS(r.FinishedAt), r.ID)
	if err != nil {
		return fmt.Errorf("updating run %s: %w", r.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("updating run %s: %w", r.ID, engine.ErrNotFound)
	}
	// Links only grow: inputs never change and outputs only appear.
	return linkAssets(ctx, tx, linkRun, r.ID, j.refs)
}

// GetRun returns one run.
func (s *Store) GetRun(ctx context.Context, id string) (engine.Run, error) {
	r, err := s.scanRun(s.r.QueryRowContext(ctx, `SELECT `+runCols+runFrom+`WHERE r.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("getting run %s: %w", id, engine.ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("getting run %s: %w", id, err)
	}
	return r, nil
}

// ListRuns returns runs newest first without their snapshots; workflowID "" means all
// workflows, limit <= 0 no limit.
func (s *Store) ListRuns(ctx context.Context, workflowID string, limit int) ([]engine.Run, error) {
	q := `SELECT ` + runSummaryCols + runFrom
	var args []any
	if workflowID != "" {
		q += `WHERE r.workflow_id = ? `
		args = append(args, workflowID)
	}
	q += `ORDER BY r.created_at DESC, r.seq DESC`
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	return s.queryRuns(ctx, "listing runs", q, args...)
}

// LatestStartedRun returns the newest run of the workflow that started, without its snapshot.
func (s *Store) LatestStartedRun(ctx context.Context, workflowID string) (engine.Run, error) {
	q := `SELECT ` + runSummaryCols + runFrom + `WHERE r.workflow_id = ? AND r.started_at IS NOT NULL AND r.status != ?
		ORDER BY r.created_at DESC, r.seq DESC LIMIT 1`
	r, err := s.scanRun(s.r.QueryRowContext(ctx, q, workflowID, string(engine.RunQueued)))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("latest started run of workflow %s: %w", workflowID, engine.ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("latest started run of workflow %s: %w", workflowID, err)
	}
	return r, nil
}

// ListRunsByStatus returns the runs in any of the statuses in queue order (oldest first
// unless moved).
func (s *Store) ListRunsByStatus(ctx context.Context, statuses ...engine.RunStatus) ([]engine.Run, error) {
	if len(statuses) == 0 {
		return []engine.Run{}, nil
	}
	args := make([]any, len(statuses))
	for i, st := range statuses {
		args[i] = string(st)
	}
	q := `SELECT ` + runCols + runFrom + `WHERE r.status IN (?` + strings.Repeat(", ?", len(statuses)-1) + `)
		ORDER BY r.queue_rank, r.created_at, r.seq`
	return s.queryRuns(ctx, "listing runs by status", q, args...)
}

func (s *Store) queryRuns(ctx context.Context, what, q string, args ...any) ([]engine.Run, error) {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	out := []engine.Run{}
	for rows.Next() {
		r, err := s.scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}
