package engine

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync/atomic"
	"testing"
)

// draftRegistry has types with typed handles, params of every kind with checks that can
// fail, a required param, a loop group, a type that pauses, the flow inputs' type and a
// subworkflow type: everything a validation looks at.
func draftRegistry(t testing.TB) *Registry {
	t.Helper()
	reg := NewRegistry()
	run := func(context.Context, *NodeInput) (map[string]any, error) { return nil, nil }
	bad := func(s string) error {
		if s == "bad" || s == "((" {
			return errors.New("does not compile")
		}
		return nil
	}
	reg.MustRegister(
		NodeType{Type: "t.num", Inputs: []Handle{{Name: "a", Type: TypeNumber}}, Outputs: []Handle{{Name: "result", Type: TypeNumber}},
			Params: []ParamSpec{{Name: "n", Kind: ParamNumber}, {Name: "k", Kind: ParamInteger}}, Run: run},
		NodeType{Type: "t.text", Inputs: []Handle{{Name: "a", Type: TypeString}}, Outputs: []Handle{{Name: "result", Type: TypeString}},
			Params: []ParamSpec{{Name: "text", Kind: ParamText, Check: bad}, {Name: "mode", Kind: ParamSelect, Options: []string{"x", "y"}},
				{Name: "name", Kind: ParamString, Required: true}}, Run: run},
		NodeType{Type: "t.any", Inputs: []Handle{{Name: "a", Type: TypeAny}, {Name: "b", Type: TypeAny}}, Outputs: []Handle{{Name: "result", Type: TypeAny}},
			Params: []ParamSpec{{Name: "expr", Kind: ParamExpression, Check: bad}, {Name: "json", Kind: ParamJSON}, {Name: "on", Kind: ParamBoolean}}, Run: run},
		NodeType{Type: "t.loop", Inputs: []Handle{{Name: "a", Type: TypeAny}}, Outputs: []Handle{{Name: "result", Type: TypeAny}}, Container: true, Run: run},
		NodeType{Type: "t.pause", Inputs: []Handle{{Name: "a", Type: TypeAny}}, Outputs: []Handle{{Name: "result", Type: TypeAny}}, Pauses: true, Run: run},
		NodeType{Type: "t.inputs", DynamicOutputs: true, Run: run},
		NodeType{Type: "t.sub", Subflow: true, Params: []ParamSpec{{Name: "workflow", Kind: ParamString}, {Name: "version", Kind: ParamString}}, Run: run},
	)
	return reg
}

// draftTypes: the last two are drawn by an edit, or for some graphs only.
var draftTypes = []string{"t.num", "t.num", "t.text", "t.text", "t.any", "t.any", "t.any", "t.loop", "t.pause", "t.inputs", "t.sub", "t.unknown"}

// draftParams are params of a node of type typ, valid unless bad is set (then sometimes not).
func draftParams(r *rand.Rand, typ string, bad bool) map[string]any {
	pick := func(good []any, wrong []any) any {
		if bad && r.IntN(3) == 0 {
			return wrong[r.IntN(len(wrong))]
		}
		return good[r.IntN(len(good))]
	}
	switch typ {
	case "t.num":
		return map[string]any{"n": pick([]any{1.5, int64(2), "{{x}}", "3", 2.0}, []any{"abc", true}),
			"k": pick([]any{int64(4), 7.0, "{{x}}"}, []any{2.5, []any{"a"}})}
	case "t.text":
		p := map[string]any{"text": pick([]any{"hello", "{{x}} and {{y}}", "q\"é", ""}, []any{"bad", "{{nope}}", map[string]any{"k": 1.0}}),
			"name": pick([]any{"out", "n{{x}}"}, []any{"", "  ", nil})}
		if r.IntN(2) == 0 {
			p["mode"] = pick([]any{"x", "y", ""}, []any{"z", 3.0})
		}
		return p
	case "t.any":
		return map[string]any{"expr": pick([]any{"a + 1", "a * b", "{{y}}"}, []any{"((", "bad"}),
			"json": pick([]any{`{"a": 1}`, "[1, 2]", "plain"}, []any{`{"a": `, "[1,"}),
			"on":   pick([]any{true, "false", ""}, []any{"maybe", 1.0})}
	case "t.sub":
		return map[string]any{"workflow": pick([]any{"w1"}, []any{"w2", "w3"}), "version": "v1"}
	}
	if r.IntN(2) == 0 {
		return nil
	}
	return map[string]any{"extra": int64(r.IntN(3))}
}

// draftGraph is a random graph of those types: mostly valid (typed edges forward, valid
// params, no unknown types), invalid when bad is set.
func draftGraph(r *rand.Rand, bad bool) Graph {
	g := Graph{Inputs: []InputDecl{{Name: "x", Type: TypeInteger}, {Name: "y", Type: TypeString, Default: "d"}}}
	if r.IntN(4) == 0 {
		g.Inputs = g.Inputs[:1]
	}
	n := 1 + r.IntN(16)
	subs := r.IntN(4) == 0 // a subworkflow node now and then: drafts with one are checked whole
	for i := range n {
		typ := draftTypes[r.IntN(len(draftTypes)-2)]
		if subs && r.IntN(4) == 0 {
			typ = "t.sub"
		}
		if bad && r.IntN(8) == 0 {
			typ = "t.unknown"
		}
		nd := Node{ID: fmt.Sprintf("n%d", i), Type: typ, Params: draftParams(r, typ, bad)}
		if r.IntN(3) == 0 {
			nd.Label = []string{"A", "é", "x<y"}[r.IntN(3)]
		}
		if r.IntN(2) == 0 {
			nd.Position = &Position{X: float64(r.IntN(500)), Y: float64(r.IntN(100)) + 0.5}
		}
		g.Nodes = append(g.Nodes, nd)
	}
	for i := range g.Nodes { // into an earlier loop group now and then
		if r.IntN(5) == 0 {
			for k := range i {
				if g.Nodes[k].Type == "t.loop" && (bad || g.Nodes[i].Type != "t.pause") {
					g.Nodes[i].ParentID = g.Nodes[k].ID
					break
				}
			}
		}
	}
	into := map[string]bool{}
	for range r.IntN(2 * n) {
		s, t := r.IntN(n), r.IntN(n)
		if s >= t && !(bad && r.IntN(4) == 0) {
			continue
		}
		e := draftEdge(r, g, s, t, bad)
		if !bad && (into[e.Target+"."+e.TargetHandle] || g.Nodes[s].Type == "t.num" && g.Nodes[t].Type == "t.text") {
			continue
		}
		into[e.Target+"."+e.TargetHandle] = true
		g.Edges = append(g.Edges, e)
	}
	return g
}

// draftEdge is an edge from node s to node t on handles their types have, mostly.
func draftEdge(r *rand.Rand, g Graph, s, t int, bad bool) Edge {
	k := 1 // how many of each handle list are valid: all when bad
	if bad {
		k = 2
	}
	sh, th := "result", "a"
	switch g.Nodes[s].Type {
	case "t.inputs":
		sh = []string{"x", "z"}[r.IntN(k)]
	case "t.sub":
		sh = []string{"out", "other"}[r.IntN(k)]
	}
	switch g.Nodes[t].Type {
	case "t.any":
		th = []string{"a", "b"}[r.IntN(2)]
	case "t.sub":
		th = []string{"in", "other"}[r.IntN(k)]
	}
	if bad && r.IntN(6) == 0 {
		th = "nope"
	}
	return Edge{ID: fmt.Sprintf("e%d", r.IntN(100)), Source: g.Nodes[s].ID, SourceHandle: sh, Target: g.Nodes[t].ID, TargetHandle: th}
}

// draftEdit is g edited as an editor would, once to a few times: params changed (to valid
// values or not) or given again as new maps of the same values, labels and positions moved,
// types changed, nodes added, removed, renamed or moved, edges rewired, added (a cycle
// now and then) or removed, groups changed, the declared inputs changed. g is not changed.
func draftEdit(r *rand.Rand, g Graph) Graph {
	e := Graph{Nodes: slices.Clone(g.Nodes), Edges: slices.Clone(g.Edges), Inputs: slices.Clone(g.Inputs)}
	for i := range e.Nodes { // the same params, as a draft sent again decodes them
		e.Nodes[i].Params = cloneParams(e.Nodes[i].Params)
		if p := e.Nodes[i].Position; p != nil && r.IntN(2) == 0 {
			c := *p
			e.Nodes[i].Position = &c
		}
	}
	for range 1 + r.IntN(3) {
		n := len(e.Nodes)
		if n == 0 {
			e.Nodes = append(e.Nodes, Node{ID: "n0", Type: "t.num", Params: draftParams(r, "t.num", false)})
			continue
		}
		i := r.IntN(n)
		nd := &e.Nodes[i]
		switch r.IntN(22) {
		case 0, 1, 2, 16, 17:
			nd.Params = draftParams(r, nd.Type, r.IntN(4) == 0)
		case 3:
			if len(nd.Params) > 0 { // one value changed in place of a new map
				nd.Params = cloneParams(nd.Params)
				for k := range nd.Params {
					nd.Params[k] = []any{"bad", int64(9), 9.0, "{{nope}}", "{{x}}"}[r.IntN(5)]
					break
				}
			}
		case 4, 18:
			nd.Label = []string{"", "B", "ü"}[r.IntN(3)]
		case 5, 19, 20:
			nd.Position = &Position{X: float64(r.IntN(500)), Y: -1}
		case 6:
			nd.Type = draftTypes[r.IntN(len(draftTypes))]
		case 7:
			e.Nodes = append(e.Nodes, Node{ID: fmt.Sprintf("m%d", r.IntN(20)), Type: "t.any", Params: draftParams(r, "t.any", false)})
		case 8:
			e.Nodes = slices.Delete(e.Nodes, i, i+1)
		case 9:
			nd.ID = []string{"n0", "renamed", fmt.Sprintf("n%d", r.IntN(n+1))}[r.IntN(3)]
		case 10:
			j := r.IntN(n)
			e.Nodes[i], e.Nodes[j] = e.Nodes[j], e.Nodes[i]
		case 11:
			if len(e.Edges) > 0 {
				k := r.IntN(len(e.Edges))
				e.Edges[k] = draftEdge(r, e, r.IntN(n), r.IntN(n), r.IntN(2) == 0)
			}
		case 12:
			e.Edges = append(e.Edges, draftEdge(r, e, r.IntN(n), r.IntN(n), r.IntN(2) == 0)) // maybe backwards: a cycle
		case 13:
			if len(e.Edges) > 0 {
				k := r.IntN(len(e.Edges))
				e.Edges = slices.Delete(e.Edges, k, k+1)
			}
		case 14:
			nd.ParentID = []string{"", e.Nodes[r.IntN(n)].ID, "gone"}[r.IntN(3)]
		default:
			switch r.IntN(5) {
			case 0:
				e.Inputs = append(e.Inputs, InputDecl{Name: "z", Type: TypeNumber})
			case 1:
				if len(e.Inputs) > 0 {
					e.Inputs = e.Inputs[1:]
				}
			case 2:
				if len(e.Inputs) > 0 {
					e.Inputs[0].Type = []string{TypeString, "nope"}[r.IntN(2)]
				}
			case 3:
				e.Inputs = append(e.Inputs, InputDecl{Name: []string{"", "bad name", "x"}[r.IntN(3)], Type: TypeString})
			default:
				if len(e.Inputs) > 0 {
					e.Inputs[len(e.Inputs)-1].Default = []any{nil, "v", 2.0, 1.5}[r.IntN(4)]
				}
			}
		}
	}
	return e
}

// draftResolver gives subworkflow nodes pinning w1 a type with handles in and out, and those
// pinning another workflow a problem, as the service's resolver does with versions.
func draftResolver(n Node, t *NodeType) (*NodeType, []Problem) {
	if n.Params["workflow"] == "w1" {
		rt := *t
		rt.Title = "w1 v1"
		rt.Inputs = []Handle{{Name: "in", Type: TypeString}}
		rt.Outputs = []Handle{{Name: "out", Type: TypeNumber}}
		return &rt, nil
	}
	return nil, []Problem{{NodeID: n.ID, Param: "workflow", Message: "subworkflow does not exist"}}
}

// TestPropertyDraftFromBase: a draft hashed and validated from the pieces of the version it
// was edited from (hashFrom, checkFrom) has the content hash of the whole draft (ContentHash)
// and exactly its problems (ValidateGraph, or validateGraph with a subworkflow resolver), in
// the same order, on thousands of random graphs, each edited a few times in a row as an
// editor does (each draft the base of the next, kept as valid when it was), bases valid or
// not. Enough drafts take each way (the fast one, the known params', the whole) that each is
// what is tested.
func TestPropertyDraftFromBase(t *testing.T) {
	reg := draftRegistry(t)
	r := rand.New(rand.NewPCG(11, 7))
	var fast, known, reused, edgesReused, valid int
	for round := range 3000 {
		g := draftGraph(r, round%4 == 0)
		var sub subflowResolver
		if round%3 == 0 {
			sub = draftResolver
		}
		base, _ := checkDraft(t, reg, sub, g, nil, round, -1)
		for step := range 4 {
			g = draftEdit(r, g)
			var d *draftDiff
			base, d = checkDraft(t, reg, sub, g, base, round, step)
			switch {
			case d.fast():
				fast++
			case d.base.valid && d.cover:
				known++
			}
			for i := range d.same {
				if d.same[i] == nodeSame {
					reused++
				}
			}
			if d.edges {
				edgesReused++
			}
			if base.valid {
				valid++
			}
			if r.IntN(4) == 0 {
				changeInPlace(r, g)
			}
		}
	}
	t.Logf("valid drafts: %d, fast: %d, known params: %d, nodes' text reused: %d, edges' text reused: %d", valid, fast, known, reused, edgesReused)
	if fast < 1000 || known < 1000 || reused < 10000 || edgesReused < 1000 {
		t.Errorf("too few drafts took the ways from a base (fast %d, known %d, nodes %d, edges %d)", fast, known, reused, edgesReused)
	}
}

// changeInPlace changes a param and a position of g in place, as a caller may change a graph
// it gave (a base's graph must not change with it).
func changeInPlace(r *rand.Rand, g Graph) {
	if len(g.Nodes) == 0 {
		return
	}
	n := g.Nodes[r.IntN(len(g.Nodes))]
	for k := range n.Params {
		n.Params[k] = fmt.Sprint("changed ", r.IntN(1000))
		break
	}
	if n.Position != nil {
		n.Position.X++
	}
}

// checkDraft checks draft g, normalized, validated and hashed from base (nil: none), against
// the whole computation and returns its pieces as the next draft's base, and how it differs
// from base.
func checkDraft(t *testing.T, reg *Registry, sub subflowResolver, g Graph, base *draftBase, round, step int) (*draftBase, *draftDiff) {
	t.Helper()
	n, d, owned := normalizeFrom(g, base, true)
	if !owned {
		t.Fatalf("round %d step %d: the normalized graph shares values with the draft", round, step)
	}
	if want := NormalizeGraph(g); !reflect.DeepEqual(n, want) {
		t.Fatalf("round %d step %d: normalized from the base\n%+v\nwhole\n%+v", round, step, n, want)
	}
	pieces, hash := hashFrom(g, n, d)
	if want := ContentHash(g); hash != want {
		t.Fatalf("round %d step %d: hash from the base %s, whole %s\ngraph %+v", round, step, hash, want, g)
	}
	if pieces == nil {
		t.Fatalf("round %d step %d: no pieces made", round, step)
	}
	want := validateGraph(reg, n, sub)
	c := checkFrom(reg, n, sub, nil, d)
	if !reflect.DeepEqual(c.err, want) {
		t.Fatalf("round %d step %d: problems from the base\n%v\nwhole\n%v\ngraph %+v", round, step, c.err, want, g)
	}
	if want == nil && c.subflows != hasSubflow(reg, n) {
		t.Fatalf("round %d step %d: subflows %v", round, step, c.subflows)
	}
	var stop atomic.Bool
	stop.Store(true)
	if err := checkFrom(reg, n, sub, &stop, d).err; !errors.Is(err, errGivenUp) {
		t.Fatalf("round %d step %d: told to stop, it gave %v", round, step, err)
	}
	pieces.id, pieces.workflowID = fmt.Sprint("v", round, step), "w"
	pieces.valid, pieces.subflows = c.err == nil, c.subflows
	return pieces, d
}

// TestPropertyDraftHashOddValues: a draft's hash from its base is the whole draft's when its
// strings and values are ones the fast encoding refuses (escapes, HTML characters, invalid
// UTF-8, exponent floats, other Go types, NaN, which no encoding takes), node by node.
func TestPropertyDraftHashOddValues(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 17))
	for round := range 2000 {
		g := jsonGraph(r, round%3 == 0)
		n, _, owned := normalizeFrom(g, nil, true)
		base, _ := hashFrom(g, n, nil)
		if !owned {
			base = nil
		}
		for step := range 3 {
			e := Graph{Inputs: slices.Clone(g.Inputs), Nodes: slices.Clone(g.Nodes), Edges: slices.Clone(g.Edges)}
			other := jsonGraph(r, false)
			for i := range e.Nodes {
				if r.IntN(3) == 0 && len(other.Nodes) > 0 {
					e.Nodes[i] = other.Nodes[r.IntN(len(other.Nodes))]
				}
			}
			if r.IntN(4) == 0 {
				e.Edges = other.Edges
			}
			if r.IntN(5) == 0 {
				e.Inputs = other.Inputs
			}
			if r.IntN(10) == 0 && len(e.Nodes) > 0 {
				e.Nodes[0].Params = map[string]any{"nan": math.NaN()}
			}
			n, d, owned := normalizeFrom(e, base, true)
			pieces, hash := hashFrom(e, n, d)
			if want := ContentHash(e); hash != want {
				t.Fatalf("round %d step %d: hash from the base %s, whole %s\ngraph %#v", round, step, hash, want, e)
			}
			if pieces != nil && owned {
				base = pieces
			}
			g = e
		}
	}
}

// FuzzDraftFromBase runs TestPropertyDraftFromBase's check from the seeds the fuzzer picks.
func FuzzDraftFromBase(f *testing.F) {
	f.Add(uint64(1), uint64(2), false)
	f.Add(uint64(7), uint64(9), true)
	reg := draftRegistry(f)
	f.Fuzz(func(t *testing.T, a, b uint64, bad bool) {
		r := rand.New(rand.NewPCG(a, b))
		g := draftGraph(r, bad)
		var sub subflowResolver
		if a%2 == 0 {
			sub = draftResolver
		}
		base, _ := checkDraft(t, reg, sub, g, nil, 0, -1)
		for step := range 3 {
			g = draftEdit(r, g)
			base, _ = checkDraft(t, reg, sub, g, base, 0, step)
		}
	})
}

// TestPropertyDraftHashLarge: on graphs large enough that their hash is summed from a kept
// state of their base's (sumFrom), the hash from the base is the whole draft's, whatever
// node is edited (the first, one in the middle, the last, a few), added or removed, and when
// the edges change.
func TestPropertyDraftHashLarge(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 5))
	g := Graph{}
	for i := range 3000 {
		g.Nodes = append(g.Nodes, Node{ID: fmt.Sprintf("n%d", i), Type: "t.any", Params: map[string]any{"expr": "a + 1"}})
		if i > 0 {
			g.Edges = append(g.Edges, Edge{Source: fmt.Sprintf("n%d", i-1), SourceHandle: "result", Target: fmt.Sprintf("n%d", i), TargetHandle: "a"})
		}
	}
	n, _, _ := normalizeFrom(g, nil, true)
	base, _ := hashFrom(g, n, nil)
	resumed := 0
	for round := range 300 {
		e := Graph{Nodes: slices.Clone(g.Nodes), Edges: slices.Clone(g.Edges)}
		for range 1 + r.IntN(3) {
			i := []int{0, len(e.Nodes) - 1, r.IntN(len(e.Nodes))}[r.IntN(3)]
			switch r.IntN(6) {
			case 0:
				e.Nodes = slices.Insert(e.Nodes, i, Node{ID: fmt.Sprint("m", round), Type: "t.any"})
			case 1:
				if len(e.Nodes) > 100 {
					e.Nodes = slices.Delete(e.Nodes, i, i+1)
				}
			case 2:
				e.Edges[r.IntN(len(e.Edges))].TargetHandle = "b"
			default:
				e.Nodes[i].Params = map[string]any{"expr": fmt.Sprint("a + ", round)}
			}
		}
		n, d, _ := normalizeFrom(e, base, true)
		if d.same[0] == nodeSame && len(base.marks) > 0 {
			resumed++
		}
		pieces, hash := hashFrom(e, n, d)
		if want := ContentHash(e); hash != want {
			t.Fatalf("round %d: hash from the base %s, whole %s", round, hash, want)
		}
		if len(pieces.marks) != (len(pieces.text)-1)/markEvery {
			t.Fatalf("round %d: %d states kept for %d bytes", round, len(pieces.marks), len(pieces.text))
		}
		base, g = pieces, e
	}
	if resumed < 100 {
		t.Errorf("only %d drafts summed from a kept state", resumed)
	}
}

// TestSharedPrefix: sharedPrefix is the length of the longest shared prefix, wherever the
// first difference is (in a block, at its last byte, past the shorter text).
func TestSharedPrefix(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	for round := range 2000 {
		a := make([]byte, r.IntN(20000))
		b := slices.Clone(a)
		if r.IntN(3) > 0 {
			b = b[:r.IntN(len(b)+1)]
		}
		if len(b) > 0 && r.IntN(4) > 0 {
			at := []int{r.IntN(len(b)), len(b) - 1, min(len(b)-1, 4<<10-1), min(len(b)-1, 8<<10)}[r.IntN(4)]
			b[at] = 1
		}
		want := 0
		for want < min(len(a), len(b)) && a[want] == b[want] {
			want++
		}
		if got := sharedPrefix(a, b); got != want {
			t.Fatalf("round %d: sharedPrefix = %d, want %d", round, got, want)
		}
	}
}
