package engine

import (
	"context"
	"sync/atomic"
)

// A draft validated from its base (draftbase.go): a version this process validated has no
// problem, and a node's param problems depend on its type, its params and the names of the
// declared inputs alone (validateParams). So a draft whose node ids, types, groups, edges and
// declared inputs are its valid base's has exactly the problems of its nodes whose params
// differ (the graph-level checks find what they found in the base: nothing); any other draft
// is validated whole, but for the params of nodes whose type and params are the base's (its
// inputs declaring every name the base's do), which are known valid. A draft with a
// subworkflow node takes the fast way never: its checks read other versions, which change.

// checked is a validation's outcome: the problems (nil: none), and whether a node of the
// graph has a subworkflow type (worked out only when there are no problems).
type checked struct {
	err      error
	subflows bool
}

// checkFrom is validateUnless(reg, g, sub, stop) worked out from d's base (nil: whole).
func checkFrom(reg *Registry, g Graph, sub subflowResolver, stop *atomic.Bool, d *draftDiff) checked {
	if d.fast() {
		return checked{err: checkParamsFrom(reg, g, stop, d)}
	}
	var known func(i int) bool
	if d != nil && d.base.valid && d.cover {
		known = func(i int) bool { return d.same[i] != nodeDiffers }
	}
	err := validateKnown(reg, g, sub, stop, known)
	return checked{err: err, subflows: err == nil && hasSubflow(reg, g)}
}

// checkParamsFrom is what validateUnless finds in g when d is fast: the param problems of the
// nodes whose params differ from the base's, in their order.
func checkParamsFrom(reg *Registry, g Graph, stop *atomic.Bool, d *draftDiff) error {
	declared := make(map[string]InputDecl, len(g.Inputs))
	for _, in := range g.Inputs {
		if in.Name != "" {
			declared[in.Name] = in
		}
	}
	var probs []Problem
	for i := range g.Nodes {
		if stop != nil && i%stopEvery == 0 && stop.Load() {
			return errGivenUp
		}
		if d.same[i] != nodeDiffers {
			continue
		}
		n := &g.Nodes[i]
		t, ok := reg.Get(n.Type)
		if !ok { // the base's type, so known: not reached
			return validateUnless(reg, g, nil, stop)
		}
		probs = append(probs, validateParams(*n, t, declared)...)
	}
	if stop != nil && stop.Load() {
		return errGivenUp // as validateUnless, which looks once more before its last check
	}
	if len(probs) == 0 {
		return nil
	}
	return &ValidationError{Problems: probs}
}

// validateGraphFrom is validateGraph worked out from d's base (nil: whole).
func (s *Service) validateGraphFrom(ctx context.Context, selfID string, g Graph, d *draftDiff) checked {
	if d.fast() || !hasSubflow(s.reg, g) {
		return checkFrom(s.reg, g, nil, nil, d)
	}
	return checkFrom(s.reg, g, s.subflowResolver(ctx, selfID), nil, d)
}
