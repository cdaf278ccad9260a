package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// CreateWorkflow makes a new workflow whose v1 is an empty graph (the editor's starting point).
func (s *Service) CreateWorkflow(ctx context.Context, name string) (Workflow, Version, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return Workflow{}, Version{}, invalidf("a workflow needs a name")
	}
	now := s.now().UTC()
	g := NormalizeGraph(Graph{})
	return s.store.CreateWorkflow(ctx, Workflow{ID: NewID(), Name: name, Tags: []string{}, CreatedAt: now, UpdatedAt: now},
		Version{ID: NewID(), Notes: "created", Graph: g, ContentHash: ContentHash(g), CreatedAt: now})
}

// RenameWorkflow changes a workflow's name; its description stays.
func (s *Service) RenameWorkflow(ctx context.Context, wfRef, name string) (Workflow, error) {
	w, err := s.ResolveWorkflow(ctx, wfRef)
	if err != nil {
		return Workflow{}, err
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return Workflow{}, invalidf("a workflow needs a name")
	}
	w.Name, w.UpdatedAt = name, s.now().UTC()
	return w, s.store.UpdateWorkflow(ctx, w)
}

// DuplicateWorkflow copies a workflow with all its versions (not its runs) under a new name.
func (s *Service) DuplicateWorkflow(ctx context.Context, wfRef string) (Workflow, error) {
	data, err := s.Export(ctx, wfRef, "", true)
	if err != nil {
		return Workflow{}, err
	}
	pf, err := ParseFile(data)
	if err != nil {
		return Workflow{}, err
	}
	pf.Bundle.Name += " copy"
	res, err := s.importBundle(ctx, *pf.Bundle)
	if err != nil {
		return Workflow{}, err
	}
	return s.store.GetWorkflow(ctx, res.WorkflowID)
}

// DeleteWorkflow removes a workflow with its versions, runs and generations. Active runs of it
// are cancelled first.
func (s *Service) DeleteWorkflow(ctx context.Context, wfRef string) error {
	return s.deleteWorkflow(ctx, wfRef, false)
}

// DeleteWorkflowAnyway deletes a workflow even when others use it as a subworkflow: their
// versions then fail validation, naming the missing workflow.
func (s *Service) DeleteWorkflowAnyway(ctx context.Context, wfRef string) error {
	return s.deleteWorkflow(ctx, wfRef, true)
}

func (s *Service) deleteWorkflow(ctx context.Context, wfRef string, anyway bool) error {
	w, err := s.ResolveWorkflow(ctx, wfRef)
	if err != nil {
		return err
	}
	if !anyway {
		if err := s.checkNotUsed(ctx, w); err != nil {
			return err
		}
	}
	runs, err := s.store.ListRunsByStatus(ctx, RunQueued, RunRunning)
	if err != nil {
		return err
	}
	for _, r := range runs {
		if r.WorkflowID == w.ID {
			_, _ = s.runs.Cancel(r.ID) // its row goes with the workflow next
			if ch := s.runs.done(r.ID); ch != nil {
				<-ch
			}
		}
	}
	s.current.forget(w.ID)
	return s.store.DeleteWorkflow(ctx, w.ID)
}

// GetVersion returns a version by id.
func (s *Service) GetVersion(ctx context.Context, id string) (Version, error) {
	return s.store.GetVersion(ctx, id)
}

// CheckGraph validates a graph without saving it (the editor shows the problems).
func (s *Service) CheckGraph(g Graph) []Problem {
	return s.CheckWorkflowGraph(context.Background(), "", g)
}

// CheckWorkflowGraph validates the draft graph of a workflow (workflowID may be ""), with its
// subworkflow nodes checked against the versions they pin.
func (s *Service) CheckWorkflowGraph(ctx context.Context, workflowID string, g Graph) []Problem {
	// from the newest version of the workflow whose pieces are held: the editor checks the
	// draft after each edit
	n, d, _ := normalizeFrom(g, s.versions.draftBase(workflowID), false)
	return problemsOf(s.validateGraphFrom(ctx, workflowID, n, d).err)
}

// CheckInputs validates flow input values against a version's declared inputs.
func (s *Service) CheckInputs(ctx context.Context, versionID string, values map[string]any) ([]Problem, error) {
	v, err := s.version(ctx, versionID)
	if err != nil {
		return nil, err
	}
	return s.CheckGraphInputs(v.Graph, values), nil
}

// CheckGraphInputs validates flow input values against the inputs a graph declares (the
// editor's draft, which may not be a version yet). Media values must already be assets.
func (s *Service) CheckGraphInputs(g Graph, values map[string]any) []Problem {
	_, err := ValidateInputs(g.Inputs, values, func(d InputDecl, text string) (AssetRef, error) {
		return AssetRef{}, fmt.Errorf("choose %s file", article(d.Type))
	})
	return problemsOf(err)
}

// problemsOf lists a validation error's problems (one problem for any other error, none for nil).
func problemsOf(err error) []Problem {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return ve.Problems
	}
	if err != nil {
		return []Problem{{Message: err.Error()}}
	}
	return []Problem{}
}
