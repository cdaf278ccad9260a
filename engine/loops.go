package engine

import (
	"context"
	"fmt"
	"slices"
	"sync"
)

// A loop group (control.foreach, control.map) owns child nodes (ParentID = the group). Inside
// the body, edges run from the group's `item`/`index` outputs to children and from a child to
// the group's `result` input; these edges are internal and never part of the outer schedule.

// loopBody is the children of one group in run order and the edges between them.
type loopBody struct {
	group string
	nodes []Node
	edges []Edge
}

// parentsOf maps node id → its group id.
func parentsOf(g Graph) map[string]string {
	p := map[string]string{}
	for _, n := range g.Nodes {
		if n.ParentID != "" {
			p[n.ID] = n.ParentID
		}
	}
	return p
}

// internalEdge reports whether e belongs inside a loop body: it touches a child node.
func internalEdge(parents map[string]string, e Edge) bool {
	return parents[e.Source] != "" || parents[e.Target] != ""
}

// buildBodies collects each group's children in topological order.
func buildBodies(g Graph) map[string]*loopBody {
	parents := parentsOf(g)
	if len(parents) == 0 {
		return nil
	}
	bodies := map[string]*loopBody{}
	for _, n := range g.Nodes {
		if n.ParentID == "" {
			continue
		}
		b := bodies[n.ParentID]
		if b == nil {
			b = &loopBody{group: n.ParentID}
			bodies[n.ParentID] = b
		}
		b.nodes = append(b.nodes, n)
	}
	for _, e := range g.Edges {
		if !internalEdge(parents, e) {
			continue
		}
		group := parents[e.Target]
		if group == "" {
			group = parents[e.Source]
		}
		if b := bodies[group]; b != nil {
			b.edges = append(b.edges, e)
		}
	}
	for _, b := range bodies {
		b.nodes = orderBody(b)
	}
	return bodies
}

// orderBody sorts children so every internal edge between children goes forward.
func orderBody(b *loopBody) []Node {
	indeg := map[string]int{}
	byID := map[string]Node{}
	for _, n := range b.nodes {
		indeg[n.ID] = 0
		byID[n.ID] = n
	}
	next := map[string][]string{}
	for _, e := range b.edges {
		if _, ok := indeg[e.Source]; !ok {
			continue
		}
		if _, ok := indeg[e.Target]; !ok {
			continue
		}
		next[e.Source] = append(next[e.Source], e.Target)
		indeg[e.Target]++
	}
	var out []Node
	var ready []string
	for _, n := range b.nodes {
		if indeg[n.ID] == 0 {
			ready = append(ready, n.ID)
		}
	}
	for len(ready) > 0 {
		id := ready[0]
		ready = ready[1:]
		out = append(out, byID[id])
		for _, t := range next[id] {
			indeg[t]--
			if indeg[t] == 0 {
				ready = append(ready, t)
			}
		}
	}
	return out
}

// bodySpec is what a group's config hash covers of its body: children and internal edges.
func bodySpec(b *loopBody) any {
	if b == nil {
		return nil
	}
	type child struct {
		ID     string         `json:"id"`
		Type   string         `json:"type"`
		Params map[string]any `json:"params"`
	}
	cs := make([]child, len(b.nodes))
	for i, n := range b.nodes {
		cs[i] = child{n.ID, n.Type, n.Params}
	}
	return map[string]any{"children": cs, "edges": b.edges}
}

// childRecords collects, while loop bodies run (items in parallel), the record of each child
// node's latest execution; the run's record takes them when the group resolves. Its lock
// also orders the children's generations: stamped and committed in the order they are
// recorded, so the latest recorded is the one the store makes current (settle).
type childRecords struct {
	mu   sync.Mutex
	recs map[string]NodeRecord
}

func (c *childRecords) take() map[string]NodeRecord {
	c.mu.Lock()
	defer c.mu.Unlock()
	recs := c.recs
	c.recs = nil
	return recs
}

// record keeps rec as the child's latest; a cancelled or skipped item does not hide what the
// child did for another item. The caller holds c.mu.
func (c *childRecords) record(id string, rec NodeRecord) {
	if c.recs == nil {
		c.recs = map[string]NodeRecord{}
	}
	if _, ok := c.recs[id]; ok && (rec.Status == NodeCancelled || rec.Status == NodeSkipped) {
		return
	}
	c.recs[id] = rec
}

// priorByFingerprint memoises, per child of one loop, its generations of the loop's last run
// by input fingerprint, loaded the first time an item asks.
type priorByFingerprint struct {
	mu    sync.Mutex
	load  func(ctx context.Context, nodeID string) map[string]*Generation
	known map[string]map[string]*Generation
}

func (p *priorByFingerprint) find(ctx context.Context, nodeID, fp string) *Generation {
	p.mu.Lock()
	defer p.mu.Unlock()
	byFP, ok := p.known[nodeID]
	if !ok {
		byFP = p.load(ctx, nodeID)
		p.known[nodeID] = byFP
	}
	return byFP[fp]
}

// bodyRunner runs a group's children once for one item, through the executor's scheduler and
// node path like any node of the run (drive, work), and returns the value that reaches the
// group's `result` input. Each child's execution writes a generation and sends its events.
func (ex *Executor) bodyRunner(x *Execution, b *loopBody, bodies map[string]*loopBody, kids *childRecords) BodyRunner {
	// A child's type, config, and what a plan says of it (loop_restart when a run from a
	// block reruns the group), are the same for every item: worked out once.
	type child struct {
		typ     *NodeType
		reasons []string
		cfgHash string
		body    BodyRunner
	}
	children := make([]child, len(b.nodes))
	var gi *graphIndex
	var prior func(ctx context.Context, nodeID, fp string) *Generation
	if x.Plan != nil {
		gi = x.index()
		// Early cutoff inside the body: when the group reruns for what is upstream of it or a
		// body edit (not as the run's target), a deterministic child whose inputs for an item
		// equal those it saw in the loop's last run reuses that generation.
		if p := x.Plan.at(gi.index()[b.group], b.group); p != nil && p.Action == ActionRerun &&
			!slices.Contains(p.Reasons, ReasonTarget) && x.bodyPrior != nil {
			memo := &priorByFingerprint{load: x.bodyPrior, known: map[string]map[string]*Generation{}}
			prior = memo.find
		}
	}
	for i := range b.nodes {
		n := &b.nodes[i]
		c := &children[i]
		c.typ, _ = ex.Registry.Get(n.Type)
		if c.typ != nil {
			if params, err := ResolveNodeParams(c.typ, n.Params, x.Run.Inputs); err == nil {
				c.cfgHash = ConfigHash(c.typ, NodeConfig(c.typ, *n, params, x.Run.Inputs, x.Version.Graph, ""))
			}
			if c.typ.Container {
				c.body = ex.bodyRunner(x, bodies[n.ID], bodies, kids)
			}
		}
		if gi != nil {
			if p := x.Plan.at(gi.index()[n.ID], n.ID); p != nil {
				c.reasons = p.Reasons
			}
		}
	}
	// The body's shape is the same for every item too: its order and the edges leaving each
	// child (read only by drive).
	order := make([]string, len(b.nodes))
	isChild := make(map[string]bool, len(b.nodes))
	for i := range b.nodes {
		order[i] = b.nodes[i].ID
		isChild[b.nodes[i].ID] = true
	}
	out := map[string][]Edge{}
	for _, e := range b.edges {
		if isChild[e.Source] {
			out[e.Source] = append(out[e.Source], e)
		}
	}
	return func(ctx context.Context, index int, item any) (map[string]any, error) {
		sc := &scope{states: make(map[string]*nodeState, len(b.nodes)), order: order, out: out, group: b.group,
			groupIn: map[string]any{}, kids: kids, prior: prior}
		for i := range b.nodes {
			n, c := &b.nodes[i], &children[i]
			if c.typ == nil {
				return nil, fmt.Errorf("node %q: unknown node type %q", n.ID, n.Type)
			}
			sc.states[n.ID] = &nodeState{node: n, typ: c.typ, body: c.body, cfgHash: c.cfgHash, inputs: map[string]any{}, connected: map[string]bool{},
				plan: PlanNode{Action: ActionRerun, Reasons: c.reasons}}
		}
		for _, e := range b.edges {
			dst := sc.states[e.Target]
			if dst == nil {
				continue
			}
			dst.incoming++
			switch {
			case e.Source == b.group:
				switch e.SourceHandle {
				case "item":
					dst.give(e.TargetHandle, item)
				case "index":
					dst.give(e.TargetHandle, int64(index))
				default:
					dst.wait(e.TargetHandle)
				}
			case isChild[e.Source]:
				dst.remaining++
				dst.wait(e.TargetHandle)
			default:
				dst.wait(e.TargetHandle) // from outside the group: never active
			}
		}
		var failed error
		ex.drive(ctx, x, sc, func(r nodeResult) {
			if failed != nil {
				return
			}
			switch {
			case r.record.Status == NodeFailed:
				failed = fmt.Errorf("item %d: node %q: %s", index, r.id, r.record.Error)
			case r.paused != nil:
				failed = fmt.Errorf("item %d: node %q: %w", index, r.id, ErrPause)
			}
		})
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if failed != nil {
			return nil, failed
		}
		return map[string]any{"result": sc.groupIn["result"]}, nil
	}
}
