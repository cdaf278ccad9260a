package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/flowbench/flowbench/engine"
)

var _ engine.QueueStore = (*Store)(nil)

// rankPerMS spaces the queue ranks of runs created a millisecond apart, leaving room to
// renumber moved runs between them.
const rankPerMS = 1000

// queueOrder is the order of queued runs (runs.queue_rank, then creation).
const queueOrder = `r.queue_rank, r.created_at, r.seq`

// TakeSlots grants run slots under one cap shared by every process on the data home. The
// records of runs that ended go first, in the same transaction (a run's end and the return
// of its slot are one write, not two).
func (s *Store) TakeSlots(ctx context.Context, req engine.SlotRequest) ([]string, error) {
	ends := make([]runJSON, len(req.Ended))
	for i, r := range req.Ended {
		j, err := s.encodeRun(ctx, engine.Run{Outputs: r.Outputs, Snapshot: r.Snapshot})
		if err != nil {
			return nil, err
		}
		ends[i] = j
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("taking run slots: %w", err)
	}
	defer tx.Rollback()
	for i, r := range req.Ended {
		if err := s.updateRunTx(ctx, tx, r, ends[i]); err != nil {
			return nil, err
		}
	}
	granted, err := s.takeSlots(ctx, tx, req)
	if err != nil {
		return nil, fmt.Errorf("taking run slots: %w", err)
	}
	var begun []runJSON
	if req.Begin != nil {
		for _, id := range granted {
			r, ok := req.Begin(id)
			if !ok {
				continue
			}
			j, err := s.encodeRun(ctx, engine.Run{Outputs: r.Outputs, Snapshot: r.Snapshot})
			if err != nil {
				return nil, err
			}
			if err := s.updateRunTx(ctx, tx, r, j); err != nil {
				return nil, err
			}
			begun = append(begun, j)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("taking run slots: %w", err)
	}
	for _, j := range append(ends, begun...) {
		s.linked(j.refs)
	}
	return granted, nil
}

// slotStmts are the statements of taking and giving back run slots, prepared once: a take
// is eight statements (one more per run made ready, per dead owner).
type slotStmts struct {
	release, releaseOne, owners, deadOwner, clearReady, queuedOf, ready, grant, mine *sql.Stmt
}

// mineHeldSQL selects the owner's (?1) queued runs that hold a slot. The slot statements go
// from run_slots (a few rows: at most the cap held, a few ready) to runs by id, fixed by CROSS
// JOIN and "+r.status" (no index on status): left to itself SQLite read every queued run (the
// runs_queue index) or every run of the data home for each take, a cost that grew with the
// queue and with the home's history.
const mineHeldSQL = `SELECT s.run_id FROM run_slots s CROSS JOIN runs r ON r.id = s.run_id
	WHERE s.owner = ?1 AND s.held = 1 AND +r.status = 'queued'`

func (p *slotStmts) prepare(prep func(string) *sql.Stmt) {
	// The slots of the runs given back (?1, a JSON array) and of runs that ended (or paused)
	// without giving them back.
	p.release = prep(`DELETE FROM run_slots WHERE run_id IN (SELECT value FROM json_each(?1))
		OR NOT EXISTS (SELECT 1 FROM runs r WHERE r.id = run_slots.run_id AND r.status IN ('queued', 'running'))`)
	p.releaseOne = prep(`DELETE FROM run_slots WHERE run_id = ?`)
	p.owners = prep(`SELECT DISTINCT owner FROM run_slots WHERE owner != ?`)
	p.deadOwner = prep(`DELETE FROM run_slots WHERE owner = ?`)
	p.clearReady = prep(`DELETE FROM run_slots WHERE owner = ? AND held = 0`)
	p.queuedOf = prep(`SELECT r.id FROM runs r WHERE r.status = 'queued' AND r.owner = ? ORDER BY ` + queueOrder)
	p.ready = prep(`INSERT INTO run_slots (run_id, owner, held) VALUES (?, ?, 0)
		ON CONFLICT (run_id) DO UPDATE SET owner = excluded.owner, held = 0`)
	// Free slots under the cap (?1) to the ready runs in queue order, unless the setting ?2
	// pauses the queue.
	p.grant = prep(`UPDATE run_slots SET held = 1 WHERE run_id IN
		(SELECT s.run_id FROM run_slots s CROSS JOIN runs r ON r.id = s.run_id WHERE s.held = 0 ORDER BY ` + queueOrder + `
			LIMIT max(0, ?1 - (SELECT COUNT(*) FROM run_slots WHERE held = 1)))
		AND coalesce((SELECT value FROM settings WHERE key = ?2), '') != '1'`)
	p.mine = prep(mineHeldSQL + ` ORDER BY ` + queueOrder)
}

func (p *slotStmts) all() []*sql.Stmt {
	return []*sql.Stmt{p.release, p.releaseOne, p.owners, p.deadOwner, p.clearReady, p.queuedOf, p.ready, p.grant, p.mine}
}

// jsonIDs is ids as a JSON array of strings, for json_each. Run ids need no escaping: they
// are written as they are; any other id goes through encoding/json.
func jsonIDs(ids []string) (string, error) {
	var b strings.Builder
	b.WriteByte('[')
	for i, id := range ids {
		if !plainID(id) {
			out, err := json.Marshal(ids)
			return string(out), err
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		b.WriteString(id)
		b.WriteByte('"')
	}
	b.WriteByte(']')
	return b.String(), nil
}

// plainID reports whether id is letters, digits, '-' and '_' only.
func plainID(id string) bool {
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func (s *Store) takeSlots(ctx context.Context, tx *sql.Tx, req engine.SlotRequest) ([]string, error) {
	p := &s.stmts.slots
	release, err := jsonIDs(req.Release)
	if err != nil {
		return nil, err
	}
	if _, err := tx.StmtContext(ctx, p.release).ExecContext(ctx, release); err != nil {
		return nil, err
	}
	if len(req.Queued) == 0 {
		return []string{}, nil // giving back only: the owner's ready runs stay as they are
	}
	// Slots of processes that are gone.
	owners, err := stmtStrings(ctx, tx.StmtContext(ctx, p.owners), req.Owner)
	if err != nil {
		return nil, err
	}
	for _, o := range owners {
		if req.Alive != nil && req.Alive(o) {
			continue
		}
		if _, err := tx.StmtContext(ctx, p.deadOwner).ExecContext(ctx, o); err != nil {
			return nil, err
		}
	}
	if _, err := tx.StmtContext(ctx, p.clearReady).ExecContext(ctx, req.Owner); err != nil {
		return nil, err
	}
	// This owner's ready runs: its first Limit queued runs, those already granted first.
	want := make(map[string]bool, len(req.Queued))
	for _, id := range req.Queued {
		want[id] = true
	}
	mineHeld, err := stmtStrings(ctx, tx.StmtContext(ctx, p.mine), req.Owner)
	if err != nil {
		return nil, err
	}
	held := make(map[string]bool, len(mineHeld))
	for _, id := range mineHeld {
		held[id] = true
	}
	if ready := req.Limit - len(mineHeld); ready > 0 && len(want) > len(held) {
		rows, err := tx.StmtContext(ctx, p.queuedOf).QueryContext(ctx, req.Owner)
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
			if _, err := tx.StmtContext(ctx, p.ready).ExecContext(ctx, id, req.Owner); err != nil {
				return nil, err
			}
		}
	}
	if _, err := tx.StmtContext(ctx, p.grant).ExecContext(ctx, req.Cap, req.PausedKey); err != nil {
		return nil, err
	}
	mine, err := stmtStrings(ctx, tx.StmtContext(ctx, p.mine), req.Owner)
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

// stmtStrings runs a prepared query of one string column.
func stmtStrings(ctx context.Context, st *sql.Stmt, args ...any) ([]string, error) {
	return scanStrings(st.QueryContext(ctx, args...))
}

// ReleaseSlot gives a run's slot back.
func (s *Store) ReleaseSlot(ctx context.Context, runID string) error {
	if _, err := s.stmts.slots.releaseOne.ExecContext(ctx, runID); err != nil {
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
