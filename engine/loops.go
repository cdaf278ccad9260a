package engine

import (
	"context"
	"fmt"
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

// bodyRunner runs a group's children once for one item, in order, and returns the value that
// reaches the group's `result` input.
func (ex *Executor) bodyRunner(x Execution, b *loopBody, bodies map[string]*loopBody) BodyRunner {
	return func(ctx context.Context, index int, item any) (map[string]any, error) {
		vals := map[string]map[string]any{b.group: {"item": item, "index": float64(index)}}
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
			in := &NodeInput{NodeID: n.ID, RunID: x.Run.ID, WorkflowID: x.Run.WorkflowID, Params: params, Inputs: inputs,
				Connected: connected, FlowInputs: x.Run.Inputs, Declared: x.Version.Graph.Inputs, Assets: ex.Assets}
			if t.Container {
				in.Body = ex.bodyRunner(x, bodies[n.ID], bodies)
			}
			outs, err := safeRun(ctx, t.Run, in)
			if err == nil {
				outs, err = NormalizeOutputs(outs)
			}
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
