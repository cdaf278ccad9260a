package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/flowbench/flowbench/engine"
)

var _ engine.QueueStore = (*Store)(nil)

// rankPerMS spaces the queue ranks of runs created a millisecond apart, leaving room to
// renumber moved runs between them.
const rankPerMS = 1000

// queueOrder is the order of queued runs (runs.queue_rank, then creation).
const queueOrder = `r.queue_rank, r.created_at, r.seq`

// TakeSlots grants run slots under one cap shared by every process on the data home.
func (s *Store) TakeSlots(ctx context.Context, req engine.SlotRequest) ([]string, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("taking run slots: %w", err)
	}
	defer tx.Rollback()
	granted, err := takeSlots(ctx, tx, req)
	if err != nil {
		return nil, fmt.Errorf("taking run slots: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("taking run slots: %w", err)
	}
	return granted, nil
}

func takeSlots(ctx context.Context, tx *sql.Tx, req engine.SlotRequest) ([]string, error) {
	for _, id := range req.Release {
		if _, err := tx.ExecContext(ctx, `DELETE FROM run_slots WHERE run_id = ?`, id); err != nil {
			return nil, err
		}
	}
	// Slots of runs that ended (or paused) without giving them back.
	if _, err := tx.ExecContext(ctx, `DELETE FROM run_slots WHERE NOT EXISTS
		(SELECT 1 FROM runs r WHERE r.id = run_slots.run_id AND r.status IN ('queued', 'running'))`); err != nil {
		return nil, err
	}
	// Slots of processes that are gone.
	owners, err := queryStrings(ctx, tx, `SELECT DISTINCT owner FROM run_slots WHERE owner != ?`, req.Owner)
	if err != nil {
		return nil, err
	}
	for _, o := range owners {
		if req.Alive != nil && req.Alive(o) {
			continue
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM run_slots WHERE owner = ?`, o); err != nil {
			return nil, err
		}
	}
	// This owner's ready runs: its first Limit queued runs, those already granted first.
	want := make(map[string]bool, len(req.Queued))
	for _, id := range req.Queued {
		want[id] = true
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM run_slots WHERE owner = ? AND held = 0`, req.Owner); err != nil {
		return nil, err
	}
	mineHeld, err := queryStrings(ctx, tx, `SELECT s.run_id FROM run_slots s JOIN runs r ON r.id = s.run_id
		WHERE s.owner = ? AND s.held = 1 AND r.status = 'queued' ORDER BY `+queueOrder, req.Owner)
	if err != nil {
		return nil, err
	}
	held := map[string]bool{}
	for _, id := range mineHeld {
		held[id] = true
	}
	if ready := req.Limit - len(mineHeld); ready > 0 && len(want) > len(held) {
		rows, err := tx.QueryContext(ctx, `SELECT r.id FROM runs r WHERE r.status = 'queued' AND r.owner = ? ORDER BY `+queueOrder, req.Owner)
		if err != nil {
			return nil, err
		}
		var pick []string
		for rows.Next() && len(pick) < ready {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			if want[id] && !held[id] {
				pick = append(pick, id)
			}
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return nil, err
		}
		for _, id := range pick {
			if _, err := tx.ExecContext(ctx, `INSERT INTO run_slots (run_id, owner, held) VALUES (?, ?, 0)
				ON CONFLICT (run_id) DO UPDATE SET owner = excluded.owner, held = 0`, id, req.Owner); err != nil {
				return nil, err
			}
		}
	}
	paused := false
	if req.PausedKey != "" {
		var v string
		err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, req.PausedKey).Scan(&v)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		paused = v == "1"
	}
	if !paused {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM run_slots WHERE held = 1`).Scan(&n); err != nil {
			return nil, err
		}
		if free := req.Cap - n; free > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE run_slots SET held = 1 WHERE run_id IN
				(SELECT s.run_id FROM run_slots s JOIN runs r ON r.id = s.run_id WHERE s.held = 0 ORDER BY `+queueOrder+` LIMIT ?)`, free); err != nil {
				return nil, err
			}
		}
	}
	mine, err := queryStrings(ctx, tx, `SELECT s.run_id FROM run_slots s JOIN runs r ON r.id = s.run_id
		WHERE s.owner = ? AND s.held = 1 AND r.status = 'queued' ORDER BY `+queueOrder, req.Owner)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(mine))
	for _, id := range mine {
		if want[id] {
			out = append(out, id)
		}
	}
	return out, nil
}

// ReleaseSlot gives a run's slot back.
func (s *Store) ReleaseSlot(ctx context.Context, runID string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM run_slots WHERE run_id = ?`, runID); err != nil {
		return fmt.Errorf("releasing the slot of run %s: %w", runID, err)
	}
	return nil
}

// MoveQueued puts a queued run at a 1-based position among the queued runs. The queued runs
// keep their set of ranks, given out again in the new order (raised where two would tie).
func (s *Store) MoveQueued(ctx context.Context, runID string, pos int) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("moving run %s: %w", runID, err)
	}
	defer tx.Rollback()
	var status string
	err = tx.QueryRowContext(ctx, `SELECT status FROM runs WHERE id = ?`, runID).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("moving run %s: %w", runID, engine.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("moving run %s: %w", runID, err)
	}
	if status != string(engine.RunQueued) {
		return fmt.Errorf("run %s is %s, not queued: %w", runID, status, engine.ErrConflict)
	}
	rows, err := tx.QueryContext(ctx, `SELECT r.id, r.queue_rank FROM runs r WHERE r.status = 'queued' ORDER BY `+queueOrder)
	if err != nil {
		return fmt.Errorf("moving run %s: %w", runID, err)
	}
	var ids []string
	var ranks []int64
	for rows.Next() {
		var id string
		var rank int64
		if err := rows.Scan(&id, &rank); err != nil {
			rows.Close()
			return fmt.Errorf("moving run %s: %w", runID, err)
		}
		ids, ranks = append(ids, id), append(ranks, rank)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("moving run %s: %w", runID, err)
	}
	old := make(map[string]int64, len(ids))
	for i, id := range ids {
		old[id] = ranks[i]
	}
	order, newRanks := engine.MoveRanks(ids, ranks, runID, pos)
	for i, id := range order {
		if newRanks[i] == old[id] {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE runs SET queue_rank = ? WHERE id = ?`, newRanks[i], id); err != nil {
			return fmt.Errorf("moving run %s: %w", runID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("moving run %s: %w", runID, err)
	}
	return nil
}

// QueueGate reads the queue's pause and how many runs hold a slot, in one query.
func (s *Store) QueueGate(ctx context.Context, pausedKey string) (engine.QueueGate, error) {
	var v sql.NullString
	var held int
	err := s.r.QueryRowContext(ctx, `SELECT (SELECT value FROM settings WHERE key = ?), (SELECT COUNT(*) FROM run_slots WHERE held = 1)`,
		pausedKey).Scan(&v, &held)
	if err != nil {
		return engine.QueueGate{}, fmt.Errorf("reading the queue's state: %w", err)
	}
	return engine.QueueGate{Paused: v.String == "1", Held: held}, nil
}
