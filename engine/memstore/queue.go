package memstore

import (
	"context"
	"fmt"
	"sort"

	"github.com/flowbench/flowbench/engine"
)

var _ engine.QueueStore = (*Store)(nil)

type slotRec struct {
	owner string
	held  bool
}

// sortQueue orders runs in queue order: rank, then creation.
func sortQueue(recs []*runRec) {
	sort.Slice(recs, func(i, j int) bool {
		if recs[i].rank != recs[j].rank {
			return recs[i].rank < recs[j].rank
		}
		return newerRun(recs[j], recs[i])
	})
}

// queuedLocked returns the queued runs in queue order.
func (s *Store) queuedLocked() []*runRec {
	var recs []*runRec
	for _, r := range s.runs {
		if r.r.Status == engine.RunQueued {
			recs = append(recs, r)
		}
	}
	sortQueue(recs)
	return recs
}

// TakeSlots grants run slots under one cap shared by every user of the store.
func (s *Store) TakeSlots(ctx context.Context, req engine.SlotRequest) ([]string, error) {
	ends := make([]encodedRun, len(req.Ended))
	for i, r := range req.Ended {
		var err error
		if ends[i], err = encodeRunUpdate(r); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range req.Ended { // all or none
		if s.runs[r.ID] == nil {
			return nil, fmt.Errorf("updating run %s: %w", r.ID, engine.ErrNotFound)
		}
	}
	for i, r := range req.Ended {
		s.updateRunLocked(r, ends[i])
	}
	for _, id := range req.Release {
		delete(s.slots, id)
	}
	if len(req.Queued) == 0 {
		// Giving back only: the slots of runs no longer queued or running go too, the
		// owner's ready runs stay as they are.
		for id := range s.slots {
			if r := s.runs[id]; r == nil || (r.r.Status != engine.RunQueued && r.r.Status != engine.RunRunning) {
				delete(s.slots, id)
			}
		}
		return []string{}, nil
	}
	alive := map[string]bool{}
	for id, sl := range s.slots {
		r := s.runs[id]
		if r == nil || (r.r.Status != engine.RunQueued && r.r.Status != engine.RunRunning) {
			delete(s.slots, id)
			continue
		}
		if sl.owner == req.Owner {
			if !sl.held {
				delete(s.slots, id) // this owner's ready runs are worked out again below
			}
			continue
		}
		live, seen := alive[sl.owner]
		if !seen {
			live = req.Alive != nil && req.Alive(sl.owner)
			alive[sl.owner] = live
		}
		if !live {
			delete(s.slots, id)
		}
	}
	want := make(map[string]bool, len(req.Queued))
	for _, id := range req.Queued {
		want[id] = true
	}
	queued := s.queuedLocked()
	held := 0
	for _, r := range queued {
		if sl, ok := s.slots[r.r.ID]; ok && sl.owner == req.Owner && sl.held {
			held++
		}
	}
	for _, r := range queued {
		if held >= req.Limit {
			break
		}
		if _, ok := s.slots[r.r.ID]; ok || r.r.Owner != req.Owner || !want[r.r.ID] {
			continue
		}
		s.slots[r.r.ID] = slotRec{owner: req.Owner}
		held++
	}
	if req.PausedKey == "" || s.settings[req.PausedKey] != "1" {
		n := 0
		for _, sl := range s.slots {
			if sl.held {
				n++
			}
		}
		for _, r := range queued {
			if n >= req.Cap {
				break
			}
			if sl, ok := s.slots[r.r.ID]; ok && !sl.held {
				sl.held = true
				s.slots[r.r.ID] = sl
				n++
			}
		}
	}
	out := []string{}
	for _, r := range queued {
		if sl, ok := s.slots[r.r.ID]; ok && sl.held && sl.owner == req.Owner && want[r.r.ID] {
			out = append(out, r.r.ID)
		}
	}
	if req.Begin != nil {
		for _, id := range out {
			if r, ok := req.Begin(id); ok {
				e, err := encodeRunUpdate(r)
				if err != nil {
					return nil, err // the slots taken stay: the caller asks again
				}
				s.updateRunLocked(r, e)
			}
		}
	}
	return out, nil
}

// ReleaseSlot gives a run's slot back.
func (s *Store) ReleaseSlot(ctx context.Context, runID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.slots, runID)
	return nil
}

// MoveQueued puts a queued run at a 1-based position among the queued runs.
func (s *Store) MoveQueued(ctx context.Context, runID string, pos int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.runs[runID]
	if rec == nil {
		return fmt.Errorf("moving run %s: %w", runID, engine.ErrNotFound)
	}
	if rec.r.Status != engine.RunQueued {
		return fmt.Errorf("run %s is %s, not queued: %w", runID, rec.r.Status, engine.ErrConflict)
	}
	queued := s.queuedLocked()
	ids := make([]string, len(queued))
	ranks := make([]int64, len(queued))
	for i, r := range queued {
		ids[i], ranks[i] = r.r.ID, r.rank
	}
	order, newRanks := engine.MoveRanks(ids, ranks, runID, pos)
	for i, id := range order {
		s.runs[id].rank = newRanks[i]
	}
	return nil
}

// QueueGate reads the queue's pause and how many runs hold a slot.
func (s *Store) QueueGate(ctx context.Context, pausedKey string) (engine.QueueGate, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := engine.QueueGate{Paused: s.settings[pausedKey] == "1"}
	for _, sl := range s.slots {
		if sl.held {
			st.Held++
		}
	}
	return st, nil
}
