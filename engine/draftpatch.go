package engine

import (
	"context"
	"fmt"
)

// The editor's draft given as a patch of the version it was edited from (graphpatch.go): each
// method makes the graph the patch describes and takes the path the whole graph takes, so a
// patch and the graph it stands for save, check, plan and run the same.

// PatchedGraph is the graph p describes, made from its base version, which must be a version
// of the workflow wfRef names. The base is read through the version cache (one read of a
// version just opened or saved) and not changed.
func (s *Service) PatchedGraph(ctx context.Context, wfRef string, p GraphPatch) (Workflow, Graph, error) {
	w, err := s.ResolveWorkflow(ctx, wfRef)
	if err != nil {
		return Workflow{}, Graph{}, err
	}
	if p.BaseVersionID == "" {
		return Workflow{}, Graph{}, invalidf("the edited graph's patch names no base version; send the whole graph")
	}
	base, err := s.version(ctx, p.BaseVersionID)
	if err == nil && base.WorkflowID != w.ID {
		err = ErrNotFound
	}
	if err != nil {
		return Workflow{}, Graph{}, fmt.Errorf("the base version %s of the edited graph's patch is not a version of %q: %w", p.BaseVersionID, w.Name, err)
	}
	g, err := ApplyGraphPatch(base.Graph, p)
	if err != nil {
		return Workflow{}, Graph{}, fmt.Errorf("the edited graph's patch of version %s: %w", base.Label, err)
	}
	return w, g, nil
}

// SaveDraftPatch autosaves the editor's graph given as a patch; the draft's base is the
// patch's.
func (s *Service) SaveDraftPatch(ctx context.Context, wfRef string, p GraphPatch) error {
	w, g, err := s.PatchedGraph(ctx, wfRef, p)
	if err != nil {
		return err
	}
	return s.SaveDraft(ctx, w.ID, g, p.BaseVersionID)
}

// CommitDraftPatch saves the editor's graph given as a patch as the new current version, as
// CommitDraft does with the graph.
func (s *Service) CommitDraftPatch(ctx context.Context, wfRef string, p GraphPatch, notes string) (Version, error) {
	w, g, err := s.PatchedGraph(ctx, wfRef, p)
	if err != nil {
		return Version{}, err
	}
	return s.CommitDraft(ctx, w.ID, g, notes)
}

// MakeSubworkflowPatch makes a subworkflow of the selected nodes of the editor's graph given
// as a patch, as MakeSubworkflow does with the graph.
func (s *Service) MakeSubworkflowPatch(ctx context.Context, wfRef string, p GraphPatch, selected []string, name string) (MadeSubflow, error) {
	w, g, err := s.PatchedGraph(ctx, wfRef, p)
	if err != nil {
		return MadeSubflow{}, err
	}
	return s.MakeSubworkflow(ctx, w.ID, g, selected, name)
}

// CheckGraphPatch validates the editor's graph given as a patch and returns its problems
// (empty when valid); a patch that does not fit its base is an error, not a problem.
func (s *Service) CheckGraphPatch(ctx context.Context, wfRef string, p GraphPatch) ([]Problem, error) {
	w, g, err := s.PatchedGraph(ctx, wfRef, p)
	if err != nil {
		return nil, err
	}
	return s.CheckWorkflowGraph(ctx, w.ID, g), nil
}

// RunDraftPatch starts one run of the editor's graph given as a patch, as RunDraft does with
// the graph.
func (s *Service) RunDraftPatch(ctx context.Context, req RunRequest, p GraphPatch) (Started, error) {
	req, err := s.patchedRequest(ctx, req, p)
	if err != nil {
		return Started{}, err
	}
	return s.RunDraft(ctx, req)
}

// StartBatchPatch starts a batch of the editor's graph given as a patch, as StartBatch does
// with the graph.
func (s *Service) StartBatchPatch(ctx context.Context, req RunRequest, p GraphPatch, inputSets []map[string]any) (Started, error) {
	req, err := s.patchedRequest(ctx, req, p)
	if err != nil {
		return Started{}, err
	}
	return s.StartBatch(ctx, req, inputSets)
}

// PlanGraphPatch previews a run from a node (from "": a changed run) of the editor's graph
// given as a patch, as PlanGraph does with the graph.
func (s *Service) PlanGraphPatch(ctx context.Context, wfRef string, p GraphPatch, from string, given map[string]any) (Plan, error) {
	w, g, err := s.PatchedGraph(ctx, wfRef, p)
	if err != nil {
		return Plan{}, err
	}
	return s.PlanGraph(ctx, w.ID, g, from, given)
}

// patchedRequest is req with the graph p describes as its draft.
func (s *Service) patchedRequest(ctx context.Context, req RunRequest, p GraphPatch) (RunRequest, error) {
	w, g, err := s.PatchedGraph(ctx, req.Workflow, p)
	if err != nil {
		return RunRequest{}, err
	}
	req.Workflow, req.Draft = w.ID, &g
	return req, nil
}
