package engine

import (
	"fmt"
	"slices"
	"sort"
)

// graphFacts is what a plan reads of a graph that depends on the graph alone: its index and
// order, each node's type, the flow inputs it reads, whether it links a file, and, for a node
// whose config depends on neither, its config hash. Versions never change, so the service
// keeps a version's facts with it; BuildPlan works them out for any other graph.
type graphFacts struct {
	g        Graph
	gi       *graphIndex
	order    []int
	orderErr error
	// top maps a loop body's child to its group, any other node to itself.
	top      []int
	types    []*NodeType
	children map[string][]int
	// exprParams are, per node type, its expression and code params (they may read inputs.NAME).
	exprParams map[string][]string
	reads      []flowReads
	links      []bool
	// linking are the top-level nodes that link a file, in graph order.
	linking []int
	// static is the config hash of a top-level node that reads no flow input and links no
	// file; "" for the others.
	static []string
}

func newGraphFacts(reg *Registry, g Graph) *graphFacts { return newGraphFactsWith(reg, g, nil) }

// newGraphFactsWith is newGraphFacts with the static config hashes given (a version's facts
// file) instead of worked out; nil when they cannot be the graph's: a hash for a node that is
// not static.
func newGraphFactsWith(reg *Registry, g Graph, static []string) *graphFacts {
	n := len(g.Nodes)
	f := &graphFacts{g: g, gi: indexGraph(g), top: make([]int, n), types: make([]*NodeType, n),
		children: map[string][]int{}, exprParams: map[string][]string{}, reads: make([]flowReads, n),
		links: make([]bool, n), static: make([]string, n)}
	f.order, f.orderErr = f.gi.topoOrder(g)
	byType := map[string]*NodeType{}
	for i := range g.Nodes {
		nd := &g.Nodes[i]
		t, seen := byType[nd.Type]
		if !seen {
			t, _ = reg.Get(nd.Type)
			byType[nd.Type] = t
			for _, spec := range typeParams(t) {
				if spec.Kind == ParamExpression || spec.Kind == ParamCode {
					f.exprParams[nd.Type] = append(f.exprParams[nd.Type], spec.Name)
				}
			}
		}
		f.types[i] = t
		f.top[i] = i
		if nd.ParentID != "" {
			f.children[nd.ParentID] = append(f.children[nd.ParentID], i)
			if pi, ok := f.gi.idx[nd.ParentID]; ok {
				f.top[i] = pi
			}
		}
	}
	var work []int
	for i := range g.Nodes {
		if g.Nodes[i].ParentID == "" && f.types[i] != nil {
			f.reads[i] = f.readsOf(i)
			f.links[i] = linksFile(f.types[i])
			if f.links[i] {
				f.linking = append(f.linking, i)
			}
			if !f.reads[i].any() && !f.links[i] {
				work = append(work, i)
			}
		}
	}
	if static != nil {
		if len(static) != n {
			return nil
		}
		isWork := make([]bool, n)
		for _, i := range work {
			isWork[i] = true
		}
		for i, h := range static {
			if h != "" && !isWork[i] {
				return nil
			}
		}
		f.static = static
		return f
	}
	forEachParallel(work, func(i int) {
		t, nd := f.types[i], &g.Nodes[i]
		if params, err := ResolveNodeParams(t, nd.Params, nil); err == nil {
			f.static[i] = ConfigHash(t, NodeConfig(t, *nd, params, nil, g, ""))
		}
	})
	return f
}

// readers lists the top-level nodes that read any flow input.
func (f *graphFacts) readers() map[string]bool {
	out := map[string]bool{}
	for i := range f.g.Nodes {
		if f.reads[i].any() {
			out[f.g.Nodes[i].ID] = true
		}
	}
	return out
}

// graphIndex is a graph's edges by node index, in and out lists packed in one array each.
// An edge to or from a missing node is left out (validation reports it).
type graphIndex struct {
	idx              map[string]int
	src, dst         []int // by edge; -1 for an edge left out
	inAt, outAt      []int // node i's edges are inEdges[inAt[i]:inAt[i+1]]
	inEdges, outEdge []int
}

func indexGraph(g Graph) *graphIndex {
	n := len(g.Nodes)
	gi := &graphIndex{idx: make(map[string]int, n), src: make([]int, len(g.Edges)), dst: make([]int, len(g.Edges)),
		inAt: make([]int, n+1), outAt: make([]int, n+1)}
	for i := range g.Nodes {
		gi.idx[g.Nodes[i].ID] = i
	}
	for k := range g.Edges {
		s, ok1 := gi.idx[g.Edges[k].Source]
		t, ok2 := gi.idx[g.Edges[k].Target]
		if !ok1 || !ok2 {
			gi.src[k], gi.dst[k] = -1, -1
			continue
		}
		gi.src[k], gi.dst[k] = s, t
		gi.outAt[s+1]++
		gi.inAt[t+1]++
	}
	for i := 0; i < n; i++ {
		gi.outAt[i+1] += gi.outAt[i]
		gi.inAt[i+1] += gi.inAt[i]
	}
	gi.inEdges, gi.outEdge = make([]int, gi.inAt[n]), make([]int, gi.outAt[n])
	inFill, outFill := slices.Clone(gi.inAt[:n]), slices.Clone(gi.outAt[:n])
	for k := range g.Edges {
		if s, t := gi.src[k], gi.dst[k]; s >= 0 {
			gi.outEdge[outFill[s]] = k
			outFill[s]++
			gi.inEdges[inFill[t]] = k
			inFill[t]++
		}
	}
	return gi
}

func (gi *graphIndex) in(i int) []int  { return gi.inEdges[gi.inAt[i]:gi.inAt[i+1]] }
func (gi *graphIndex) out(i int) []int { return gi.outEdge[gi.outAt[i]:gi.outAt[i+1]] }

// topoOrder returns node indexes so that every edge goes forward (Kahn's algorithm, ties
// broken by position in the file for a stable order). Edges inside a loop body are ordered
// by their group (see loops.go).
func (gi *graphIndex) topoOrder(g Graph) ([]int, error) {
	n := len(g.Nodes)
	indeg := make([]int, n)
	for k := range g.Edges {
		if gi.counts(g, k) {
			indeg[gi.dst[k]]++
		}
	}
	ready := make([]int, 0, n)
	for i := 0; i < n; i++ {
		if indeg[i] == 0 {
			ready = append(ready, i)
		}
	}
	var newly []int
	for head := 0; head < len(ready); head++ {
		newly = newly[:0]
		for _, k := range gi.out(ready[head]) {
			if !gi.counts(g, k) {
				continue
			}
			t := gi.dst[k]
			if indeg[t]--; indeg[t] == 0 {
				newly = append(newly, t)
			}
		}
		sort.Ints(newly)
		ready = append(ready, newly...)
	}
	if len(ready) != n {
		return nil, invalidf(fmt.Sprintf("graph has a cycle (%d of %d nodes ordered)", len(ready), n))
	}
	return ready, nil
}

// counts reports whether edge k orders the outer graph (it joins two top-level nodes).
func (gi *graphIndex) counts(g Graph, k int) bool {
	s := gi.src[k]
	return s >= 0 && g.Nodes[s].ParentID == "" && g.Nodes[gi.dst[k]].ParentID == ""
}
