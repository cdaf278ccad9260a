package engine

import (
	"bytes"
	"crypto/sha256"
	"encoding"
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

// hashFrom returns the content hash of raw (ContentHash(raw)) and the pieces of g, raw
// normalized (normalizeFrom), made from d's base when d is not nil. The pieces are nil when
// g's text cannot be made in pieces (a value encoding/json refuses), and the hash is then
// worked out whole from raw: its text is then Go's printing of the graph, which shows where
// positions are in memory, so it is raw's, not a copy's.
func hashFrom(raw, g Graph, d *draftDiff) (*draftBase, string) {
	b, ok := draftText(g, d)
	if !ok {
		return nil, ContentHash(raw)
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
	sum, marks := sumFrom(b, base)
	nb := newDraftBase(g, b, spans, edgesAt, hex.EncodeToString(sum[:16]))
	nb.marks = marks
	return nb, true
}

// markEvery is how far apart in a canonical text the hash's states are kept (draftBase.marks).
const markEvery = 32 << 10

// sumFrom is sha256.Sum256(text), and the hash's state after each markEvery bytes of it (the
// last whole one aside). The text is hashed from the last of base's states that sums a
// prefix text shares with base's text: an edit in the middle of a large graph is summed
// from its middle (hashing is the largest part of a draft's hash from its base).
func sumFrom(text []byte, base *draftBase) ([sha256.Size]byte, [][]byte) {
	h := sha256.New()
	k := 0 // text[:k*markEvery] is summed
	if base != nil {
		same := sharedPrefix(text, base.text)
		for k < len(base.marks) && (k+1)*markEvery <= same {
			k++
		}
		if k > 0 {
			if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(base.marks[k-1]); err != nil {
				k = 0
				h.Reset()
			}
		}
	}
	kept := make([][]byte, k, len(text)/markEvery)
	if k > 0 {
		copy(kept, base.marks[:k])
	}
	for off := k * markEvery; off < len(text); off += markEvery {
		end := min(off+markEvery, len(text))
		h.Write(text[off:end])
		if end-off == markEvery && end < len(text) {
			state, err := h.(encoding.BinaryMarshaler).MarshalBinary()
			if err != nil {
				state = nil // a state not kept: texts edited from this one are summed whole
			}
			kept = append(kept, state)
		}
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum, kept
}

// sharedPrefix is the length of the longest prefix a and b share, compared a block at a time.
func sharedPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	const block = 4 << 10
	i := 0
	for i+block <= n && bytes.Equal(a[i:i+block], b[i:i+block]) {
		i += block
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
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
