package storage

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

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

// slotStmts are the statements of taking and giving back run slots, prepared once. A take
// reads every slot row once (a few rows: at most the cap held, a few ready) and decides in Go
// what goes and what is granted, then writes only that, row by row: a take that gives back
// one slot and grants the next is five statements (the read of the slots, the give-back, the
// owner's queued runs, the ready row, the grant), none of which needs a temporary table (the
// IN lists, sorts and RETURNING of a grant made in SQL cost more than the rest of the take).
type slotStmts struct {
	view, releaseOne, deadOwner, queuedOf, ready, grant *sql.Stmt
}

func (p *slotStmts) prepare(prep func(string) *sql.Stmt) {
	// Every slot row with its run's status ('' when the run is gone) and place in the queue;
	// from run_slots (a few rows) to runs by id (LEFT JOIN: s first).
	p.view = prep(`SELECT s.run_id, s.owner, s.held, coalesce(r.status, ''), coalesce(r.queue_rank, 0),
		coalesce(r.created_at, 0), coalesce(r.seq, 0) FROM run_slots s LEFT JOIN runs r ON r.id = s.run_id`)
	p.releaseOne = prep(`DELETE FROM run_slots WHERE run_id = ?`)
	p.deadOwner = prep(`DELETE FROM run_slots WHERE owner = ?`)
	// The owner's queued runs by queue rank, as the runs_queue index gives them (no sort:
	// the rest of queueOrder breaks ties in Go).
	p.queuedOf = prep(`SELECT r.id, ` + queueKey + ` FROM runs r WHERE r.status = 'queued' AND r.owner = ? ORDER BY r.queue_rank`)
	p.ready = prep(`INSERT INTO run_slots (run_id, owner, held) VALUES (?, ?, 0)
		ON CONFLICT (run_id) DO UPDATE SET owner = excluded.owner, held = 0`)
	// A slot for one ready run, unless the setting ?2 pauses the queue (then no row changes).
	p.grant = prep(`UPDATE run_slots SET held = 1 WHERE run_id = ?1 AND held = 0
		AND coalesce((SELECT value FROM settings WHERE key = ?2), '') != '1'`)
}

// queueKey are the columns of a run's place in the queue (queueOrder), read to merge lists.
const queueKey = `r.queue_rank, r.created_at, r.seq`

// queuePlace is a run's place in the queue: queueKey's values.
type queuePlace struct{ rank, created, seq int64 }

func (a queuePlace) cmp(b queuePlace) int {
	return cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(a.created, b.created), cmp.Compare(a.seq, b.seq))
}

func (p *slotStmts) all() []*sql.Stmt {
	return []*sql.Stmt{p.view, p.releaseOne, p.deadOwner, p.queuedOf, p.ready, p.grant}
}

// slotRow is a row of run_slots as a take reads it.
type slotRow struct {
	run, owner string
	held       bool
	status     string // the run's; "" when it is gone
	place      queuePlace
}

// takeSlots is TakeSlots' work on run_slots in tx, in the order the contract gives: the
// slots given back and those of runs no longer queued or running go; with queued runs,
// the slots of dead owners go, the owner's ready runs are picked again, and free slots are
// granted to the ready runs in queue order.
func (s *Store) takeSlots(ctx context.Context, tx *sql.Tx, req engine.SlotRequest) ([]string, error) {
	p := &s.stmts.slots
	rows, err := s.slotRows(ctx, tx)
	if err != nil {
		return nil, err
	}
	taking := len(req.Queued) > 0
	released := make(map[string]bool, len(req.Release))
	for _, id := range req.Release {
		released[id] = true
	}
	dead := map[string]bool{}
	kept := rows[:0]
	for _, r := range rows {
		if taking && r.owner != req.Owner && !dead[r.owner] && req.Alive != nil && !req.Alive(r.owner) {
			// Slots of a process that is gone.
			if _, err := tx.StmtContext(ctx, p.deadOwner).ExecContext(ctx, r.owner); err != nil {
				return nil, err
			}
			dead[r.owner] = true
		}
		switch {
		case dead[r.owner]:
		case released[r.run] || (r.status != string(engine.RunQueued) && r.status != string(engine.RunRunning)) ||
			(taking && r.owner == req.Owner && !r.held):
			// Given back, ended (or paused) without giving back, or a ready run of the owner,
			// picked again below.
			if _, err := tx.StmtContext(ctx, p.releaseOne).ExecContext(ctx, r.run); err != nil {
				return nil, err
			}
		default:
			kept = append(kept, r)
		}
	}
	if !taking {
		return []string{}, nil // giving back only: the owner's ready runs stay as they are
	}
	rows = kept
	// This owner's ready runs: its first Limit queued runs, those already granted first.
	want := make(map[string]bool, len(req.Queued))
	for _, id := range req.Queued {
		want[id] = true
	}
	held := map[string]bool{}
	for _, r := range rows {
		if r.owner == req.Owner && r.held && r.status == string(engine.RunQueued) {
			held[r.run] = true
		}
	}
	if ready := req.Limit - len(held); ready > 0 && len(want) > len(held) {
		pick, err := s.pickReady(ctx, tx, req.Owner, ready, func(id string) bool { return want[id] && !held[id] })
		if err != nil {
			return nil, err
		}
		for _, r := range pick {
			if _, err := tx.StmtContext(ctx, p.ready).ExecContext(ctx, r.run, req.Owner); err != nil {
				return nil, err
			}
			rows = append(rows, r)
		}
	}
	// Free slots under the cap to the ready runs in queue order, unless paused.
	free := req.Cap
	var ready []int
	for i, r := range rows {
		if r.held {
			free--
		} else {
			ready = append(ready, i)
		}
	}
	slices.SortStableFunc(ready, func(a, b int) int { return rows[a].place.cmp(rows[b].place) })
	for _, i := range ready[:max(0, min(free, len(ready)))] {
		res, err := tx.StmtContext(ctx, p.grant).ExecContext(ctx, rows[i].run, req.PausedKey)
		if err != nil {
			return nil, err
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, err
		} else if n == 0 {
			break // paused
		}
		rows[i].held = true
	}
	// The runs of req.Queued this owner holds slots for, in queue order.
	var mine []slotRow
	for _, r := range rows {
		if r.owner == req.Owner && r.held && r.status == string(engine.RunQueued) && want[r.run] {
			mine = append(mine, r)
		}
	}
	slices.SortStableFunc(mine, func(a, b slotRow) int { return a.place.cmp(b.place) })
	out := make([]string, len(mine))
	for i, r := range mine {
		out[i] = r.run
	}
	return out, nil
}

// slotRows reads every row of run_slots.
func (s *Store) slotRows(ctx context.Context, tx *sql.Tx) ([]slotRow, error) {
	rows, err := tx.StmtContext(ctx, s.stmts.slots.view).QueryContext(ctx)
	if err != nil {
		return nil, err
	}
	var out []slotRow
	for rows.Next() {
		var r slotRow
		if err := rows.Scan(&r.run, &r.owner, &r.held, &r.status, &r.place.rank, &r.place.created, &r.place.seq); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, r)
	}
	return out, errors.Join(rows.Err(), rows.Close())
}

// pickReady returns the first n queued runs of owner in queue order that ok accepts. The
// runs come by queue rank; reading stops at the first rank past the n-th run found, so runs
// that share a rank are still ordered by the rest of queueOrder.
func (s *Store) pickReady(ctx context.Context, tx *sql.Tx, owner string, n int, ok func(string) bool) ([]slotRow, error) {
	rows, err := tx.StmtContext(ctx, s.stmts.slots.queuedOf).QueryContext(ctx, owner)
	if err != nil {
		return nil, err
	}
	var pick []slotRow
	for rows.Next() {
		r := slotRow{owner: owner, status: string(engine.RunQueued)}
		if err := rows.Scan(&r.run, &r.place.rank, &r.place.created, &r.place.seq); err != nil {
			rows.Close()
			return nil, err
		}
		if len(pick) >= n && r.place.rank > pick[len(pick)-1].place.rank {
			break
		}
		if ok(r.run) {
			pick = append(pick, r)
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	slices.SortStableFunc(pick, func(a, b slotRow) int { return a.place.cmp(b.place) })
	return pick[:min(n, len(pick))], nil
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
