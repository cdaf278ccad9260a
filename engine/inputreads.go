package engine

import (
	"regexp"
	"slices"
	"strings"
	"sync"
)

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

// readsOf lists the flow inputs node i reads; a loop group reads what its children read.
func (f *graphFacts) readsOf(i int) flowReads {
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
		n := &f.g.Nodes[i]
		if t.DynamicOutputs {
			r.all = true
		}
		if hasTemplate(n.Params) {
			for _, name := range NodeParamRefs(t, n.Params) {
				add(name)
			}
		}
		for _, param := range f.exprParams[n.Type] {
			names, all := expressionInputRefs(ToText(n.Params[param]))
			r.all = r.all || all
			for _, name := range names {
				add(name)
			}
		}
		for _, k := range f.gi.in(i) {
			if st := f.types[f.gi.src[k]]; st != nil && st.DynamicOutputs {
				add(f.g.Edges[k].SourceHandle)
			}
		}
		if t.Container {
			for _, c := range f.children[n.ID] {
				visit(c, f.types[c])
			}
		}
	}
	visit(i, f.types[i])
	return r
}

// The patterns are compiled at their first use, not by every process at its start.
var (
	inputsWord  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\binputs\b`) })
	inputsField = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^\s*(?:\?\.|\.)\s*([A-Za-z_$][A-Za-z0-9_$]*)`)
	})
	inputsIndex = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile("^\\s*(?:\\?\\.)?\\[\\s*(?:\"([^\"]*)\"|'([^']*)'|`([^`]*)`)\\s*\\]")
	})
)

// expressionInputRefs lists the flow inputs an expression or code param reads as inputs.NAME
// (or inputs["NAME"]). all is true when it uses inputs otherwise (passes it on, iterates it),
// so every input counts as read.
func expressionInputRefs(src string) (names []string, all bool) {
	if !strings.Contains(src, "inputs") {
		return nil, false
	}
	for _, loc := range inputsWord().FindAllStringIndex(src, -1) {
		rest := src[loc[1]:]
		if m := inputsField().FindStringSubmatch(rest); m != nil {
			names = append(names, m[1])
			continue
		}
		if m := inputsIndex().FindStringSubmatch(rest); m != nil {
			names = append(names, m[1]+m[2]+m[3])
			continue
		}
		all = true
	}
	return names, all
}
