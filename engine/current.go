package engine

// The current generation of a node (SPEC §6): the selected one, else the latest completed.
// This file is the one statement of that rule. The stores' CurrentGenerations, the planner's
// in-memory cache (currentcache.go) and a node's timeline (CurrentOf) all apply it through
// Outranks and CurrentState.Offer; the shared store suite (engine/storetest) checks that
// every store answers what the rule says. The window keeps a mirror of the incremental
// form (frontend/src/generations/current.ts, becomesCurrent), tested on the same cases
// (testdata/current-generation-cases.json).

// Outranks reports whether g is a better current generation for its node than cur (nil
// when the node has none yet): only a completed generation can be current; a selected one
// wins over any other; otherwise the newer one (newerThan) wins.
func Outranks(g, cur *Generation) bool {
	if g.Status != GenCompleted {
		return false
	}
	if cur == nil {
		return true
	}
	if g.Selected != cur.Selected {
		return g.Selected
	}
	return g.newerThan(cur)
}

// Offer applies one generation of the workflow to st, in any order: it becomes the node's
// current generation when it outranks the one st holds, and a failed generation marks its
// node Failed while the node has no current one. It reports whether g became current (st
// then holds g itself). st's maps must be non-nil.
func (st *CurrentState) Offer(g *Generation) bool {
	cur := st.Current[g.NodeID]
	if g.Status == GenFailed && cur == nil {
		st.Failed[g.NodeID] = true
	}
	if !Outranks(g, cur) {
		return false
	}
	st.Current[g.NodeID] = g
	delete(st.Failed, g.NodeID)
	return true
}

// NewCurrentState is an empty CurrentState at epoch, ready for Offer.
func NewCurrentState(epoch int64) CurrentState {
	return CurrentState{Current: map[string]*Generation{}, Failed: map[string]bool{}, Epoch: epoch}
}

// CurrentOf picks the current generation among one node's generations (any order, live
// ones included: they never are): its id, or "" when it has none.
func CurrentOf(gens []Generation) string {
	var best *Generation
	for i := range gens {
		if Outranks(&gens[i], best) {
			best = &gens[i]
		}
	}
	if best == nil {
		return ""
	}
	return best.ID
}
