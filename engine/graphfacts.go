package engine

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

func newGraphFacts(reg *Registry, g Graph) *graphFacts {
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
	forEachParallel(work, func(i int) {
		t, nd := f.types[i], &g.Nodes[i]
		if params, err := resolveFast(t, nd.Params, nil); err == nil {
			f.static[i] = configHash(t, NodeConfig(t, *nd, params, nil, g, ""))
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
