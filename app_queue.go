// Queue control from the window (SPEC §14): pause and resume, move a queued run, retry a
// finished run, clear finished runs from the queue list.
package main

import (
	"fmt"

	"github.com/flowbench/flowbench/engine"
)

// QueueControl is the data home's queue state the overlay shows.
type QueueControl struct {
	Paused bool `json:"paused"`
	Cap    int  `json:"cap"`
	// ClearedAt: finished runs that finished before it are cleared from the list (RFC 3339,
	// "" when never cleared).
	ClearedAt string `json:"cleared_at"`
}

// GetQueueControl returns whether the queue is paused (by this window or any process), the
// run cap, and when finished runs were last cleared from the list.
func (a *App) GetQueueControl() (QueueControl, error) {
	at, err := a.svc.QueueClearedAt(a.ctx)
	if err != nil {
		return QueueControl{}, err
	}
	q := QueueControl{Paused: a.svc.QueuePaused(), Cap: a.svc.RunCap()}
	if !at.IsZero() {
		q.ClearedAt = ts(at)
	}
	return q, nil
}

// SetQueuePaused pauses (running runs finish, queued ones wait; kept across restarts) or
// resumes the queue of every process on the data home.
func (a *App) SetQueuePaused(paused bool) (QueueControl, error) {
	var err error
	if paused {
		err = a.svc.PauseQueue(a.ctx)
	} else {
		err = a.svc.ResumeQueue(a.ctx)
	}
	if err != nil {
		return QueueControl{}, err
	}
	return a.GetQueueControl()
}

// MoveQueuedRun puts a queued run where another queued run stands in the data home's queue
// (the card it was dropped on).
func (a *App) MoveQueuedRun(runID, toRunID string) error {
	if err := checkID("run", runID); err != nil {
		return err
	}
	if err := checkID("run", toRunID); err != nil {
		return err
	}
	q, err := a.svc.Queue(a.ctx)
	if err != nil {
		return err
	}
	for _, r := range q.Queued {
		if r.ID == toRunID {
			return a.svc.MoveQueued(a.ctx, runID, r.Position)
		}
	}
	return fmt.Errorf("run %s is not queued any more: %w", toRunID, engine.ErrConflict)
}

// RetryRun queues a new run of a failed, cancelled or interrupted run (same version and
// inputs, labelled "retry of …").
func (a *App) RetryRun(runID string) (RunInfo, error) {
	if err := checkID("run", runID); err != nil {
		return RunInfo{}, err
	}
	r, err := a.svc.Retry(a.ctx, runID)
	if err != nil {
		return RunInfo{}, err
	}
	return a.runInfo(r, nil), nil
}

// ClearFinishedRuns clears finished runs from the queue list of every window (they stay in
// the run history with their generations); it returns the new state.
func (a *App) ClearFinishedRuns() (QueueControl, error) {
	if err := a.svc.ClearFinished(a.ctx); err != nil {
		return QueueControl{}, err
	}
	return a.GetQueueControl()
}
