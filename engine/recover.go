package engine

import (
	"context"
	"fmt"
)

// RecoverReport says what start-up recovery found.
type RecoverReport struct {
	Interrupted []string `json:"interrupted"`
	Requeued    []string `json:"requeued"`
	Queued      []string `json:"queued"`
	Paused      []string `json:"paused"`
}

// Recover settles runs whose owning process is gone (SPEC §5): running ones become
// interrupted (their finished generations stay usable and recorded), queued ones are queued
// again in this process when resume is set, else listed in Queued (the window asks before
// resuming more than a handful: ResumeOrphaned, CancelOrphaned); paused ones stay paused.
// Runs whose owner is alive are left alone. A command-line start uses RecoverInterrupted.
func (s *Service) Recover(ctx context.Context, resume bool) (RecoverReport, error) {
	var rep RecoverReport
	runs, err := s.store.ListRunsByStatus(ctx, RunRunning, RunQueued, RunPaused)
	if err != nil {
		return rep, err
	}
	oc := s.newOwnerCheck()
	for _, r := range runs {
		if oc.alive(r.Owner) {
			continue
		}
		switch r.Status {
		case RunPaused:
			rep.Paused = append(rep.Paused, r.ID)
		case RunRunning:
			if err := s.interrupt(ctx, r); err != nil {
				return rep, err
			}
			rep.Interrupted = append(rep.Interrupted, r.ID)
		case RunQueued:
			if !resume {
				rep.Queued = append(rep.Queued, r.ID)
				continue
			}
			if err := s.requeue(ctx, r); err != nil {
				s.log.Error("requeueing run", "run_id", r.ID, "err", err)
				done := s.now().UTC()
				r.Status, r.Error, r.FinishedAt = RunFailed, fmt.Sprintf("could not be queued again: %v", err), &done
				if err := s.store.UpdateRun(ctx, r); err != nil {
					return rep, err
				}
				continue
			}
			rep.Requeued = append(rep.Requeued, r.ID)
		}
	}
	return rep, nil
}

// requeue hands a stored queued run to this process's manager.
func (s *Service) requeue(ctx context.Context, r Run) error {
	v, err := s.version(ctx, r.VersionID)
	if err != nil {
		return err
	}
	x := Execution{Version: v}
	if r.Mode == ModeFromBlock || r.Mode == ModeChanged {
		w, err := s.store.GetWorkflow(ctx, r.WorkflowID)
		if err != nil {
			return err
		}
		plan, _, current, err := s.planFor(ctx, w, v, r.FromNode, r.Inputs, false)
		if err != nil {
			return err
		}
		x.Plan, x.Current, x.facts = &plan, current, s.graphFacts(v)
	}
	r.Owner = s.owner
	if err := s.store.UpdateRun(ctx, r); err != nil {
		return err
	}
	x.Run = r
	s.runs.Submit(s.ctx, r, x)
	return nil
}
