package engine

import (
	"fmt"
	"sort"
	"strings"
)

// A template reference is {{name}} or {{inputs.name}} with optional spaces inside the braces.

// TemplateRefs returns the names referenced by {{…}} in s, in order of appearance.
func TemplateRefs(s string) []string {
	var out []string
	scanTemplate(s, func(name string) (string, bool) {
		out = append(out, name)
		return "", true
	})
	return out
}

// refName strips spaces and an "inputs." prefix from the inside of {{…}}.
func refName(inner string) string {
	n := strings.TrimSpace(inner)
	return strings.TrimPrefix(n, "inputs.")
}

// exactRef reports whether s is exactly one {{name}} reference and returns the name.
func exactRef(s string) (string, bool) {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "{{") || !strings.HasSuffix(t, "}}") || len(t) < 5 {
		return "", false
	}
	inner := t[2 : len(t)-2]
	if strings.Contains(inner, "{{") || strings.Contains(inner, "}}") {
		return "", false
	}
	name := refName(inner)
	if !validRefName(name) {
		return "", false
	}
	return name, true
}

func validRefName(name string) bool {
	if name == "" {
		return false
	}
	for i, r := range name {
		ok := r == '_' || r == '-' || r == '.' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (i > 0 && r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return true
}

// scanTemplate walks s, calling repl for each well-formed {{name}}; repl returns the text to put
// in its place and whether to replace it (false keeps the reference verbatim).
func scanTemplate(s string, repl func(name string) (string, bool)) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "{{")
		if i < 0 && b.Len() == 0 {
			return s // no reference: s itself, not a copy
		}
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.Index(s[i+2:], "}}")
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		inner := s[i+2 : i+2+j]
		name := refName(inner)
		b.WriteString(s[:i])
		if validRefName(name) && !strings.Contains(inner, "{{") {
			if r, ok := repl(name); ok {
				b.WriteString(r)
			} else {
				b.WriteString(s[i : i+2+j+2])
			}
		} else {
			b.WriteString(s[i : i+2+j+2])
		}
		s = s[i+2+j+2:]
	}
}

// RenderTemplate replaces each {{name}} in s by lookup(name) formatted as text. Unknown names
// are an error naming them.
func RenderTemplate(s string, lookup func(name string) (any, bool)) (string, error) {
	var missing []string
	out := scanTemplate(s, func(name string) (string, bool) {
		v, ok := lookup(name)
		if !ok {
			missing = append(missing, name)
			return "", false
		}
		return ToText(v), true
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("unknown template name %q", missing[0])
	}
	return out, nil
}

// ResolveParams replaces flow input references in every string param (recursively inside
// JSON params). A param that is exactly {{name}} takes the value with its type; inside longer
// text the value is formatted as text. Names in local are left for the node itself.
func ResolveParams(params map[string]any, inputs map[string]any, local []string) (map[string]any, error) {
	if len(params) == 0 {
		return params, nil
	}
	isLocal := func(n string) bool {
		for _, l := range local {
			if l == n {
				return true
			}
		}
		return false
	}
	var firstErr error
	var resolve func(v any) any
	resolve = func(v any) any {
		switch x := v.(type) {
		case string:
			if !strings.Contains(x, "{{") {
				return x
			}
			if name, ok := exactRef(x); ok && !isLocal(name) {
				val, found := inputs[name]
				if !found {
					if firstErr == nil {
						firstErr = fmt.Errorf("{{%s}} is not a declared input", name)
					}
					return x
				}
				return val
			}
			return scanTemplate(x, func(name string) (string, bool) {
				if isLocal(name) {
					return "", false
				}
				val, found := inputs[name]
				if !found {
					if firstErr == nil {
						firstErr = fmt.Errorf("{{%s}} is not a declared input", name)
					}
					return "", false
				}
				return ToText(val), true
			})
		case map[string]any:
			m := make(map[string]any, len(x))
			for k, e := range x {
				m[k] = resolve(e)
			}
			return m
		case []any:
			a := make([]any, len(x))
			for i, e := range x {
				a[i] = resolve(e)
			}
			return a
		}
		return v
	}
	out := make(map[string]any, len(params))
	for k, v := range params {
		out[k] = resolve(v)
	}
	return out, firstErr
}

// ParamRefs lists every flow input name referenced by a node's params, sorted and unique,
// leaving out the node's local names.
func ParamRefs(params map[string]any, local []string) []string {
	seen := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			for _, n := range TemplateRefs(x) {
				seen[n] = true
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	for _, v := range params {
		walk(v)
	}
	for _, l := range local {
		delete(seen, l)
	}
	return sortedKeys(seen)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ResolveNodeParams resolves a node's params for its type: params of kind code are kept
// verbatim (JavaScript may contain "{{"), and the type's local names are left to the node.
// When no param holds a {{, the answer is params itself (the planner resolves every node in
// scope): read it, never change it.
func ResolveNodeParams(t *NodeType, params map[string]any, inputs map[string]any) (map[string]any, error) {
	if !hasTemplate(params) {
		return params, nil
	}
	literal := literalParams(t, params)
	if len(literal) == 0 {
		return ResolveParams(params, inputs, t.LocalNames)
	}
	rest := make(map[string]any, len(params))
	for k, v := range params {
		if _, ok := literal[k]; !ok {
			rest[k] = v
		}
	}
	out, err := ResolveParams(rest, inputs, t.LocalNames)
	if out == nil {
		out = map[string]any{}
	}
	for k, v := range literal {
		out[k] = v
	}
	return out, err
}

// NodeParamRefs lists the flow inputs a node's params reference, leaving out code params.
func NodeParamRefs(t *NodeType, params map[string]any) []string {
	literal := literalParams(t, params)
	if len(literal) == 0 {
		return ParamRefs(params, t.LocalNames)
	}
	rest := make(map[string]any, len(params))
	for k, v := range params {
		if _, ok := literal[k]; !ok {
			rest[k] = v
		}
	}
	return ParamRefs(rest, t.LocalNames)
}

func literalParams(t *NodeType, params map[string]any) map[string]any {
	var out map[string]any
	for _, p := range t.Params {
		if p.Kind != ParamCode {
			continue
		}
		if v, ok := params[p.Name]; ok {
			if out == nil {
				out = map[string]any{}
			}
			out[p.Name] = v
		}
	}
	return out
}
