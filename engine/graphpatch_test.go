package engine_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// diffGraphs is the reference patch of edited against base (both with unique node ids): the
// nodes that differ whole, the removed ids, the order when the default one is not edited's, and
// the edges as spans of base's wherever edited has them in a row.
func diffGraphs(baseID string, base, edited engine.Graph) engine.GraphPatch {
	p := engine.GraphPatch{BaseVersionID: baseID}
	if !reflect.DeepEqual(base.Inputs, edited.Inputs) {
		p.Inputs = append([]engine.InputDecl{}, edited.Inputs...)
	}
	byID := map[string]engine.Node{}
	for _, n := range base.Nodes {
		byID[n.ID] = n
	}
	kept := map[string]bool{}
	for _, n := range edited.Nodes {
		b, ok := byID[n.ID]
		switch {
		case !ok:
			p.Added = append(p.Added, n)
		case !reflect.DeepEqual(b, n):
			p.Changed = append(p.Changed, n)
		}
		kept[n.ID] = true
	}
	var order []string
	for _, n := range base.Nodes {
		if !kept[n.ID] {
			p.Removed = append(p.Removed, n.ID)
		} else {
			order = append(order, n.ID)
		}
	}
	for _, n := range p.Added {
		order = append(order, n.ID)
	}
	var got []string
	for _, n := range edited.Nodes {
		got = append(got, n.ID)
	}
	if !slices.Equal(order, got) {
		p.Order = got
	}
	if !reflect.DeepEqual(base.Edges, edited.Edges) {
		p.Edges = edgeSpans(base.Edges, edited.Edges)
	}
	return p
}

// edgeSpans matches each edge of edited to an unused equal edge of base, the one after the
// previous match first, and makes spans of the runs.
func edgeSpans(base, edited []engine.Edge) []engine.EdgeSpan {
	used := make([]bool, len(base))
	spans := []engine.EdgeSpan{{}}
	next := -1
	for _, e := range edited {
		at := -1
		if next >= 0 && next < len(base) && !used[next] && base[next] == e {
			at = next
		} else {
			for i := range base {
				if !used[i] && base[i] == e {
					at = i
					break
				}
			}
		}
		cur := &spans[len(spans)-1]
		switch {
		case at < 0:
			cur.Edges = append(cur.Edges, e)
		case at == cur.To && len(cur.Edges) == 0:
			cur.To++
		default:
			spans = append(spans, engine.EdgeSpan{From: at, To: at + 1})
		}
		if at >= 0 {
			used[at] = true
			next = at + 1
		}
	}
	return spans
}

// randomGraph is a graph of n nodes of a few types, params and positions, some in a group,
// with edges between them in a random order.
func randomGraph(r *rand.Rand, n int) engine.Graph {
	g := engine.Graph{Inputs: []engine.InputDecl{{Name: "x", Type: engine.TypeInteger}}, Nodes: []engine.Node{}, Edges: []engine.Edge{}}
	for i := range n {
		g.Nodes = append(g.Nodes, randomNode(r, fmt.Sprintf("n%d", i), i))
	}
	for range n + r.IntN(n+1) {
		a, b := r.IntN(n), r.IntN(n)
		g.Edges = append(g.Edges, randomEdge(r, g.Nodes[a].ID, g.Nodes[b].ID))
	}
	return g
}

func randomNode(r *rand.Rand, id string, i int) engine.Node {
	n := engine.Node{ID: id, Type: []string{"t.add", "t.text", "t.const"}[r.IntN(3)], Position: &engine.Position{X: float64(i * 200), Y: float64(r.IntN(5) * 100)}}
	if r.IntN(4) > 0 {
		n.Params = map[string]any{"k": int64(r.IntN(10)), "text": fmt.Sprintf("t%d", r.IntN(100))}
	}
	if r.IntN(6) == 0 {
		n.Label = "label " + id
	}
	if r.IntN(8) == 0 {
		n.ParentID = "group"
	}
	return n
}

func randomEdge(r *rand.Rand, src, dst string) engine.Edge {
	e := engine.Edge{Source: src, SourceHandle: "out", Target: dst, TargetHandle: []string{"a", "b"}[r.IntN(2)]}
	if r.IntN(3) == 0 {
		e.ID = fmt.Sprintf("e-%s-%s-%d", src, dst, r.IntN(1000))
	}
	return e
}

// randomEdit is one of the editor's edits of g, made on copies: g is a version, shared.
func randomEdit(r *rand.Rand, g engine.Graph, fresh *int) engine.Graph {
	g = engine.Graph{Inputs: slices.Clone(g.Inputs), Nodes: slices.Clone(g.Nodes), Edges: slices.Clone(g.Edges)}
	pick := func() int { return r.IntN(len(g.Nodes)) }
	switch r.IntN(10) {
	case 0: // move
		if len(g.Nodes) > 0 {
			i := pick()
			g.Nodes[i].Position = &engine.Position{X: float64(r.IntN(5000)), Y: float64(r.IntN(5000))}
		}
	case 1: // a param
		if len(g.Nodes) > 0 {
			i := pick()
			params := map[string]any{}
			for k, v := range g.Nodes[i].Params {
				params[k] = v
			}
			params["k"] = int64(r.IntN(1000))
			g.Nodes[i].Params = params
		}
	case 2: // add, at the end or (pasted into a group) before others
		*fresh++
		n := randomNode(r, fmt.Sprintf("new%d", *fresh), len(g.Nodes))
		at := len(g.Nodes)
		if r.IntN(3) == 0 {
			at = r.IntN(len(g.Nodes) + 1)
		}
		g.Nodes = slices.Insert(g.Nodes, at, n)
	case 3: // delete a node and its edges
		if len(g.Nodes) > 0 {
			i := pick()
			id := g.Nodes[i].ID
			g.Nodes = slices.Delete(g.Nodes, i, i+1)
			g.Edges = slices.DeleteFunc(g.Edges, func(e engine.Edge) bool { return e.Source == id || e.Target == id })
		}
	case 4: // connect
		if len(g.Nodes) > 0 {
			g.Edges = append(g.Edges, randomEdge(r, g.Nodes[pick()].ID, g.Nodes[pick()].ID))
		}
	case 5: // disconnect
		if len(g.Edges) > 0 {
			i := r.IntN(len(g.Edges))
			g.Edges = slices.Delete(g.Edges, i, i+1)
		}
	case 6: // group: a node into a group, moved before it
		if len(g.Nodes) > 1 {
			i := pick()
			n := g.Nodes[i]
			n.ParentID = "group"
			g.Nodes = slices.Delete(g.Nodes, i, i+1)
			g.Nodes = slices.Insert(g.Nodes, r.IntN(len(g.Nodes)+1), n)
		}
	case 7: // rename a node in place, its edges with it
		if len(g.Nodes) > 0 {
			i := pick()
			*fresh++
			old, id := g.Nodes[i].ID, fmt.Sprintf("renamed%d", *fresh)
			g.Nodes[i].ID = id
			for k := range g.Edges {
				if g.Edges[k].Source == old {
					g.Edges[k].Source = id
				}
				if g.Edges[k].Target == old {
					g.Edges[k].Target = id
				}
			}
		}
	case 8: // inputs
		if r.IntN(2) == 0 {
			g.Inputs = append(g.Inputs, engine.InputDecl{Name: fmt.Sprintf("in%d", r.IntN(100)), Type: engine.TypeString})
		} else {
			g.Inputs = []engine.InputDecl{}
		}
	case 9: // reorder edges (an undo restores an older list)
		r.Shuffle(len(g.Edges), func(i, j int) { g.Edges[i], g.Edges[j] = g.Edges[j], g.Edges[i] })
	}
	return g
}

// TestPropertyApplyGraphPatch: for random graphs and random runs of edits (moves, params,
// additions, deletions, connections, groups, renames, inputs, reorders, and an undo back to the
// base), applying the reference patch to the base gives the edited graph exactly, and the base
// is left as it was.
func TestPropertyApplyGraphPatch(t *testing.T) {
	t.Parallel()
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 15))
		base := randomGraph(r, 1+r.IntN(30))
		kept := engine.Graph{Inputs: slices.Clone(base.Inputs), Nodes: slices.Clone(base.Nodes), Edges: slices.Clone(base.Edges)}
		edited, fresh := base, 0
		for range r.IntN(8) {
			edited = randomEdit(r, edited, &fresh)
		}
		if r.IntN(10) == 0 {
			edited = base // undone back to the base: an empty patch
		}
		p := diffGraphs("v1", base, edited)
		got, err := engine.ApplyGraphPatch(base, p)
		if err != nil {
			t.Fatalf("seed %d: %v (patch %+v)", seed, err, p)
		}
		if !reflect.DeepEqual(got, edited) {
			t.Fatalf("seed %d: applied\n%+v\nwant\n%+v\npatch %+v", seed, got, edited, p)
		}
		if !reflect.DeepEqual(base, kept) {
			t.Fatalf("seed %d: applying changed the base", seed)
		}
		if engine.ContentHash(got) != engine.ContentHash(edited) {
			t.Fatalf("seed %d: hashes differ", seed)
		}
		// appending to the result's lists must not write into the base's
		got.Edges = append(got.Edges, engine.Edge{Source: "x"})
		got.Inputs = append(got.Inputs, engine.InputDecl{Name: "x"})
		if !reflect.DeepEqual(base, kept) {
			t.Fatalf("seed %d: appending to the result changed the base", seed)
		}
	}
}

// TestApplyGraphPatchRefusesPatchesThatDoNotFit: each bad patch is an Invalid error whose
// problem names the node it is about, and says what is wrong.
func TestApplyGraphPatchRefusesPatchesThatDoNotFit(t *testing.T) {
	t.Parallel()
	base := engine.Graph{Inputs: []engine.InputDecl{}, Nodes: []engine.Node{{ID: "a", Type: "t.add"}, {ID: "b", Type: "t.add"}},
		Edges: []engine.Edge{{Source: "a", SourceHandle: "out", Target: "b", TargetHandle: "a"}}}
	node := func(id string) engine.Node { return engine.Node{ID: id, Type: "t.text"} }
	cases := []struct {
		name   string
		p      engine.GraphPatch
		nodeID string
		says   string
	}{
		{"remove unknown", engine.GraphPatch{Removed: []string{"zz"}}, "zz", "removes"},
		{"change unknown", engine.GraphPatch{Changed: []engine.Node{node("zz")}}, "zz", "changes"},
		{"add existing", engine.GraphPatch{Added: []engine.Node{node("b")}}, "b", "has"},
		{"remove twice", engine.GraphPatch{Removed: []string{"a", "a"}}, "a", "twice"},
		{"change and remove", engine.GraphPatch{Changed: []engine.Node{node("a")}, Removed: []string{"a"}}, "a", "twice"},
		{"add twice", engine.GraphPatch{Added: []engine.Node{node("c"), node("c")}}, "c", "twice"},
		{"no id", engine.GraphPatch{Added: []engine.Node{node("")}}, "", "no id"},
		{"order unknown", engine.GraphPatch{Order: []string{"a", "zz"}}, "zz", "order"},
		{"order twice", engine.GraphPatch{Order: []string{"a", "a", "b"}}, "a", "twice"},
		{"order short", engine.GraphPatch{Order: []string{"b"}}, "a", "leaves out"},
		{"edges outside", engine.GraphPatch{Edges: []engine.EdgeSpan{{From: 0, To: 2}}}, "", "outside"},
		{"edges backwards", engine.GraphPatch{Edges: []engine.EdgeSpan{{From: 1, To: 0}}}, "", "outside"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := engine.ApplyGraphPatch(base, c.p)
			var ve *engine.ValidationError
			if !errors.Is(err, engine.ErrInvalid) || !errors.As(err, &ve) {
				t.Fatalf("got %v, want an Invalid error", err)
			}
			if ve.Problems[0].NodeID != c.nodeID || !strings.Contains(err.Error(), c.says) ||
				(c.nodeID != "" && !strings.Contains(err.Error(), fmt.Sprintf("%q", c.nodeID))) {
				t.Errorf("got %q (node %q), want one naming %q that says %q", err, ve.Problems[0].NodeID, c.nodeID, c.says)
			}
		})
	}
}

// TestEditorPatchesApply: the patches the editor makes of its edits (written by
// frontend/src/lib/patch.test.ts), applied to their base as the window's binding decodes them,
// are exactly the whole graphs the editor would have sent, and hash as those do.
func TestEditorPatchesApply(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "graphpatch", "editor-patches.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Base  engine.Graph `json:"base"`
		Cases []struct {
			Name  string             `json:"name"`
			Patch *engine.GraphPatch `json:"patch"`
			Graph engine.Graph       `json:"graph"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Cases) < 10 {
		t.Fatalf("%d cases in the fixture, want the editor's edits", len(f.Cases))
	}
	for _, c := range f.Cases {
		got := f.Base
		if c.Patch != nil {
			if got, err = engine.ApplyGraphPatch(f.Base, *c.Patch); err != nil {
				t.Errorf("%s: %v", c.Name, err)
				continue
			}
		}
		if !reflect.DeepEqual(got, c.Graph) {
			t.Errorf("%s: applied\n%+v\nwant\n%+v", c.Name, got, c.Graph)
		}
		if engine.ContentHash(got) != engine.ContentHash(c.Graph) {
			t.Errorf("%s: the applied graph hashes differently", c.Name)
		}
	}
}
