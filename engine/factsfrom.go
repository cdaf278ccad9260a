package engine

import (
	"math"
	"slices"
)

// A version's facts from another's: the window's Run changed of an edited draft saves the
// draft as a new version and plans it at once; worked out whole, its facts cost ~7 ms on a
// 10,000-node graph (index, order, the flow inputs each node reads, each static node's config
// hash), though it differs from the version it was edited from, whose facts the service
// holds, by a few params. When the two are wired alike (the same nodes' ids, groups and
// types in the same order, the same edges in the same order), the index, the order and the
// wiring are the base's, and so are the reads and config hash of every node whose params are
// the same (a node's reads and config depend on its params, its type and its incoming edges'
// sources' types alone), except a node with children (a loop group: its reads and config are
// its body's), which is worked out again like every node whose params differ.
// TestPropertyFactsFromBaseAsWorkedOut checks them against newGraphFacts.

// newGraphFactsFrom is newGraphFacts(reg, g) made from b, the facts of another graph worked
// out with reg; nil when the graphs are not wired alike (or b has no order).
func newGraphFactsFrom(reg *Registry, g Graph, b *graphFacts) *graphFacts {
	n := len(g.Nodes)
	if b == nil || b.orderErr != nil || len(b.g.Nodes) != n || len(b.g.Edges) != len(g.Edges) {
		return nil
	}
	for k := range g.Edges {
		e, be := &g.Edges[k], &b.g.Edges[k]
		if e.Source != be.Source || e.SourceHandle != be.SourceHandle || e.Target != be.Target || e.TargetHandle != be.TargetHandle {
			return nil
		}
	}
	for i := range g.Nodes {
		nd, bn := &g.Nodes[i], &b.g.Nodes[i]
		if nd.ID != bn.ID || nd.ParentID != bn.ParentID || nd.Type != bn.Type {
			return nil
		}
	}
	f := &graphFacts{g: g, top: make([]int, n), types: make([]*NodeType, n),
		children: map[string][]int{}, exprParams: map[string][]string{},
		links: make([]bool, n)}
	f.lookUpTypes(reg)
	if !slices.Equal(f.types, b.types) {
		return nil // a type registered since b was worked out
	}
	bi := b.gi
	f.gi = &graphIndex{idx: bi.index(), nodes: g.Nodes, src: bi.src, dst: bi.dst, inAt: bi.inAt, outAt: bi.outAt,
		inEdges: bi.inEdges, outEdge: bi.outEdge}
	f.gi.idxOnce.Do(func() {})
	f.order = b.order
	for parent, kids := range f.children {
		if pi, ok := f.gi.index()[parent]; ok {
			for _, i := range kids {
				f.top[i] = pi
			}
		}
	}
	f.reads, f.static = slices.Clone(b.reads), slices.Clone(b.static)
	var work []int
	for i := range g.Nodes {
		nd := &g.Nodes[i]
		if len(f.children[nd.ID]) == 0 && (f.types[i] == nil || !f.types[i].Container) && sameParams(nd.Params, b.g.Nodes[i].Params) {
			continue
		}
		f.reads[i], f.static[i] = flowReads{}, ""
		if nd.ParentID != "" || f.types[i] == nil {
			continue
		}
		f.reads[i] = f.readsOf(i)
		if !f.reads[i].any() && !f.links[i] {
			work = append(work, i)
		}
	}
	forEachParallel(work, func(i int) {
		t, nd := f.types[i], &g.Nodes[i]
		if params, err := ResolveNodeParams(t, nd.Params, nil); err == nil {
			f.static[i] = ConfigHash(t, NodeConfig(t, *nd, params, nil, g, ""))
		}
	})
	f.wiring = b.wiringHash()
	return f
}

// sameParams reports whether two nodes' params are the same values of the same types (a
// float by its bits: 0 and -0 are not the same); false for a value of a type other than
// those a graph decodes to, which is then worked out again.
func sameParams(a, b map[string]any) bool {
	if (a == nil) != (b == nil) || len(a) != len(b) {
		return false
	}
	for k, av := range a {
		bv, ok := b[k]
		if !ok || !sameValue(av, bv) {
			return false
		}
	}
	return true
}

func sameValue(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case float64:
		y, ok := b.(float64)
		return ok && math.Float64bits(x) == math.Float64bits(y)
	case int64:
		y, ok := b.(int64)
		return ok && x == y
	case int:
		y, ok := b.(int)
		return ok && x == y
	case map[string]any:
		y, ok := b.(map[string]any)
		return ok && sameParams(x, y)
	case []any:
		y, ok := b.([]any)
		if !ok || (x == nil) != (y == nil) || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameValue(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return false
}
