package engine

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestGraphBinAsDecodedText: for random stored graphs and the edge cases of the JSON reader's
// tests, the binary form made from DecodeGraph's graph reads back as exactly that graph (nil
// and empty apart, number types kept); a damaged form is refused and leaves the graph alone.
func TestGraphBinAsDecodedText(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 3))
	var texts [][]byte
	for range 300 {
		text, err := json.Marshal(randomGraph(r))
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, text)
	}
	for _, text := range []string{
		`{}`, `{"nodes":[],"edges":[]}`, `{"nodes":null,"edges":null,"inputs":null}`, `{"inputs":[]}`,
		`{"nodes":[null,{"id":"a"}],"edges":[null]}`, `{"nodes":[{"id":"a","params":null,"position":null}]}`,
		`{"nodes":[{"id":"a","params":{},"position":{"x":1,"y":null,"z":3}}]}`,
		`{"nodes":[{"id":"a","params":{"l":[],"m":{},"n":null,"f":1.5,"i":-7,"big":1e300,"s":"\u00e9\u0000"}}]}`,
		`{"inputs":[{"name":"x","type":"integer","default":5},{"name":"y","default":[1,"a",{"b":null}]},{"name":"z","required":true}]}`,
		`{"nodes":[{"id":"a","position":{"x":-0.0,"y":5e-324}}]}`,
	} {
		texts = append(texts, []byte(text))
	}
	for _, text := range texts {
		var want Graph
		if err := DecodeGraph(text, &want); err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		data, err := EncodeGraphBin(want)
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		var got Graph
		if err := DecodeGraphBin(data, &got); err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: binary gives %#v, want %#v", text, got, want)
		}
		for i, n := range want.Nodes { // DeepEqual takes -0 for 0
			if n.Position != nil && math.Signbit(n.Position.X) != math.Signbit(got.Nodes[i].Position.X) {
				t.Fatalf("%s: the sign of -0 was lost", text)
			}
		}
		// Damaged: a byte changed, cut short, nothing.
		for _, bad := range [][]byte{flip(data, len(data)/2), data[:len(data)-1], data[:5], nil} {
			kept := Graph{Nodes: []Node{{ID: "kept"}}}
			if err := DecodeGraphBin(bad, &kept); err == nil || len(kept.Nodes) != 1 || kept.Nodes[0].ID != "kept" {
				t.Fatalf("%s: a damaged form decoded (%v)", text, err)
			}
		}
	}
	for _, g := range []Graph{
		{Nodes: []Node{{ID: "a", Params: map[string]any{"n": 1}}}},          // an int, not int64
		{Nodes: []Node{{ID: "a", Params: map[string]any{"l": []any(nil)}}}}, // nil list inside
		{Inputs: []InputDecl{{Name: "x", Default: json.Number("1")}}},
	} {
		if _, err := EncodeGraphBin(g); err == nil {
			t.Errorf("%#v has a binary form", g)
		}
	}
}

func flip(b []byte, i int) []byte {
	out := append([]byte(nil), b...)
	out[i] ^= 0x10
	return out
}

// FuzzCacheForms: whatever the bytes of a cache file (a graph form, a version's facts) or a state record (checksum made right,
// so the reader gets past it), reading them never panics; what reads reads back the same
// after writing it again.
func FuzzCacheForms(f *testing.F) {
	g := randomGraph(rand.New(rand.NewPCG(1, 2)))
	if data, err := EncodeGraphBin(g); err == nil {
		f.Add(data[:len(data)-4])
	}
	st := NewCurrentState(3)
	gen := &Generation{ID: "g", NodeID: "a", RunID: "r", VersionID: "v", Status: GenCompleted, ConfigHash: "c", InputFingerprint: "f",
		Outputs: map[string]any{"result": int64(1)}, Seq: 2}
	st.Current["a"], st.Failed["b"] = gen, true
	data := encodeState("w", st)
	f.Add(data[:len(data)-4])
	key := "k"
	v := Version{ID: "v", ContentHash: "h", Graph: Graph{Nodes: []Node{{ID: "a"}, {ID: "b"}, {ID: "c"}},
		Edges: []Edge{{Source: "a", Target: "b"}, {Source: "b", Target: "c"}}}}
	facts := encodeVersionFacts(key, v, versionFacts{static: []string{"a", "", "c"}, paramsOK: true, wiring: wiringOf(v.Graph),
		reads: []flowReads{{}, {names: []string{"x", "y"}}, {all: true}}, src: []int{0, 1}, dst: []int{1, 2}, order: []int{0, 1, 2}})
	f.Add(facts[:len(facts)-4])
	reg := NewRegistry()
	f.Fuzz(func(t *testing.T, body []byte) {
		data := binary.LittleEndian.AppendUint32(append([]byte(nil), body...), crc32.Checksum(body, castagnoli()))
		var g Graph
		if DecodeGraphBin(data, &g) == nil {
			again, err := EncodeGraphBin(g)
			var back Graph
			if err != nil || DecodeGraphBin(again, &back) != nil || !reflect.DeepEqual(back, g) {
				t.Fatalf("a graph read from %q does not read back (%v)", body, err)
			}
		}
		if vf, ok := decodeVersionFacts(string(data), key, v); ok {
			back, ok := decodeVersionFacts(string(encodeVersionFacts(key, v, vf)), key, v)
			if !ok || !reflect.DeepEqual(back, vf) {
				t.Fatalf("facts read from %q do not read back", body)
			}
			newGraphFactsWith(reg, v.Graph, &vf) // taken or refused, never a panic
		}
		if st, err := decodeState(data, "w", nil); err == nil {
			if _, err := decodeState(encodeState("w", st), "w", nil); err != nil {
				t.Fatalf("a state read from %q does not read back", body)
			}
		}
		if st, base, err := decodeStateBase(string(data), "w", nil); err == nil {
			// written again copying its entries from the record it was read from
			again, _ := encodeStateOn("w", st, base)
			back, err := decodeState(again, "w", nil)
			if err != nil || len(back.Current) != len(st.Current) || len(back.Failed) != len(st.Failed) {
				t.Fatalf("a state read from %q does not read back when its entries are copied (%v)", body, err)
			}
		}
	})
}

// TestGraphBinSharesSameParams: nodes whose params are equal (keys in any order) read back
// sharing one map, decoded once; nodes with other params get their own; a graph of mostly
// distinct params (past paramsKeptFreely) still reads back exactly. Each way the graph is the
// one DecodeGraph gives for its text.
func TestGraphBinSharesSameParams(t *testing.T) {
	for _, tc := range []struct {
		name     string
		params   func(i int) map[string]any
		distinct int // maps the decoded graph has
	}{
		{"same", func(int) map[string]any { return map[string]any{"expression": "a + 1"} }, 1},
		{"three kinds", func(i int) map[string]any {
			return map[string]any{"w": int64(i % 3), "h": 2.5, "l": []any{"x", nil, map[string]any{"k": true}}, "s": "é"}
		}, 3},
		{"some without", func(i int) map[string]any {
			if i%2 == 0 {
				return nil
			}
			return map[string]any{"a": "b"}
		}, 1},
		{"distinct", func(i int) map[string]any { return map[string]any{"expression": fmt.Sprintf("a + %d", i)} }, 1000},
		{"distinct then repeated", func(i int) map[string]any {
			return map[string]any{"expression": fmt.Sprintf("a + %d", i%(2*paramsKeptFreely))}
		}, 2 * paramsKeptFreely},
	} {
		g := Graph{}
		for i := range 1000 {
			g.Nodes = append(g.Nodes, Node{ID: fmt.Sprintf("n%d", i), Type: "t", Params: tc.params(i)})
		}
		text, err := json.Marshal(g)
		if err != nil {
			t.Fatal(err)
		}
		var want Graph
		if err := DecodeGraph(text, &want); err != nil {
			t.Fatal(err)
		}
		data, err := EncodeGraphBin(want)
		if err != nil {
			t.Fatal(err)
		}
		var got Graph
		if err := DecodeGraphBin(data, &got); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: binary gives another graph than the text", tc.name)
		}
		maps := map[uintptr]bool{}
		for _, n := range got.Nodes {
			if n.Params != nil {
				maps[reflect.ValueOf(n.Params).Pointer()] = true
			}
		}
		if tc.name == "distinct then repeated" {
			// past paramsKeptFreely distinct ones with nothing shared, not every map is kept
			if len(maps) < tc.distinct || len(maps) >= len(got.Nodes) {
				t.Errorf("%s: %d maps", tc.name, len(maps))
			}
		} else if len(maps) != tc.distinct {
			t.Errorf("%s: %d maps, want %d", tc.name, len(maps), tc.distinct)
		}
	}
}
