// Generations from the window: a node's timeline, picks, and what the canvas shows per run.

package main

import (
	"github.com/flowbench/flowbench/engine"
)

// NodeTimeline returns a node's generations, live ones included.
func (a *App) NodeTimeline(workflowID, nodeID string) (engine.Timeline, error) {
	if err := checkID("workflow", workflowID); err != nil {
		return engine.Timeline{}, err
	}
	if err := checkID("node", nodeID); err != nil {
		return engine.Timeline{}, err
	}
	return a.svc.NodeTimeline(a.ctx, workflowID, nodeID)
}

// SelectGeneration picks the generation that feeds downstream ("" clears the pick).
func (a *App) SelectGeneration(workflowID, nodeID, generationID string) error {
	if err := checkID("workflow", workflowID); err != nil {
		return err
	}
	if err := checkID("node", nodeID); err != nil {
		return err
	}
	if generationID != "" {
		if err := checkID("generation", generationID); err != nil {
			return err
		}
	}
	return a.svc.SelectGeneration(a.ctx, workflowID, nodeID, generationID)
}

// DeleteGeneration removes a generation (and its asset when nothing else uses it).
func (a *App) DeleteGeneration(generationID string) error {
	if err := checkID("generation", generationID); err != nil {
		return err
	}
	return a.svc.DeleteGeneration(a.ctx, generationID)
}

// RunGenerations returns, per node, the generation a run wrote or (for a node it reused) fed
// downstream: what the canvas shows with that run in the lens.
func (a *App) RunGenerations(runID string) (map[string]engine.Generation, error) {
	if err := checkID("run", runID); err != nil {
		return nil, err
	}
	return a.svc.RunGenerations(a.ctx, runID)
}

// CurrentGenerations returns each node's current generation (selected ?? latest completed),
// what the canvas shows on the nodes, in one call.
func (a *App) CurrentGenerations(workflowID string) (map[string]engine.Generation, error) {
	if err := checkID("workflow", workflowID); err != nil {
		return nil, err
	}
	cur, err := a.svc.CurrentGenerations(a.ctx, workflowID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]engine.Generation, len(cur))
	for id, g := range cur {
		out[id] = *g
	}
	return out, nil
}
