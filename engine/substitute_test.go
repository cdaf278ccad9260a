package engine_test

import (
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// TestTemplateSubstitutesOnce: text.template fills {{…}} once. A flow input or handle value
// that itself contains {{name}} is copied as text, never expanded again, so s="{{secret}}"
// cannot read another input.
func TestTemplateSubstitutesOnce(t *testing.T) {
	t.Parallel()
	reg := libRegistry(t)
	svc := newService(t, reg, 4)
	g := engine.Graph{
		Inputs: []engine.InputDecl{
			{Name: "s", Type: engine.TypeString},
			{Name: "secret", Type: engine.TypeString},
		},
		Nodes: []engine.Node{
			node("in", "flow.inputs", nil),
			node("const", "text.template", map[string]any{"template": "{{inputs.s}}"}),
			node("tpl", "text.template", map[string]any{"template": "s={{s}} a={{a}} b={{ inputs.s }}"}),
			node("out", "io.output", map[string]any{"name": "text"}),
		},
		Edges: []engine.Edge{edge("const", "text", "tpl", "a"), edge("tpl", "text", "out", "value")},
	}
	imp := importGraph(t, svc, "once", g)
	for _, tc := range []struct{ s, want string }{
		{"{{secret}}", "s={{secret}} a={{secret}} b={{secret}}"},
		{"{{inputs.secret}}", "s={{inputs.secret}} a={{inputs.secret}} b={{inputs.secret}}"},
		{"{{a}}", "s={{a}} a={{a}} b={{a}}"},
		{"plain", "s=plain a=plain b=plain"},
	} {
		run := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID, Inputs: map[string]any{"s": tc.s, "secret": "hunter2"}})
		if run.Status != engine.RunCompleted || run.Outputs["text"] != tc.want {
			t.Errorf("s=%q: %s %q, text %q, want %q", tc.s, run.Status, run.Error, run.Outputs["text"], tc.want)
		}
	}
}
