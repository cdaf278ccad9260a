package engine

import (
	"regexp"
	"slices"
	"strings"
)

// flowReaders lists the top-level nodes of g that read any flow input.
func flowReaders(reg *Registry, g Graph) map[string]bool {
	pc := newPlanContext(PlanInput{Registry: reg, Graph: g}, indexGraph(g))
	out := map[string]bool{}
	for i, n := range g.Nodes {
		if n.ParentID == "" && pc.reads(i, pc.types[n.Type]).any() {
			out[n.ID] = true
		}
	}
	return out
}

// flowReads are the flow inputs a node reads: all of them, or the named ones.
type flowReads struct {
	all   bool
	names []string
}

func (r flowReads) any() bool { return r.all || len(r.names) > 0 }

// differ reports whether a value read differs between two hashed input sets.
func (r flowReads) differ(now, then map[string]string) bool {
	if r.all {
		if len(now) != len(then) {
			return true
		}
		for k, h := range now {
			if th, ok := then[k]; !ok || th != h {
				return true
			}
		}
		return false
	}
	for _, name := range r.names {
		h, ok := now[name]
		th, tok := then[name]
		if ok != tok || h != th {
			return true
		}
	}
	return false
}

func (r flowReads) changedIn(changed map[string]bool) bool {
	if r.all {
		return len(changed) > 0
	}
	for _, name := range r.names {
		if changed[name] {
			return true
		}
	}
	return false
}

// reads lists the flow inputs node i reads; a loop group reads what its children read.
func (pc *planContext) reads(i int, t *NodeType) flowReads {
	var r flowReads
	add := func(name string) {
		if !slices.Contains(r.names, name) {
			r.names = append(r.names, name)
		}
	}
	var visit func(i int, t *NodeType)
	visit = func(i int, t *NodeType) {
		if t == nil {
			return
		}
		n := &pc.g.Nodes[i]
		if t.DynamicOutputs {
			r.all = true
		}
		if hasTemplate(n.Params) {
			for _, name := range NodeParamRefs(t, n.Params) {
				add(name)
			}
		}
		for _, param := range pc.exprParams[n.Type] {
			names, all := expressionInputRefs(ToText(n.Params[param]))
			r.all = r.all || all
			for _, name := range names {
				add(name)
			}
		}
		for _, k := range pc.gi.in(i) {
			if st := pc.types[pc.g.Nodes[pc.gi.src[k]].Type]; st != nil && st.DynamicOutputs {
				add(pc.g.Edges[k].SourceHandle)
			}
		}
		if t.Container {
			for _, c := range pc.children[n.ID] {
				visit(c, pc.types[pc.g.Nodes[c].Type])
			}
		}
	}
	visit(i, t)
	return r
}

var (
	inputsWord  = regexp.MustCompile(`\binputs\b`)
	inputsField = regexp.MustCompile(`^\s*(?:\?\.|\.)\s*([A-Za-z_$][A-Za-z0-9_$]*)`)
	inputsIndex = regexp.MustCompile("^\\s*(?:\\?\\.)?\\[\\s*(?:\"([^\"]*)\"|'([^']*)'|`([^`]*)`)\\s*\\]")
)

// expressionInputRefs lists the flow inputs an expression or code param reads as inputs.NAME
// (or inputs["NAME"]). all is true when it uses inputs otherwise (passes it on, iterates it),
// so every input counts as read.
func expressionInputRefs(src string) (names []string, all bool) {
	if !strings.Contains(src, "inputs") {
		return nil, false
	}
	for _, loc := range inputsWord.FindAllStringIndex(src, -1) {
		rest := src[loc[1]:]
		if m := inputsField.FindStringSubmatch(rest); m != nil {
			names = append(names, m[1])
			continue
		}
		if m := inputsIndex.FindStringSubmatch(rest); m != nil {
			names = append(names, m[1]+m[2]+m[3])
			continue
		}
		all = true
	}
	return names, all
}
