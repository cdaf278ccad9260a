package engine

import (
	"math"
	"slices"
	"unicode/utf8"
)

// A graph's JSON without reflection. A 10,000-node version is encoded twice when it is saved
// (its content hash, its stored text), ~10 ms each through encoding/json; and the store used
// to decode the text it wrote back (~8 ms) so that the version it keeps and returns is the
// one every reader decodes. appendGraph writes the same bytes as encoding/json for a graph
// whose values are plain (appendPlain); StoredGraph makes the graph a reader decodes without
// the text, for a graph whose every value reads back as itself.

// appendGraph appends g as encoding/json encodes it (html: as json.Marshal, escaping <, >
// and &; else as canonicalJSON) when every string and value in it is one appendPlain takes;
// ok is false otherwise, and b is then to be dropped.
func appendGraph(b []byte, g Graph, html bool) ([]byte, bool) {
	// room for a typical node or edge (60–100 bytes) at once: grown by appends alone, the
	// text of a large graph would be copied over and over (~9× its size allocated)
	b = slices.Grow(b, 32+64*len(g.Inputs)+96*(len(g.Nodes)+len(g.Edges)))
	var ok bool
	b = append(b, `{"inputs":`...)
	if b, ok = appendInputs(b, g.Inputs, html); !ok {
		return b, false
	}
	b = append(b, `,"nodes":`...)
	if g.Nodes == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range g.Nodes {
			if i > 0 {
				b = append(b, ',')
			}
			if b, ok = appendNode(b, &g.Nodes[i], html); !ok {
				return b, false
			}
		}
		b = append(b, ']')
	}
	b = append(b, `,"edges":`...)
	if b, ok = appendEdges(b, g.Edges, html); !ok {
		return b, false
	}
	return append(b, '}'), true
}

// appendInputs is appendGraph's declared inputs.
func appendInputs(b []byte, inputs []InputDecl, html bool) ([]byte, bool) {
	if inputs == nil {
		return append(b, "null"...), true
	}
	var ok bool
	b = append(b, '[')
	for i, in := range inputs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"name":`...)
		if b, ok = appendPlainString(b, in.Name, html); !ok {
			return b, false
		}
		b = append(b, `,"type":`...)
		if b, ok = appendPlainString(b, in.Type, html); !ok {
			return b, false
		}
		b = append(b, `,"description":`...)
		if b, ok = appendPlainString(b, in.Description, html); !ok {
			return b, false
		}
		b = append(b, `,"required":`...)
		if in.Required {
			b = append(b, "true"...)
		} else {
			b = append(b, "false"...)
		}
		if in.Default != nil {
			b = append(b, `,"default":`...)
			if b, ok = appendPlain(b, in.Default, html); !ok {
				return b, false
			}
		}
		b = append(b, '}')
	}
	return append(b, ']'), true
}

// appendEdges is appendGraph's edges.
func appendEdges(b []byte, edges []Edge, html bool) ([]byte, bool) {
	if edges == nil {
		return append(b, "null"...), true
	}
	var ok bool
	b = append(b, '[')
	for i := range edges {
		if i > 0 {
			b = append(b, ',')
		}
		e := &edges[i]
		b = append(b, '{')
		if e.ID != "" {
			b = append(b, `"id":`...)
			if b, ok = appendPlainString(b, e.ID, html); !ok {
				return b, false
			}
			b = append(b, ',')
		}
		b = append(b, `"source":`...)
		if b, ok = appendPlainString(b, e.Source, html); !ok {
			return b, false
		}
		b = append(b, `,"sourceHandle":`...)
		if b, ok = appendPlainString(b, e.SourceHandle, html); !ok {
			return b, false
		}
		b = append(b, `,"target":`...)
		if b, ok = appendPlainString(b, e.Target, html); !ok {
			return b, false
		}
		b = append(b, `,"targetHandle":`...)
		if b, ok = appendPlainString(b, e.TargetHandle, html); !ok {
			return b, false
		}
		b = append(b, '}')
	}
	return append(b, ']'), true
}

// appendNode is appendGraph's node.
func appendNode(b []byte, n *Node, html bool) ([]byte, bool) {
	var ok bool
	b = append(b, `{"id":`...)
	if b, ok = appendPlainString(b, n.ID, html); !ok {
		return b, false
	}
	b = append(b, `,"type":`...)
	if b, ok = appendPlainString(b, n.Type, html); !ok {
		return b, false
	}
	if n.Label != "" {
		b = append(b, `,"label":`...)
		if b, ok = appendPlainString(b, n.Label, html); !ok {
			return b, false
		}
	}
	if len(n.Params) > 0 {
		b = append(b, `,"params":`...)
		if b, ok = appendPlain(b, n.Params, html); !ok {
			return b, false
		}
	}
	if p := n.Position; p != nil {
		b = append(b, `,"position":{"x":`...)
		if b, ok = appendPlain(b, p.X, html); !ok {
			return b, false
		}
		b = append(b, `,"y":`...)
		if b, ok = appendPlain(b, p.Y, html); !ok {
			return b, false
		}
		b = append(b, '}')
	}
	if n.ParentID != "" {
		b = append(b, `,"parentId":`...)
		if b, ok = appendPlainString(b, n.ParentID, html); !ok {
			return b, false
		}
	}
	return append(b, '}'), true
}

// StoredGraph returns the graph a reader decodes (DecodeGraph) from g's stored JSON text
// (json.Marshal), made without that text: a copy of g sharing nothing with it, when every
// value in g reads back as itself (strings of valid UTF-8; numbers int64 or a float64 with a
// fraction, as values read from JSON hold them; maps and lists not nil); ok is false
// otherwise, and the text is to be decoded. TestPropertyStoredGraphIsDecoded holds it to
// DecodeGraph.
func StoredGraph(g Graph) (Graph, bool) { return storedGraph(g, true) }

// ReadsBack reports whether StoredGraph keeps g, without copying it: what a reader decodes
// from g's stored text is then g itself (but for empty params, read back as none), so what
// is worked out from that (its asset references) can be worked out from g.
func ReadsBack(g Graph) bool {
	_, ok := storedGraph(g, false)
	return ok
}

// storedGraph is StoredGraph, making the copy only when keep is set.
func storedGraph(g Graph, keep bool) (Graph, bool) {
	out := Graph{}
	if g.Inputs != nil && keep {
		out.Inputs = make([]InputDecl, len(g.Inputs))
	}
	for i, in := range g.Inputs {
		if !utf8.ValidString(in.Name) || !utf8.ValidString(in.Type) || !utf8.ValidString(in.Description) {
			return Graph{}, false
		}
		if in.Default != nil {
			d, ok := storedValue(in.Default, keep)
			if !ok {
				return Graph{}, false
			}
			in.Default = d
		}
		if keep {
			out.Inputs[i] = in
		}
	}
	if g.Nodes != nil && keep {
		out.Nodes = make([]Node, len(g.Nodes))
	}
	for i := range g.Nodes {
		n := &g.Nodes[i]
		if !utf8.ValidString(n.ID) || !utf8.ValidString(n.Type) || !utf8.ValidString(n.Label) || !utf8.ValidString(n.ParentID) {
			return Graph{}, false
		}
		var params map[string]any // empty params are omitted from the text: read back as none
		if len(n.Params) > 0 {
			p, ok := storedValue(n.Params, keep)
			if !ok {
				return Graph{}, false
			}
			params, _ = p.(map[string]any)
		}
		var pos *Position
		if n.Position != nil {
			p := *n.Position
			if !finite(p.X) || !finite(p.Y) {
				return Graph{}, false
			}
			pos = &p
		}
		if keep {
			c := *n
			c.Params, c.Position = params, pos
			out.Nodes[i] = c
		}
	}
	if g.Edges != nil && keep {
		out.Edges = make([]Edge, len(g.Edges))
	}
	for i, e := range g.Edges {
		if !utf8.ValidString(e.ID) || !utf8.ValidString(e.Source) || !utf8.ValidString(e.SourceHandle) ||
			!utf8.ValidString(e.Target) || !utf8.ValidString(e.TargetHandle) {
			return Graph{}, false
		}
		if keep {
			out.Edges[i] = e
		}
	}
	return out, true
}

// storedValue copies a JSON-like value that reads back from its JSON as itself (keep unset:
// only checks it, returning nil); false for anything else.
func storedValue(v any, keep bool) (any, bool) {
	switch x := v.(type) {
	case nil, bool, int64:
		return x, true
	case float64:
		// a whole float64 is written without a fraction and read back as an int64
		return x, finite(x) && x != math.Trunc(x)
	case string:
		return x, utf8.ValidString(x)
	case map[string]any:
		if x == nil {
			return nil, false
		}
		var m map[string]any
		if keep {
			m = make(map[string]any, len(x))
		}
		for k, e := range x {
			if !utf8.ValidString(k) {
				return nil, false
			}
			c, ok := storedValue(e, keep)
			if !ok {
				return nil, false
			}
			if keep {
				m[k] = c
			}
		}
		return m, true
	case []any:
		if x == nil {
			return nil, false
		}
		var l []any
		if keep {
			l = make([]any, len(x))
		}
		for i, e := range x {
			c, ok := storedValue(e, keep)
			if !ok {
				return nil, false
			}
			if keep {
				l[i] = c
			}
		}
		return l, true
	}
	return nil, false
}
