package engine

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// ApproveRequest decides a pending approval of a paused run.
type ApproveRequest struct {
	RunID string
	// NodeID may be empty when exactly one approval is pending.
	NodeID   string
	Reject   bool
	Value    any
	HasValue bool
}

// Approve records a decision and resumes the paused run, also after a restart: nodes the run
// already finished are reused from its own generations, the approval node gets the decision.
func (s *Service) Approve(ctx context.Context, req ApproveRequest) (Run, error) {
	r, err := s.store.GetRun(ctx, req.RunID)
	if err != nil {
		return Run{}, err
	}
	if r.Status != RunPaused {
		return Run{}, fmt.Errorf("run %s is %s, not paused: %w", r.ID, r.Status, ErrConflict)
	}
	var pending []string
	for id, a := range r.Snapshot.Approvals {
		if !a.Decided {
			pending = append(pending, id)
		}
	}
	sort.Strings(pending)
	node := req.NodeID
	switch {
	case node == "" && len(pending) == 1:
		node = pending[0]
	case node == "":
		return Run{}, &ApprovalChoiceError{RunID: r.ID, Pending: pending}
	}
	a, ok := r.Snapshot.Approvals[node]
	if !ok || a.Decided {
		return Run{}, Invalid(Problem{NodeID: node, Message: fmt.Sprintf("no pending approval in run %s (pending: %s)", r.ID, strings.Join(pending, ", "))})
	}
	a.Decided, a.Approved = true, !req.Reject
	if req.HasValue && !req.Reject {
		v, err := Normalize(req.Value)
		if err != nil {
			return Run{}, Invalid(Problem{NodeID: node, Message: "edited value: " + err.Error()})
		}
		a.Value, a.Edited = v, true
	}
	r.Snapshot.Approvals[node] = a
	v, err := s.version(ctx, r.VersionID)
	if err != nil {
		return Run{}, err
	}
	plan := Plan{WorkflowID: r.WorkflowID, VersionID: r.VersionID, From: r.FromNode, Nodes: map[string]PlanNode{}}
	kept := map[string]NodeRecord{}
	records := r.Snapshot.Records()
	for id, rec := range records {
		switch rec.Status {
		case NodeExecuted, NodeReused:
			if rec.GenerationID == "" {
				continue
			}
			g, err := s.store.GetGeneration(ctx, rec.GenerationID)
			if err != nil {
				continue // deleted meanwhile: run it again
			}
			plan.Nodes[id] = PlanNode{Action: ActionReuse, Reasons: rec.Reasons, SourceGenerationID: g.ID, Source: &g}
			kept[id] = rec
		case NodeUntouched:
			plan.Nodes[id] = PlanNode{Action: ActionUntouched, Reasons: []string{}}
			kept[id] = rec
		case NodeSkipped:
			// Re-derived from the branch decisions of the reused nodes.
		}
	}
	for _, n := range v.Graph.Nodes {
		if _, ok := plan.Nodes[n.ID]; !ok {
			// A resumed node keeps the reasons its run gave it (none in a full run): SPEC §8
			// reasons are the words of §7, and resuming is not a reason to rerun.
			reasons := []string{}
			if rec, ok := records[n.ID]; ok && len(rec.Reasons) > 0 {
				reasons = rec.Reasons
			}
			plan.Nodes[n.ID] = PlanNode{Action: ActionRerun, Reasons: reasons}
		}
	}
	r.Status, r.Owner, r.FinishedAt = RunQueued, s.owner, nil
	if err := s.store.UpdateRun(ctx, r); err != nil {
		return Run{}, err
	}
	x := Execution{Run: r, Version: v, Plan: &plan, Approvals: r.Snapshot.Approvals, kept: kept}
	s.runs.Submit(s.ctx, r, x)
	return r, nil
}
