package engine

import (
	"fmt"
	"sort"
)

// PlanInput is everything a plan depends on. BuildPlan is a pure function of it.
type PlanInput struct {
	Registry *Registry
	Graph    Graph
	From     string
	// Prior maps node id → the generation a reuse would feed: selected ?? latest completed.
	Prior map[string]Generation
	// LatestFailed marks nodes whose latest execution failed (and that have no selection).
	LatestFailed map[string]bool
	// Inputs are the flow input values of the new run; PrevInputs those of the run it builds on.
	Inputs     map[string]any
	PrevInputs map[string]any
	// FilesChanged marks nodes whose linked file changed on disk since their prior generation.
	FilesChanged map[string]bool
}

// BuildPlan decides, for every node, rerun | reuse | untouched with the reasons of SPEC §7.
// Nodes that feed From or From's downstream are in scope; the rest are untouched. It never
// fails for lack of history: a node without a prior result reruns (no_prior_result).
func BuildPlan(in PlanInput) (Plan, error) {
	g := in.Graph
	idx := make(map[string]int, len(g.Nodes))
	for i, n := range g.Nodes {
		idx[n.ID] = i
	}
	if _, ok := idx[in.From]; !ok {
		return Plan{}, Invalid(Problem{NodeID: in.From, Message: "no such node"})
	}
	// Children of a loop group plan with their group: a run from a child runs the group.
	from := in.From
	if p := g.Nodes[idx[from]].ParentID; p != "" {
		from = p
	}
	outs := map[string][]Edge{}
	ins := map[string][]Edge{}
	for _, e := range g.Edges {
		outs[e.Source] = append(outs[e.Source], e)
		ins[e.Target] = append(ins[e.Target], e)
	}
	topLevel := func(id string) string {
		if i, ok := idx[id]; ok && g.Nodes[i].ParentID != "" {
			return g.Nodes[i].ParentID
		}
		return id
	}
	// Forward: the target and everything downstream of it.
	down := map[string]bool{from: true}
	stack := []string{from}
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, e := range outs[id] {
			t := topLevel(e.Target)
			if !down[t] {
				down[t] = true
				stack = append(stack, t)
			}
		}
	}
	// Backward: everything that feeds the forward set.
	scope := map[string]bool{}
	for id := range down {
		scope[id] = true
		stack = append(stack, id)
	}
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, e := range ins[id] {
			s := topLevel(e.Source)
			if !scope[s] {
				scope[s] = true
				stack = append(stack, s)
			}
		}
	}
	typeOf := make(map[string]string, len(g.Nodes))
	for _, n := range g.Nodes {
		typeOf[n.ID] = n.Type
	}
	order, err := topoOrder(g)
	if err != nil {
		return Plan{}, err
	}
	changedInputs := map[string]bool{}
	for k, v := range in.Inputs {
		if pv, ok := in.PrevInputs[k]; !ok || HashValue(pv) != HashValue(v) {
			changedInputs[k] = true
		}
	}
	for k := range in.PrevInputs {
		if _, ok := in.Inputs[k]; !ok {
			changedInputs[k] = true
		}
	}

	plan := Plan{Nodes: make(map[string]PlanNode, len(g.Nodes)), From: in.From}
	for _, id := range order {
		n := g.Nodes[idx[id]]
		if n.ParentID != "" {
			continue
		}
		if !scope[id] {
			plan.Nodes[id] = PlanNode{Action: ActionUntouched, Reasons: []string{}}
			continue
		}
		var reasons []string
		if id == from {
			reasons = append(reasons, ReasonTarget)
		} else if down[id] {
			reasons = append(reasons, ReasonDownstreamOfTarget)
		}
		reasons = append(reasons, in.ancestorReasons(n, ins[id], plan, changedInputs, typeOf)...)
		if len(reasons) == 0 {
			prior := in.Prior[id]
			plan.Nodes[id] = PlanNode{Action: ActionReuse, Reasons: []string{}, SourceGenerationID: prior.ID, Source: &prior}
			plan.Reuse++
			continue
		}
		if t, ok := in.Registry.Get(n.Type); ok && t.Container {
			reasons = append(reasons, ReasonLoopRestart) // a group reruns whole
		}
		plan.Nodes[id] = PlanNode{Action: ActionRerun, Reasons: dedupe(reasons)}
		plan.Rerun++
	}
	// Children of loop groups follow their group.
	for _, n := range g.Nodes {
		if n.ParentID == "" {
			continue
		}
		p := plan.Nodes[n.ParentID]
		child := PlanNode{Action: p.Action, Reasons: []string{}}
		if p.Action == ActionRerun {
			child.Reasons = []string{ReasonLoopRestart}
		}
		plan.Nodes[n.ID] = child
	}
	return plan, nil
}

// ancestorReasons says why a node would rerun on its own account (empty: it may be reused).
func (in PlanInput) ancestorReasons(n Node, incoming []Edge, plan Plan, changedInputs map[string]bool, typeOf map[string]string) []string {
	t, ok := in.Registry.Get(n.Type)
	if !ok {
		return []string{ReasonConfigChanged}
	}
	prior, has := in.Prior[n.ID]
	if in.LatestFailed[n.ID] {
		return []string{ReasonPriorError}
	}
	if !has {
		return []string{ReasonNoPriorResult}
	}
	if prior.Status != GenCompleted {
		return []string{ReasonPriorError}
	}
	var reasons []string
	readsChanged := false
	if t.DynamicOutputs {
		readsChanged = len(changedInputs) > 0
	} else {
		for _, ref := range ParamRefs(n.Params, t.LocalNames) {
			if changedInputs[ref] {
				readsChanged = true
			}
		}
	}
	for _, e := range incoming {
		if src, ok := in.Registry.Get(typeOf[e.Source]); ok && src.DynamicOutputs && changedInputs[e.SourceHandle] {
			readsChanged = true
		}
	}
	if readsChanged {
		reasons = append(reasons, ReasonInputChanged)
	}
	params, err := ResolveParams(n.Params, in.Inputs, t.LocalNames)
	// A linked file is compared by FilesChanged, so hash the config with the file the prior
	// generation saw: only a params edit counts as config_changed.
	configSource := NodeConfig(t, n, params, in.Inputs, in.Graph, PriorFileSHA(prior))
	if err != nil || ConfigHash(t, configSource) != prior.ConfigHash {
		if !readsChanged {
			reasons = append(reasons, ReasonConfigChanged)
		}
	}
	if in.FilesChanged[n.ID] {
		reasons = append(reasons, ReasonFileChanged)
	}
	upstreamRerun := false
	for _, e := range incoming {
		if p := plan.Nodes[e.Source]; p.Action == ActionRerun {
			upstreamRerun = true
		}
	}
	if upstreamRerun {
		reasons = append(reasons, ReasonUpstreamChanged)
	}
	if len(reasons) > 0 {
		return reasons
	}
	// Every upstream node is reused: compute what this node would now receive and compare
	// with what its prior generation saw (a different selection upstream changes it).
	inputs := map[string]any{}
	connected := map[string]bool{}
	for _, e := range incoming {
		src := plan.Nodes[e.Source]
		if src.Source == nil {
			continue
		}
		if v, ok := src.Source.Outputs[e.SourceHandle]; ok {
			inputs[e.TargetHandle] = v
			connected[e.TargetHandle] = true
		}
	}
	if InputFingerprint(prior.ConfigHash, inputs, connected) != prior.InputFingerprint {
		return []string{ReasonInputChanged}
	}
	return nil
}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	out := s[:0]
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// topoOrder returns node ids so that every edge goes forward (Kahn's algorithm, ties broken
// by position in the file for a stable order).
func topoOrder(g Graph) ([]string, error) {
	indeg := make(map[string]int, len(g.Nodes))
	pos := make(map[string]int, len(g.Nodes))
	for i, n := range g.Nodes {
		indeg[n.ID] = 0
		pos[n.ID] = i
	}
	outs := map[string][]string{}
	parents := parentsOf(g)
	for _, e := range g.Edges {
		if _, ok := indeg[e.Target]; !ok {
			continue
		}
		if _, ok := indeg[e.Source]; !ok {
			continue
		}
		if internalEdge(parents, e) {
			continue // loop bodies are ordered by their group (see loops.go)
		}
		outs[e.Source] = append(outs[e.Source], e.Target)
		indeg[e.Target]++
	}
	var ready []string
	for _, n := range g.Nodes {
		if indeg[n.ID] == 0 {
			ready = append(ready, n.ID)
		}
	}
	order := make([]string, 0, len(g.Nodes))
	for len(ready) > 0 {
		id := ready[0]
		ready = ready[1:]
		order = append(order, id)
		next := outs[id]
		var newly []string
		for _, t := range next {
			indeg[t]--
			if indeg[t] == 0 {
				newly = append(newly, t)
			}
		}
		sort.Slice(newly, func(i, j int) bool { return pos[newly[i]] < pos[newly[j]] })
		ready = append(ready, newly...)
	}
	if len(order) != len(g.Nodes) {
		return nil, invalidf(fmt.Sprintf("graph has a cycle (%d of %d nodes ordered)", len(order), len(g.Nodes)))
	}
	return order, nil
}
