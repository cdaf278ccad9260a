package nodes

import (
	"context"
	"fmt"

	"github.com/flowbench/flowbench/engine"
)

// registerFlow adds the nodes where values enter and leave a workflow.
func registerFlow(r *engine.Registry) error {
	return registerAll(r,
		engine.NodeType{
			Type:           "flow.inputs",
			Group:          "flow",
			Title:          "Flow inputs",
			Description:    "The workflow's declared inputs, one output per input, named as it.",
			Outputs:        []engine.Handle{},
			DynamicOutputs: true,
			Deterministic:  true,
			Run:            runFlowInputs,
		},
		engine.NodeType{
			Type:        "io.output",
			Group:       "flow",
			Title:       "Output",
			Description: "Records the value it receives as a run output under its name.",
			Inputs: []engine.Handle{
				{Name: "value", Type: engine.TypeAny, Description: "The value to record"},
			},
			Outputs: []engine.Handle{},
			Params: []engine.ParamSpec{
				{Name: "name", Kind: engine.ParamString, Label: "Name", Default: "output", Required: true,
					Description: "Name of the run output"},
			},
			Deterministic: true,
			RunOutput:     true,
			Run:           runOutput,
		},
		engine.NodeType{
			Type:        engine.TypeSubworkflow,
			Group:       "flow",
			Title:       "Subworkflow",
			Description: "Runs a pinned version of another workflow as one node: its inputs are the child's declared inputs, its outputs the child's outputs.",
			Inputs:      []engine.Handle{},
			Outputs:     []engine.Handle{},
			Params: []engine.ParamSpec{
				{Name: "workflow", Kind: engine.ParamString, Label: "Workflow", Required: true,
					Description: "The child workflow (id; a name is accepted on import)"},
				{Name: "version", Kind: engine.ParamString, Label: "Version", Required: true,
					Description: "The pinned version of the child: nothing changes under the node until you update it"},
			},
			// Deterministic when every node of the pinned child version is.
			DeterministicWhen: func(p map[string]any) bool { return engine.PinnedDeterministic(engine.ToText(p["version"])) },
			Subflow:           true,
			Run:               runSubworkflow,
		},
	)
}

// runSubworkflow runs the pinned child version; the engine starts the child run.
func runSubworkflow(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
	if in.Child == nil {
		return nil, fmt.Errorf("a subworkflow runs only inside a workflow run")
	}
	return in.Child(ctx)
}

func runFlowInputs(_ context.Context, in *engine.NodeInput) (map[string]any, error) {
	out := make(map[string]any, len(in.Declared))
	for _, d := range in.Declared {
		out[d.Name] = in.FlowInputs[d.Name]
	}
	return out, nil
}

// runOutput passes value on; the engine records it as the run output named by param name.
func runOutput(_ context.Context, in *engine.NodeInput) (map[string]any, error) {
	return map[string]any{"value": in.Inputs["value"]}, nil
}
