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

// StartRun validates and queues a run of the editor's graph (req.Graph, or req.Patch of its
// base version: the version equal to it, saved first when none is) or of a version; it returns at once (queued or started).
func (a *App) StartRun(req RunRequest) (RunInfo, error) {
	if err := checkRunRequest(req); err != nil {
		return RunInfo{}, err
	}
	var st engine.Started
	var err error
	if req.Patch != nil {
		st, err = a.svc.RunDraftPatch(a.ctx, req.engine(req.Inputs), *req.Patch)
	} else {
		st, err = a.svc.RunDraft(a.ctx, req.engine(req.Inputs))
	}
	if err != nil {
		return RunInfo{}, err
	}
	return a.startedInfo(st)[0], nil
}

// StartBatch queues one run per inputs object (Run ×N, seed or input sweeps). Every entry is
// validated before any is queued.
func (a *App) StartBatch(req RunRequest, inputs []map[string]any) ([]RunInfo, error) {
	if len(inputs) == 0 || len(inputs) > 1000 {
		return nil, fmt.Errorf("a batch holds 1 to 1000 runs, got %d: %w", len(inputs), engine.ErrInvalid)
	}
	if err := checkRunRequest(req); err != nil {
		return nil, err
	}
	var st engine.Started
	var err error
	if req.Patch != nil {
		st, err = a.svc.StartBatchPatch(a.ctx, req.engine(nil), *req.Patch, inputs)
	} else {
		st, err = a.svc.StartBatch(a.ctx, req.engine(nil), inputs)
	}
	if err != nil {
		return nil, err
	}
	return a.startedInfo(st), nil
}

func checkRunRequest(req RunRequest) error {
	if err := checkID("workflow", req.WorkflowID); err != nil {
		return err
	}
	if req.Graph != nil && req.Patch != nil {
		return fmt.Errorf("a run names the edited graph whole or as a patch, not both: %w", engine.ErrInvalid)
	}
	if req.From != "" {
		return checkID("node", req.From)
	}
	return nil
}

// startedInfo is the runs a start queued, each saying which version the draft was saved as.
func (a *App) startedInfo(st engine.Started) []RunInfo {
	out := make([]RunInfo, len(st.Runs))
	for i, r := range st.Runs {
		out[i] = a.runInfo(r, nil)
		out[i].SavedVersion = st.Saved.Label
	}
	return out
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
	return a.runInfos(runs), nil
}

// runInfos shapes runs for the window, each naming its workflow.
func (a *App) runInfos(runs []engine.Run) []RunInfo {
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
	return out
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
