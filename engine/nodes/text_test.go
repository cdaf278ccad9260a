package nodes_test

import "testing"

func TestTemplate(t *testing.T) {
	t.Parallel()
	runCases(t, []nodeCase{
		{name: "handles", typ: "text.template",
			params: map[string]any{"template": "{{a}} + {{ b }} = {{c}}"},
			inputs: map[string]any{"a": 1.0, "b": 2.5, "c": "three"},
			want:   map[string]any{"text": "1 + 2.5 = three"}},
		{name: "null and unconnected are empty", typ: "text.template",
			params: map[string]any{"template": "[{{a}}][{{b}}][{{d}}]"},
			inputs: map[string]any{"a": nil, "b": true},
			want:   map[string]any{"text": "[][true][]"}},
		{name: "objects as JSON", typ: "text.template",
			params: map[string]any{"template": "v={{a}}"},
			inputs: map[string]any{"a": map[string]any{"k": []any{1.0, "x"}}},
			want:   map[string]any{"text": `v={"k":[1,"x"]}`}},
		{name: "flow input left unresolved", typ: "text.template",
			params: map[string]any{"template": "{{a}} {{inputs.who}}"},
			inputs: map[string]any{"a": "hi"}, flow: map[string]any{"who": "ada"},
			want: map[string]any{"text": "hi ada"}},
		{name: "malformed braces stay", typ: "text.template",
			params: map[string]any{"template": "{{a}} {{ not valid }} {{"},
			inputs: map[string]any{"a": "x"},
			want:   map[string]any{"text": "x {{ not valid }} {{"}},
		{name: "empty template", typ: "text.template",
			want: map[string]any{"text": ""}},
		{name: "unknown name", typ: "text.template",
			params:  map[string]any{"template": "{{nobody}}"},
			wantErr: `param "template": unknown template name "nobody"`},
	})
}

func TestConcat(t *testing.T) {
	t.Parallel()
	runCases(t, []nodeCase{
		{name: "handle order", typ: "text.concat",
			params: map[string]any{"separator": ", "},
			inputs: map[string]any{"d": "last", "a": "first", "c": 3.0},
			want:   map[string]any{"text": "first, 3, last"}},
		{name: "skips null", typ: "text.concat",
			inputs: map[string]any{"a": "x", "b": nil, "c": "y"},
			want:   map[string]any{"text": "xy"}},
		{name: "nothing connected", typ: "text.concat",
			want: map[string]any{"text": ""}},
	})
}

func TestSplit(t *testing.T) {
	t.Parallel()
	runCases(t, []nodeCase{
		{name: "lines trimmed, empties skipped", typ: "text.split",
			inputs: map[string]any{"text": " a \n\n b\r\n c "},
			want:   map[string]any{"items": []any{"a", "b", "c"}}},
		{name: "keep everything", typ: "text.split",
			params: map[string]any{"separator": ",", "trim": false, "skip_empty": false},
			inputs: map[string]any{"text": "a, b,,"},
			want:   map[string]any{"items": []any{"a", " b", "", ""}}},
		{name: "booleans as text params", typ: "text.split",
			params: map[string]any{"separator": ";", "trim": "true", "skip_empty": "false"},
			inputs: map[string]any{"text": "x; ;y"},
			want:   map[string]any{"items": []any{"x", "", "y"}}},
		{name: "empty text", typ: "text.split",
			inputs: map[string]any{"text": ""},
			want:   map[string]any{"items": []any{}}},
		{name: "number formatted", typ: "text.split",
			params: map[string]any{"separator": "."},
			inputs: map[string]any{"text": 3.25},
			want:   map[string]any{"items": []any{"3", "25"}}},
		{name: "missing text", typ: "text.split",
			wantErr: `input "text" is required`},
	})
}

func TestJoin(t *testing.T) {
	t.Parallel()
	runCases(t, []nodeCase{
		{name: "default newline", typ: "text.join",
			inputs: map[string]any{"items": []any{"a", 2.0, true, nil}},
			want:   map[string]any{"text": "a\n2\ntrue\n"}},
		{name: "separator", typ: "text.join",
			params: map[string]any{"separator": " | "},
			inputs: map[string]any{"items": []any{"x", map[string]any{"k": "v"}}},
			want:   map[string]any{"text": `x | {"k":"v"}`}},
		{name: "empty list", typ: "text.join",
			inputs: map[string]any{"items": []any{}},
			want:   map[string]any{"text": ""}},
		{name: "not an array", typ: "text.join",
			inputs:  map[string]any{"items": "abc"},
			wantErr: `input "items": expected an array, got string`},
		{name: "missing items", typ: "text.join",
			wantErr: `input "items" is required`},
	})
}

func TestRegex(t *testing.T) {
	t.Parallel()
	runCases(t, []nodeCase{
		{name: "groups and replace", typ: "text.regex",
			params: map[string]any{"pattern": `(\w+)@(\w+)`, "replace": "${2}:$1"},
			inputs: map[string]any{"text": "ada@math, alan@code"},
			want: map[string]any{
				"match":    "ada@math",
				"matches":  []any{"ada@math", "alan@code"},
				"groups":   []any{"ada", "math"},
				"replaced": "math:ada, code:alan",
			}},
		{name: "no match", typ: "text.regex",
			params: map[string]any{"pattern": `\d+`},
			inputs: map[string]any{"text": "none here"},
			want: map[string]any{
				"match": nil, "matches": []any{}, "groups": []any{}, "replaced": "none here",
			}},
		{name: "empty replace removes", typ: "text.regex",
			params: map[string]any{"pattern": `\s+`},
			inputs: map[string]any{"text": "a b  c"},
			want: map[string]any{
				"match": " ", "matches": []any{" ", "  "}, "groups": []any{}, "replaced": "abc",
			}},
		{name: "flags ims", typ: "text.regex",
			params: map[string]any{"pattern": `^b.c$`, "flags": "ims"},
			inputs: map[string]any{"text": "a\nB\nC\nd"},
			want: map[string]any{
				"match": "B\nC", "matches": []any{"B\nC"}, "groups": []any{}, "replaced": "a\n\nd",
			}},
		{name: "optional group is null", typ: "text.regex",
			params: map[string]any{"pattern": `(x)?(y)`},
			inputs: map[string]any{"text": "y"},
			want: map[string]any{
				"match": "y", "matches": []any{"y"}, "groups": []any{nil, "y"}, "replaced": "",
			}},
		{name: "invalid pattern", typ: "text.regex",
			params:  map[string]any{"pattern": `(unclosed`},
			inputs:  map[string]any{"text": "x"},
			wantErr: `param "pattern": invalid regular expression "(unclosed"`},
		{name: "missing pattern", typ: "text.regex",
			inputs:  map[string]any{"text": "x"},
			wantErr: `param "pattern" is required`},
		{name: "unknown flag", typ: "text.regex",
			params:  map[string]any{"pattern": "a", "flags": "ix"},
			inputs:  map[string]any{"text": "x"},
			wantErr: `param "flags": unknown flag 'x'`},
		{name: "missing text", typ: "text.regex",
			params:  map[string]any{"pattern": "a"},
			wantErr: `input "text" is required`},
	})
}
