package nodes_test

import "testing"

func TestIf(t *testing.T) {
	t.Parallel()
	cond := func(s string) map[string]any { return map[string]any{"condition": s} }
	runCases(t, []nodeCase{
		{name: "true branch only", typ: "control.if", params: cond("value > 10"),
			inputs: map[string]any{"value": 12.0}, want: map[string]any{"true": 12.0}},
		{name: "false branch only", typ: "control.if", params: cond("value > 10"),
			inputs: map[string]any{"value": 3.0}, want: map[string]any{"false": 3.0}},
		{name: "flow input", typ: "control.if", params: cond(`value == inputs.mode`),
			inputs: map[string]any{"value": "fast"}, flow: map[string]any{"mode": "fast"},
			want: map[string]any{"true": "fast"}},
		{name: "passes objects", typ: "control.if", params: cond("value.ok"),
			inputs: map[string]any{"value": map[string]any{"ok": false}},
			want:   map[string]any{"false": map[string]any{"ok": false}}},
		{name: "non-boolean result by truthiness", typ: "control.if", params: cond("value.name"),
			inputs: map[string]any{"value": map[string]any{"name": "x"}},
			want:   map[string]any{"true": map[string]any{"name": "x"}}},
		{name: "empty condition truthy", typ: "control.if",
			inputs: map[string]any{"value": "yes"}, want: map[string]any{"true": "yes"}},
		{name: "empty condition zero", typ: "control.if",
			inputs: map[string]any{"value": 0.0}, want: map[string]any{"false": 0.0}},
		{name: "empty condition empty list", typ: "control.if", params: cond(" "),
			inputs: map[string]any{"value": []any{}}, want: map[string]any{"false": []any{}}},
		{name: "unconnected is false", typ: "control.if",
			want: map[string]any{"false": nil}},
		{name: "bad condition", typ: "control.if", params: cond("value >"),
			inputs:  map[string]any{"value": 1.0},
			wantErr: `param "condition": "value >"`},
	})
}

func TestSwitch(t *testing.T) {
	t.Parallel()
	cases := func(extra map[string]any) map[string]any {
		p := map[string]any{"case1": "red", "case2": "green", "case3": "3", "case4": ""}
		for k, v := range extra {
			p[k] = v
		}
		return p
	}
	runCases(t, []nodeCase{
		{name: "first case", typ: "control.switch", params: cases(nil),
			inputs: map[string]any{"value": "red"}, want: map[string]any{"case1": "red"}},
		{name: "second case", typ: "control.switch", params: cases(nil),
			inputs: map[string]any{"value": "green"}, want: map[string]any{"case2": "green"}},
		{name: "number formatted as text", typ: "control.switch", params: cases(nil),
			inputs: map[string]any{"value": 3.0}, want: map[string]any{"case3": 3.0}},
		{name: "expression", typ: "control.switch",
			params: cases(map[string]any{"expression": "value.color"}),
			inputs: map[string]any{"value": map[string]any{"color": "green"}},
			want:   map[string]any{"case2": map[string]any{"color": "green"}}},
		{name: "integer result", typ: "control.switch",
			params: cases(map[string]any{"expression": "1 + 2"}),
			inputs: map[string]any{"value": "x"}, want: map[string]any{"case3": "x"}},
		{name: "default", typ: "control.switch", params: cases(nil),
			inputs: map[string]any{"value": "blue"}, want: map[string]any{"default": "blue"}},
		{name: "empty case never matches", typ: "control.switch", params: cases(nil),
			inputs: map[string]any{"value": ""}, want: map[string]any{"default": ""}},
		{name: "first match wins", typ: "control.switch",
			params: map[string]any{"case2": "a", "case4": "a"},
			inputs: map[string]any{"value": "a"}, want: map[string]any{"case2": "a"}},
		{name: "flow input", typ: "control.switch",
			params: map[string]any{"expression": "inputs.size", "case1": "small", "case2": "big"},
			inputs: map[string]any{"value": 1.0}, flow: map[string]any{"size": "big"},
			want: map[string]any{"case2": 1.0}},
		{name: "bad expression", typ: "control.switch",
			params: map[string]any{"expression": "value ==="}, inputs: map[string]any{"value": 1.0},
			wantErr: `param "expression": "value ==="`},
	})
}

func TestMerge(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		inputs    map[string]any
		connected map[string]bool
		want      map[string]any
	}{
		{"first active in handle order",
			map[string]any{"a": nil, "b": "from b", "c": "from c"},
			map[string]bool{"b": true, "c": true},
			map[string]any{"value": "from b"}},
		{"active null counts",
			map[string]any{"a": nil, "b": "from b"},
			map[string]bool{"a": true, "b": true},
			map[string]any{"value": nil}},
		{"only d", map[string]any{"d": 4.0}, map[string]bool{"d": true},
			map[string]any{"value": 4.0}},
		{"nothing connected", nil, nil, map[string]any{"value": nil}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := nodeInput(nil, nil)
			for k, v := range tc.inputs {
				in.Inputs[k] = v
			}
			for k, v := range tc.connected {
				in.Connected[k] = v
			}
			got, err := runNode(t, "control.merge", in)
			checkResult(t, got, err, tc.want, "")
		})
	}
}
