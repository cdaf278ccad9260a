// Subworkflows from the window (SPEC §15): what a pinned version looks like as a node, making
// one from a selection, child runs, and deleting a workflow others use.

package main

import (
	"fmt"
	"strings"

	"github.com/flowbench/flowbench/engine"
)

// SubflowSpec returns a workflow version as a subworkflow node shows it: name, pinned and
// latest version, handles. versionID "" is the workflow's current version.
func (a *App) SubflowSpec(workflowID, versionID string) (engine.SubflowSpec, error) {
	if err := checkID("workflow", workflowID); err != nil {
		return engine.SubflowSpec{}, err
	}
	if versionID != "" {
		if err := checkID("version", versionID); err != nil {
			return engine.SubflowSpec{}, err
		}
	}
	return a.svc.SubflowSpec(a.ctx, workflowID, versionID)
}

// CheckWorkflowGraph validates the open workflow's draft with its subworkflow nodes checked
// against the versions they pin (a chain back to this workflow is a problem).
func (a *App) CheckWorkflowGraph(workflowID string, g engine.Graph) ([]engine.Problem, error) {
	if err := checkID("workflow", workflowID); err != nil {
		return nil, err
	}
	return a.svc.CheckWorkflowGraph(a.ctx, workflowID, g), nil
}

// MakeSubworkflow creates a workflow named name from the selected nodes of the editor's graph
// and returns the graph with the selection replaced by a subworkflow node (the editor applies
// it, undoably).
func (a *App) MakeSubworkflow(workflowID string, g engine.Graph, nodeIDs []string, name string) (engine.MadeSubflow, error) {
	if err := checkMakeSubworkflow(workflowID, nodeIDs, name); err != nil {
		return engine.MadeSubflow{}, err
	}
	return a.svc.MakeSubworkflow(a.ctx, workflowID, g, nodeIDs, name)
}

// MakeSubworkflowPatch is MakeSubworkflow with the editor's graph given as its patch of the
// version it was edited from (a 10,000-node graph is not sent whole).
func (a *App) MakeSubworkflowPatch(workflowID string, p engine.GraphPatch, nodeIDs []string, name string) (engine.MadeSubflow, error) {
	if err := checkMakeSubworkflow(workflowID, nodeIDs, name); err != nil {
		return engine.MadeSubflow{}, err
	}
	return a.svc.MakeSubworkflowPatch(a.ctx, workflowID, p, nodeIDs, name)
}

// checkMakeSubworkflow checks MakeSubworkflow's arguments.
func checkMakeSubworkflow(workflowID string, nodeIDs []string, name string) error {
	if err := checkID("workflow", workflowID); err != nil {
		return err
	}
	if len(nodeIDs) == 0 || len(nodeIDs) > 10000 {
		return fmt.Errorf("select between 1 and 10,000 nodes, got %d: %w", len(nodeIDs), engine.ErrInvalid)
	}
	if len(name) > 200 || strings.ContainsAny(name, "\x00\n") {
		return fmt.Errorf("workflow name must be one line of at most 200 characters: %w", engine.ErrInvalid)
	}
	return nil
}

// ChildRuns lists the child runs of a run's subworkflow nodes, oldest first.
func (a *App) ChildRuns(runID string) ([]RunInfo, error) {
	if err := checkID("run", runID); err != nil {
		return nil, err
	}
	runs, err := a.svc.ChildRuns(a.ctx, runID)
	if err != nil {
		return nil, err
	}
	return a.runInfos(runs), nil
}

// DeleteWorkflowAnyway deletes a workflow other workflows use as a subworkflow (DeleteWorkflow
// refuses, naming them): their versions then fail validation, naming it.
func (a *App) DeleteWorkflowAnyway(id string) error {
	if err := checkID("workflow", id); err != nil {
		return err
	}
	return a.svc.DeleteWorkflowAnyway(a.ctx, id)
}
