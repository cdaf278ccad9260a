package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// inputNameRE is compiled at its first use, not by every process at its start.
var inputNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`) })

// ValidateGraph checks a graph against the registry and returns every problem at once as a
// *ValidationError (nil when the graph is runnable).
// Without a store it cannot know a flow.subworkflow node's handles: their edges are taken
// as they are (the service's validation checks them against the pinned version).
func ValidateGraph(reg *Registry, g Graph) error {
	return validateGraph(reg, g, nil)
}

// subflowResolver gives a flow.subworkflow node its type with the handles of the version it
// pins, and what is wrong with the pin (missing workflow or version, a cycle, too deep).
// A nil type leaves the node's handles unchecked.
type subflowResolver func(n Node, t *NodeType) (*NodeType, []Problem)

func validateGraph(reg *Registry, g Graph, sub subflowResolver) error {
	return validateUnless(reg, g, sub, nil)
}

// errGivenUp is what validateUnless returns when it was told to stop.
var errGivenUp = errors.New("validation given up")

// stopEvery is how many nodes or edges validateUnless checks between looks at its stop flag.
const stopEvery = 512

// validateUnless is validateGraph, given up (errGivenUp) once stop is set (nil: never): a
// validation begun before it is known to be needed (runVersion) ends soon after it is not.
func validateUnless(reg *Registry, g Graph, sub subflowResolver, stop *atomic.Bool) error {
	return validateKnown(reg, g, sub, stop, nil)
}

// validateKnown is validateUnless, taking the params of each node i for which known(i) is
// true (nil: none) to be valid without checking them: what a draft validated from its base
// passes for a node whose type, id and params are the base's (draftcheck.go).
func validateKnown(reg *Registry, g Graph, sub subflowResolver, stop *atomic.Bool, known func(i int) bool) error {
	stopped := func(i int) bool { return stop != nil && i%stopEvery == 0 && stop.Load() }
	var probs []Problem
	add := func(p Problem) { probs = append(probs, p) }

	declared := map[string]InputDecl{}
	for i, in := range g.Inputs {
		switch {
		case in.Name == "":
			add(Problem{Message: fmt.Sprintf("input #%d has no name", i+1)})
			continue
		case !inputNameRE().MatchString(in.Name):
			add(Problem{Input: in.Name, Message: "name must start with a letter or _ and hold only letters, digits, _ or -"})
		}
		if _, dup := declared[in.Name]; dup {
			add(Problem{Input: in.Name, Message: "declared twice"})
		}
		if !validInputType(in.Type) {
			add(Problem{Input: in.Name, Message: fmt.Sprintf("unknown type %q (want one of %s)", in.Type, strings.Join(InputTypes, ", "))})
		} else if in.Default != nil && !IsMediaType(in.Type) {
			if _, err := CoerceValue(in.Type, in.Default); err != nil {
				add(Problem{Input: in.Name, Message: "default: " + err.Error()})
			}
		}
		declared[in.Name] = in
	}

	// each id's node by its place in g.Nodes (the first of duplicates), sized once: a large
	// graph's map grows no more, and holds no copies of its nodes
	nodes := make(map[string]int, len(g.Nodes))
	types := make([]*NodeType, len(g.Nodes)) // by place; nil: unknown type or a duplicate
	open := map[string]bool{}                // subworkflow nodes whose handles are not known here
	for i, n := range g.Nodes {
		if stopped(i) {
			return errGivenUp
		}
		if n.ID == "" {
			add(Problem{Message: fmt.Sprintf("node #%d has no id", i+1)})
			continue
		}
		if _, dup := nodes[n.ID]; dup {
			add(Problem{NodeID: n.ID, Message: "duplicate node id"})
			continue
		}
		nodes[n.ID] = i
		t, ok := reg.Get(n.Type)
		if !ok {
			add(Problem{NodeID: n.ID, Message: fmt.Sprintf("unknown node type %q", n.Type)})
			continue
		}
		if known == nil || !known(i) {
			probs = append(probs, validateParams(n, t, declared)...)
		}
		if t.Subflow {
			var rt *NodeType
			if sub != nil && n.Params["workflow"] != nil && n.Params["version"] != nil {
				var ps []Problem
				rt, ps = sub(n, t)
				probs = append(probs, ps...)
			}
			if rt == nil {
				open[n.ID] = true
				rt = t
			}
			t = rt
		}
		types[i] = t
	}
	for i, n := range g.Nodes {
		if n.ParentID == "" {
			continue
		}
		pi, ok := nodes[n.ParentID]
		if !ok {
			add(Problem{NodeID: n.ID, Message: fmt.Sprintf("parent %q does not exist", n.ParentID)})
		} else if p, t := g.Nodes[pi], types[pi]; t != nil && !t.Container {
			add(Problem{NodeID: n.ID, Message: fmt.Sprintf("parent %q (%s) is not a loop group", p.ID, p.Type)})
		} else if ct := typeOf(nodes, types, n.ID, i); ct != nil && ct.Pauses {
			add(Problem{NodeID: n.ID, Message: fmt.Sprintf("%s cannot go inside the loop %q: a run pauses for a person between nodes, not once per item; put it before or after the loop", n.Type, p.ID)})
		}
	}

	type inputEnd struct{ node, handle string }
	targets := make(map[inputEnd]bool, len(g.Edges))
	for i, e := range g.Edges {
		if stopped(i) {
			return errGivenUp
		}
		si, okS := nodes[e.Source]
		di, okT := nodes[e.Target]
		if !okS {
			add(Problem{NodeID: e.Source, Message: fmt.Sprintf("edge %s.%s → %s.%s: source node does not exist", e.Source, e.SourceHandle, e.Target, e.TargetHandle)})
		}
		if !okT {
			add(Problem{NodeID: e.Target, Message: fmt.Sprintf("edge %s.%s → %s.%s: target node does not exist", e.Source, e.SourceHandle, e.Target, e.TargetHandle)})
		}
		if !okS || !okT {
			continue
		}
		if e.Source == e.Target {
			add(Problem{NodeID: e.Source, Message: "edge connects a node to itself"})
			continue
		}
		st, dt := types[si], types[di]
		if st == nil || dt == nil {
			continue
		}
		outType, ok := outputType(st, e.SourceHandle, declared)
		if open[e.Source] {
			outType, ok = TypeAny, true
		}
		if !ok {
			add(Problem{NodeID: e.Source, Handle: e.SourceHandle, Message: fmt.Sprintf("%s has no output handle %q", handleOwner(st), e.SourceHandle)})
			continue
		}
		in, ok := dt.Input(e.TargetHandle)
		if open[e.Target] {
			in, ok = Handle{Name: e.TargetHandle, Type: TypeAny}, true
		}
		if !ok {
			add(Problem{NodeID: e.Target, Handle: e.TargetHandle, Message: fmt.Sprintf("%s has no input handle %q", handleOwner(dt), e.TargetHandle)})
			continue
		}
		if !Compatible(outType, in.Type) {
			add(Problem{NodeID: e.Target, Handle: e.TargetHandle, Message: fmt.Sprintf("incompatible types: %s.%s gives %s, %s accepts %s", e.Source, e.SourceHandle, outType, e.TargetHandle, in.Type)})
		}
		key := inputEnd{e.Target, e.TargetHandle}
		if targets[key] {
			add(Problem{NodeID: e.Target, Handle: e.TargetHandle, Message: "input handle has more than one incoming edge"})
		}
		targets[key] = true
	}
	if stopped(0) {
		return errGivenUp
	}
	if cyc := findCycle(g); len(cyc) > 0 {
		add(Problem{NodeID: cyc[0], Message: "cycle: " + strings.Join(append(cyc, cyc[0]), " → ")})
	}
	if len(probs) == 0 {
		return nil
	}
	return &ValidationError{Problems: probs}
}

// typeOf is the type validateGraph found for node id at place i: a duplicate of an earlier
// node's id has the earlier node's, as it had when types were kept by id.
func typeOf(nodes map[string]int, types []*NodeType, id string, i int) *NodeType {
	if first, ok := nodes[id]; ok && first != i {
		return types[first]
	}
	return types[i]
}

// handleOwner names a node type in a handle problem: a subworkflow node by the pinned
// version whose handles it has.
func handleOwner(t *NodeType) string {
	if t.Subflow && t.Title != "" {
		return t.Title
	}
	return t.Type
}

func validInputType(t string) bool {
	if t == TypeAny {
		return true // an input of a made subworkflow fed by an untyped handle
	}
	for _, x := range InputTypes {
		if x == t {
			return true
		}
	}
	return false
}

// outputType is the type of a node's output handle; flow.inputs has one per declared input.
func outputType(t *NodeType, handle string, declared map[string]InputDecl) (string, bool) {
	if t.DynamicOutputs {
		d, ok := declared[handle]
		return d.Type, ok
	}
	h, ok := t.Output(handle)
	return h.Type, ok
}

// validateParams checks param types and that every {{name}} names a declared input.
func validateParams(n Node, t *NodeType, declared map[string]InputDecl) []Problem {
	var probs []Problem
	for _, name := range NodeParamRefs(t, n.Params) {
		if _, ok := declared[name]; !ok {
			probs = append(probs, Problem{NodeID: n.ID, Input: name, Message: fmt.Sprintf("{{%s}} is not a declared input", name)})
		}
	}
	keys := sortedKeys(n.Params)
	for _, k := range keys {
		spec, ok := t.Param(k)
		if !ok {
			continue // unknown params are kept but ignored, so newer files open in older builds
		}
		if msg := checkParamKind(spec, n.Params[k]); msg != "" {
			probs = append(probs, Problem{NodeID: n.ID, Param: k, Message: msg})
			continue
		}
		if msg := checkParamValue(spec, n.Params[k]); msg != "" {
			probs = append(probs, Problem{NodeID: n.ID, Param: k, Message: msg})
		}
	}
	for _, spec := range t.Params {
		if spec.Required {
			if v, ok := n.Params[spec.Name]; !ok || v == nil || (isText(v) && strings.TrimSpace(v.(string)) == "") {
				probs = append(probs, Problem{NodeID: n.ID, Param: spec.Name, Message: "is required"})
			}
		}
	}
	return probs
}

func isText(v any) bool {
	_, ok := v.(string)
	return ok
}

// checkParamValue checks what a param says, once its kind is right: JSON text parses, and
// the node type's own Check (an expression compiles, a regex compiles…) passes. A param that
// is exactly one {{name}} is left alone: its value is only known when the run starts.
func checkParamValue(spec ParamSpec, v any) string {
	var text string
	switch x := v.(type) {
	case string:
		if _, exact := exactRef(x); exact || strings.TrimSpace(x) == "" {
			return ""
		}
		text = x
	case float64, bool, int, int64:
		text = ToText(x)
	default:
		return ""
	}
	if spec.Kind == ParamJSON {
		t := strings.TrimSpace(text)
		if (strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[")) && len(TemplateRefs(t)) == 0 && !json.Valid([]byte(t)) {
			var x any
			err := json.Unmarshal([]byte(t), &x)
			return "not valid JSON: " + jsonSyntaxMessage(t, err)
		}
	}
	if spec.Check != nil {
		if err := spec.Check(text); err != nil {
			return err.Error()
		}
	}
	return ""
}

// jsonSyntaxMessage words a JSON parse error for a person: what is wrong and where, without
// Go's package prefix.
func jsonSyntaxMessage(text string, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := 1, 1
		for _, r := range text[:min(int(se.Offset), len(text))] {
			if r == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
		}
		return fmt.Sprintf("%s (line %d, column %d)", strings.TrimPrefix(se.Error(), "json: "), line, col)
	}
	if err == nil {
		return "unreadable"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func checkParamKind(spec ParamSpec, v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		if _, exact := exactRef(s); exact {
			return "" // typed by the input it names
		}
	}
	switch spec.Kind {
	case ParamNumber, ParamInteger:
		f, ok := v.(float64)
		if i, isInt := v.(int64); isInt {
			f, ok = float64(i), true
		}
		if !ok {
			s, isStr := v.(string)
			if !isStr {
				return fmt.Sprintf("want a number, got %s", jsonKind(v))
			}
			if s == "" {
				return ""
			}
			var err error
			if f, err = parseNumber(s); err != nil {
				return fmt.Sprintf("want a number, got %q", s)
			}
		}
		if spec.Kind == ParamInteger && f != float64(int64(f)) {
			return fmt.Sprintf("want a whole number, got %v", f)
		}
	case ParamBoolean:
		switch b := v.(type) {
		case bool:
		case string:
			if b != "true" && b != "false" && b != "" {
				return fmt.Sprintf("want true or false, got %q", b)
			}
		default:
			return fmt.Sprintf("want true or false, got %s", jsonKind(v))
		}
	case ParamSelect:
		s, ok := v.(string)
		if !ok {
			return fmt.Sprintf("want one of %s", strings.Join(spec.Options, ", "))
		}
		if len(spec.Options) > 0 && s != "" && !contains(spec.Options, s) {
			return fmt.Sprintf("%q is not one of %s", s, strings.Join(spec.Options, ", "))
		}
	case ParamString, ParamText, ParamCode, ParamExpression, ParamPath:
		switch v.(type) {
		case string, float64, int64, bool:
		default:
			return fmt.Sprintf("want text, got %s", jsonKind(v))
		}
	case ParamStrings:
		if _, ok := v.([]any); !ok {
			if _, ok := v.(string); !ok {
				return fmt.Sprintf("want a list of text, got %s", jsonKind(v))
			}
		}
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// findCycle returns the node ids of one cycle among the edges, or nil: the first met by a
// depth-first walk from each node in id order, following each node's edges in their order
// (ids an edge names that no node has are walked through too). Nodes are numbered and
// their edges laid out in one array, so a large graph costs a few allocations, not one a
// node (TestPropertyFindCycle holds it to the walk over maps it replaced).
func findCycle(g Graph) []string {
	parents := parentsOf(g)
	slot := make(map[string]int32, len(g.Nodes))
	ids := make([]string, 0, len(g.Nodes))
	number := func(id string) int32 {
		k, ok := slot[id]
		if !ok {
			k = int32(len(ids))
			slot[id] = k
			ids = append(ids, id)
		}
		return k
	}
	for _, n := range g.Nodes {
		number(n.ID)
	}
	nodes := len(ids)
	type arc struct{ from, to int32 }
	arcs := make([]arc, 0, len(g.Edges))
	for _, e := range g.Edges {
		if parents[e.Target] == e.Source || parents[e.Source] == e.Target {
			continue // a group's item/result edges with its own children
		}
		arcs = append(arcs, arc{number(e.Source), number(e.Target)})
	}
	// next[start[k]:start[k+1]] are the targets of k's edges, in edge order
	start := make([]int32, len(ids)+1)
	for _, a := range arcs {
		start[a.from+1]++
	}
	for k := 1; k < len(start); k++ {
		start[k] += start[k-1]
	}
	next := make([]int32, len(arcs))
	fill := append([]int32(nil), start[:len(ids)]...)
	for _, a := range arcs {
		next[fill[a.from]] = a.to
		fill[a.from]++
	}
	if acyclic(start, next) {
		return nil // no cycle to walk to: the ids need no sorting, nor the nodes a walk
	}
	order := make([]int32, nodes)
	for k := range order {
		order[k] = int32(k)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(ids[a], ids[b]) })
	const (
		white = iota
		grey
		black
	)
	color := make([]uint8, len(ids))
	var stack []int32
	var found []string
	var visit func(k int32) bool
	visit = func(k int32) bool {
		color[k] = grey
		stack = append(stack, k)
		for _, to := range next[start[k]:start[k+1]] {
			switch color[to] {
			case grey:
				for i := len(stack) - 1; i >= 0; i-- {
					if stack[i] == to {
						for _, s := range stack[i:] {
							found = append(found, ids[s])
						}
						return true
					}
				}
			case white:
				if visit(to) {
					return true
				}
			}
		}
		stack = stack[:len(stack)-1]
		color[k] = black
		return false
	}
	// Iterative callers would be safer for very deep graphs; recursion depth is bounded by
	// graph size, which Go's growable stacks handle for the 10,000-node benchmarks.
	for _, k := range order {
		if color[k] == white && visit(k) {
			return found
		}
	}
	return nil
}

// acyclic reports whether the numbered nodes with edges next[start[k]:start[k+1]] from each
// node k have no cycle: taken off in topological order (Kahn), every node goes. A graph is
// valid only without one, so findCycle's ordered walk, which names a cycle, is needed only
// when there is one.
func acyclic(start, next []int32) bool {
	n := len(start) - 1
	into := make([]int32, n) // edges into each node not taken off yet
	for _, to := range next {
		into[to]++
	}
	queue := make([]int32, 0, n)
	for k := range n {
		if into[k] == 0 {
			queue = append(queue, int32(k))
		}
	}
	for i := 0; i < len(queue); i++ {
		k := queue[i]
		for _, to := range next[start[k]:start[k+1]] {
			if into[to]--; into[to] == 0 {
				queue = append(queue, to)
			}
		}
	}
	return len(queue) == n
}
