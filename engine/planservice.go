package engine

import (
	"context"
	"errors"
	"fmt"
)

// PlanFrom builds the plan of a run from a block without executing it (dry run). given are
// changed flow input values, as for a run.
func (s *Service) PlanFrom(ctx context.Context, wfRef, versionRef, from string, given map[string]any) (Plan, error) {
	w, err := s.ResolveWorkflow(ctx, wfRef)
	if err != nil {
		return Plan{}, err
	}
	v, err := s.ResolveVersion(ctx, w, versionRef)
	if err != nil {
		return Plan{}, err
	}
	if !hasNode(v.Graph, from) {
		return Plan{}, Invalid(Problem{NodeID: from, Message: "no such node in " + v.Label})
	}
	p, _, _, err := s.planFor(ctx, w, v, from, given)
	return p, err
}

// planFor gathers what BuildPlan needs: the inputs of the run it builds on merged with the
// given ones, the nodes' current generations, which nodes last failed, and the inputs of the
// runs that made the current generations.
func (s *Service) planFor(ctx context.Context, w Workflow, v Version, from string, given map[string]any) (Plan, map[string]any, map[string]Generation, error) {
	runs, err := s.store.ListRuns(ctx, w.ID, recentRuns)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Plan{}, nil, nil, err
	}
	prev := lastInputs(runs)
	merged := map[string]any{}
	declared := map[string]bool{}
	for _, d := range v.Graph.Inputs {
		declared[d.Name] = true
		if val, ok := prev[d.Name]; ok {
			merged[d.Name] = val
		}
	}
	for k, val := range given {
		merged[k] = val // unknown names are refused by ValidateInputs
	}
	inputs, err := ValidateInputs(v.Graph.Inputs, merged, s.mediaResolver(ctx))
	if err != nil {
		return Plan{}, nil, nil, err
	}
	prevDeclared := map[string]any{}
	if prev != nil {
		for k, val := range prev {
			if declared[k] {
				prevDeclared[k] = val
			}
		}
	} else {
		prevDeclared = inputs // never ran: nothing changed, nothing to compare
	}
	current, err := s.store.CurrentGenerations(ctx, w.ID)
	if err != nil {
		return Plan{}, nil, nil, err
	}
	failed := map[string]bool{}
	for _, n := range v.Graph.Nodes {
		if _, ok := current[n.ID]; ok {
			continue
		}
		gens, err := s.store.ListGenerations(ctx, w.ID, n.ID)
		if err != nil {
			return Plan{}, nil, nil, err
		}
		if len(gens) > 0 && gens[0].Status == GenFailed {
			failed[n.ID] = true
		}
	}
	runInputs, err := s.runInputs(ctx, runs, current)
	if err != nil {
		return Plan{}, nil, nil, err
	}
	plan, err := BuildPlan(PlanInput{Registry: s.reg, Graph: v.Graph, From: from, Prior: current, LatestFailed: failed,
		Inputs: inputs, PrevInputs: prevDeclared, FilesChanged: s.filesChanged(ctx, w.ID, v.Graph, current),
		RunInputs: runInputs})
	if err != nil {
		return Plan{}, nil, nil, err
	}
	plan.WorkflowID, plan.VersionID = w.ID, v.ID
	return plan, inputs, current, nil
}

// recentRuns is how many of a workflow's latest runs a plan looks at for their inputs.
const recentRuns = 50

// lastInputs are the flow input values of the latest of runs (newest first) that started, nil
// if none did. A run cancelled while queued never ran: nothing builds on it.
func lastInputs(runs []Run) map[string]any {
	for _, r := range runs {
		if r.Status != RunQueued && r.StartedAt != nil {
			if r.Inputs == nil {
				return map[string]any{}
			}
			return r.Inputs
		}
	}
	return nil
}

// runInputs maps the run of every current generation to its flow input values, so the planner
// compares a node with what it saw itself. A run that is gone is left out.
func (s *Service) runInputs(ctx context.Context, recent []Run, current map[string]Generation) (map[string]map[string]any, error) {
	out := make(map[string]map[string]any, len(recent))
	for _, r := range recent {
		out[r.ID] = r.Inputs
	}
	gone := map[string]bool{}
	for _, g := range current {
		if _, ok := out[g.RunID]; ok || gone[g.RunID] || g.RunID == "" {
			continue
		}
		r, err := s.store.GetRun(ctx, g.RunID)
		switch {
		case errors.Is(err, ErrNotFound):
			gone[g.RunID] = true
		case err != nil:
			return nil, fmt.Errorf("loading run %s: %w", g.RunID, err)
		default:
			out[r.ID] = r.Inputs
		}
	}
	return out, nil
}

// filesChanged reports nodes whose linked file differs from what their prior generation read
// (compared by content hash, so it holds across restarts, not only while a watch runs).
func (s *Service) filesChanged(ctx context.Context, workflowID string, g Graph, current map[string]Generation) map[string]bool {
	var out map[string]bool
	for _, n := range g.Nodes {
		prior, ok := current[n.ID]
		if !ok {
			continue
		}
		t, ok := s.reg.Get(n.Type)
		if !ok {
			continue
		}
		params, err := ResolveNodeParams(t, n.Params, nil)
		if err != nil {
			continue
		}
		path := LinkedPath(t, params)
		if path == "" {
			continue
		}
		if sha := PriorFileSHA(prior); sha != "" && FileSHA(path) != sha {
			if out == nil {
				out = map[string]bool{}
			}
			out[n.ID] = true
		}
	}
	return out
}
