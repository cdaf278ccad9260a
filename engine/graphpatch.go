package engine

import (
	"fmt"
	"slices"
)

// A graph patch is the editor's edit of a version's graph, sent instead of the whole graph:
// the window converted, stringified and sent 10,000 nodes (and the binding decoded them, 52 ms)
// on every autosave, check and run of an edited draft, where one node changed. Applying it to
// the version it was made against gives exactly the graph the editor would have sent, node
// and edge order included, since the content hash and version equality depend on it.

// GraphPatch is an edited graph as its differences from a base version's graph.
type GraphPatch struct {
	// BaseVersionID is the version the patch was made against.
	BaseVersionID string `json:"base_version_id"`
	// Inputs, when not nil, replaces the base's declared inputs (empty: none declared).
	Inputs []InputDecl `json:"inputs"`
	// Added are nodes the base does not have, whole; without Order they follow the base's
	// nodes, in this order.
	Added []Node `json:"added"`
	// Changed are nodes of the base that differ in anything, whole; each keeps its place.
	Changed []Node `json:"changed"`
	// Removed are the ids of the base's nodes the graph no longer has.
	Removed []string `json:"removed"`
	// Order, when not nil, is every node id of the graph in its order: the nodes are not the
	// base's order without the removed ones followed by the added ones (a node moved into a
	// group, a renamed node kept in its place).
	Order []string `json:"order"`
	// Edges, when not nil, is the graph's edge list as spans, one after the other; nil keeps
	// the base's edges as they are.
	Edges []EdgeSpan `json:"edges"`
}

// EdgeSpan is a run of the base's edges, those at indexes From to To (To excluded, From = To
// for none), followed by edges of the graph's own (added, or changed in place).
type EdgeSpan struct {
	From  int    `json:"from"`
	To    int    `json:"to"`
	Edges []Edge `json:"edges"`
}

// ApplyGraphPatch returns the graph p describes from base, the graph p was made against. base
// is not changed (it is usually a cached version's, shared): a slice the patch leaves alone is
// shared, clipped so that appending to it copies. A patch that does not fit base (an unknown
// node to change or remove, a node added twice or one base has, an order that is not the
// graph's nodes, an edge span outside base's edges) is an Invalid error naming what is wrong.
func ApplyGraphPatch(base Graph, p GraphPatch) (Graph, error) {
	nodes, err := patchNodes(base.Nodes, p)
	if err != nil {
		return Graph{}, err
	}
	out := Graph{Inputs: slices.Clip(base.Inputs), Nodes: nodes, Edges: slices.Clip(base.Edges)}
	if p.Inputs != nil {
		out.Inputs = slices.Clone(p.Inputs)
	}
	if p.Edges != nil {
		if out.Edges, err = patchEdges(base.Edges, p.Edges); err != nil {
			return Graph{}, err
		}
	}
	// as the editor's whole graph decodes: lists, never null
	if out.Inputs == nil {
		out.Inputs = []InputDecl{}
	}
	if out.Edges == nil {
		out.Edges = []Edge{}
	}
	return out, nil
}

// patchKind is what a patch does to the node with an id.
type patchKind uint8

const (
	patchChange patchKind = iota + 1
	patchRemove
	patchAdd
)

// patchNodes is the node list p makes of base's: one pass over base, looking each id up in
// the patch's few, not the patch's ids in a map of every base node.
func patchNodes(base []Node, p GraphPatch) ([]Node, error) {
	edits := make(map[string]patchKind, len(p.Changed)+len(p.Removed)+len(p.Added))
	changed := make(map[string]*Node, len(p.Changed))
	note := func(id string, k patchKind) error {
		if id == "" {
			return Invalid(Problem{Message: "the patch names a node with no id"})
		}
		if prev, dup := edits[id]; dup {
			return Invalid(Problem{NodeID: id, Message: fmt.Sprintf("the patch names node %q twice (%s and %s)", id, prev, k)})
		}
		edits[id] = k
		return nil
	}
	for i := range p.Changed {
		if err := note(p.Changed[i].ID, patchChange); err != nil {
			return nil, err
		}
		changed[p.Changed[i].ID] = &p.Changed[i]
	}
	for _, id := range p.Removed {
		if err := note(id, patchRemove); err != nil {
			return nil, err
		}
	}
	for i := range p.Added {
		if err := note(p.Added[i].ID, patchAdd); err != nil {
			return nil, err
		}
	}
	nodes := make([]Node, 0, len(base)-len(p.Removed)+len(p.Added))
	seen := 0 // how many of the changed and removed ids base has
	for i := range base {
		k, ok := edits[base[i].ID]
		switch {
		case !ok:
			nodes = append(nodes, base[i])
		case k == patchChange:
			nodes = append(nodes, *changed[base[i].ID])
			seen++
		case k == patchRemove:
			seen++
		default:
			return nil, Invalid(Problem{NodeID: base[i].ID, Message: fmt.Sprintf("the patch adds node %q, which the base version has", base[i].ID)})
		}
	}
	if seen != len(p.Changed)+len(p.Removed) {
		return nil, unknownPatchNode(base, p)
	}
	nodes = append(nodes, p.Added...)
	if p.Order == nil {
		return nodes, nil
	}
	return orderNodes(nodes, p.Order)
}

func (k patchKind) String() string {
	switch k {
	case patchChange:
		return "changed"
	case patchRemove:
		return "removed"
	}
	return "added"
}

// unknownPatchNode names the first node p changes or removes that base does not have.
func unknownPatchNode(base []Node, p GraphPatch) error {
	has := make(map[string]bool, len(base))
	for i := range base {
		has[base[i].ID] = true
	}
	for i := range p.Changed {
		if !has[p.Changed[i].ID] {
			return Invalid(Problem{NodeID: p.Changed[i].ID, Message: fmt.Sprintf("the patch changes node %q, which the base version does not have", p.Changed[i].ID)})
		}
	}
	for _, id := range p.Removed {
		if !has[id] {
			return Invalid(Problem{NodeID: id, Message: fmt.Sprintf("the patch removes node %q, which the base version does not have", id)})
		}
	}
	return invalidf("the patch does not fit its base version") // not reached: seen counted one of these
}

// orderNodes puts nodes in order, which must name each of them once.
func orderNodes(nodes []Node, order []string) ([]Node, error) {
	at := make(map[string]int, len(nodes))
	for i := range nodes {
		at[nodes[i].ID] = i
	}
	out := make([]Node, 0, len(nodes))
	for _, id := range order {
		i, ok := at[id]
		if !ok {
			return nil, Invalid(Problem{NodeID: id, Message: fmt.Sprintf("the patch's node order names %q, which is not a node of the graph or is named twice", id)})
		}
		delete(at, id)
		out = append(out, nodes[i])
	}
	for i := range nodes {
		if _, left := at[nodes[i].ID]; left {
			return nil, Invalid(Problem{NodeID: nodes[i].ID, Message: fmt.Sprintf("the patch's node order leaves out node %q", nodes[i].ID)})
		}
	}
	return out, nil
}

// patchEdges is the edge list spans make of base's.
func patchEdges(base []Edge, spans []EdgeSpan) ([]Edge, error) {
	n := 0
	for i, sp := range spans {
		if sp.From < 0 || sp.To < sp.From || sp.To > len(base) {
			return nil, Invalid(Problem{Message: fmt.Sprintf("edge span %d of the patch (%d to %d) is outside the base version's %d edges", i+1, sp.From, sp.To, len(base))})
		}
		n += sp.To - sp.From + len(sp.Edges)
	}
	out := make([]Edge, 0, n)
	for _, sp := range spans {
		out = append(out, base[sp.From:sp.To]...)
		out = append(out, sp.Edges...)
	}
	return out, nil
}
