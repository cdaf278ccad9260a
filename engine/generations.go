package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"
)

// Timeline is a node's generations across runs and versions, newest first, persisted ones
// merged with live ones of runs still going (never two entries for one node execution).
type Timeline struct {
	WorkflowID          string       `json:"workflow_id"`
	NodeID              string       `json:"node_id"`
	CurrentGenerationID string       `json:"current_generation_id"`
	Generations         []Generation `json:"generations"`
}

// NodeTimeline returns the timeline of one node.
func (s *Service) NodeTimeline(ctx context.Context, wfRef, nodeID string) (Timeline, error) {
	w, err := s.ResolveWorkflow(ctx, wfRef)
	if err != nil {
		return Timeline{}, err
	}
	persisted, err := s.store.ListGenerations(ctx, w.ID, nodeID)
	if err != nil {
		return Timeline{}, err
	}
	tl := Timeline{WorkflowID: w.ID, NodeID: nodeID, Generations: MergeTimeline(persisted, s.live.forNode(w.ID, nodeID))}
	tl.CurrentGenerationID = CurrentOf(tl.Generations)
	return tl, nil
}

// MergeTimeline merges persisted generations with live ones: a live generation is dropped once
// its run has a persisted generation for the node. The result is newest first.
func MergeTimeline(persisted, live []Generation) []Generation {
	landed := map[string]bool{}
	for _, g := range persisted {
		landed[g.RunID] = true
	}
	out := make([]Generation, 0, len(persisted)+len(live))
	out = append(out, persisted...)
	for _, g := range live {
		if !landed[g.RunID] {
			out = append(out, g)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt.After(out[j].CreatedAt) })
	return out
}

// SelectGeneration makes a generation the node's current one; "" clears the selection.
func (s *Service) SelectGeneration(ctx context.Context, wfRef, nodeID, generationID string) error {
	w, err := s.ResolveWorkflow(ctx, wfRef)
	if err != nil {
		return err
	}
	if generationID != "" {
		g, err := s.store.GetGeneration(ctx, generationID)
		if err != nil {
			return err
		}
		if g.WorkflowID != w.ID || g.NodeID != nodeID {
			return Invalid(Problem{NodeID: nodeID, Message: fmt.Sprintf("generation %s belongs to node %q, not this node", generationID, g.NodeID)})
		}
		if g.Status != GenCompleted {
			return Invalid(Problem{NodeID: nodeID, Message: fmt.Sprintf("generation %s failed; only a completed generation can be selected", generationID)})
		}
	}
	return s.follow.change(ctx, w.ID, func() error { return s.store.SelectGeneration(ctx, w.ID, nodeID, generationID) })
}

// DeleteGeneration removes a generation; its asset goes when nothing else refers to it.
func (s *Service) DeleteGeneration(ctx context.Context, generationID string) error {
	g, err := s.store.GetGeneration(ctx, generationID)
	if err != nil {
		return err
	}
	return s.follow.change(ctx, g.WorkflowID, func() error { return s.store.DeleteGeneration(ctx, generationID) })
}

// FollowGenerations announces, with a "generations" event, changes other processes make to
// the workflow's generations and picks (its runs from the command line, say) while the
// window shows it. UnfollowGenerations stops that.
func (s *Service) FollowGenerations(ctx context.Context, workflowID string) error {
	return s.follow.follow(ctx, workflowID)
}

// UnfollowGenerations stops following a workflow.
func (s *Service) UnfollowGenerations(workflowID string) { s.follow.unfollow(workflowID) }

// CurrentGenerations returns every node's current generation (selected ?? latest completed)
// in one call, as the canvas shows them. The generations are shared: read only.
func (s *Service) CurrentGenerations(ctx context.Context, wfRef string) (map[string]*Generation, error) {
	w, err := s.ResolveWorkflow(ctx, wfRef)
	if err != nil {
		return nil, err
	}
	st, err := s.current.get(ctx, s.store, w.ID)
	if err != nil {
		return nil, err
	}
	return st.Current, nil
}

// maxRunGenerations bounds how many generations RunGenerations reads for one run.
const maxRunGenerations = 20000

// RunGenerations returns, per node, the generation a run shows for it: the one it wrote, or
// for a node it reused, the one it fed downstream (what the window's lens shows on each
// node). Nodes without a generation (skipped, untouched, still running) are left out, and so
// are generations deleted since.
func (s *Service) RunGenerations(ctx context.Context, runID string) (map[string]Generation, error) {
	r, err := s.store.GetRun(ctx, runID)
	if err != nil {
		return nil, err
	}
	recs := r.Snapshot.Records()
	out := make(map[string]Generation, len(recs))
	for nodeID, rec := range recs {
		if rec.GenerationID == "" {
			continue
		}
		if len(out) >= maxRunGenerations {
			break
		}
		g, err := s.store.GetGeneration(ctx, rec.GenerationID)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[nodeID] = g
	}
	return out, nil
}
