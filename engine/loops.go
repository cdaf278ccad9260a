package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
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
// recorded, so the latest recorded is the one the store makes current.
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

// childGeneration records one execution of a loop body's child for one item: a generation
// (its timeline shows every item's result; the latest is its current one) committed before
// its node event, as for any node.
func (ex *Executor) childGeneration(x *Execution, n *Node, cfgHash string, reasons []string, in *NodeInput, outs map[string]any,
	runErr error, took time.Duration, kids *childRecords) {
	now := time.Now
	if ex.Now != nil {
		now = ex.Now
	}
	gen := Generation{ID: ex.newID(), WorkflowID: x.Run.WorkflowID, NodeID: n.ID, RunID: x.Run.ID, VersionID: x.Run.VersionID,
		VersionLabel: x.Run.VersionLabel, RunLabel: x.Run.Label, DurationMS: took.Milliseconds(), Cost: in.Cost,
		ConfigHash: cfgHash, InputFingerprint: InputFingerprint(cfgHash, in.Inputs, in.Connected)}
	rec := NodeRecord{Status: NodeExecuted, Reasons: nonNil(reasons), GenerationID: gen.ID, DurationMS: gen.DurationMS}
	if runErr != nil {
		gen.Status, gen.Error, gen.Outputs = GenFailed, runErr.Error(), map[string]any{}
		rec.Status, rec.Error = NodeFailed, runErr.Error()
		outs = nil
	} else {
		gen.Status, gen.Outputs = GenCompleted, outs
	}
	kids.mu.Lock()
	defer kids.mu.Unlock()
	gen.CreatedAt = now().UTC()
	if kids.recs == nil {
		kids.recs = map[string]NodeRecord{}
	}
	kids.recs[n.ID] = rec
	ev := nodeEvent(x.Run, n.ID, rec, outs)
	if ex.Committer != nil {
		ex.Committer.Commit(gen, ev)
	} else if ex.Emit != nil {
		ex.Emit(ev)
	}
}

// bodyRunner runs a group's children once for one item, in order, and returns the value that
// reaches the group's `result` input. Each child's execution writes a generation.
func (ex *Executor) bodyRunner(x Execution, b *loopBody, bodies map[string]*loopBody, kids *childRecords) BodyRunner {
	// A child's config, and what a plan says of it (loop_restart when a run from a block
	// reruns the group), are the same for every item: worked out once.
	cfgHashes, reasons := map[string]string{}, map[string][]string{}
	var gi *graphIndex
	if x.Plan != nil {
		gi = x.index()
	}
	for i := range b.nodes {
		n := &b.nodes[i]
		if t, ok := ex.Registry.Get(n.Type); ok {
			if params, err := ResolveNodeParams(t, n.Params, x.Run.Inputs); err == nil {
				cfgHashes[n.ID] = ConfigHash(t, NodeConfig(t, *n, params, x.Run.Inputs, x.Version.Graph, ""))
			}
		}
		if gi != nil {
			if p := x.Plan.at(gi.idx[n.ID], n.ID); p != nil {
				reasons[n.ID] = p.Reasons
			}
		}
	}
	return func(ctx context.Context, index int, item any) (map[string]any, error) {
		vals := map[string]map[string]any{b.group: {"item": item, "index": int64(index)}}
		for _, n := range b.nodes {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			t, ok := ex.Registry.Get(n.Type)
			if !ok {
				return nil, fmt.Errorf("node %q: unknown node type %q", n.ID, n.Type)
			}
			inputs, connected := map[string]any{}, map[string]bool{}
			incoming := 0
			for _, e := range b.edges {
				if e.Target != n.ID {
					continue
				}
				incoming++
				if out, ok := vals[e.Source]; ok {
					if v, ok := out[e.SourceHandle]; ok {
						inputs[e.TargetHandle] = v
						connected[e.TargetHandle] = true
					}
				}
			}
			if incoming > 0 && len(connected) == 0 {
				continue // only reachable through an inactive branch: skipped
			}
			params, err := ResolveNodeParams(t, n.Params, x.Run.Inputs)
			if err != nil {
				return nil, fmt.Errorf("item %d: node %q: %w", index, n.ID, err)
			}
			in := &NodeInput{NodeID: n.ID, RunID: x.Run.ID, WorkflowID: x.Run.WorkflowID, Params: params, RawParams: n.Params, Inputs: inputs,
				Connected: connected, FlowInputs: x.Run.Inputs, Declared: x.Version.Graph.Inputs, Assets: ex.Assets,
				Limits: ex.Limits, Providers: ex.Providers, Settings: ex.Settings}
			if t.Container {
				in.Body = ex.bodyRunner(x, bodies[n.ID], bodies, kids)
			}
			start := time.Now()
			outs, err := safeRun(ctx, t.Run, in)
			if err == nil {
				outs, err = NormalizeOutputs(outs)
			}
			if err != nil && (ctx.Err() != nil || errors.Is(err, ErrPause)) {
				return nil, fmt.Errorf("item %d: node %q: %w", index, n.ID, err) // cancelled: nothing to keep
			}
			ex.childGeneration(&x, &n, cfgHashes[n.ID], reasons[n.ID], in, outs, err, time.Since(start), kids)
			if err != nil {
				return nil, fmt.Errorf("item %d: node %q: %w", index, n.ID, err)
			}
			vals[n.ID] = outs
		}
		for _, e := range b.edges {
			if e.Target == b.group && e.TargetHandle == "result" {
				if out, ok := vals[e.Source]; ok {
					return map[string]any{"result": out[e.SourceHandle]}, nil
				}
				return map[string]any{"result": nil}, nil
			}
		}
		return map[string]any{"result": nil}, nil
	}
}
