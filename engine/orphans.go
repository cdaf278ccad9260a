package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"
)

// RunResultLister is a store that lists the generations one run wrote, without their outputs.
// Recovery uses it to record what a run killed before its first snapshot had finished.
type RunResultLister interface {
	ListRunResults(ctx context.Context, workflowID, runID string) ([]Generation, error)
}

// ownerCheck memoises whether run owners are alive for one pass over many runs: a thousand
// queued runs of one dead process cost one lock probe, not a thousand.
type ownerCheck struct {
	s    *Service
	seen map[string]bool
}

func (s *Service) newOwnerCheck() *ownerCheck { return &ownerCheck{s: s, seen: map[string]bool{}} }

// alive reports whether the process owning a run (owner id) still runs; this one always does.
func (c *ownerCheck) alive(owner string) bool {
	if owner == c.s.owner {
		return true
	}
	if v, ok := c.seen[owner]; ok {
		return v
	}
	v := c.s.alive != nil && c.s.alive(owner)
	c.seen[owner] = v
	return v
}

// OwnerAlive reports whether the process that owns a run still runs (this one included).
func (s *Service) OwnerAlive(owner string) bool { return s.newOwnerCheck().alive(owner) }

// RecoverInterrupted settles the running runs of processes that are gone (they become
// interrupted, their finished nodes recorded) and touches nothing else: a command-line start
// reads only the running runs, however many runs wait in the queue.
func (s *Service) RecoverInterrupted(ctx context.Context) ([]string, error) {
	runs, err := s.store.ListRunsByStatus(ctx, RunRunning)
	if err != nil {
		return nil, err
	}
	oc := s.newOwnerCheck()
	var ids []string
	for _, r := range runs {
		if oc.alive(r.Owner) {
			continue
		}
		if err := s.interrupt(ctx, r); err != nil {
			return ids, err
		}
		ids = append(ids, r.ID)
	}
	return ids, nil
}

// interrupt records a running run of a dead process as interrupted. Its snapshot gains a
// record for every node whose generation the run committed but whose snapshot was not saved
// yet (a process killed within its first second saved none), so the run shows what finished.
func (s *Service) interrupt(ctx context.Context, r Run) error {
	done := s.now().UTC()
	r.Status, r.FinishedAt = RunInterrupted, &done
	r.Error = "interrupted: the process running it stopped"
	if lister, ok := s.store.(RunResultLister); ok {
		gens, err := lister.ListRunResults(ctx, r.WorkflowID, r.ID)
		if err != nil {
			s.log.Warn("reading an interrupted run's results", "run_id", r.ID, "err", err)
		}
		recs := r.Snapshot.Records()
		for _, g := range gens {
			if rec, ok := recs[g.NodeID]; ok && rec.GenerationID != "" && rec.Status != NodeRunning && rec.Status != NodePending {
				continue // the snapshot already says what this node did
			}
			if r.Snapshot.Nodes == nil {
				r.Snapshot.Nodes = map[string]NodeRecord{}
			}
			rec := NodeRecord{Status: NodeExecuted, GenerationID: g.ID, DurationMS: g.DurationMS, Reasons: []string{}}
			if g.Status == GenFailed {
				rec.Status, rec.Error = NodeFailed, g.Error
			}
			r.Snapshot.Nodes[g.NodeID] = rec
		}
	}
	if err := s.store.UpdateRun(ctx, r); err != nil {
		return err
	}
	if cs, ok := s.store.(WorkClaimStore); ok {
		// Its claims hold nothing any more (the run is not running); without this they
		// would stay until the same work is claimed again.
		if err := cs.DropWorkClaims(ctx, r.ID); err != nil {
			s.log.Warn("dropping an interrupted run's work claims", "run_id", r.ID, "err", err)
		}
	}
	s.Bus.Emit(runEvent(r, 0))
	return nil
}

// QueueState is every run waiting or running on the data home, across processes, with
// whether each one's process still runs.
type QueueState struct {
	Paused  bool        `json:"paused"`
	Cap     int         `json:"cap"`
	Running []QueuedRun `json:"running"`
	Queued  []QueuedRun `json:"queued"`
}

// QueuedRun is a queued or running run and its owner's state.
type QueuedRun struct {
	Run
	// Orphaned: the process that queued or ran it is gone. A queued orphan waits until a
	// process resumes it (ResumeOrphaned) or it is cancelled (CancelOrphaned).
	Orphaned bool `json:"orphaned"`
	// Position is the 1-based place of a queued run in the data home's queue (orphans
	// included), 0 for a running one.
	Position int `json:"position"`
}

// Queue lists the running and queued runs of the data home in queue order.
func (s *Service) Queue(ctx context.Context) (QueueState, error) {
	runs, err := s.store.ListRunsByStatus(ctx, RunRunning, RunQueued)
	if err != nil {
		return QueueState{}, err
	}
	q := QueueState{Paused: s.storedPaused(ctx), Cap: s.RunCap(), Running: []QueuedRun{}, Queued: []QueuedRun{}}
	oc := s.newOwnerCheck()
	for _, r := range runs {
		r.Snapshot = Snapshot{}
		item := QueuedRun{Run: r, Orphaned: !oc.alive(r.Owner)}
		if r.Status == RunRunning {
			q.Running = append(q.Running, item)
		} else {
			item.Position = len(q.Queued) + 1
			q.Queued = append(q.Queued, item)
		}
	}
	return q, nil
}

// OrphanedRuns returns the queued runs whose process is gone, oldest first.
func (s *Service) OrphanedRuns(ctx context.Context) ([]Run, error) {
	runs, err := s.store.ListRunsByStatus(ctx, RunQueued)
	if err != nil {
		return nil, err
	}
	oc := s.newOwnerCheck()
	out := []Run{}
	for _, r := range runs {
		if !oc.alive(r.Owner) {
			out = append(out, r)
		}
	}
	return out, nil
}

// orphan returns a queued run whose process is gone, or an error naming why it is not one.
func (s *Service) orphan(ctx context.Context, runID string) (Run, error) {
	r, err := s.store.GetRun(ctx, runID)
	if errors.Is(err, ErrNotFound) {
		return Run{}, fmt.Errorf("run %q does not exist: %w", runID, ErrNotFound)
	}
	if err != nil {
		return Run{}, err
	}
	if r.Status != RunQueued {
		return Run{}, fmt.Errorf("run %s is %s, not queued: %w", runID, r.Status, ErrConflict)
	}
	if s.OwnerAlive(r.Owner) {
		return Run{}, fmt.Errorf("run %s is queued by a process that still runs (it starts there): %w", runID, ErrConflict)
	}
	return r, nil
}

// ResumeOrphaned queues orphaned runs again in this process (ids; none means every orphaned
// run), in their original order, and returns them. They start as the cap allows.
func (s *Service) ResumeOrphaned(ctx context.Context, ids ...string) ([]Run, error) {
	runs, err := s.pickOrphans(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Run, 0, len(runs))
	for _, r := range runs {
		if err := s.requeue(ctx, r); err != nil {
			s.log.Error("resuming run", "run_id", r.ID, "err", err)
			done := s.now().UTC()
			r.Status, r.Error, r.FinishedAt = RunFailed, fmt.Sprintf("could not be queued again: %v", err), &done
			if err := s.store.UpdateRun(ctx, r); err != nil {
				return out, err
			}
			continue
		}
		r.Owner = s.owner
		out = append(out, r)
	}
	return out, nil
}

// CancelOrphaned cancels orphaned runs (ids; none means every orphaned run) and returns them.
func (s *Service) CancelOrphaned(ctx context.Context, ids ...string) ([]Run, error) {
	runs, err := s.pickOrphans(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Run, 0, len(runs))
	for _, r := range runs {
		done := s.now().UTC()
		r.Status, r.Error, r.FinishedAt = RunCancelled, "cancelled: the process that queued it had stopped", &done
		if err := s.store.UpdateRun(ctx, r); err != nil {
			return out, err
		}
		s.Bus.Emit(runEvent(r, 0))
		out = append(out, r)
	}
	return out, nil
}

func (s *Service) pickOrphans(ctx context.Context, ids []string) ([]Run, error) {
	if len(ids) == 0 {
		return s.OrphanedRuns(ctx)
	}
	runs := make([]Run, 0, len(ids))
	for _, id := range ids {
		r, err := s.orphan(ctx, id)
		if err != nil {
			return nil, err
		}
		runs = append(runs, r)
	}
	sort.SliceStable(runs, func(i, j int) bool { return runs[i].CreatedAt.Before(runs[j].CreatedAt) })
	return runs, nil
}
