package engine

import (
	"bytes"
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
		s.object(func(key string) { m[key] = s.fastValue(depth + 1) })
		return m
	case c == '[':
		l := make([]any, 0, 4)
		s.i++
		if s.peek() == ']' {
			s.i++
			return l
		}
		for s.err == nil {
			l = append(l, s.fastValue(depth+1))
			switch s.peek() {
			case ',':
				s.i++
			case ']':
				s.i++
				return l
			default:
				s.fail("',' or ']' was expected")
			}
		}
		return nil
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

// fields reads an object whose keys are the given field names, calling f once per field
// met; a repeated field, or a key that names a field in other case (encoding/json matches
// keys to fields regardless of case), makes it give up. Other keys are skipped.
func (s *jscan) fields(names []string, f func(i int)) {
	var seen uint64
	s.object(func(key string) {
		for i, n := range names {
			if key == n {
				if seen&(1<<i) != 0 {
					s.fail("a field given twice")
					return
				}
				seen |= 1 << i
				f(i)
				return
			}
			if strings.EqualFold(key, n) {
				s.fail("a field name in other case")
				return
			}
		}
		s.fastValue(1) // read, not skipped: it must be valid JSON too
	})
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
	s := &jscan{b: text}
	if s.peek() != '{' {
		return false
	}
	s.fields(graphFields, func(i int) {
		switch i {
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
				return
			}
			g.Nodes = make([]Node, 0, max(1, bytes.Count(text, []byte(`"type"`))))
			s.array(func() {
				var n Node
				if s.peek() == 'n' && s.null() {
					g.Nodes = append(g.Nodes, n)
					return
				}
				s.fields(nodeFields, func(i int) {
					switch i {
					case 0:
						n.ID = s.str()
					case 1:
						n.Type = s.str()
					case 2:
						n.Label = s.str()
					case 3:
						if s.null() {
							n.Params = nil
							return
						}
						if s.peek() != '{' {
							s.fail("params: an object was expected")
							return
						}
						n.Params, _ = s.fastValue(1).(map[string]any)
					case 4:
						if s.null() {
							n.Position = nil
							return
						}
						p := &Position{}
						s.fields(positionFields, func(i int) {
							if i == 0 {
								p.X = s.float()
							} else {
								p.Y = s.float()
							}
						})
						n.Position = p
					case 5:
						n.ParentID = s.str()
					}
				})
				g.Nodes = append(g.Nodes, n)
			})
		case 2:
			if s.null() {
				g.Edges = nil
				return
			}
			g.Edges = []Edge{}
			s.array(func() {
				var e Edge
				if s.peek() == 'n' && s.null() {
					g.Edges = append(g.Edges, e)
					return
				}
				s.fields(edgeFields, func(i int) {
					v := s.str()
					switch i {
					case 0:
						e.ID = v
					case 1:
						e.Source = v
					case 2:
						e.SourceHandle = v
					case 3:
						e.Target = v
					case 4:
						e.TargetHandle = v
					}
				})
				g.Edges = append(g.Edges, e)
			})
		}
	})
	s.end()
	return s.err == nil
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
