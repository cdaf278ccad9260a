package engine

// buildPlanOracle is buildPlan as it was before its decisions were laid out in the parallel
// pass (2026-12-07, session 10): the oracle TestPropertyBuildPlanMatchesOracle compares the
// planner with. Keep it as it is.
func buildPlanOracle(in PlanInput, nodeMap bool) (Plan, error) {
	g := in.Graph
	n := len(g.Nodes)
	f := in.facts
	if f == nil {
		f = newGraphFacts(in.Registry, g)
	}
	gi := f.gi
	top := f.top
	down, scope := make([]bool, n), make([]bool, n)
	fromIdx := -1
	if in.Changed {
		// A changed run has no target: every node is in scope, and the reruns start at
		// the nodes that must rerun on their own account.
		for i := range scope {
			scope[i] = true
		}
	} else {
		i, ok := gi.find(in.From)
		if !ok {
			return Plan{}, Invalid(Problem{NodeID: in.From, Message: "no such node"})
		}
		// Children of a loop group plan with their group: a run from a child runs the group.
		fromIdx = top[i]
		targetScope(gi, top, fromIdx, down, scope)
	}
	if f.orderErr != nil {
		return Plan{}, f.orderErr
	}

	// What a node decides on its own account does not depend on other nodes' decisions:
	// work it out for every node in scope first, in parallel on large graphs.
	pc := newPlanContext(in, f)
	pc.down, pc.scope = down, scope
	work := make([]int, 0, n)
	for i := range g.Nodes {
		if scope[i] && g.Nodes[i].ParentID == "" {
			work = append(work, i)
		}
	}
	forEachParallel(work, pc.loadPrior)
	own := make([]ownDecision, n)
	forEachParallel(work, func(i int) { own[i] = pc.decide(i) })

	plan := Plan{From: in.From, Changed: in.Changed, list: make([]PlanNode, n)}
	if nodeMap {
		plan.Nodes = make(map[string]PlanNode, n)
	}
	rerun := make([]bool, n)
	for _, i := range f.order {
		nd := &g.Nodes[i]
		if nd.ParentID != "" {
			continue
		}
		if !scope[i] {
			plan.list[i] = PlanNode{Action: ActionUntouched, Reasons: []string{}}
			continue
		}
		var reasons []string
		if i == fromIdx {
			reasons = append(reasons, ReasonTarget)
		} else if down[i] {
			reasons = append(reasons, ReasonDownstreamOfTarget)
		}
		o := own[i]
		if in.Changed && o.reasons != 0 {
			reasons = append(reasons, ReasonChanged)
		}
		reasons = o.reasons.appendTo(reasons)
		if !o.final {
			upstreamRerun := false
			for _, k := range gi.in(i) {
				if rerun[gi.src[k]] {
					upstreamRerun = true
					break
				}
			}
			if upstreamRerun && reasons == nil {
				reasons = reasonsUpstreamOnly // most reruns of a changed run: one slice for all
			} else if upstreamRerun {
				reasons = append(reasons, ReasonUpstreamChanged)
			} else if len(reasons) == 0 && o.fingerprintDiffers {
				// Every upstream node is reused, and this node would receive other values than
				// its prior generation saw (a different selection upstream changes them).
				if in.Changed {
					reasons = append(reasons, ReasonChanged)
				}
				reasons = append(reasons, ReasonInputChanged)
			}
		}
		if len(reasons) == 0 {
			why := []string{}
			if o.prior.Selected {
				why = []string{ReasonSelected} // the user's pick, whatever it was made from
			}
			plan.list[i] = PlanNode{Action: ActionReuse, Reasons: why, SourceGenerationID: o.prior.ID, Source: o.prior}
			plan.Reuse++
			continue
		}
		if t := f.types[i]; t != nil && t.Container {
			reasons = append(reasons, ReasonLoopRestart) // a group reruns whole
		}
		rerun[i] = true
		if len(reasons) > 1 {
			reasons = dedupe(reasons)
		}
		plan.list[i] = PlanNode{Action: ActionRerun, Reasons: reasons, prior: o.prior}
		if o.prior != nil {
			plan.list[i].priorFP = o.prior.InputFingerprint
		}
		plan.Rerun++
	}
	// Children of loop groups follow their group.
	for i := range g.Nodes {
		if g.Nodes[i].ParentID == "" || top[i] == i {
			continue
		}
		p := plan.list[top[i]]
		child := PlanNode{Action: p.Action, Reasons: []string{}}
		if p.Action == ActionRerun {
			child.Reasons = []string{ReasonLoopRestart}
		}
		plan.list[i] = child
	}
	if nodeMap {
		for i := range g.Nodes {
			if plan.list[i].Action != "" {
				plan.Nodes[g.Nodes[i].ID] = plan.list[i]
			}
		}
	}
	return plan, nil
}
