package engine

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// factsRegistry has a type whose config may read flow inputs (an expression) and one whose
// config is its params alone.
func factsRegistry(t *testing.T) *Registry {
	t.Helper()
	reg := NewRegistry()
	run := func(context.Context, *NodeInput) (map[string]any, error) { return nil, nil }
	reg.MustRegister(
		NodeType{Type: "math.expr", Inputs: []Handle{{Name: "a", Type: "any"}}, Outputs: []Handle{{Name: "result", Type: "any"}},
			Params: []ParamSpec{{Name: "expression", Kind: ParamExpression}}, Deterministic: true, Run: run},
		NodeType{Type: "t.plain", Inputs: []Handle{{Name: "a", Type: "any"}}, Outputs: []Handle{{Name: "result", Type: "any"}},
			Params: []ParamSpec{{Name: "v", Kind: ParamString}}, Deterministic: true, Run: run},
	)
	return reg
}

// factsGraph is a random graph of both types, some expressions reading the flow input x.
func factsGraph(r *rand.Rand) Graph {
	g := randomGraph(r)
	for i := range g.Nodes {
		n := &g.Nodes[i]
		switch r.IntN(3) {
		case 0:
			n.Type, n.Params = "t.plain", map[string]any{"v": randomString(r)}
		case 1:
			n.Params = map[string]any{"expression": "a + inputs.x"}
		default:
			n.Params = map[string]any{"expression": fmt.Sprintf("a + %d", r.IntN(9))}
		}
	}
	return g
}

// TestVersionFactsAsWorkedOut: for random graphs, the facts made from a version's facts file
// (static hashes, reads, edge ends, order) are exactly the facts worked out from the graph; a
// file of another build or registry, another version (id or content), a graph of another size,
// a damaged file, hashes given to nodes that are not static, edge ends naming other nodes and
// orders that are not one are all refused.
func TestVersionFactsAsWorkedOut(t *testing.T) {
	reg := factsRegistry(t)
	key := factsKey(reg)
	if key == "" {
		t.Fatal("this test binary has no build ID: facts would never be kept")
	}
	other := NewRegistry()
	other.MustRegister(NodeType{Type: "math.expr", Version: 2, Params: []ParamSpec{{Name: "expression", Kind: ParamExpression}},
		Run: func(context.Context, *NodeInput) (map[string]any, error) { return nil, nil }})
	if factsKey(other) == key {
		t.Fatal("two registries give one key")
	}
	r := rand.New(rand.NewPCG(15, 6))
	statics := 0
	for k := range 200 {
		g := factsGraph(r)
		v := Version{ID: fmt.Sprintf("v%d", k), ContentHash: fmt.Sprintf("h%d", k), Graph: g}
		want := newGraphFacts(reg, g)
		for _, s := range want.static {
			if s != "" {
				statics++
			}
		}
		kept, ok := factsOf(want)
		if !ok {
			t.Fatalf("graph %d: its facts cannot be kept", k)
		}
		kept.paramsOK = true
		data := encodeVersionFacts(key, v, kept)
		f, ok := decodeVersionFacts(string(data), key, v)
		if !ok || !f.paramsOK {
			t.Fatalf("graph %d: its facts file does not read back", k)
		}
		got := newGraphFactsWith(reg, g, &f)
		if got == nil {
			t.Fatalf("graph %d: the facts file was not taken", k)
		}
		got.gi.index() // made on first use from a file; worked out at once
		if got.wiringHash() != want.wiringHash() {
			t.Fatalf("graph %d: wiring from the file %s, worked out %s", k, got.wiring, want.wiring)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("graph %d: facts from the file %+v, worked out %+v", k, got, want)
		}
		ordered := false // an edge orders the outer graph: reversing the order breaks it
		for e := range g.Edges {
			ordered = ordered || want.gi.counts(g, e)
		}
		for name, bad := range badFacts(f, len(g.Nodes), ordered) {
			if newGraphFactsWith(reg, g, &bad) != nil {
				t.Fatalf("graph %d: %s: taken", k, name)
			}
		}
		fewer := v
		fewer.Graph.Nodes = g.Nodes[:len(g.Nodes)-1]
		renamed, rehashed := v, v
		renamed.ID, rehashed.ContentHash = "other", "other"
		for name, c := range map[string]struct {
			data []byte
			key  string
			v    Version
		}{
			"another key": {data, factsKey(other), v}, "no key": {data, "", v}, "another id": {data, key, renamed},
			"another content": {data, key, rehashed}, "fewer nodes": {data, key, fewer},
			"a byte changed": {flip(data, len(data)/2), key, v}, "cut short": {data[:len(data)-1], key, v},
			"empty": {nil, key, v}, "extra bytes": {recrc(append(data[:len(data)-4:len(data)-4], 0)), key, v},
		} {
			if _, ok := decodeVersionFacts(string(c.data), c.key, c.v); ok {
				t.Fatalf("graph %d: %s: the file was taken", k, name)
			}
		}
		// A hash for a node whose config reads a flow input (or links a file) cannot be.
		for i, s := range want.static {
			if s == "" && (want.reads[i].any() || want.links[i]) {
				bad := f
				bad.static = append([]string(nil), want.static...)
				bad.static[i] = "x"
				if newGraphFactsWith(reg, g, &bad) != nil {
					t.Fatalf("graph %d: a hash for node %s (not static) was taken", k, g.Nodes[i].ID)
				}
			}
		}
	}
	if statics == 0 {
		t.Fatal("no graph had a static node")
	}
}

// badFacts are facts files that decode but are not the graph's: an edge end moved to another
// node, an order with a node twice or an edge going backward, fewer reads.
func badFacts(f versionFacts, n int, ordered bool) map[string]versionFacts {
	out := map[string]versionFacts{}
	if len(f.src) > 0 && n > 1 {
		moved := f
		moved.src = append([]int(nil), f.src...)
		moved.src[0] = (moved.src[0] + 1) % n
		out["an edge from another node"] = moved
		moved.src, moved.dst = f.src, append([]int(nil), f.dst...)
		moved.dst[len(f.dst)-1] = (moved.dst[len(f.dst)-1] + 1) % n
		out["an edge to another node"] = moved
	}
	if n > 1 {
		twice := f
		twice.order = append([]int(nil), f.order...)
		twice.order[0] = twice.order[1]
		out["a node twice in the order"] = twice
		rev := f
		rev.order = slices.Clone(f.order)
		slices.Reverse(rev.order)
		if ordered {
			out["the order reversed"] = rev
		}
	}
	fewer := f
	fewer.reads = f.reads[:len(f.reads)-1]
	out["fewer reads"] = fewer
	return out
}

// recrc puts a right checksum after body.
func recrc(body []byte) []byte {
	return binary.LittleEndian.AppendUint32(append([]byte(nil), body...), crc32.Checksum(body, castagnoli()))
}

// TestFindBuildID: the Go build ID is found in an ELF note and in the text form; nothing is
// found in bytes without one.
func TestFindBuildID(t *testing.T) {
	id := "abcdefghijklmnopqrst/uvwxyzABCDEFGHIJKL/MNOPQRSTUVWXYZ012345/6789abcdefghijklmnop"
	note := binary.LittleEndian.AppendUint32(nil, 4)
	note = binary.LittleEndian.AppendUint32(note, uint32(len(id)))
	note = append(note, "\x04\x00\x00\x00Go\x00\x00"...)
	note = append(note, id...)
	for name, head := range map[string]string{
		"elf note": "\x7fELF" + strings.Repeat("\x00", 100) + string(note) + "\x00\x00",
		"text":     strings.Repeat("x", 50) + "\xff Go build ID: \"" + id + "\"\n \xff" + "rest",
	} {
		if got := findBuildID([]byte(head)); got != id {
			t.Errorf("%s: found %q", name, got)
		}
	}
	for _, head := range []string{"", "\x04\x00\x00\x00Go\x00\x00", "\xff Go build ID: \"short\"\n \xff", strings.Repeat("\x00", 4096)} {
		if got := findBuildID([]byte(head)); got != "" {
			t.Errorf("%q: found %q", head, got)
		}
	}
	if buildID() == "" {
		t.Error("no build ID in this test binary")
	}
}

// TestFactsFileWiring: the wiring hash is read from a facts file's head for its key and
// version only; a damaged file gives none.
func TestFactsFileWiring(t *testing.T) {
	reg := factsRegistry(t)
	key := factsKey(reg)
	g := factsGraph(rand.New(rand.NewPCG(3, 4)))
	v := Version{ID: "v1", ContentHash: "h1", Graph: g}
	kept, ok := factsOf(newGraphFacts(reg, g))
	if !ok {
		t.Fatal("facts cannot be kept")
	}
	data := encodeVersionFacts(key, v, kept)
	if got := factsFileWiring(string(data), key, "v1"); got != wiringOf(g) || got == "" {
		t.Fatalf("wiring %q, want %q", got, wiringOf(g))
	}
	for name, c := range map[string]struct {
		data    []byte
		key, id string
	}{"another key": {data, "k2", "v1"}, "another version": {data, key, "v2"}, "no key": {data, "", "v1"},
		"a byte changed": {flip(data, len(data)/3), key, "v1"}, "cut short": {data[:40], key, "v1"}, "empty": {nil, key, "v1"}} {
		if got := factsFileWiring(string(c.data), c.key, c.id); got != "" {
			t.Errorf("%s: wiring %q", name, got)
		}
	}
	rewired := cloneGraphForTest(g)
	if len(rewired.Edges) > 0 {
		rewired.Edges[0].TargetHandle += "x"
		if wiringOf(rewired) == wiringOf(g) {
			t.Error("a rewired graph has the same wiring")
		}
	}
	edited := cloneGraphForTest(g)
	edited.Nodes[0].Params = map[string]any{"expression": "a + 42"}
	if wiringOf(edited) != wiringOf(g) {
		t.Error("a params edit changed the wiring")
	}
}

func cloneGraphForTest(g Graph) Graph {
	g.Nodes = slices.Clone(g.Nodes)
	g.Edges = slices.Clone(g.Edges)
	return g
}
