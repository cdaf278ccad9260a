package engine

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// SettingQueueClearedAt is the settings key of the moment finished runs were last cleared
// from the queue list (Unix milliseconds): the list shows runs that finished after it.
const SettingQueueClearedAt = "queue_cleared_at"

// Retryable reports whether a run in this status can be retried (SPEC §14).
func (st RunStatus) Retryable() bool {
	return st == RunFailed || st == RunCancelled || st == RunInterrupted
}

// Retry queues a new run of a failed, cancelled or interrupted run: the same version, mode
// and inputs, labelled "retry of …". A run that does not exist or is in another state is
// refused, naming it.
func (s *Service) Retry(ctx context.Context, runID string) (Run, error) {
	r, err := s.store.GetRun(ctx, runID)
	if errors.Is(err, ErrNotFound) {
		return Run{}, fmt.Errorf("run %q does not exist: %w", runID, ErrNotFound)
	}
	if err != nil {
		return Run{}, err
	}
	if !r.Status.Retryable() {
		return Run{}, fmt.Errorf("run %s is %s: only a failed, cancelled or interrupted run can be retried: %w", runID, r.Status, ErrConflict)
	}
	p, err := s.prepareRun(ctx, RunRequest{Workflow: r.WorkflowID, Version: r.VersionID, Inputs: r.Inputs, From: r.FromNode})
	if err != nil {
		return Run{}, fmt.Errorf("retrying run %s: %w", runID, err)
	}
	p.labelled, p.label = true, "retry of "+r.Label
	return s.enqueue(ctx, p)
}

// ClearFinished clears the finished runs from the queue list (the window's overlay) for
// every process: they stay in the run history with their generations.
func (s *Service) ClearFinished(ctx context.Context) error {
	return s.store.SetSetting(ctx, SettingQueueClearedAt, strconv.FormatInt(s.now().UnixMilli(), 10))
}

// QueueClearedAt is when finished runs were last cleared from the queue list (zero: never).
func (s *Service) QueueClearedAt(ctx context.Context) (time.Time, error) {
	v, ok, err := s.store.GetSetting(ctx, SettingQueueClearedAt)
	if err != nil || !ok || v == "" {
		return time.Time{}, err
	}
	ms, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, nil // a hand-edited value clears nothing
	}
	return time.UnixMilli(ms).UTC(), nil
}
