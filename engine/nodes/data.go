package nodes

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/flowbench/flowbench/engine"
)

// registerData adds the nodes that read and compute structured values.
func registerData(r *engine.Registry) error {
	return registerAll(r,
		engine.NodeType{
			Type:        "json.parse",
			Group:       "data",
			Title:       "Parse JSON",
			Description: "Parses JSON text into a value. A value that is not text passes through unchanged.",
			Inputs: []engine.Handle{
				{Name: "text", Type: engine.TypeString, Required: true, Description: "JSON text"},
			},
			Outputs: []engine.Handle{
				{Name: "value", Type: engine.TypeAny, Description: "The parsed value"},
			},
			Deterministic: true,
			Run:           runJSONParse,
		},
		engine.NodeType{
			Type:        "json.get",
			Group:       "data",
			Title:       "Get field",
			Description: "Reads a field of an object or an item of an array by a dot path such as a.b.0.c.",
			Inputs: []engine.Handle{
				{Name: "value", Type: engine.TypeAny, Description: "Object or array to read"},
			},
			Outputs: []engine.Handle{
				{Name: "value", Type: engine.TypeAny, Description: "The value at the path, or null"},
			},
			Params: []engine.ParamSpec{
				{Name: "path", Kind: engine.ParamString, Label: "Path", Default: "",
					Description: "Keys and array indices separated by dots (a.b.0.c); empty reads the whole value"},
				{Name: "required", Kind: engine.ParamBoolean, Label: "Required", Default: false,
					Description: "Fail when the path is missing instead of giving null"},
			},
			Deterministic: true,
			Run:           runJSONGet,
		},
		engine.NodeType{
			Type:  "math.expr",
			Group: "data",
			Title: "Expression",
			Description: "Computes an expression (expr-lang) over the inputs a…d and the flow inputs " +
				"(inputs.NAME), e.g. a * 2 + inputs.offset.",
			Inputs: anyInputs("Variable of the expression"),
			Outputs: []engine.Handle{
				{Name: "result", Type: engine.TypeAny, Description: "The expression's value"},
			},
			Params: []engine.ParamSpec{
				{Name: "expression", Kind: engine.ParamExpression, Label: "Expression", Default: "a",
					Required: true, Description: "expr-lang over a, b, c, d and inputs.NAME",
					Check: checkExpression(mathEnv)},
			},
			Deterministic:     true,
			DeterministicWhen: deterministicUnlessClock("expression"),
			Run:               runMathExpr,
		},
	)
}

func runJSONParse(_ context.Context, in *engine.NodeInput) (map[string]any, error) {
	v, err := requireInput(in, "text")
	if err != nil {
		return nil, err
	}
	text, ok := v.(string)
	if !ok {
		return map[string]any{"value": v}, nil // already a value
	}
	var out any
	if err := engine.UnmarshalJSON([]byte(text), &out); err != nil {
		return nil, fmt.Errorf("input %q: %w", "text", jsonError(text, err))
	}
	return map[string]any{"value": out}, nil
}

// jsonError adds the line and column of the offending byte to a JSON syntax error.
func jsonError(text string, err error) error {
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return fmt.Errorf("invalid JSON: %w", err)
	}
	// Offset counts the bytes read, the offending one included; at the end of the
	// input it is the length of the text.
	pos := int(se.Offset)
	if pos > 0 && strings.HasPrefix(se.Error(), "invalid character") {
		pos--
	}
	pos = min(pos, len(text))
	before := text[:pos]
	line := strings.Count(before, "\n") + 1
	col := pos - strings.LastIndexByte(before, '\n')
	return fmt.Errorf("invalid JSON at line %d, column %d: %s", line, col, se.Error())
}

func runJSONGet(_ context.Context, in *engine.NodeInput) (map[string]any, error) {
	path := in.String("path", "")
	v, err := getPath(in.Inputs["value"], path)
	if err != nil {
		if in.Bool("required", false) {
			return nil, fmt.Errorf("param %q: %q not found: %w", "path", path, err)
		}
		v = nil
	}
	return map[string]any{"value": v}, nil
}

// getPath walks a dot path (a.b.0.c; a[0] is accepted as a.0) through objects and arrays.
func getPath(v any, path string) (any, error) {
	path = strings.NewReplacer("[", ".", "]", "").Replace(strings.TrimSpace(path))
	if path == "" {
		return v, nil
	}
	for _, seg := range strings.Split(strings.TrimPrefix(path, "."), ".") {
		switch x := v.(type) {
		case map[string]any:
			next, ok := x[seg]
			if !ok {
				return nil, fmt.Errorf("no key %q", seg)
			}
			v = next
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil {
				return nil, fmt.Errorf("%q is not an array index", seg)
			}
			if i < 0 || i >= len(x) {
				return nil, fmt.Errorf("index %d out of range (length %d)", i, len(x))
			}
			v = x[i]
		default:
			return nil, fmt.Errorf("cannot read %q of %s", seg, typeName(v))
		}
	}
	return v, nil
}

func runMathExpr(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
	src := in.String("expression", "")
	if strings.TrimSpace(src) == "" {
		return nil, fmt.Errorf("param %q is required", "expression")
	}
	s := scratchVars.Get().(*exprScratch)
	defer s.done()
	vars := s.vars
	vars["a"], vars["b"], vars["c"], vars["d"] = in.Inputs["a"], in.Inputs["b"], in.Inputs["c"], in.Inputs["d"]
	vars["inputs"] = flowInputs(in)
	s.lim.reset(ctx)
	v, err := mathEnv.evalWithin(ctx, "expression", src, vars, &s.lim)
	if err != nil {
		return nil, err
	}
	res, err := jsonResult("expression", src, v)
	if err != nil {
		return nil, err
	}
	return map[string]any{"result": res}, nil
}
