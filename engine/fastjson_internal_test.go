package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// sameAsSlow decodes text into a fresh T by UnmarshalJSON (the fast reader when it can) and
// by encoding/json alone, and fails unless both give the same value and the same error.
func sameAsSlow[T any](t *testing.T, text string, decode func([]byte, *T) error) {
	t.Helper()
	var fast, slow T
	errFast := decode([]byte(text), &fast)
	errSlow := unmarshalJSONSlow([]byte(text), &slow)
	// Both refuse or both accept. A syntax error is worded the same; of two numbers out of
	// range in one object, encoding/json's reading names either (map order), so the
	// wording of such errors is not compared.
	var synFast, synSlow *json.SyntaxError
	if (errFast == nil) != (errSlow == nil) || errors.As(errFast, &synFast) != errors.As(errSlow, &synSlow) ||
		synSlow != nil && errFast.Error() != errSlow.Error() {
		t.Errorf("%.200s\nerror %v, encoding/json says %v", text, errFast, errSlow)
		return
	}
	if errSlow == nil && !reflect.DeepEqual(fast, slow) {
		t.Errorf("%.200s\n got %#v\nwant %#v", text, fast, slow)
	}
}

// Texts where a reader could differ from encoding/json: each must decode (or fail) the same.
var fastJSONCases = []string{
	`{}`, `{"a":1}`, `{"a":-0}`, `{"a":1.5,"b":1e3,"c":-2.5E-3,"d":0.0}`,
	`{"big":9223372036854775807,"bigger":9223372036854775808,"huge":1e400,"f":1.0}`,
	`{"n":100000000000000000000}`, `{"s":"a\"b\\n\u00e9\ud83d\ude00"}`, "{\"bad\":\"\xff\xfe\"}",
	"{\"k\xff\":1}", `{"a":1,"a":{"b":2}}`, `{"a":{"b":2},"a":{"c":3}}`, `{"l":[],"m":{},"x":null,"t":true,"f":false}`,
	`{"l":[1,[2,[3,{"z":[]}]],"s",null,true]}`, ` { "a" : [ 1 , 2 ] } `, "{\"a\":\n1\r\n}\t",
	`{"a":01}`, `{"a":1.}`, `{"a":.5}`, `{"a":+1}`, `{"a":1e}`, `{"a":-}`, `{"a":1,}`, `{"a" 1}`,
	`{a:1}`, `{null:1}`, `{"a":tru}`, `{"a":nul}`, `{"a":"x}`, "{\"a\":\"\x01\"}", `{"a":1}x`, `{"a":1}{}`,
	`{"a":[1,]}`, `{"a":[,1]}`, `{"a":NaN}`, `{"a":Infinity}`, `[1,2]`, `"s"`, `12`, `null`, `true`, ``, ` `,
	`{"a":` + strings.Repeat("[", 300) + strings.Repeat("]", 300) + `}`,
	`{"a":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`,
}

func TestFastJSONValuesAsEncodingJSON(t *testing.T) {
	for _, text := range fastJSONCases {
		sameAsSlow(t, text, func(b []byte, m *map[string]any) error { return UnmarshalJSON(b, m) })
		sameAsSlow(t, text, func(b []byte, v *any) error { return UnmarshalJSON(b, v) })
	}
	// plain JSON goes the fast way
	for _, text := range []string{`{"result":10001}`, `{"a":[1,"x",{"b":null}],"c":1.5}`} {
		if _, ok := fastAny([]byte(text)); !ok {
			t.Errorf("the fast reader gave up on %s", text)
		}
	}
}

// randomValue is a JSON value as nodes produce them.
func randomValue(r *rand.Rand, depth int) any {
	switch k := r.IntN(9); {
	case k == 0 && depth < 4:
		m := map[string]any{}
		for range r.IntN(4) {
			m[randomString(r)] = randomValue(r, depth+1)
		}
		return m
	case k == 1 && depth < 4:
		l := []any{}
		for range r.IntN(4) {
			l = append(l, randomValue(r, depth+1))
		}
		return l
	case k == 2:
		return r.Int64() - r.Int64()
	case k == 3:
		return r.NormFloat64() * 1e6
	case k == 4:
		return r.IntN(2) == 0
	case k == 5:
		return nil
	default:
		return randomString(r)
	}
}

func randomString(r *rand.Rand) string {
	const alphabet = "ab c\"\\/\n\t\u00e9\u4e16\x01<>&\u2028"
	runes := []rune(alphabet)
	var b strings.Builder
	for range r.IntN(8) {
		b.WriteRune(runes[r.IntN(len(runes))])
	}
	return b.String()
}

func TestFastJSONRandomValuesAsEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 1))
	for range 2000 {
		text, err := json.Marshal(map[string]any{"v": randomValue(r, 0), "w": randomValue(r, 0)})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := fastAny(text); !ok {
			t.Fatalf("the fast reader gave up on %s", text)
		}
		sameAsSlow(t, string(text), func(b []byte, m *map[string]any) error { return UnmarshalJSON(b, m) })
	}
}

// randomGraph is a graph with the parts a stored graph has.
func randomGraph(r *rand.Rand) Graph {
	g := Graph{Inputs: []InputDecl{{Name: "x", Type: TypeInteger, Default: r.Int64N(100)}}}
	for i := range 1 + r.IntN(30) {
		n := Node{ID: fmt.Sprintf("n%d", i), Type: "math.expr", Label: randomString(r)}
		if r.IntN(3) > 0 {
			n.Params = map[string]any{"expression": randomString(r), "v": randomValue(r, 1)}
		}
		if r.IntN(3) > 0 {
			n.Position = &Position{X: r.NormFloat64() * 500, Y: float64(r.IntN(1000))}
		}
		if r.IntN(5) == 0 {
			n.ParentID = "n0"
		}
		g.Nodes = append(g.Nodes, n)
		if i > 0 {
			g.Edges = append(g.Edges, Edge{ID: fmt.Sprint("e", i), Source: fmt.Sprintf("n%d", i-1), SourceHandle: "result", Target: n.ID, TargetHandle: "a"})
		}
	}
	return g
}

func TestFastGraphAsEncodingJSON(t *testing.T) {
	decode := func(b []byte, g *Graph) error { return DecodeGraph(b, g) }
	r := rand.New(rand.NewPCG(15, 2))
	for range 300 {
		text, err := json.Marshal(randomGraph(r))
		if err != nil {
			t.Fatal(err)
		}
		var g Graph
		if !fastGraph(text, &g) {
			t.Fatalf("the fast reader gave up on a stored graph: %s", text)
		}
		sameAsSlow(t, string(text), decode)
	}
	for _, text := range []string{
		`{}`, `{"nodes":[],"edges":[]}`, `{"nodes":null,"edges":null,"inputs":null}`, `{"inputs":[]}`,
		`{"nodes":[null,{"id":"a"}],"edges":[null]}`, `{"nodes":[{"id":"a","params":null,"position":null}]}`,
		`{"nodes":[{"id":"a","params":{},"position":{"x":1,"y":null,"z":3}}]}`,
		`{"nodes":[{"ID":"a"}]}`, `{"Nodes":[]}`, `{"nodes":[{"id":"a","id":"b"}]}`,
		`{"nodes":[{"id":"a","params":{"x":1},"params":{"y":2}}]}`, `{"nodes":[],"nodes":[{"id":"b"}]}`,
		`{"nodes":[{"id":"a","params":[]}]}`, `{"nodes":[{"id":1}]}`, `{"nodes":[{"id":"a","position":{"x":"1"}}]}`,
		`{"nodes":[{"id":"a","position":{"x":1e400}}]}`, `{"nodes":[{"id":"a","extra":{"deep":[1,{"b":2}]}}]}`,
		`{"nodes":[{"id":"a","extra":{"bad" 1}}]}`, `{"nodes":[{"id":"a","params":{"n":9223372036854775808}}]}`,
		`{"inputs":[{"name":"x","type":"integer","default":5}],"nodes":[{"id":"a\u00e9","type":"t\"q"}]}`,
		`{"inputs":[{"name":"x","default":1e999}]}`, `{"edges":[{"source":"a","sourceHandle":"o","target":"b","targetHandle":"i","label":"x"}]}`,
		`{"edges":[{"Source":"a"}]}`, `{"nodes":[]} x`, `[]`, `null`, ``, `{"nodes":{}}`,
	} {
		sameAsSlow(t, text, decode)
	}
}

// FuzzFastJSON: whatever the text, the fast readers decode it (or refuse it) exactly as
// encoding/json does.
func FuzzFastJSON(f *testing.F) {
	for _, text := range fastJSONCases[:len(fastJSONCases)-1] {
		f.Add(text)
	}
	f.Add(`{"nodes":[{"id":"a","type":"math.expr","params":{"expression":"a + 1"},"position":{"x":1,"y":2}}],"edges":[{"source":"a","sourceHandle":"result","target":"b","targetHandle":"a"}]}`)
	f.Fuzz(func(t *testing.T, text string) {
		sameAsSlow(t, text, func(b []byte, m *map[string]any) error { return UnmarshalJSON(b, m) })
		sameAsSlow(t, text, func(b []byte, v *any) error { return UnmarshalJSON(b, v) })
		sameAsSlow(t, text, func(b []byte, g *Graph) error { return DecodeGraph(b, g) })
	})
}

// BenchmarkDecodeGraph10k: a stored 10,000-node chain's graph, as a cold run from a block
// reads it (the fast reader, and encoding/json for comparison).
func BenchmarkDecodeGraph10k(b *testing.B) {
	g := Graph{}
	for i := range 10000 {
		g.Nodes = append(g.Nodes, Node{ID: fmt.Sprintf("n%d", i), Type: "math.expr",
			Params: map[string]any{"expression": "a + 1"}, Position: &Position{X: float64(260 * i)}})
		if i > 0 {
			g.Edges = append(g.Edges, Edge{Source: fmt.Sprintf("n%d", i-1), SourceHandle: "result", Target: g.Nodes[i].ID, TargetHandle: "a"})
		}
	}
	text, err := json.Marshal(g)
	if err != nil {
		b.Fatal(err)
	}
	for _, r := range []struct {
		name   string
		decode func([]byte, *Graph) error
	}{{"fast", DecodeGraph}, {"encoding-json", func(b []byte, g *Graph) error { return unmarshalJSONSlow(b, g) }}} {
		b.Run(r.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var out Graph
				if err := r.decode(text, &out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
