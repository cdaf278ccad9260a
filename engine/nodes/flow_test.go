package nodes_test

import (
	"testing"

	"github.com/flowbench/flowbench/engine"
)

func TestFlowInputs(t *testing.T) {
	t.Parallel()
	declared := []engine.InputDecl{
		{Name: "width", Type: engine.TypeInteger},
		{Name: "prompt", Type: engine.TypeString},
		{Name: "unset", Type: engine.TypeString},
	}
	tests := []struct {
		name     string
		declared []engine.InputDecl
		flow     map[string]any
		want     map[string]any
	}{
		{"one output per declared input", declared,
			map[string]any{"width": 256.0, "prompt": "fox", "extra": true},
			map[string]any{"width": 256.0, "prompt": "fox", "unset": nil}},
		{"no declarations", nil, map[string]any{"x": 1.0}, map[string]any{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := nodeInput(nil, nil)
			in.Declared = tc.declared
			in.FlowInputs = tc.flow
			got, err := runNode(t, "flow.inputs", in)
			checkResult(t, got, err, tc.want, "")
		})
	}
	if nt := nodeType(t, "flow.inputs"); !nt.DynamicOutputs || len(nt.Outputs) != 0 || len(nt.Inputs) != 0 {
		t.Errorf("flow.inputs schema: dynamic=%v outputs=%v inputs=%v", nt.DynamicOutputs, nt.Outputs, nt.Inputs)
	}
}

func TestOutput(t *testing.T) {
	t.Parallel()
	runCases(t, []nodeCase{
		{name: "passes value", typ: "io.output", params: map[string]any{"name": "result"},
			inputs: map[string]any{"value": map[string]any{"k": 1.0}},
			want:   map[string]any{"value": map[string]any{"k": 1.0}}},
		{name: "unconnected is null", typ: "io.output",
			want: map[string]any{"value": nil}},
	})
	nt := nodeType(t, "io.output")
	if p, ok := nt.Param("name"); !ok || p.Default != "output" {
		t.Errorf("io.output param name = %+v, want default \"output\"", p)
	}
	if len(nt.Outputs) != 0 {
		t.Errorf("io.output has outputs %v", nt.Outputs)
	}
}
