package engine

import (
	"fmt"
	"sort"
	"strings"
)

// RunLabel names a run by the input values that distinguish it from the defaults
// (`prompt="red fox" seed=7`), else "Run #n".
func RunLabel(decls []InputDecl, inputs map[string]any, n int) string {
	var parts []string
	for _, d := range decls {
		v, ok := inputs[d.Name]
		if !ok || v == nil {
			continue
		}
		if d.Default != nil {
			if def, err := CoerceValue(d.Type, d.Default); err == nil && HashValue(def) == HashValue(v) {
				continue
			}
		} else if v == "" {
			continue
		}
		parts = append(parts, d.Name+"="+labelValue(v))
	}
	if len(parts) == 0 {
		return NumberedLabel(n)
	}
	s := strings.Join(parts, " ")
	if len([]rune(s)) > 80 {
		s = string([]rune(s)[:79]) + "…"
	}
	return s
}

// NumberedLabel is the label of a run nothing else names: "Run #n", n its number in its
// workflow. Stores give it to a run created without a label.
func NumberedLabel(n int) string {
	return fmt.Sprintf("Run #%d", n)
}

// SweepLabels names each run of a batch (Run ×N, a seed sweep, a --batch file) by what
// differs between the batch's runs: the inputs whose values are not the same in every run,
// the one with the most distinct values first, each named even where its value is the
// default (`seed=1`). Inputs common to all runs are left out. A run whose label would be
// empty (every run alike) gets "" and is numbered ("Run #n") when stored.
func SweepLabels(decls []InputDecl, sets []map[string]any) []string {
	type varying struct {
		name     string
		distinct int
		order    int
	}
	var vs []varying
	for i, d := range decls {
		seen := map[string]bool{}
		for _, in := range sets {
			v, ok := in[d.Name]
			if !ok || v == nil {
				seen["\x00missing"] = true
				continue
			}
			seen[HashValue(v)] = true
		}
		if len(seen) > 1 {
			vs = append(vs, varying{d.Name, len(seen), i})
		}
	}
	sort.SliceStable(vs, func(i, j int) bool { return vs[i].distinct > vs[j].distinct })
	out := make([]string, len(sets))
	for i, in := range sets {
		var parts []string
		for _, v := range vs {
			if x, ok := in[v.name]; ok && x != nil {
				parts = append(parts, v.name+"="+labelValue(x))
			}
		}
		s := strings.Join(parts, " ")
		if len([]rune(s)) > 80 {
			s = string([]rune(s)[:79]) + "…"
		}
		out[i] = s
	}
	return out
}

func labelValue(v any) string {
	if ref, ok := AsAssetRef(v); ok {
		return ref.Name
	}
	switch x := v.(type) {
	case string:
		if len([]rune(x)) > 30 {
			x = string([]rune(x)[:29]) + "…"
		}
		return fmt.Sprintf("%q", x)
	case map[string]any, []any:
		s := ToText(x)
		if len(s) > 30 {
			s = s[:29] + "…"
		}
		return s
	}
	return ToText(v)
}
