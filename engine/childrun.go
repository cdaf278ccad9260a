package engine

// Child runs of subworkflow nodes (SPEC §15): how deep a run's context is nested, running a
// pinned version as a child run of the node's run, cancelling it, the child's plan under its
// node's decision, and listing a run's children.

import (
	"context"
	"fmt"
)

// depthKey carries how deep in subworkflows a run's context is.
type depthKey struct{}

func childDepth(ctx context.Context) int {
	d, _ := ctx.Value(depthKey{}).(int)
	return d
}

// runChild runs a subworkflow node's pinned version as a child run of the node's run, at
// once and outside the queue: the parent holds a slot already, and waiting for another could
// deadlock (cap 1). Cancelling the parent cancels the child through ctx.
func (s *Service) runChild(ctx context.Context, c ChildCall) (map[string]any, error) {
	depth := childDepth(ctx) + 1
	if depth > s.maxNesting() {
		return nil, fmt.Errorf("subworkflows nest deeper than %d", s.maxNesting())
	}
	wfID, verID := ToText(c.Params["workflow"]), ToText(c.Params["version"])
	// The pinned version (cached: versions never change) says its workflow; the workflow's
	// row is read only for its name in a message, or for a plan. The parent's run checked
	// that the workflow exists (checkSubflows); one deleted since fails the child run's row.
	v, err := s.version(ctx, verID)
	if err != nil || v.WorkflowID != wfID {
		w, werr := s.store.GetWorkflow(ctx, wfID)
		if werr != nil {
			return nil, fmt.Errorf("subworkflow %q: %w", wfID, werr)
		}
		return nil, fmt.Errorf("workflow %q has no version %q", w.Name, verID)
	}
	w := Workflow{ID: wfID, Name: wfID}
	named := false
	name := func() string {
		if !named {
			named = true
			if got, err := s.store.GetWorkflow(context.WithoutCancel(ctx), wfID); err == nil {
				w = got
			}
		}
		return w.Name
	}
	given := map[string]any{}
	for k, val := range c.Inputs {
		if c.Connected[k] {
			given[k] = val
		}
	}
	inputs, err := ValidateInputs(v.Graph.Inputs, given, s.mediaResolver(ctx))
	if err != nil {
		return nil, fmt.Errorf("inputs of %q %s: %w", name(), v.Label, err)
	}
	now := s.now().UTC()
	run := Run{ID: NewID(), WorkflowID: w.ID, VersionID: v.ID, VersionLabel: v.Label, Status: RunRunning, Mode: ModeFull,
		Inputs: inputs, Owner: s.owner, CreatedAt: now, StartedAt: &now, ParentRunID: c.Parent.ID, ParentNodeID: c.NodeID,
		Outputs: map[string]any{}, Snapshot: Snapshot{Nodes: map[string]NodeRecord{}}}
	if label := RunLabel(v.Graph.Inputs, inputs, 0); label != RunLabel(nil, nil, 0) {
		run.Label = label
	}
	x := Execution{Version: v}
	if c.Parent.Mode == ModeFromBlock {
		// The node reruns: its child reruns every node, and early cutoff reuses those whose
		// inputs are what their current generation saw (a full parent run stays full).
		if state, err := s.current.get(ctx, s.store, w.ID); err == nil {
			name()
			plan := childPlan(w, v)
			x.Plan, x.Current = &plan, state.Current
			run.Mode = ModeFromBlock
		}
	}
	// The child run's rows go through the parent's group committer, in the transactions of
	// its generations: its start before them, its end after them (SPEC §5: its record never
	// names a generation that is not committed), and the parent node's own generation after
	// that. So the node does not wait for any of it; the parent's run waits for them all at
	// its end. A write that fails fails the parent run, saying so.
	s.committer.CommitRun(run, true, c.Parent.ID)
	cctx, cancel := context.WithCancel(context.WithValue(ctx, depthKey{}, depth))
	defer cancel()
	s.children.Store(run.ID, cancel)
	defer s.children.Delete(run.ID)
	x.Run = run
	ex := &Executor{Registry: s.reg, Assets: s.store, Committer: childCommitter{c: s.committer, report: c.Parent.ID}, Now: s.now,
		Limits: s.limits, Providers: s.providers, Settings: s.store, Child: s.runChild,
		Emit: func(e Event) {
			if e.Type == EventProgress && e.RunID == run.ID && e.NodeID == "" && c.Progress != nil {
				c.Progress(e.Progress)
			}
			s.Bus.Emit(e)
		},
		Checkpoint: func(nodes map[string]NodeRecord, reused []ReusedNode) error {
			r := run
			r.Snapshot = Snapshot{Nodes: nodes, Reused: reused}
			s.committer.CommitRun(r, false, c.Parent.ID)
			return nil
		}}
	res := ex.Execute(cctx, x)
	if res.Status == RunPaused {
		// An approval inside a subworkflow cannot wait: the parent's node is running.
		// (Validation refuses such a subworkflow; this guards a version it did not see.)
		res.Status, res.Error = RunFailed, "an approval inside a subworkflow cannot pause its parent run"
	}
	done := s.now().UTC()
	run.Status, run.Error, run.Outputs, run.FinishedAt = res.Status, res.Error, res.Outputs, &done
	run.Snapshot = Snapshot{Nodes: res.Nodes, Reused: res.Reused, Approvals: res.Approvals}
	s.committer.CommitRun(run, false, c.Parent.ID)
	s.live.forgetRun(run.ID)
	switch {
	case res.Status == RunCancelled && ctx.Err() != nil:
		return nil, ctx.Err()
	case res.Status == RunCancelled:
		return nil, fmt.Errorf("child run %s of %q %s was cancelled", run.ID, name(), v.Label)
	case res.Status != RunCompleted:
		return nil, fmt.Errorf("child run %s of %q %s %s: %s", run.ID, name(), v.Label, res.Status, res.Error)
	}
	return res.Outputs, nil
}

// childPlan is the plan of a subworkflow's child when the node reruns: every node reruns
// (downstream of the node's inputs), early cutoff reusing those whose inputs did not change.
func childPlan(w Workflow, v Version) Plan {
	p := Plan{WorkflowID: w.ID, VersionID: v.ID, WorkflowName: w.Name, VersionLabel: v.Label, Nodes: make(map[string]PlanNode, len(v.Graph.Nodes))}
	for _, n := range v.Graph.Nodes {
		if n.ParentID != "" {
			continue
		}
		p.Nodes[n.ID] = PlanNode{Action: ActionRerun, Reasons: []string{ReasonDownstreamOfTarget}}
		p.Rerun++
	}
	return p
}

// cancelChild cancels a running child run of this process; false when there is none.
func (s *Service) cancelChild(runID string) bool {
	c, ok := s.children.Load(runID)
	if ok {
		c.(context.CancelFunc)()
	}
	return ok
}

// addChildPlans puts under each subworkflow node the plan rerun nodes give their child.
func (s *Service) addChildPlans(ctx context.Context, g Graph, p *Plan) {
	for _, n := range g.Nodes {
		pn, ok := p.Nodes[n.ID]
		if !ok || pn.Action != ActionRerun || n.Type != TypeSubworkflow {
			continue
		}
		w, err := s.store.GetWorkflow(ctx, ToText(n.Params["workflow"]))
		if err != nil {
			continue
		}
		v, err := s.version(ctx, ToText(n.Params["version"]))
		if err != nil {
			continue
		}
		cp := childPlan(w, v)
		s.addChildPlans(ctx, v.Graph, &cp)
		if p.Children == nil {
			p.Children = map[string]*Plan{}
		}
		p.Children[n.ID] = &cp
	}
}

// ChildRuns lists the child runs a run's subworkflow nodes started (among the latest 1,000
// runs), oldest first.
func (s *Service) ChildRuns(ctx context.Context, runID string) ([]Run, error) {
	runs, err := s.store.ListRuns(ctx, "", 1000)
	if err != nil {
		return nil, err
	}
	var out []Run
	for i := len(runs) - 1; i >= 0; i-- {
		if runs[i].ParentRunID == runID {
			out = append(out, runs[i])
		}
	}
	return out, nil
}
