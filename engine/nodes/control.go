package nodes

import (
	"context"
	"fmt"
	"strings"

	"github.com/flowbench/flowbench/engine"
)

// switchCases are control.switch's case params and output handles, in match order.
var switchCases = []string{"case1", "case2", "case3", "case4"}

// registerControl adds the branching nodes. Loops and approval live in their own files.
func registerControl(r *engine.Registry) error {
	valueIn := []engine.Handle{{Name: "value", Type: engine.TypeAny, Description: "The value to route"}}
	switchOut := make([]engine.Handle, 0, len(switchCases)+1)
	switchParams := []engine.ParamSpec{
		{Name: "expression", Kind: engine.ParamExpression, Label: "Expression", Default: "value",
			Description: "expr-lang over value and inputs.NAME; its result, as text, is compared with the cases",
			Check:       checkExpression(valueEnv)},
	}
	for i, c := range switchCases {
		switchOut = append(switchOut, engine.Handle{Name: c, Type: engine.TypeAny,
			Description: fmt.Sprintf("Gets value when the result equals case %d", i+1)})
		switchParams = append(switchParams, engine.ParamSpec{Name: c, Kind: engine.ParamString,
			Label: fmt.Sprintf("Case %d", i+1), Description: "Text the result must equal (empty: unused)"})
	}
	switchOut = append(switchOut, engine.Handle{Name: "default", Type: engine.TypeAny,
		Description: "Gets value when no case matches"})

	return registerAll(r,
		engine.NodeType{
			Type:  "control.if",
			Group: "control",
			Title: "If",
			Description: "Sends value to the true or the false output by a condition; the nodes " +
				"behind the other output are skipped.",
			Inputs: valueIn,
			Outputs: []engine.Handle{
				{Name: "true", Type: engine.TypeAny, Description: "Gets value when the condition holds"},
				{Name: "false", Type: engine.TypeAny, Description: "Gets value otherwise"},
			},
			Params: []engine.ParamSpec{
				{Name: "condition", Kind: engine.ParamExpression, Label: "Condition", Default: "",
					Description: "expr-lang over value and inputs.NAME, e.g. value > 10; empty tests value itself " +
						"(null, false, 0, \"\" and empty lists are false)",
					Check: checkExpression(valueEnv)},
			},
			Deterministic:     true,
			DeterministicWhen: deterministicUnlessClock("condition"),
			Run:               runIf,
		},
		engine.NodeType{
			Type:  "control.switch",
			Group: "control",
			Title: "Switch",
			Description: "Sends value to the first case whose text equals the expression's result, " +
				"or to default; the other outputs are skipped.",
			Inputs:            valueIn,
			Outputs:           switchOut,
			Params:            switchParams,
			Deterministic:     true,
			DeterministicWhen: deterministicUnlessClock("expression"),
			Run:               runSwitch,
		},
		engine.NodeType{
			Type:  "control.merge",
			Group: "control",
			Title: "Merge",
			Description: "Passes on the first of a…d whose edge is active, joining the branches of " +
				"an If or a Switch.",
			Inputs: anyInputs("A branch to join"),
			Outputs: []engine.Handle{
				{Name: "value", Type: engine.TypeAny, Description: "The first active input's value"},
			},
			Deterministic: true,
			Run:           runMerge,
		},
	)
}

func runIf(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
	value := in.Inputs["value"]
	cond := in.String("condition", "")
	ok := truthy(value)
	if strings.TrimSpace(cond) != "" {
		res, err := valueEnv.eval(ctx, "condition", cond, map[string]any{"value": value, "inputs": flowInputs(in)})
		if err != nil {
			return nil, err
		}
		ok = truthy(res)
	}
	if ok {
		return map[string]any{"true": value}, nil
	}
	return map[string]any{"false": value}, nil
}

func runSwitch(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
	value := in.Inputs["value"]
	src := in.String("expression", "value")
	if strings.TrimSpace(src) == "" {
		src = "value"
	}
	res, err := valueEnv.eval(ctx, "expression", src, map[string]any{"value": value, "inputs": flowInputs(in)})
	if err != nil {
		return nil, err
	}
	norm, err := jsonResult("expression", src, res)
	if err != nil {
		return nil, err
	}
	got := engine.ToText(norm)
	for _, c := range switchCases {
		if in.Has(c) && in.String(c, "") == got {
			return map[string]any{c: value}, nil
		}
	}
	return map[string]any{"default": value}, nil
}

func runMerge(_ context.Context, in *engine.NodeInput) (map[string]any, error) {
	for _, h := range abcd {
		if in.Connected[h] {
			return map[string]any{"value": in.Inputs[h]}, nil
		}
	}
	return map[string]any{"value": nil}, nil
}
