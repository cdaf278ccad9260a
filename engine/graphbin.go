package engine

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"slices"
)

// A graph in binary (GraphBin): what DecodeGraph gives for a stored version, written in a form
// a fresh process reads several times faster than the JSON text (a 10,000-node version: the
// text is 1.75 MB of JSON; docs/PERFORMANCE.md, issue 15). Versions are immutable, so the
// store keeps it beside the text, made once from the decoded text; a form that does not
// decode, whole and intact, is never used: the text is read instead.
//
// It holds the values exactly as decoded: strings, booleans, nil, int64 and float64 numbers,
// lists and maps of them, nil and empty apart. A value of any other kind has no binary form
// (EncodeGraphBin refuses the graph).

const graphMagic = "FBgraph1"

// value tags
const (
	binNil byte = iota
	binFalse
	binTrue
	binString
	binInt
	binFloat
	binList
	binMap
)

var errGraphBin = errors.New("graph in binary does not decode")

// EncodeGraphBin writes g in binary; an error when a value has no binary form.
func EncodeGraphBin(g Graph) ([]byte, error) {
	out := make([]byte, 0, 64+len(g.Nodes)*96+len(g.Edges)*48)
	out = append(out, graphMagic...)
	var err error
	out = appendPresent(out, g.Inputs == nil, len(g.Inputs))
	for _, in := range g.Inputs {
		out = appendStr(out, in.Name)
		out = appendStr(out, in.Type)
		out = appendStr(out, in.Description)
		out = appendBool(out, in.Required)
		if out, err = appendValue(out, in.Default, 0); err != nil {
			return nil, err
		}
	}
	out = appendPresent(out, g.Nodes == nil, len(g.Nodes))
	for i := range g.Nodes {
		n := &g.Nodes[i]
		out = appendStr(out, n.ID)
		out = appendStr(out, n.Type)
		out = appendStr(out, n.Label)
		out = appendStr(out, n.ParentID)
		if n.Params == nil {
			out = append(out, binNil)
		} else if out, err = appendValue(out, n.Params, 0); err != nil {
			return nil, fmt.Errorf("node %s: %w", n.ID, err)
		}
		if n.Position == nil {
			out = append(out, 0)
		} else if !finite(n.Position.X) || !finite(n.Position.Y) {
			return nil, fmt.Errorf("node %s: a position JSON has not", n.ID)
		} else {
			out = append(out, 1)
			out = binary.LittleEndian.AppendUint64(out, math.Float64bits(n.Position.X))
			out = binary.LittleEndian.AppendUint64(out, math.Float64bits(n.Position.Y))
		}
	}
	out = appendPresent(out, g.Edges == nil, len(g.Edges))
	for i := range g.Edges {
		e := &g.Edges[i]
		out = appendStr(out, e.ID)
		out = appendStr(out, e.Source)
		out = appendStr(out, e.SourceHandle)
		out = appendStr(out, e.Target)
		out = appendStr(out, e.TargetHandle)
	}
	return binary.LittleEndian.AppendUint32(out, crc32.Checksum(out, castagnoli())), nil
}

// appendPresent writes a list's length, 0 for nil and n+1 otherwise.
func appendPresent(out []byte, isNil bool, n int) []byte {
	if isNil {
		return append(out, 0)
	}
	return binary.AppendUvarint(out, uint64(n)+1)
}

func appendBool(out []byte, b bool) []byte {
	if b {
		return append(out, 1)
	}
	return append(out, 0)
}

func appendValue(out []byte, v any, depth int) ([]byte, error) {
	if depth > maxFastDepth {
		return nil, errors.New("a value nested too deep")
	}
	var err error
	switch x := v.(type) {
	case nil:
		return append(out, binNil), nil
	case bool:
		if x {
			return append(out, binTrue), nil
		}
		return append(out, binFalse), nil
	case string:
		return appendStr(append(out, binString), x), nil
	case int64:
		return binary.AppendVarint(append(out, binInt), x), nil
	case float64:
		if !finite(x) {
			return nil, errors.New("a number JSON has not")
		}
		return binary.LittleEndian.AppendUint64(append(out, binFloat), math.Float64bits(x)), nil
	case []any:
		if x == nil {
			return nil, errors.New("a nil list")
		}
		out = binary.AppendUvarint(append(out, binList), uint64(len(x)))
		for _, e := range x {
			if out, err = appendValue(out, e, depth+1); err != nil {
				return nil, err
			}
		}
		return out, nil
	case map[string]any:
		if x == nil {
			return nil, errors.New("a nil map")
		}
		// Keys in order: equal maps are the same bytes, which a reader decodes once
		// (paramsTable).
		out = binary.AppendUvarint(append(out, binMap), uint64(len(x)))
		var small [8]string // a node's params: a few keys, sorted without an allocation
		keys := small[:0]
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			out = appendStr(out, k)
			if out, err = appendValue(out, x[k], depth+1); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("a value of type %T", v)
}

// DecodeGraphBin reads a graph EncodeGraphBin wrote; anything else is an error and leaves g
// as it was.
func DecodeGraphBin(data []byte, g *Graph) error {
	return DecodeGraphBinText(string(data), g) // one copy; every string read shares it
}

// DecodeGraphBinText is DecodeGraphBin of a form read as text: no copy.
func DecodeGraphBinText(data string, g *Graph) error {
	body, ok := checkedBody(data, graphMagic)
	if !ok {
		return errGraphBin
	}
	r := &recReader{s: body}
	var out Graph
	if n, ok := r.present(4); ok {
		out.Inputs = make([]InputDecl, n)
		for i := range out.Inputs {
			in := &out.Inputs[i]
			in.Name, in.Type, in.Description = r.str(), r.str(), r.str()
			in.Required = r.flag()
			in.Default = r.value(0)
		}
	}
	if n, ok := r.present(7); ok {
		out.Nodes = make([]Node, n)
		var positions []Position // one allocation for the nodes' positions
		var params paramsTable
		for i := range out.Nodes {
			n := &out.Nodes[i]
			n.ID, n.Type, n.Label, n.ParentID = r.str(), r.str(), r.str(), r.str()
			n.Params = params.read(r)
			if r.flag() {
				if len(positions) == cap(positions) {
					positions = make([]Position, 0, len(out.Nodes)-i)
				}
				positions = append(positions, Position{X: r.float(), Y: r.float()})
				n.Position = &positions[len(positions)-1]
			}
		}
	}
	if n, ok := r.present(5); ok {
		out.Edges = make([]Edge, n)
		for i := range out.Edges {
			e := &out.Edges[i]
			e.ID, e.Source, e.SourceHandle, e.Target, e.TargetHandle = r.str(), r.str(), r.str(), r.str(), r.str()
		}
	}
	if r.err != nil || r.s != "" {
		return errGraphBin
	}
	*g = out
	return nil
}

// paramsTable reads nodes' params: nodes whose params are the same bytes share one map,
// decoded once. A graph's params are read, never changed, by everything that reads a version
// (ResolveNodeParams hands a node its params as they are; Service.version hands every caller
// the one cached graph): a map shared by nodes is as safe as a map shared by callers
// (TestSharedParamsStayAsStored). A 10,000-node graph of few distinct settings then decodes
// few maps instead of 10,000, each ~350 bytes in three allocations (docs/PERFORMANCE.md).
type paramsTable struct {
	byBytes map[string]map[string]any
	shared  int // nodes given a map already read
}

// paramsKeptFreely is how many distinct params a table keeps whatever they share; past it, a
// map is kept while the nodes given a map already read are at least as many as those kept (a
// graph of mostly distinct params then pays ~1 % more, not a 10,000-entry table).
const paramsKeptFreely = 256

// read reads one node's params (nil or a map; anything else is an error).
func (t *paramsTable) read(r *recReader) map[string]any {
	start := r.s
	r.skipValue(0)
	if r.err != nil {
		return nil
	}
	raw := start[:len(start)-len(r.s)]
	if raw[0] == binNil {
		return nil
	}
	if p, ok := t.byBytes[raw]; ok {
		t.shared++
		return p
	}
	sub := recReader{s: raw}
	p, ok := sub.value(0).(map[string]any)
	if !ok || sub.err != nil || sub.s != "" {
		r.err = errGraphBin
		return nil
	}
	if t.byBytes == nil {
		t.byBytes = map[string]map[string]any{}
	}
	if len(t.byBytes) < paramsKeptFreely || t.shared >= len(t.byBytes) {
		t.byBytes[raw] = p
	}
	return p
}

// skipValue passes over one value as value reads it, allocating nothing.
func (r *recReader) skipValue(depth int) {
	if depth > maxFastDepth {
		r.err = errBadRecord
		return
	}
	switch r.byte() {
	case binNil, binFalse, binTrue:
	case binString:
		r.str()
	case binInt:
		r.varint()
	case binFloat:
		r.float()
	case binList:
		for range r.count(1) {
			r.skipValue(depth + 1)
		}
	case binMap:
		for range r.count(2) {
			r.str()
			r.skipValue(depth + 1)
		}
	default:
		r.err = errBadRecord
	}
}

// present reads a list length appendPresent wrote: ok is false for nil.
func (r *recReader) present(min int) (int, bool) {
	n := r.uvarint()
	if n == 0 || r.err != nil {
		return 0, false
	}
	if n-1 > uint64(len(r.s)/min) {
		r.err = errBadRecord
		return 0, false
	}
	return int(n - 1), true
}

func (r *recReader) flag() bool {
	switch r.byte() {
	case 0:
		return false
	case 1:
		return true
	}
	r.err = errBadRecord
	return false
}

func (r *recReader) u64() uint64 {
	if r.err != nil || len(r.s) < 8 {
		r.err = errBadRecord
		return 0
	}
	s := r.s[:8] // little-endian, as binary.LittleEndian.Uint64 reads it (one load)
	v := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	r.s = r.s[8:]
	return v
}

// float reads a number as JSON has them (not NaN nor infinite: DecodeGraph never gives one).
func (r *recReader) float() float64 {
	f := math.Float64frombits(r.u64())
	if !finite(f) {
		r.err = errBadRecord
		return 0
	}
	return f
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

func (r *recReader) value(depth int) any {
	if depth > maxFastDepth {
		r.err = errBadRecord
		return nil
	}
	switch r.byte() {
	case binNil:
		return nil
	case binFalse:
		return false
	case binTrue:
		return true
	case binString:
		return r.str()
	case binInt:
		return r.varint()
	case binFloat:
		return r.float()
	case binList:
		l := make([]any, r.count(1))
		for i := range l {
			l[i] = r.value(depth + 1)
		}
		return l
	case binMap:
		n := r.count(2)
		m := make(map[string]any, n)
		for range n {
			k := r.str()
			if _, dup := m[k]; dup {
				r.err = errBadRecord
			}
			m[k] = r.value(depth + 1)
		}
		return m
	}
	r.err = errBadRecord
	return nil
}
