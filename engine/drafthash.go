package engine

import (
	"crypto/sha256"
	"encoding/hex"
)

// A draft's content hash from its base's canonical text (draftbase.go). The hash is the sum
// of the normalized graph's canonical text (normalizedHash: canonicalJSON of the graph with
// its edges sorted and their ids cleared), and encoding/json writes a struct's fields and a
// list's elements each on its own, so that text is the declared inputs' text, each node's
// text and the sorted edges' text, joined. A node the same as the base's node of its id has
// the base node's text, and edges whose ends are the base's, in the same order, sort to the
// base's: only the rest is encoded again. The text is kept as the pieces of the version the
// draft becomes.

// hashFrom returns normalized graph g's content hash (normalizedHash(g)) and its pieces, made
// from d's base when d is not nil; the pieces are nil when g's text cannot be made in pieces
// (a value encoding/json refuses), and the hash is then worked out whole.
func hashFrom(g Graph, d *draftDiff) (*draftBase, string) {
	b, ok := draftText(g, d)
	if !ok {
		return nil, normalizedHash(g)
	}
	return b, b.hash
}

// draftText makes normalized graph g's canonical text, reusing what d's base has of it.
func draftText(g Graph, d *draftDiff) (*draftBase, bool) {
	if g.Inputs == nil || g.Nodes == nil || g.Edges == nil {
		return nil, false // not normalized: written as null, which the pieces do not hold
	}
	var base *draftBase
	if d != nil {
		base = d.base
	}
	size := 32 + 64*len(g.Inputs) + 96*(len(g.Nodes)+len(g.Edges))
	if base != nil {
		size = max(size, len(base.text)+len(base.text)/8)
	}
	b := make([]byte, 0, size)
	var ok bool
	b = append(b, `{"inputs":`...)
	if b, ok = appendCanonical(b, g.Inputs, func(b []byte) ([]byte, bool) { return appendInputs(b, g.Inputs, false) }); !ok {
		return nil, false
	}
	b = append(b, `,"nodes":[`...)
	spans := make([]textSpan, len(g.Nodes))
	for i := range g.Nodes {
		if i > 0 {
			b = append(b, ',')
		}
		from := len(b)
		if base != nil && d.same[i] == nodeSame {
			s := base.nodes[d.match[i]]
			b = append(b, base.text[s.from:s.to]...)
		} else {
			n := &g.Nodes[i]
			if b, ok = appendCanonical(b, *n, func(b []byte) ([]byte, bool) { return appendNode(b, n, false) }); !ok {
				return nil, false
			}
		}
		spans[i] = textSpan{int32(from), int32(len(b))}
	}
	b = append(b, ']')
	edgesAt := len(b)
	if base != nil && d.edges {
		b = append(b, base.text[base.edgesAt:]...)
	} else {
		edges := edgesForHash(g.Edges)
		b = append(b, `,"edges":`...)
		if b, ok = appendCanonical(b, edges, func(b []byte) ([]byte, bool) { return appendEdges(b, edges, false) }); !ok {
			return nil, false
		}
		b = append(b, '}')
	}
	sum := sha256.Sum256(b)
	return newDraftBase(g, b, spans, edgesAt, hex.EncodeToString(sum[:16])), true
}

// appendCanonical appends v as canonicalJSON writes it: by fast (appendPlain's way) when it
// can, else through encoding/json; false when encoding/json refuses v.
func appendCanonical(b []byte, v any, fast func([]byte) ([]byte, bool)) ([]byte, bool) {
	from := len(b)
	out, ok := fast(b)
	if ok {
		return out, true
	}
	b = out[:from]
	enc, err := canonicalJSON(v)
	if err != nil {
		return b, false
	}
	return append(b, enc...), true
}
