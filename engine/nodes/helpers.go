package nodes

import (
	"fmt"
	"reflect"

	"github.com/flowbench/flowbench/engine"
)

// abcd are the four generic input handles of template, concat, expr and merge nodes.
var abcd = []string{"a", "b", "c", "d"}

// anyInputs declares the optional any-typed handles a, b, c and d.
func anyInputs(description string) []engine.Handle {
	hs := make([]engine.Handle, len(abcd))
	for i, n := range abcd {
		hs[i] = engine.Handle{Name: n, Type: engine.TypeAny, Description: description}
	}
	return hs
}

// requireInput returns the value on input handle name, or an error when it is null
// (unconnected, inactive or fed a null).
func requireInput(in *engine.NodeInput, name string) (any, error) {
	v := in.Inputs[name]
	if v == nil {
		return nil, fmt.Errorf("input %q is required but is null (connect it or feed it a value)", name)
	}
	return v, nil
}

// inputText is input handle name formatted as text; null is an error.
func inputText(in *engine.NodeInput, name string) (string, error) {
	v, err := requireInput(in, name)
	if err != nil {
		return "", err
	}
	return engine.ToText(v), nil
}

// typeName names the JSON type of v for error messages.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64, float32, int, int64, int32, uint64:
		return "number"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	}
	return reflect.TypeOf(v).String()
}

// truthy is the truth value of a JSON-like value: null, false, 0, "" and empty
// arrays and objects are false; everything else is true.
func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	if f, ok := engine.ToFloat(v); ok {
		return f != 0
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Map, reflect.Array:
		return rv.Len() > 0
	case reflect.Pointer, reflect.Interface:
		return !rv.IsNil()
	}
	return true
}
