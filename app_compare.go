package main

import (
	"fmt"

	"github.com/flowbench/flowbench/engine"
)

// The compare view's bound methods (SPEC §13): thin calls into the engine.

// CompareRunsResult is a run diff with what the compare view shows around it: both runs
// (without their node records and outputs, which the diff holds) and both versions' graphs
// (drawn on its canvas; GraphB is null when both runs ran the same version). What the view
// does not show is left out, so a 2,000-node comparison crosses to the window smaller: the
// node sides' generation ids and the graphs' params (the changed ones are in the diff).
type CompareRunsResult struct {
	Diff   engine.RunDiff `json:"diff"`
	RunA   RunInfo        `json:"run_a"`
	RunB   RunInfo        `json:"run_b"`
	GraphA engine.Graph   `json:"graph_a"`
	GraphB *engine.Graph  `json:"graph_b"`
}

// CompareRuns compares two runs.
func (a *App) CompareRuns(runA, runB string) (CompareRunsResult, error) {
	if err := checkID("run", runA); err != nil {
		return CompareRunsResult{}, err
	}
	if err := checkID("run", runB); err != nil {
		return CompareRunsResult{}, err
	}
	d, err := a.svc.DiffRuns(a.ctx, runA, runB)
	if err != nil {
		return CompareRunsResult{}, err
	}
	for id, n := range d.Nodes {
		n.A, n.B = withoutGeneration(n.A), withoutGeneration(n.B)
		d.Nodes[id] = n
	}
	out := CompareRunsResult{Diff: d}
	for i, id := range []string{runA, runB} {
		r, _, err := a.svc.GetRun(a.ctx, id)
		if err != nil {
			return CompareRunsResult{}, err
		}
		r.Snapshot, r.Outputs = engine.Snapshot{}, nil
		info := a.runInfo(r, nil)
		if i == 1 {
			out.RunB = info
			if d.Version.Same {
				break
			}
		} else {
			out.RunA = info
		}
		v, err := a.svc.GetVersion(a.ctx, r.VersionID)
		if err != nil {
			return CompareRunsResult{}, err
		}
		g := withoutParams(v.Graph)
		if i == 0 {
			out.GraphA = g
		} else {
			out.GraphB = &g
		}
	}
	return out, nil
}

func withoutGeneration(s *engine.NodeSide) *engine.NodeSide {
	if s == nil || s.GenerationID == "" {
		return s
	}
	c := *s
	c.GenerationID = ""
	return &c
}

// withoutParams is a copy of g whose nodes have no params (the version itself is untouched).
func withoutParams(g engine.Graph) engine.Graph {
	nodes := make([]engine.Node, len(g.Nodes))
	for i, n := range g.Nodes {
		n.Params = nil
		nodes[i] = n
	}
	g.Nodes = nodes
	return g
}

// CompareVersionsResult is a version diff with both versions.
type CompareVersionsResult struct {
	Diff     engine.VersionDiff `json:"diff"`
	VersionA engine.Version     `json:"version_a"`
	VersionB engine.Version     `json:"version_b"`
}

// CompareVersions compares two versions of a workflow.
func (a *App) CompareVersions(workflowID, v1, v2 string) (CompareVersionsResult, error) {
	if err := checkID("workflow", workflowID); err != nil {
		return CompareVersionsResult{}, err
	}
	d, err := a.svc.DiffVersions(a.ctx, workflowID, v1, v2)
	if err != nil {
		return CompareVersionsResult{}, err
	}
	va, vb := d.Versions()
	return CompareVersionsResult{Diff: d, VersionA: va, VersionB: vb}, nil
}

// Generations returns the generations of ids that exist, by id.
func (a *App) Generations(ids []string) (map[string]engine.Generation, error) {
	for _, id := range ids {
		if err := checkID("generation", id); err != nil {
			return nil, err
		}
	}
	return a.svc.Generations(a.ctx, ids)
}

// RestoreRun makes a run's version and generations current. A draft that differs from every
// version is saved as a version first, as switching versions does, so no edit is lost.
func (a *App) RestoreRun(runID string) (engine.RestoreResult, error) {
	if err := checkID("run", runID); err != nil {
		return engine.RestoreResult{}, err
	}
	r, _, err := a.svc.GetRun(a.ctx, runID)
	if err != nil {
		return engine.RestoreResult{}, fmt.Errorf("run %q: %w", runID, err)
	}
	if err := a.svc.KeepDraft(a.ctx, r.WorkflowID); err != nil {
		return engine.RestoreResult{}, err
	}
	return a.svc.RestoreRun(a.ctx, runID)
}

// UndoRestore puts back what the workflow's last restore replaced.
func (a *App) UndoRestore(workflowID string) (engine.RestoreResult, error) {
	if err := checkID("workflow", workflowID); err != nil {
		return engine.RestoreResult{}, err
	}
	if err := a.svc.KeepDraft(a.ctx, workflowID); err != nil {
		return engine.RestoreResult{}, err
	}
	return a.svc.UndoRestore(a.ctx, workflowID)
}

// RestoredRun is the run whose restore UndoRestore would take back, "" when none.
func (a *App) RestoredRun(workflowID string) (string, error) {
	if err := checkID("workflow", workflowID); err != nil {
		return "", err
	}
	return a.svc.CanUndoRestore(a.ctx, workflowID)
}
