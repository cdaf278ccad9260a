package engine

import (
	"context"
	"errors"
	"fmt"
)

// takeSlots is the queue's slots hook: this process's queued runs start as the data home's
// one cap and one FIFO order allow (QueueStore.TakeSlots), never while the queue is paused.
// The slots of runs that ended (released) go back in the same write.
// The records of runs that ended (ended) are written in the same write, before their slots go
// back: with no queued run to start, the write gives slots back only (no cap read, no grant).
//
// begin, when set, gives the records that start the runs granted, written in the same write
// too (begun); when that write fails, the slots are asked for again without them (each run
// then records its start alone, and one that cannot fails as before).
func (s *Service) takeSlots(queued []string, running, localCap int, released []string, ended []Run, begin func(string) (Run, bool)) ([]string, bool, bool, error) {
	homeCap, limit := 0, 0
	if len(queued) > 0 {
		homeCap = s.RunCap() // read once: it may be a stored setting
		limit = homeCap
		if localCap > 0 {
			limit = min(limit, localCap)
		}
		limit -= running
	}
	if limit <= 0 {
		if len(released) == 0 && len(ended) == 0 {
			return nil, false, false, nil
		}
		queued, limit, homeCap, begin = nil, 0, 0, nil
	}
	oc := s.newOwnerCheck()
	req := SlotRequest{Owner: s.owner, Queued: queued, Limit: limit, Cap: homeCap,
		PausedKey: SettingQueuePaused, Alive: oc.alive, Release: released, Ended: ended, Begin: begin}
	granted, err := s.store.TakeSlots(s.ctx, req)
	if err != nil && begin != nil {
		s.log.Warn("taking run slots with their starts", "err", err)
		req.Begin = nil
		granted, err = s.store.TakeSlots(s.ctx, req)
		if err == nil {
			return granted, true, false, nil
		}
	}
	if err != nil {
		s.log.Error("taking run slots", "err", err)
		return nil, false, false, err
	}
	return granted, true, begin != nil, nil
}

// releaseSlot gives a run's slot back. A release that fails is logged: the next process
// taking slots frees the slot of a run that is no longer queued or running.
func (s *Service) releaseSlot(id string) {
	if err := s.store.ReleaseSlot(context.WithoutCancel(s.ctx), id); err != nil {
		s.log.Warn("releasing run slot", "run_id", id, "err", err)
	}
}

// MoveQueued puts a queued run at a 1-based position of the data home's queue (1 starts
// next). A run that does not exist or is not queued is refused, naming it.
func (s *Service) MoveQueued(ctx context.Context, runID string, pos int) error {
	if pos < 1 {
		return invalidf(fmt.Sprintf("position %d: want 1 or more", pos))
	}
	r, err := s.store.GetRun(ctx, runID)
	if errors.Is(err, ErrNotFound) {
		return fmt.Errorf("run %q does not exist: %w", runID, ErrNotFound)
	}
	if err != nil {
		return err
	}
	if r.Status != RunQueued {
		return fmt.Errorf("run %s is %s, not queued: only a queued run can be moved: %w", runID, r.Status, ErrConflict)
	}
	if err := s.store.MoveQueued(ctx, runID, pos); err != nil {
		return err
	}
	queued, err := s.store.ListRunsByStatus(ctx, RunQueued)
	if err != nil {
		return err
	}
	order := make([]string, len(queued))
	for i, r := range queued {
		order[i] = r.ID
	}
	s.runs.reorder(order)
	return nil
}

// MoveRanks returns the queue order ids (ranked ranks, ascending) with id moved to the
// 1-based position pos (past the end: last), and the ranks they take: the same set of ranks
// in the new order, each raised above the one before where they would tie. Stores use it to
// keep one rule for moving a queued run.
func MoveRanks(ids []string, ranks []int64, id string, pos int) ([]string, []int64) {
	order := make([]string, 0, len(ids))
	for _, o := range ids {
		if o != id {
			order = append(order, o)
		}
	}
	pos = max(1, min(pos, len(order)+1))
	order = append(order[:pos-1], append([]string{id}, order[pos-1:]...)...)
	out := make([]int64, len(order))
	for i := range order {
		out[i] = ranks[i]
		if i > 0 && out[i] <= out[i-1] {
			out[i] = out[i-1] + 1
		}
	}
	return order, out
}
