package nodes_test

import (
	"context"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

func FuzzTemplate(f *testing.F) {
	for _, s := range []string{"", "{{a}}", "{{ b }}-{{c}}", "{{inputs.who}}", "{{", "}}{{", "{{{{a}}}}",
		"{{a}", "{{ 1a }}", "{{a.b.c}}", "x{{d}}y{{nobody}}", "{{\x00}}", "{{é}}"} {
		f.Add(s)
	}
	run := nodeType(f, "text.template").Run
	lookup := func(name string) (any, bool) {
		if name == "missing" {
			return nil, false
		}
		return name, true
	}
	f.Fuzz(func(t *testing.T, tpl string) {
		_, _ = engine.RenderTemplate(tpl, lookup)
		_ = engine.TemplateRefs(tpl)
		in := nodeInput(map[string]any{"template": tpl}, map[string]any{"a": 1.0, "b": "two", "c": nil})
		in.FlowInputs = map[string]any{"who": "ada"}
		out, err := run(context.Background(), in)
		if err == nil {
			if _, ok := out["text"].(string); !ok {
				t.Fatalf("text output %v is not a string", out["text"])
			}
		}
	})
}

func FuzzExpr(f *testing.F) {
	for _, s := range []string{"a + 1", "a / b", "inputs.x ?? 3", "map(c, # * 2)", "a.b.c", "1 / 0",
		"let x = a; x * x", `"a" + a`, "c[99]", "d?.k", "len(c) > 1 ? 'y' : 'n'", "a ** 1000", "-", "((", "now()"} {
		f.Add(s)
	}
	run := nodeType(f, "math.expr").Run
	f.Fuzz(func(t *testing.T, src string) {
		in := nodeInput(map[string]any{"expression": src}, map[string]any{
			"a": 2.0, "b": 0.0, "c": []any{1.0, "x"}, "d": map[string]any{"k": true},
		})
		in.FlowInputs = map[string]any{"x": 1.0}
		out, err := run(context.Background(), in)
		if err == nil {
			if _, err := engine.NormalizeOutputs(out); err != nil {
				t.Fatalf("%q: result is not JSON: %v", src, err)
			}
		}
	})
}
