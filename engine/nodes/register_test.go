package nodes_test

import (
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/nodes"
)

// coreTypes are the node types this package must provide, with the groups the palette shows.
var coreTypes = map[string]string{
	"flow.inputs":    "flow",
	"io.output":      "flow",
	"text.template":  "text",
	"text.concat":    "text",
	"text.split":     "text",
	"text.join":      "text",
	"text.regex":     "text",
	"json.parse":     "data",
	"json.get":       "data",
	"math.expr":      "data",
	"control.if":     "control",
	"control.switch": "control",
	"control.merge":  "control",
	"util.delay":     "utility",
	"util.random":    "utility",
}

func TestRegister(t *testing.T) {
	t.Parallel()
	r := engine.NewRegistry()
	if err := nodes.Register(r); err != nil {
		t.Fatalf("Register: %v", err)
	}
	for typ, group := range coreTypes {
		nt, ok := r.Get(typ)
		if !ok {
			t.Errorf("%s is not registered", typ)
			continue
		}
		if nt.Group != group || nt.Title == "" || nt.Description == "" || nt.Run == nil {
			t.Errorf("%s: group %q title %q description %q", typ, nt.Group, nt.Title, nt.Description)
		}
		for _, p := range nt.Params {
			if p.Label == "" || p.Kind == "" {
				t.Errorf("%s param %q: label %q kind %q", typ, p.Name, p.Label, p.Kind)
			}
		}
	}
	err := nodes.Register(r)
	if err == nil || !strings.Contains(err.Error(), "duplicate") {
		t.Fatalf("second Register: err = %v, want duplicate", err)
	}
}

func TestFixedHandles(t *testing.T) {
	t.Parallel()
	names := func(hs []engine.Handle) string {
		s := make([]string, len(hs))
		for i, h := range hs {
			s[i] = h.Name
		}
		return strings.Join(s, " ")
	}
	params := func(ps []engine.ParamSpec) string {
		s := make([]string, len(ps))
		for i, p := range ps {
			s[i] = p.Name
		}
		return strings.Join(s, " ")
	}
	// SPEC §9, fixed handles table.
	for _, tc := range []struct{ typ, inputs, outputs, params string }{
		{"flow.inputs", "", "", ""},
		{"io.output", "value", "", "name"},
		{"math.expr", "a b c d", "result", "expression"},
		{"text.template", "a b c d", "text", "template"},
		{"control.if", "value", "true false", "condition"},
		{"control.merge", "a b c d", "value", ""},
		{"util.delay", "value", "value", "ms"},
		{"util.random", "", "value", "seed min max"},
	} {
		nt := nodeType(t, tc.typ)
		if got := names(nt.Inputs); got != tc.inputs {
			t.Errorf("%s inputs = %q, want %q", tc.typ, got, tc.inputs)
		}
		if got := names(nt.Outputs); got != tc.outputs {
			t.Errorf("%s outputs = %q, want %q", tc.typ, got, tc.outputs)
		}
		if got := params(nt.Params); got != tc.params {
			t.Errorf("%s params = %q, want %q", tc.typ, got, tc.params)
		}
	}
}
