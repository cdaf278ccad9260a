package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// graphStrings and graphValues are what jsonGraph draws from: plain ones and every kind
// the fast paths must refuse or get right (escapes, HTML characters, non-ASCII, invalid
// UTF-8, whole and exponent floats, other Go types, nil and empty maps and lists).
var graphStrings = []string{"", "a", "n1", "result", "a + 1", "x<y", "a&b", "é", "\u2028", "q\"", "b\\s", "tab\t", "\xff", "{{w}}"}

func graphValue(rng *rand.Rand, depth int) any {
	switch rng.IntN(22) {
	case 0:
		return nil
	case 1:
		return rng.IntN(2) == 0
	case 2:
		return int64(rng.IntN(2000) - 1000)
	case 3:
		return int64(math.MaxInt64)
	case 4:
		return 3 // an int: read back as int64
	case 5:
		return float64(rng.IntN(100)) + 0.5
	case 6:
		return 2.0 // whole: read back as int64
	case 7:
		return math.Copysign(0, -1)
	case 8:
		return []float64{1e21, 1e-7, 1.5e-9, 123456789.125}[rng.IntN(4)]
	case 9:
		return float32(1.5)
	case 10:
		return map[string]any{}
	case 11:
		return map[string]any(nil)
	case 12:
		return []any{}
	case 13:
		return []any(nil)
	case 14:
		return []string{"typed"}
	case 15, 16:
		if depth < 3 {
			m := map[string]any{}
			for range rng.IntN(4) {
				m[graphStrings[rng.IntN(len(graphStrings))]] = graphValue(rng, depth+1)
			}
			return m
		}
		return "deep"
	case 17:
		if depth < 3 {
			l := []any{}
			for range rng.IntN(4) {
				l = append(l, graphValue(rng, depth+1))
			}
			return l
		}
		return int64(1)
	default:
		return graphStrings[rng.IntN(len(graphStrings))]
	}
}

// jsonGraph is a graph of a few nodes and edges; plain makes every string and value one
// the fast paths take.
func jsonGraph(rng *rand.Rand, plain bool) Graph {
	str := func() string {
		if plain {
			return []string{"", "a", "n1", "result", "a + 1", "{{w}}"}[rng.IntN(6)]
		}
		return graphStrings[rng.IntN(len(graphStrings))]
	}
	val := func() any {
		if plain {
			return []any{int64(rng.IntN(9)), 0.25, "a + 1", true, nil, []any{"x", int64(2)}, map[string]any{"k": 1.5}}[rng.IntN(7)]
		}
		return graphValue(rng, 1)
	}
	var g Graph
	if k := rng.IntN(4); k > 0 {
		g.Inputs = make([]InputDecl, k-1)
		for i := range g.Inputs {
			g.Inputs[i] = InputDecl{Name: str(), Type: str(), Description: str(), Required: rng.IntN(2) == 0}
			if rng.IntN(2) == 0 {
				g.Inputs[i].Default = val()
			}
		}
	}
	if k := rng.IntN(8); k > 0 {
		g.Nodes = make([]Node, k-1)
		for i := range g.Nodes {
			n := Node{ID: str(), Type: str(), Label: str(), ParentID: str()}
			switch rng.IntN(4) {
			case 0:
			case 1:
				n.Params = map[string]any{}
			default:
				n.Params = map[string]any{}
				for range 1 + rng.IntN(3) {
					n.Params[str()] = val()
				}
			}
			if rng.IntN(2) == 0 {
				n.Position = &Position{X: float64(rng.IntN(1000)) - 500.5, Y: []float64{0, 1e-9, 2e21, -3, 0.1}[rng.IntN(5)]}
			}
			g.Nodes[i] = n
		}
	}
	if k := rng.IntN(8); k > 0 {
		g.Edges = make([]Edge, k-1)
		for i := range g.Edges {
			g.Edges[i] = Edge{ID: str(), Source: str(), SourceHandle: str(), Target: str(), TargetHandle: str()}
		}
	}
	return g
}

// TestPropertyGraphJSON: a graph's JSON written without reflection (appendGraph, what
// ContentHash and the store's encode take when they can) is byte for byte canonicalJSON's
// (content hashes stay as they were) and json.Marshal's (stored text stays as it was).
func TestPropertyGraphJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 19))
	fast := 0
	for round := range 3000 {
		g := jsonGraph(rng, round%2 == 0)
		checkGraphJSON(t, g, &fast)
	}
	if fast < 800 {
		t.Errorf("only %d graphs took the fast path", fast)
	}
}

func checkGraphJSON(t *testing.T, g Graph, fast *int) {
	t.Helper()
	canon, cerr := canonicalJSON(g)
	if b, ok := appendGraph(nil, g, false); ok {
		*fast++
		if cerr != nil || string(b) != string(canon) {
			t.Fatalf("appendGraph(%#v) = %s, canonicalJSON gives %s (%v)", g, b, canon, cerr)
		}
	}
	if b, ok := AppendMarshalJSON(nil, g); ok {
		want, err := json.Marshal(g)
		if err != nil || string(b) != string(want) {
			t.Fatalf("AppendMarshalJSON(%#v) = %s, json.Marshal gives %s (%v)", g, b, want, err)
		}
	}
}

// TestPropertyStoredGraphIsDecoded: the graph StoredGraph keeps in place of decoding the
// stored text is the graph DecodeGraph reads from that text, and shares nothing with the
// graph it was made from; ReadsBack says whether it keeps one.
func TestPropertyStoredGraphIsDecoded(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 29))
	kept := 0
	for round := range 3000 {
		g := jsonGraph(rng, round%2 == 0)
		checkStoredGraph(t, g, &kept)
	}
	if kept < 1000 {
		t.Errorf("only %d graphs were kept without decoding", kept)
	}
}

func checkStoredGraph(t *testing.T, g Graph, kept *int) {
	t.Helper()
	text, err := json.Marshal(g)
	if err != nil {
		if _, ok := StoredGraph(g); ok {
			t.Fatalf("StoredGraph kept %#v, which does not encode: %v", g, err)
		}
		return
	}
	s, ok := StoredGraph(g)
	if ReadsBack(g) != ok {
		t.Fatalf("ReadsBack(%#v) = %v, StoredGraph keeps it: %v", g, !ok, ok)
	}
	if !ok {
		return
	}
	*kept++
	var read Graph
	if err := DecodeGraph(text, &read); err != nil {
		t.Fatalf("decoding %s: %v", text, err)
	}
	if !reflect.DeepEqual(s, read) {
		t.Fatalf("StoredGraph(%#v) = %#v, the text %s decodes as %#v", g, s, text, read)
	}
	for i := range s.Nodes {
		if s.Nodes[i].Params != nil {
			s.Nodes[i].Params["added"] = int64(1)
		}
		if s.Nodes[i].Position != nil {
			s.Nodes[i].Position.X = 12345.5
		}
	}
	for i := range s.Inputs {
		if m, ok := s.Inputs[i].Default.(map[string]any); ok {
			m["added"] = int64(1)
		}
	}
	if after, _ := json.Marshal(g); string(after) != string(text) {
		t.Fatalf("changing the kept graph changed the one it was made from: %s, was %s", after, text)
	}
}

// FuzzGraphJSON: appendGraph never disagrees with canonicalJSON or json.Marshal, and a graph
// StoredGraph keeps is the one its text decodes as.
func FuzzGraphJSON(f *testing.F) {
	f.Add("n1", "a + 1", 1.5, int64(3), 0.5)
	f.Add("<\u2028\"", "\xff", 2.0, int64(-1), 1e-9)
	f.Fuzz(func(t *testing.T, id, s string, x float64, n int64, y float64) {
		if math.IsNaN(x) || math.IsInf(x, 0) || math.IsNaN(y) || math.IsInf(y, 0) {
			return
		}
		g := Graph{Inputs: []InputDecl{{Name: s, Type: id, Default: x}},
			Nodes: []Node{{ID: id, Type: s, Label: s, Params: map[string]any{s: []any{s, x, n, nil, map[string]any{id: y}}, "x": x}, Position: &Position{X: x, Y: y}}},
			Edges: []Edge{{ID: s, Source: id, SourceHandle: s, Target: id, TargetHandle: s}}}
		var fast, kept int
		checkGraphJSON(t, g, &fast)
		checkStoredGraph(t, g, &kept)
	})
}

// TestPropertyNormalizedHash: a content hash is what it was first made as (the normalized
// graph, its edges stably sorted by their joined ends with ids cleared, hashed from
// canonicalJSON), whether the graph's JSON takes the fast path and the edges the unstable
// sort or not; and normalizing a normalized graph again changes not its hash
// (normalizedHash, which callers that normalized already use).
func TestPropertyNormalizedHash(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 31))
	for round := range 2000 {
		g := jsonGraph(rng, round%2 == 0)
		for i := range g.Edges { // duplicate ends, with their own ids
			if rng.IntN(3) == 0 {
				g.Edges = append(g.Edges, g.Edges[i])
				g.Edges[len(g.Edges)-1].ID = "dup"
			}
		}
		n := NormalizeGraph(g)
		ref := NormalizeGraph(g)
		ref.Edges = append([]Edge{}, ref.Edges...)
		sortEdgesJoined(ref.Edges)
		for i := range ref.Edges {
			ref.Edges[i].ID = ""
		}
		text, err := canonicalJSON(ref)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(text)
		want := hex.EncodeToString(sum[:16])
		if got := ContentHash(g); got != want {
			t.Fatalf("round %d: ContentHash = %s, made as first: %s (%s)", round, got, want, text)
		}
		if got := normalizedHash(n); got != want {
			t.Fatalf("round %d: normalizedHash of the normalized graph = %s, want %s", round, got, want)
		}
		if got := normalizedHash(NormalizeGraph(n)); got != want {
			t.Fatalf("round %d: normalizing twice changed the hash: %s, want %s", round, got, want)
		}
	}
}
