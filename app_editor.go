// The editor from the window: node types, checks of the edited graph, its draft and versions,
// plans of a run from a block, and the watches of the open workflow.

package main

import (
	"github.com/flowbench/flowbench/engine"
)

// NodeTypes returns every node type's schema: handles, params, determinism.
func (a *App) NodeTypes() []*engine.NodeType { return a.svc.Registry().Types() }

// NodeDeterministic reports whether a node of this type with these params is deterministic
// (image.noise with a seed is, without one is not), for the inspector.
func (a *App) NodeDeterministic(nodeType string, params map[string]any) (bool, error) {
	if nodeType == engine.TypeSubworkflow { // as deterministic as the version it pins
		sp, err := a.SubflowSpec(engine.ToText(params["workflow"]), engine.ToText(params["version"]))
		return sp.Deterministic, err
	}
	return a.svc.Registry().NodeDeterministic(nodeType, params)
}

// CheckGraph validates a draft graph and returns its problems (empty when valid).
func (a *App) CheckGraph(g engine.Graph) []engine.Problem { return a.svc.CheckGraph(g) }

// CheckGraphPatch validates the editor's graph given as a patch of its base version (a small
// argument where the whole graph is megabytes to send and decode) and returns its problems.
func (a *App) CheckGraphPatch(workflowID string, p engine.GraphPatch) ([]engine.Problem, error) {
	if err := checkID("workflow", workflowID); err != nil {
		return nil, err
	}
	return a.svc.CheckGraphPatch(a.ctx, workflowID, p)
}

// CheckInputs validates run form values against a version's inputs.
func (a *App) CheckInputs(versionID string, values map[string]any) ([]engine.Problem, error) {
	if err := checkID("version", versionID); err != nil {
		return nil, err
	}
	return a.svc.CheckInputs(a.ctx, versionID, values)
}

// CheckRunInputs validates run form values against the inputs the editor's graph declares.
func (a *App) CheckRunInputs(g engine.Graph, values map[string]any) []engine.Problem {
	return a.svc.CheckGraphInputs(g, values)
}

// SaveDraft autosaves the editor's graph.
func (a *App) SaveDraft(workflowID string, g engine.Graph, baseVersionID string) error {
	if err := checkID("workflow", workflowID); err != nil {
		return err
	}
	return a.svc.SaveDraft(a.ctx, workflowID, g, baseVersionID)
}

// SaveDraftPatch autosaves the editor's graph given as a patch of its base version.
func (a *App) SaveDraftPatch(workflowID string, p engine.GraphPatch) error {
	if err := checkID("workflow", workflowID); err != nil {
		return err
	}
	return a.svc.SaveDraftPatch(a.ctx, workflowID, p)
}

// DiscardDraft drops the autosaved draft.
func (a *App) DiscardDraft(workflowID string) error {
	if err := checkID("workflow", workflowID); err != nil {
		return err
	}
	return a.svc.DiscardDraft(a.ctx, workflowID)
}

// SaveVersion validates the graph and saves it as the new current version; the draft goes.
func (a *App) SaveVersion(workflowID string, g engine.Graph, notes string) (engine.Version, error) {
	if err := checkID("workflow", workflowID); err != nil {
		return engine.Version{}, err
	}
	return a.svc.CommitDraft(a.ctx, workflowID, g, notes)
}

// SaveVersionPatch saves the editor's graph, given as its patch of the version it was edited
// from, as SaveVersion does with the graph (a 10,000-node graph is not sent whole).
func (a *App) SaveVersionPatch(workflowID string, p engine.GraphPatch, notes string) (engine.Version, error) {
	if err := checkID("workflow", workflowID); err != nil {
		return engine.Version{}, err
	}
	return a.svc.CommitDraftPatch(a.ctx, workflowID, p, notes)
}

// CreateVersion clones a version (not made current).
func (a *App) CreateVersion(workflowID, fromVersionID, notes string) (engine.Version, error) {
	if err := checkID("workflow", workflowID); err != nil {
		return engine.Version{}, err
	}
	return a.svc.CreateVersion(a.ctx, workflowID, fromVersionID, notes)
}

// UseVersion switches the current version. A draft that differs from every version is saved
// as a version first, so no edit is lost.
func (a *App) UseVersion(workflowID, versionID string) (engine.Version, error) {
	if err := checkID("workflow", workflowID); err != nil {
		return engine.Version{}, err
	}
	if err := checkID("version", versionID); err != nil {
		return engine.Version{}, err
	}
	return a.svc.SwitchVersion(a.ctx, workflowID, versionID)
}

// PlanFrom previews a run from a node: per node rerun/reuse/untouched with reasons.
func (a *App) PlanFrom(workflowID, versionID, nodeID string, inputs map[string]any) (engine.Plan, error) {
	if err := checkID("workflow", workflowID); err != nil {
		return engine.Plan{}, err
	}
	if err := checkID("node", nodeID); err != nil {
		return engine.Plan{}, err
	}
	return a.svc.PlanFrom(a.ctx, workflowID, versionID, nodeID, inputs)
}

// PlanGraph previews a run from a node of the editor's graph, saved or not (so unsaved edits
// show as config_changed).
func (a *App) PlanGraph(workflowID string, g engine.Graph, nodeID string, inputs map[string]any) (engine.Plan, error) {
	if err := checkID("workflow", workflowID); err != nil {
		return engine.Plan{}, err
	}
	if err := checkID("node", nodeID); err != nil {
		return engine.Plan{}, err
	}
	return a.svc.PlanGraph(a.ctx, workflowID, g, nodeID, inputs)
}

// PlanGraphPatch previews a run from a node of the editor's graph given as a patch of its
// base version, as PlanGraph does with the whole graph.
func (a *App) PlanGraphPatch(workflowID string, p engine.GraphPatch, nodeID string, inputs map[string]any) (engine.Plan, error) {
	if err := checkID("workflow", workflowID); err != nil {
		return engine.Plan{}, err
	}
	if err := checkID("node", nodeID); err != nil {
		return engine.Plan{}, err
	}
	return a.svc.PlanGraphPatch(a.ctx, workflowID, p, nodeID, inputs)
}

// PlanChanged previews a changed run of a saved version ("" = the current one): the nodes
// that changed since their last result and what depends on them rerun, the rest is reused.
func (a *App) PlanChanged(workflowID, versionID string, inputs map[string]any) (engine.Plan, error) {
	if err := checkID("workflow", workflowID); err != nil {
		return engine.Plan{}, err
	}
	return a.svc.PlanChanged(a.ctx, workflowID, versionID, inputs)
}

// PlanGraphChanged previews a changed run of the editor's graph, saved or not (a new
// workflow's, sent whole).
func (a *App) PlanGraphChanged(workflowID string, g engine.Graph, inputs map[string]any) (engine.Plan, error) {
	if err := checkID("workflow", workflowID); err != nil {
		return engine.Plan{}, err
	}
	return a.svc.PlanGraph(a.ctx, workflowID, g, "", inputs)
}

// PlanGraphPatchChanged previews a changed run of the editor's graph given as a patch of its
// base version.
func (a *App) PlanGraphPatchChanged(workflowID string, p engine.GraphPatch, inputs map[string]any) (engine.Plan, error) {
	if err := checkID("workflow", workflowID); err != nil {
		return engine.Plan{}, err
	}
	return a.svc.PlanGraphPatch(a.ctx, workflowID, p, "", inputs)
}

// WatchWorkflow watches the linked files of the editor's graph (a change sends a "stale"
// event) and the workflow's generations (another process's runs or picks send a
// "generations" event).
func (a *App) WatchWorkflow(workflowID string, g engine.Graph) error {
	if err := checkID("workflow", workflowID); err != nil {
		return err
	}
	return a.svc.WatchEditor(a.ctx, workflowID, g)
}

// UnwatchWorkflow releases the watches of a workflow the editor closed.
func (a *App) UnwatchWorkflow(workflowID string) error {
	if err := checkID("workflow", workflowID); err != nil {
		return err
	}
	a.svc.UnwatchEditor(workflowID)
	return nil
}
