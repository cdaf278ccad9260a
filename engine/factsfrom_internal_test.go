package engine

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// fromRegistry has a type whose expression may read flow inputs, one with a string param
// (a template may read them), a loop group (its config and reads are its body's), a type
// whose outputs are the flow inputs, and one that links a file.
func fromRegistry(t *testing.T) *Registry {
	t.Helper()
	reg := NewRegistry()
	run := func(context.Context, *NodeInput) (map[string]any, error) { return nil, nil }
	in, out := []Handle{{Name: "a", Type: "any"}}, []Handle{{Name: "result", Type: "any"}}
	reg.MustRegister(
		NodeType{Type: "math.expr", Inputs: in, Outputs: out, Params: []ParamSpec{{Name: "expression", Kind: ParamExpression}},
			Deterministic: true, Run: run},
		NodeType{Type: "t.plain", Inputs: in, Outputs: out, Params: []ParamSpec{{Name: "v", Kind: ParamString}}, Deterministic: true, Run: run},
		NodeType{Type: "t.loop", Inputs: in, Outputs: out, Params: []ParamSpec{{Name: "v", Kind: ParamString}}, Container: true,
			Deterministic: true, Run: run},
		NodeType{Type: "t.inputs", DynamicOutputs: true, Deterministic: true, Run: run},
		NodeType{Type: "t.file", Outputs: out, Params: []ParamSpec{{Name: "path", Kind: ParamPath}}, Deterministic: true, Run: run},
	)
	return reg
}

var fromTypes = []string{"math.expr", "math.expr", "t.plain", "t.plain", "t.loop", "t.inputs", "t.file", "t.unknown"}

// fromParams are random params of a node of type typ.
func fromParams(r *rand.Rand, typ string) map[string]any {
	switch typ {
	case "math.expr":
		return map[string]any{"expression": []string{"a + 1", "a + inputs.x", "inputs", "a * 2", "inputs.y - a"}[r.IntN(5)]}
	case "t.plain", "t.loop":
		vals := []any{"x", "{{inputs.x}}", "{{inputs.y}} and {{inputs.x}}", 1.0, math.Copysign(0, -1), 0.0, int64(3), true, nil,
			[]any{"a", 1.0}, map[string]any{"k": "{{inputs.y}}"}}
		return map[string]any{"v": vals[r.IntN(len(vals))]}
	case "t.file":
		return map[string]any{"path": []string{"/nonexistent/a.txt", "/nonexistent/b.txt"}[r.IntN(2)]}
	}
	if r.IntN(2) == 0 {
		return nil
	}
	return map[string]any{}
}

// fromGraph is a random graph of those types, some nodes in a loop group, edges forward.
func fromGraph(r *rand.Rand) Graph {
	var g Graph
	n := 1 + r.IntN(14)
	for i := range n {
		typ := fromTypes[r.IntN(len(fromTypes))]
		nd := Node{ID: fmt.Sprintf("n%d", i), Type: typ, Params: fromParams(r, typ)}
		if i > 0 && r.IntN(4) == 0 {
			nd.ParentID = fmt.Sprintf("n%d", r.IntN(i))
		}
		g.Nodes = append(g.Nodes, nd)
	}
	for range r.IntN(2 * n) {
		s, t := r.IntN(n), r.IntN(n)
		if s >= t {
			continue
		}
		g.Edges = append(g.Edges, Edge{ID: fmt.Sprintf("e%d", len(g.Edges)), Source: g.Nodes[s].ID,
			SourceHandle: []string{"result", "x", "y"}[r.IntN(3)], Target: g.Nodes[t].ID, TargetHandle: "a"})
	}
	return g
}

// fromEdit is g edited as an editor would: params changed or given again as new maps of the
// same values, nodes added or removed, edges rewired, a type or group changed, the flow
// inputs declared changed. g is not changed.
func fromEdit(r *rand.Rand, g Graph) Graph {
	e := Graph{Nodes: slices.Clone(g.Nodes), Edges: slices.Clone(g.Edges), Inputs: slices.Clone(g.Inputs)}
	for i := range e.Nodes { // the same params, as a draft sent again decodes them
		e.Nodes[i].Params = cloneParams(e.Nodes[i].Params)
	}
	for range 1 + r.IntN(3) {
		n := len(e.Nodes)
		if n == 0 {
			break
		}
		i := r.IntN(n)
		switch r.IntN(10) {
		case 0, 1, 2, 3:
			e.Nodes[i].Params = fromParams(r, e.Nodes[i].Type)
		case 4:
			e.Nodes = append(e.Nodes, Node{ID: fmt.Sprintf("m%d", r.IntN(1000)), Type: "math.expr", Params: fromParams(r, "math.expr")})
		case 5:
			e.Nodes = slices.Delete(e.Nodes, i, i+1)
		case 6:
			if len(e.Edges) > 0 {
				k := r.IntN(len(e.Edges))
				e.Edges[k].Source = e.Nodes[r.IntN(n)].ID
				e.Edges[k].SourceHandle = []string{"result", "x", "y"}[r.IntN(3)]
			}
		case 7:
			e.Nodes[i].Type = fromTypes[r.IntN(len(fromTypes))]
		case 8:
			e.Nodes[i].ParentID = e.Nodes[r.IntN(n)].ID
		default:
			e.Inputs = append(e.Inputs, InputDecl{Name: "x", Type: TypeInteger})
			if len(e.Edges) > 0 && r.IntN(2) == 0 {
				e.Edges = e.Edges[:len(e.Edges)-1]
			}
		}
	}
	return e
}

func cloneParams(p map[string]any) map[string]any {
	if p == nil {
		return nil
	}
	out := make(map[string]any, len(p))
	for k, v := range p {
		out[k] = v
	}
	return out
}

// TestPropertyFactsFromBaseAsWorkedOut: the facts of a graph made from those of the graph it
// was edited from (newGraphFactsFrom) are exactly those worked out whole, on random graphs
// and random edits; graphs not wired alike are refused, and enough are taken (reusing some
// nodes' facts) that the fast path is what is tested.
func TestPropertyFactsFromBaseAsWorkedOut(t *testing.T) {
	reg := fromRegistry(t)
	more := fromRegistry(t) // knows t.unknown too: a type registered since the base's facts
	more.MustRegister(NodeType{Type: "t.unknown", Deterministic: true,
		Run: func(context.Context, *NodeInput) (map[string]any, error) { return nil, nil }})
	r := rand.New(rand.NewPCG(10, 2))
	taken, reused := 0, 0
	for k := range 3000 {
		base := fromGraph(r)
		edited := fromEdit(r, base)
		bf := newGraphFacts(reg, base)
		bf.wiringHash()
		got := newGraphFactsFrom(reg, edited, bf)
		want := newGraphFacts(reg, edited)
		if other := newGraphFactsFrom(more, edited, bf); other != nil && !reflect.DeepEqual(other, newGraphFacts(more, edited)) {
			t.Fatalf("case %d: facts from a base worked out with another registry differ", k)
		}
		if got == nil {
			if bf.orderErr == nil && wiringOf(base) == wiringOf(edited) && slices.Equal(want.types, bf.types) {
				t.Fatalf("case %d: graphs wired alike were refused", k)
			}
			continue
		}
		taken++
		for i := range edited.Nodes {
			if sameParams(edited.Nodes[i].Params, base.Nodes[i].Params) && want.static[i] != "" {
				reused++
			}
		}
		if got.wiringHash() != want.wiringHash() {
			t.Fatalf("case %d: wiring %s, worked out %s", k, got.wiring, want.wiring)
		}
		want.gi.index()
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("case %d: facts from the base\n%+v\nworked out\n%+v\nbase graph %+v\nedited %+v", k, got, want, base, edited)
		}
	}
	if taken < 500 || reused < 1000 {
		t.Fatalf("the base's facts were taken %d times, reusing %d static hashes: the fast path is hardly tested", taken, reused)
	}
}

// TestSameParams: params are the same only as the same values of the same types.
func TestSameParams(t *testing.T) {
	same := []map[string]any{nil, {}, {"a": "x"}, {"a": 1.0, "b": []any{"x", map[string]any{"c": true}}}, {"a": nil}}
	for _, p := range same {
		if !sameParams(p, cloneParams(p)) {
			t.Errorf("%v differs from itself", p)
		}
	}
	for _, c := range [][2]map[string]any{
		{nil, {}}, {{"a": "x"}, {"a": "y"}}, {{"a": 0.0}, {"a": math.Copysign(0, -1)}}, {{"a": 1.0}, {"a": int64(1)}},
		{{"a": []any{}}, {"a": []any(nil)}}, {{"a": "x"}, {"b": "x"}},
		{{"a": []any{1.0}}, {"a": []any{1.0, 2.0}}}, {{"a": struct{}{}}, {"a": struct{}{}}}, {{"a": nil}, {}},
	} {
		if sameParams(c[0], c[1]) || sameParams(c[1], c[0]) {
			t.Errorf("%v and %v are the same", c[0], c[1])
		}
	}
}
