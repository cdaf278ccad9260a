package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// VersionJSONReader is a store that can give a version with its graph as the JSON text it
// stored (Version.Graph left empty). A diff of two large versions then decodes only what it
// compares: node ids, types and parents, and the params of the nodes whose params' text
// differs. Decoding two 10,000-node graphs in full was most of `flowbench diff`.
type VersionJSONReader interface {
	GetVersionJSON(ctx context.Context, id string) (Version, []byte, error)
}

// runGraphIDs is what a run diff needs of the runs' two versions.
type runGraphIDs struct {
	idsA, idsB []string // node ids in graph order
	diff       GraphDiff
}

// diffNodeJSON is a node as a graph diff reads it: its params stay JSON until they differ.
type diffNodeJSON struct {
	ID       string          `json:"id"`
	Type     string          `json:"type"`
	ParentID string          `json:"parentId"`
	Params   json.RawMessage `json:"params"`
}

type diffGraphJSON struct {
	Nodes []diffNodeJSON `json:"nodes"`
	Edges []Edge         `json:"edges"`
}

func nodeIDs(g Graph) []string {
	ids := make([]string, len(g.Nodes))
	for i, n := range g.Nodes {
		ids[i] = n.ID
	}
	return ids
}

// runGraphs reads the versions a and b (the same id for runs of one version) and diffs
// their graphs. Versions this process holds are used as they are; others are read as JSON
// when the store can (see VersionJSONReader), both at once.
func (s *Service) runGraphs(ctx context.Context, a, b string) (runGraphIDs, error) {
	out := runGraphIDs{diff: emptyGraphDiff()}
	raw, ok := s.store.(VersionJSONReader)
	_, cachedA := s.versions.get(a)
	_, cachedB := s.versions.get(b)
	if a == b || !ok || cachedA || cachedB {
		va, err := s.version(ctx, a)
		if err != nil {
			return out, err
		}
		vb := va
		if b != a {
			if vb, err = s.version(ctx, b); err != nil {
				return out, err
			}
		}
		out.idsA, out.idsB = nodeIDs(va.Graph), nodeIDs(vb.Graph)
		if a != b && va.ContentHash != vb.ContentHash {
			out.diff = DiffGraphs(va.Graph, vb.Graph)
		}
		return out, nil
	}
	read := func(id string) (Version, diffGraphJSON, error) {
		var g diffGraphJSON
		v, text, err := raw.GetVersionJSON(ctx, id)
		if err != nil {
			return v, g, err
		}
		if scanGraph(text, &g) != nil {
			// not the layout the scanner reads: encoding/json says what is wrong, if anything
			g = diffGraphJSON{}
			if err := json.Unmarshal(text, &g); err != nil {
				return v, g, fmt.Errorf("decoding the graph of version %s: %w", id, err)
			}
		}
		return v, g, nil
	}
	var vb Version
	var gb diffGraphJSON
	var errB error
	done := make(chan struct{})
	go func() {
		defer close(done)
		vb, gb, errB = read(b)
	}()
	va, ga, err := read(a)
	<-done
	if err != nil {
		return out, err
	}
	if errB != nil {
		return out, errB
	}
	out.idsA, out.idsB = make([]string, len(ga.Nodes)), make([]string, len(gb.Nodes))
	for i, n := range ga.Nodes {
		out.idsA[i] = n.ID
	}
	for i, n := range gb.Nodes {
		out.idsB[i] = n.ID
	}
	if va.ContentHash == vb.ContentHash {
		return out, nil
	}
	var bad error
	changes := func(o, n *diffNodeJSON) map[string]Pair {
		if o.Type == n.Type && o.ParentID == n.ParentID && bytes.Equal(o.Params, n.Params) {
			return nil
		}
		full := func(x *diffNodeJSON) *Node {
			nd := &Node{ID: x.ID, Type: x.Type, ParentID: x.ParentID}
			if len(x.Params) > 0 && string(x.Params) != "null" {
				if err := UnmarshalJSON(x.Params, &nd.Params); err != nil && bad == nil {
					bad = fmt.Errorf("decoding the params of node %s: %w", x.ID, err)
				}
			}
			return nd
		}
		return diffNode(full(o), full(n))
	}
	d := &out.diff
	diffByKey(ga.Nodes, gb.Nodes, func(n *diffNodeJSON) string { return n.ID }, changes, &d.NodesAdded, &d.NodesRemoved, d.NodesChanged)
	diffEdges(ga.Edges, gb.Edges, d)
	return out, bad
}

func nodeSet(g Graph) map[string]bool { return idSet(nodeIDs(g)) }

// scanGraph reads what a graph diff needs of a graph's JSON (node ids, types, parents, params
// as JSON text; edges) in one pass over the bytes, without reflection: encoding/json took
// ~25 ms for each of two 10,000-node versions in `flowbench diff`. It reads JSON as the store
// writes it and gives up (an error) on anything else: the caller then decodes with
// encoding/json, which says what is wrong, if anything.
func scanGraph(text []byte, g *diffGraphJSON) error {
	s := &jscan{b: text}
	s.object(func(key string) {
		switch key {
		case "nodes":
			if s.null() {
				return
			}
			if n := bytes.Count(text, []byte(`"id"`)); n > 0 {
				g.Nodes = make([]diffNodeJSON, 0, n)
			}
			s.array(func() {
				var n diffNodeJSON
				s.object(func(key string) {
					switch key {
					case "id":
						n.ID = s.str()
					case "type":
						n.Type = s.str()
					case "parentId":
						n.ParentID = s.str()
					case "params":
						s.ws()
						at := s.i
						if s.peek() != '{' && s.peek() != 'n' {
							s.fail("params: an object was expected")
						}
						s.skip()
						n.Params = text[at:s.i]
					default:
						s.skip()
					}
				})
				g.Nodes = append(g.Nodes, n)
			})
		case "edges":
			if s.null() {
				return
			}
			s.array(func() {
				var e Edge
				s.object(func(key string) {
					switch key {
					case "id":
						e.ID = s.str()
					case "source":
						e.Source = s.str()
					case "sourceHandle":
						e.SourceHandle = s.str()
					case "target":
						e.Target = s.str()
					case "targetHandle":
						e.TargetHandle = s.str()
					default:
						s.skip()
					}
				})
				g.Edges = append(g.Edges, e)
			})
		default:
			s.skip()
		}
	})
	if s.ws(); s.err == nil && s.i != len(s.b) {
		s.fail("text after the graph")
	}
	return s.err
}

// jscan walks JSON text; the first thing it does not expect sets err and stops it.
type jscan struct {
	b   []byte
	i   int
	err error
	// src, when set, is b as a string: strings without escapes are cut from it, not copied.
	src string
}

func (s *jscan) fail(what string) {
	if s.err == nil {
		s.err = fmt.Errorf("graph JSON at byte %d: %s", s.i, what)
	}
	s.i = len(s.b)
}

func (s *jscan) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *jscan) peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// null reads a null if one is next.
func (s *jscan) null() bool {
	if s.peek() == 'n' && bytes.HasPrefix(s.b[s.i:], []byte("null")) {
		s.i += 4
		return true
	}
	return false
}

// object reads an object, calling f with the reader on each value.
func (s *jscan) object(f func(key string)) {
	if s.peek() != '{' {
		s.fail("an object was expected")
		return
	}
	s.i++
	if s.peek() == '}' {
		s.i++
		return
	}
	for s.err == nil {
		if s.peek() != '"' {
			s.fail("a key was expected")
			return
		}
		key := s.str()
		if s.peek() != ':' {
			s.fail("':' was expected")
			return
		}
		s.i++
		f(key)
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			return
		default:
			s.fail("',' or '}' was expected")
		}
	}
}

// array reads an array, calling f with the reader on each item.
func (s *jscan) array(f func()) {
	if s.peek() != '[' {
		s.fail("an array was expected")
		return
	}
	s.i++
	if s.peek() == ']' {
		s.i++
		return
	}
	for s.err == nil {
		f()
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			return
		default:
			s.fail("',' or ']' was expected")
		}
	}
}

// strEnd is the index after the string starting at s.i (a quote), and whether it holds escapes.
func (s *jscan) strEnd() (int, bool) {
	end, esc, _ := s.strEndASCII()
	return end, esc
}

// strEndASCII is strEnd, also reporting whether every byte of the string is ASCII (then it is
// valid UTF-8 without a second look).
func (s *jscan) strEndASCII() (int, bool, bool) {
	esc, high := false, byte(0)
	for j := s.i + 1; j < len(s.b); j++ {
		switch c := s.b[j]; {
		case c == '"':
			return j + 1, esc, high < 0x80
		case c == '\\':
			esc = true
			j++
		case c < 0x20:
			return -1, false, false
		default:
			high |= c
		}
	}
	return -1, false, false
}

// str reads a string (null reads as "").
func (s *jscan) str() string {
	if s.null() {
		return ""
	}
	if s.peek() != '"' {
		s.fail("a string was expected")
		return ""
	}
	end, esc, ascii := s.strEndASCII()
	if end < 0 {
		s.fail("an unterminated string")
		return ""
	}
	raw := s.b[s.i:end]
	s.i = end
	if !esc && (ascii || utf8.Valid(raw)) {
		if s.src != "" {
			return s.src[s.i-len(raw)+1 : s.i-1]
		}
		return string(raw[1 : len(raw)-1])
	}
	// escapes, or bytes that are not UTF-8 (encoding/json replaces them): its own reading
	var out string
	if err := json.Unmarshal(raw, &out); err != nil {
		s.fail(err.Error())
	}
	return out
}

// skip passes over one value of any kind.
func (s *jscan) skip() {
	switch s.peek() {
	case '"':
		end, _ := s.strEnd()
		if end < 0 {
			s.fail("an unterminated string")
			return
		}
		s.i = end
	case '{', '[':
		depth := 0
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case '"':
				end, _ := s.strEnd()
				if end < 0 {
					s.fail("an unterminated string")
					return
				}
				s.i = end
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					s.i++
					return
				}
			}
			s.i++
		}
		s.fail("an unterminated object or array")
	case 't', 'f', 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if bytes.HasPrefix(s.b[s.i:], []byte(lit)) {
				s.i += len(lit)
				return
			}
		}
		s.fail("a value was expected")
	default:
		at := s.i
		for s.i < len(s.b) {
			c := s.b[s.i]
			if c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
				s.i++
				continue
			}
			break
		}
		if s.i == at {
			s.fail("a value was expected")
		}
	}
}
