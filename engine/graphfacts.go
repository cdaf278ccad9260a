package engine

import (
	"fmt"
	"slices"
	"sort"
	"sync"
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
	// wiring is wiringOf(g) (wiringHash).
	wiring     string
	wiringOnce sync.Once
}

func newGraphFacts(reg *Registry, g Graph) *graphFacts { return newGraphFactsWith(reg, g, nil) }

// newGraphFactsWith is newGraphFacts with what a version's facts file holds (d) instead of
// worked out: the static config hashes, the flow inputs each node reads, the edges' ends and
// the order (d's body is decoded here when decodeFactsHead left it). nil when they cannot be
// the graph's: a body that does not decode, sizes that differ, an edge end that names another
// node, an order that is not one, a hash for a node that is not static.
func newGraphFactsWith(reg *Registry, g Graph, d *versionFacts) *graphFacts {
	n := len(g.Nodes)
	f := &graphFacts{g: g, top: make([]int, n), types: make([]*NodeType, n),
		children: map[string][]int{}, exprParams: map[string][]string{},
		links: make([]bool, n)}
	var indexed chan *graphIndex
	if d != nil {
		// d's body, the index and the order are worked out by another goroutine while this
		// one looks the nodes' types up: neither needs the other, and on a 10,000-node graph
		// each takes about a millisecond that a cold plan waits for (docs/PERFORMANCE.md).
		indexed = make(chan *graphIndex, 1)
		go func() {
			var gi *graphIndex
			if (d.rest == "" || d.decodeBody(Version{Graph: g})) && len(d.static) == n && len(d.reads) == n {
				if gi = indexWithEnds(g, d.src, d.dst); gi != nil && !gi.isOrder(g, d.order) {
					gi = nil
				}
			}
			indexed <- gi
		}()
	} else {
		f.gi = indexGraph(g)
		f.order, f.orderErr = f.gi.topoOrder(g)
		f.reads = make([]flowReads, n)
	}
	f.lookUpTypes(reg)
	if d != nil {
		if f.gi = <-indexed; f.gi == nil {
			return nil
		}
		f.order, f.reads, f.wiring = d.order, d.reads, d.wiring
	}
	for parent, kids := range f.children {
		if pi, ok := f.gi.index()[parent]; ok {
			for _, i := range kids {
				f.top[i] = pi
			}
		}
	}
	if d == nil {
		for i := range g.Nodes {
			if g.Nodes[i].ParentID == "" && f.types[i] != nil {
				f.reads[i] = f.readsOf(i)
			}
		}
	}
	// work: the top-level nodes of a known type that read no flow input and link no file,
	// whose config hash depends on the graph alone.
	isWork := func(i int) bool {
		return g.Nodes[i].ParentID == "" && f.types[i] != nil && !f.reads[i].any() && !f.links[i]
	}
	if d != nil {
		for i, h := range d.static {
			if w := isWork(i); h != "" && !w {
				return nil
			} else if !w && (g.Nodes[i].ParentID != "" || f.types[i] == nil) && d.reads[i].any() {
				return nil // reads are only worked out for top-level nodes of a known type
			}
		}
		f.static = d.static
		return f
	}
	f.static = make([]string, n)
	var work []int
	for i := range g.Nodes {
		if isWork(i) {
			work = append(work, i)
		}
	}
	forEachParallel(work, func(i int) {
		t, nd := f.types[i], &g.Nodes[i]
		if params, err := ResolveNodeParams(t, nd.Params, nil); err == nil {
			f.static[i] = ConfigHash(t, NodeConfig(t, *nd, params, nil, g, ""))
		}
	})
	return f
}

// lookUpTypes sets each node's type, top, links, and f.children, f.linking, f.exprParams.
func (f *graphFacts) lookUpTypes(reg *Registry) {
	// A type is looked up once (a large graph has few types, mostly in runs of one: the type
	// of the node before is compared first).
	type typeFacts struct {
		t     *NodeType
		links bool
	}
	byType := map[string]typeFacts{}
	var last typeFacts
	lastType := ""
	for i := range f.g.Nodes {
		nd := &f.g.Nodes[i]
		if i == 0 || nd.Type != lastType {
			tf, seen := byType[nd.Type]
			if !seen {
				tf.t, _ = reg.Get(nd.Type)
				tf.links = tf.t != nil && linksFile(tf.t)
				byType[nd.Type] = tf
				for _, spec := range typeParams(tf.t) {
					if spec.Kind == ParamExpression || spec.Kind == ParamCode {
						f.exprParams[nd.Type] = append(f.exprParams[nd.Type], spec.Name)
					}
				}
			}
			last, lastType = tf, nd.Type
		}
		f.types[i] = last.t
		f.top[i] = i
		if nd.ParentID != "" {
			f.children[nd.ParentID] = append(f.children[nd.ParentID], i)
		} else if last.t != nil {
			f.links[i] = last.links
			if f.links[i] {
				f.linking = append(f.linking, i)
			}
		}
	}
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
	// idx maps node id → index (the last node of an id); made on first use (index) when the
	// edges' ends came from a version's facts file.
	idx      map[string]int
	idxOnce  sync.Once
	nodes    []Node
	src, dst []int // by edge; -1 for an edge left out
	// inAt and outAt: node i's edges are inEdges[inAt[i]:inAt[i+1]] and outEdge[outAt[i]:outAt[i+1]].
	inAt, outAt      []int
	inEdges, outEdge []int
}

func indexGraph(g Graph) *graphIndex {
	n := len(g.Nodes)
	gi := &graphIndex{idx: make(map[string]int, n), nodes: g.Nodes, src: make([]int, len(g.Edges)), dst: make([]int, len(g.Edges))}
	gi.idxOnce.Do(func() {})
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
	}
	gi.link()
	return gi
}

// indexWithEnds is indexGraph with each edge's source and target index given (a version's
// facts file); nil when they are not the graph's: an index out of range, an edge left out,
// or an end whose node has another id. The id map is made on first use.
func indexWithEnds(g Graph, src, dst []int) *graphIndex {
	n := len(g.Nodes)
	if len(src) != len(g.Edges) || len(dst) != len(g.Edges) {
		return nil
	}
	for k := range g.Edges {
		s, t := src[k], dst[k]
		if s < 0 || s >= n || t < 0 || t >= n || g.Nodes[s].ID != g.Edges[k].Source || g.Nodes[t].ID != g.Edges[k].Target {
			return nil
		}
	}
	gi := &graphIndex{nodes: g.Nodes, src: src, dst: dst}
	gi.link()
	return gi
}

// index maps node id → index, made once.
func (gi *graphIndex) index() map[string]int {
	gi.idxOnce.Do(func() {
		gi.idx = make(map[string]int, len(gi.nodes))
		for i := range gi.nodes {
			gi.idx[gi.nodes[i].ID] = i
		}
	})
	return gi.idx
}

// find is index()[id] without the map (the last node of the id): a plan looks up one node,
// a scan of the ids costs less than making the map.
func (gi *graphIndex) find(id string) (int, bool) {
	for i := len(gi.nodes) - 1; i >= 0; i-- {
		if gi.nodes[i].ID == id {
			return i, true
		}
	}
	return 0, false
}

// link packs the in and out lists from src and dst.
func (gi *graphIndex) link() {
	n := len(gi.nodes)
	gi.inAt, gi.outAt = make([]int, n+1), make([]int, n+1)
	for k, s := range gi.src {
		if s >= 0 {
			gi.outAt[s+1]++
			gi.inAt[gi.dst[k]+1]++
		}
	}
	for i := 0; i < n; i++ {
		gi.outAt[i+1] += gi.outAt[i]
		gi.inAt[i+1] += gi.inAt[i]
	}
	gi.inEdges, gi.outEdge = make([]int, gi.inAt[n]), make([]int, gi.outAt[n])
	inFill, outFill := slices.Clone(gi.inAt[:n]), slices.Clone(gi.outAt[:n])
	for k, s := range gi.src {
		if t := gi.dst[k]; s >= 0 {
			gi.outEdge[outFill[s]] = k
			outFill[s]++
			gi.inEdges[inFill[t]] = k
			inFill[t]++
		}
	}
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

// isOrder reports whether order is an order topoOrder could give: every node once, every
// edge that orders the outer graph going forward.
func (gi *graphIndex) isOrder(g Graph, order []int) bool {
	n := len(g.Nodes)
	if len(order) != n {
		return false
	}
	at := make([]int, n)
	for i := range at {
		at[i] = -1
	}
	for p, i := range order {
		if i < 0 || i >= n || at[i] >= 0 {
			return false
		}
		at[i] = p
	}
	for k := range g.Edges {
		if gi.counts(g, k) && at[gi.src[k]] >= at[gi.dst[k]] {
			return false
		}
	}
	return true
}

// counts reports whether edge k orders the outer graph (it joins two top-level nodes).
func (gi *graphIndex) counts(g Graph, k int) bool {
	s := gi.src[k]
	return s >= 0 && g.Nodes[s].ParentID == "" && g.Nodes[gi.dst[k]].ParentID == ""
}
