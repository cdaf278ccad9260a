package engine

import (
	"encoding/json"
	"strconv"
	"strings"
)

// A cold process that plans a run (run --from, run --changed) reads a whole version graph
// and every node's current generation; encoding/json's reflection was most of that read
// (docs/PERFORMANCE.md, issue 15). The readers here walk the text once with jscan (the
// scanner the graph diff uses) into exactly what UnmarshalJSON gives. They accept only
// plain valid JSON; on anything else (a syntax error, a number out of range, a key that
// differs from a field name only in case, a repeated field, very deep nesting) they give
// up and the caller decodes with encoding/json, which decides and words the error. So the
// fast path never changes an answer, only how long it takes.

// maxFastDepth is how deep the fast reader nests before leaving a value to encoding/json.
const maxFastDepth = 200

// fastValue reads one JSON value as UnmarshalJSON into an any would: maps of any, []any,
// strings, booleans, nil, numbers as NumberFromJSON says.
func (s *jscan) fastValue(depth int) any {
	if depth > maxFastDepth {
		s.fail("nested too deep for the fast reader")
		return nil
	}
	switch c := s.peek(); {
	case c == '{':
		m := map[string]any{}
		for more := s.open('{', '}'); more; more = s.next('}') {
			key := s.key()
			m[key] = s.fastValue(depth + 1)
		}
		return m
	case c == '[':
		l := make([]any, 0, 4)
		for more := s.open('[', ']'); more; more = s.next(']') {
			l = append(l, s.fastValue(depth+1))
		}
		if s.err != nil {
			return nil
		}
		return l
	case c == '"':
		return s.str()
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range []struct {
			text string
			v    any
		}{{"true", true}, {"false", false}, {"null", nil}} {
			if strings.HasPrefix(string(s.b[s.i:min(len(s.b), s.i+5)]), lit.text) {
				s.i += len(lit.text)
				return lit.v
			}
		}
		s.fail("a value was expected")
		return nil
	default:
		lit := s.number()
		if s.err != nil {
			return nil
		}
		n, err := NumberFromJSON(json.Number(lit))
		if err != nil {
			s.fail(err.Error())
			return nil
		}
		return n
	}
}

// number reads a number literal as JSON's grammar writes it: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *jscan) number() string {
	at, b := s.i, s.b
	i := at
	digits := func() bool {
		j := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i > j
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case !digits():
		s.fail("a value was expected")
		return ""
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			s.fail("a digit was expected")
			return ""
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			s.fail("a digit was expected")
			return ""
		}
	}
	s.i = i
	return string(b[at:i])
}

// end fails unless only white space is left.
func (s *jscan) end() {
	if s.ws(); s.err == nil && s.i != len(s.b) {
		s.fail("text after the value")
	}
}

// fastAny reads a whole text as one value; ok is false when the fast reader gave up.
func fastAny(text []byte) (any, bool) {
	s := &jscan{b: text}
	v := s.fastValue(0)
	s.end()
	return v, s.err == nil
}

// open reads the opening bracket of an object or array and reports whether a member
// follows (false for an empty one, its closing bracket read, or on failure).
func (s *jscan) open(o, c byte) bool {
	if s.peek() != o {
		s.fail("an object or array was expected")
		return false
	}
	s.i++
	if s.peek() == c {
		s.i++
		return false
	}
	return s.err == nil
}

// next reads what follows a member: a comma (true: another follows) or the closing bracket c.
func (s *jscan) next(c byte) bool {
	switch s.peek() {
	case ',':
		s.i++
		return s.err == nil
	case c:
		s.i++
		return false
	}
	s.fail("',' or a closing bracket was expected")
	return false
}

// key reads an object's key and its colon.
func (s *jscan) key() string {
	if s.peek() != '"' {
		s.fail("a key was expected")
		return ""
	}
	k := s.str()
	if s.peek() != ':' {
		s.fail("':' was expected")
		return ""
	}
	s.i++
	return k
}

// field reads a key of an object whose keys are the given field names: the field's index,
// or -1 for another key (its value is then read and dropped: it must be valid JSON too). A
// field given twice (seen keeps count), or a key that names a field in other case
// (encoding/json matches keys to fields regardless of case), makes it give up.
func (s *jscan) field(names []string, seen *uint64) int {
	key := s.key()
	for i, n := range names {
		if key == n {
			if *seen&(1<<i) != 0 {
				s.fail("a field given twice")
				return -2
			}
			*seen |= 1 << i
			return i
		}
		if strings.EqualFold(key, n) {
			s.fail("a field name in other case")
			return -2
		}
	}
	s.fastValue(1)
	return -1
}

// float reads a number as encoding/json does into a float64.
func (s *jscan) float() float64 {
	if s.null() {
		return 0
	}
	s.ws()
	lit := s.number()
	if s.err != nil {
		return 0
	}
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil {
		s.fail(err.Error())
	}
	return f
}

var (
	graphFields    = []string{"inputs", "nodes", "edges"}
	nodeFields     = []string{"id", "type", "label", "params", "position", "parentId"}
	positionFields = []string{"x", "y"}
	edgeFields     = []string{"id", "source", "sourceHandle", "target", "targetHandle"}
)

// fastGraph reads a graph's JSON as UnmarshalJSON would; false when it gave up.
func fastGraph(text []byte, g *Graph) bool {
	s := &jscan{b: text, src: string(text)}
	if s.peek() != '{' {
		return false
	}
	var seen uint64
	for more := s.open('{', '}'); more; more = s.next('}') {
		switch s.field(graphFields, &seen) {
		case 0: // inputs: few, and typed; encoding/json reads them
			s.ws()
			at := s.i
			s.skip()
			if s.err == nil && UnmarshalJSON(text[at:s.i], &g.Inputs) != nil {
				s.fail("inputs")
			}
		case 1:
			if s.null() {
				g.Nodes = nil
				continue
			}
			g.Nodes = make([]Node, 0, capGuess(len(text)))
			for more := s.open('[', ']'); more; more = s.next(']') {
				g.Nodes = append(g.Nodes, Node{})
				s.node(&g.Nodes[len(g.Nodes)-1])
			}
		case 2:
			if s.null() {
				g.Edges = nil
				continue
			}
			g.Edges = make([]Edge, 0, capGuess(len(text)))
			for more := s.open('[', ']'); more; more = s.next(']') {
				g.Edges = append(g.Edges, Edge{})
				s.edge(&g.Edges[len(g.Edges)-1])
			}
		}
	}
	s.end()
	return s.err == nil
}

// node reads a node (null leaves it zero).
func (s *jscan) node(n *Node) {
	if s.null() {
		return
	}
	var seen uint64
	for more := s.open('{', '}'); more; more = s.next('}') {
		switch s.field(nodeFields, &seen) {
		case 0:
			n.ID = s.str()
		case 1:
			n.Type = s.str()
		case 2:
			n.Label = s.str()
		case 3:
			if s.null() {
				continue
			}
			if s.peek() != '{' {
				s.fail("params: an object was expected")
				continue
			}
			n.Params, _ = s.fastValue(1).(map[string]any)
		case 4:
			if s.null() {
				continue
			}
			p := &Position{}
			var seenXY uint64
			for more := s.open('{', '}'); more; more = s.next('}') {
				switch s.field(positionFields, &seenXY) {
				case 0:
					p.X = s.float()
				case 1:
					p.Y = s.float()
				}
			}
			n.Position = p
		case 5:
			n.ParentID = s.str()
		}
	}
}

// edge reads an edge (null leaves it zero).
func (s *jscan) edge(e *Edge) {
	if s.null() {
		return
	}
	var seen uint64
	for more := s.open('{', '}'); more; more = s.next('}') {
		switch s.field(edgeFields, &seen) {
		case 0:
			e.ID = s.str()
		case 1:
			e.Source = s.str()
		case 2:
			e.SourceHandle = s.str()
		case 3:
			e.Target = s.str()
		case 4:
			e.TargetHandle = s.str()
		}
	}
}

// DecodeGraph reads a graph's JSON (a version's stored graph, a workflow file's) into g, a
// zero Graph, as UnmarshalJSON does, by the fast reader when the text is plain JSON.
func DecodeGraph(text []byte, g *Graph) error {
	var fast Graph
	if fastGraph(text, &fast) {
		*g = fast
		return nil
	}
	return UnmarshalJSON(text, g)
}

// capGuess is a first capacity for the nodes or the edges of a graph text of n bytes: about
// one per 256 bytes (a node or an edge takes 60–150), so a large graph grows its slice once
// or twice instead of the text being searched twice to count them.
func capGuess(n int) int { return max(1, min(n/256, 1<<20)) }
