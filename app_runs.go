// Runs from the window: start (a draft, a batch), cancel, list, approve, the run cap, and
// the queued runs a stopped process left behind.
package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/flowbench/flowbench/engine"
)

// orphanListMax is how many of the orphaned runs OrphanedRuns describes one by one.
const orphanListMax = 8

// OrphanedRuns describes the queued runs left by processes that stopped (a killed batch, a
// window closed while runs waited): how many, and the oldest few.
func (a *App) OrphanedRuns() (OrphanedQueue, error) {
	runs, err := a.svc.OrphanedRuns(a.ctx)
	if err != nil {
		return OrphanedQueue{}, err
	}
	q := OrphanedQueue{Count: len(runs), Runs: []OrphanedRun{}}
	names := map[string]string{}
	for _, r := range runs {
		if len(q.Runs) >= orphanListMax {
			break
		}
		name, ok := names[r.WorkflowID]
		if !ok {
			if w, err := a.svc.ResolveWorkflow(a.ctx, r.WorkflowID); err == nil {
				name = w.Name
			}
			names[r.WorkflowID] = name
		}
		q.Runs = append(q.Runs, OrphanedRun{ID: r.ID, WorkflowID: r.WorkflowID, WorkflowName: name, VersionLabel: r.VersionLabel,
			Label: r.Label, CreatedAt: ts(r.CreatedAt)})
	}
	return q, nil
}

// ResumeOrphanedRuns queues every orphaned run again in this window; it returns how many.
func (a *App) ResumeOrphanedRuns() (int, error) {
	runs, err := a.svc.ResumeOrphaned(a.ctx)
	return len(runs), err
}

// CancelOrphanedRuns cancels every orphaned run; it returns how many.
func (a *App) CancelOrphanedRuns() (int, error) {
	runs, err := a.svc.CancelOrphaned(a.ctx)
	return len(runs), err
}

func (a *App) resolveRunVersion(req RunRequest, inputSets ...map[string]any) (string, string, error) {
	if err := checkID("workflow", req.WorkflowID); err != nil {
		return "", "", err
	}
	if req.Graph == nil {
		return req.VersionID, "", nil
	}
	if probs := a.svc.CheckGraph(*req.Graph); len(probs) > 0 {
		return "", "", &engine.ValidationError{Problems: probs}
	}
	// Refused inputs must not leave a new version behind: check them against the draft first.
	if len(inputSets) == 0 && req.From == "" {
		inputSets = []map[string]any{req.Inputs}
	}
	for i, values := range inputSets {
		if probs := a.svc.CheckGraphInputs(*req.Graph, values); len(probs) > 0 {
			err := error(&engine.ValidationError{Problems: probs})
			if len(inputSets) > 1 {
				err = fmt.Errorf("run %d of the batch: %w", i+1, err)
			}
			return "", "", err
		}
	}
	v, created, err := a.svc.EnsureVersion(a.ctx, req.WorkflowID, *req.Graph, "")
	if err != nil {
		return "", "", err
	}
	if created {
		_ = a.svc.DiscardDraft(a.ctx, req.WorkflowID)
		return v.ID, v.Label, nil
	}
	return v.ID, "", nil
}

// StartRun validates and queues a run; it returns at once (queued or started).
func (a *App) StartRun(req RunRequest) (RunInfo, error) {
	vid, saved, err := a.resolveRunVersion(req)
	if err != nil {
		return RunInfo{}, err
	}
	if req.From != "" {
		if err := checkID("node", req.From); err != nil {
			return RunInfo{}, err
		}
	}
	r, err := a.svc.StartRun(a.ctx, engine.RunRequest{Workflow: req.WorkflowID, Version: vid, Inputs: req.Inputs, From: req.From})
	if err != nil {
		return RunInfo{}, err
	}
	ri := a.runInfo(r, nil)
	ri.SavedVersion = saved
	return ri, nil
}

// StartBatch queues one run per inputs object (Run ×N, seed or input sweeps). Every entry is
// validated before any is queued.
func (a *App) StartBatch(req RunRequest, inputs []map[string]any) ([]RunInfo, error) {
	if len(inputs) == 0 || len(inputs) > 1000 {
		return nil, fmt.Errorf("a batch holds 1 to 1000 runs, got %d: %w", len(inputs), engine.ErrInvalid)
	}
	vid, saved, err := a.resolveRunVersion(req, inputs...)
	if err != nil {
		return nil, err
	}
	prepared := make([]engine.PreparedRun, len(inputs))
	for i, in := range inputs {
		p, err := a.svc.PrepareRun(a.ctx, engine.RunRequest{Workflow: req.WorkflowID, Version: vid, Inputs: in})
		if err != nil {
			return nil, fmt.Errorf("run %d of the batch: %w", i+1, err)
		}
		prepared[i] = p
	}
	engine.LabelBatch(prepared)
	out := make([]RunInfo, 0, len(prepared))
	for _, p := range prepared {
		r, err := a.svc.Enqueue(a.ctx, p)
		if err != nil {
			return out, err
		}
		ri := a.runInfo(r, nil)
		ri.SavedVersion = saved
		out = append(out, ri)
	}
	return out, nil
}

// CancelRun stops a queued or running run (one of a command-line process is asked to stop:
// its run event arrives when it has).
func (a *App) CancelRun(runID string) error {
	if err := checkID("run", runID); err != nil {
		return err
	}
	if err := a.svc.Cancel(a.ctx, runID); err != nil && !errors.Is(err, engine.ErrCancelRequested) {
		return err
	}
	return nil
}

// GetRun returns one run.
func (a *App) GetRun(runID string) (RunInfo, error) {
	if err := checkID("run", runID); err != nil {
		return RunInfo{}, err
	}
	r, _, err := a.svc.GetRun(a.ctx, runID)
	if err != nil {
		return RunInfo{}, err
	}
	return a.runInfo(r, nil), nil
}

// ListRuns returns runs newest first; workflowID "" lists all workflows' (the queue overlay).
func (a *App) ListRuns(workflowID string, limit int) ([]RunInfo, error) {
	if workflowID != "" {
		if err := checkID("workflow", workflowID); err != nil {
			return nil, err
		}
	}
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	runs, err := a.svc.Runs(a.ctx, workflowID, limit)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	if ws, err := a.svc.ListWorkflows(a.ctx); err == nil {
		for _, w := range ws {
			names[w.ID] = w.Name
		}
	}
	out := make([]RunInfo, 0, len(runs))
	for _, r := range runs {
		out = append(out, a.runInfo(r, names))
	}
	return out, nil
}

// GetRunCap returns the global cap on running runs.
func (a *App) GetRunCap() int { return a.svc.RunCap() }

// SetRunCap changes the global cap (1 serialises every run).
func (a *App) SetRunCap(n int) error { return a.svc.SetRunCap(a.ctx, n) }

// Approve decides a pending approval of a paused run and resumes it. valueJSON, when not
// empty, replaces the value (approve with an edited value).
func (a *App) Approve(runID, nodeID string, reject bool, valueJSON string) (RunInfo, error) {
	if err := checkID("run", runID); err != nil {
		return RunInfo{}, err
	}
	req := engine.ApproveRequest{RunID: runID, NodeID: nodeID, Reject: reject}
	if strings.TrimSpace(valueJSON) != "" {
		if err := engine.UnmarshalJSON([]byte(valueJSON), &req.Value); err != nil {
			return RunInfo{}, fmt.Errorf("edited value is not JSON: %v: %w", err, engine.ErrInvalid)
		}
		req.HasValue = true
	}
	r, err := a.svc.Approve(a.ctx, req)
	if err != nil {
		return RunInfo{}, err
	}
	return a.runInfo(r, nil), nil
}
