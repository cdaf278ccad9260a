package nodes_test

import (
	"context"
	"testing"
)

func TestJSONParse(t *testing.T) {
	t.Parallel()
	runCases(t, []nodeCase{
		{name: "object", typ: "json.parse",
			inputs: map[string]any{"text": `{"a": [1, "x", null, true]}`},
			want:   map[string]any{"value": map[string]any{"a": []any{1.0, "x", nil, true}}}},
		{name: "scalar", typ: "json.parse",
			inputs: map[string]any{"text": ` 42 `},
			want:   map[string]any{"value": 42.0}},
		{name: "null literal is an active null", typ: "json.parse",
			inputs: map[string]any{"text": `null`},
			want:   map[string]any{"value": nil}},
		{name: "non-text passes through", typ: "json.parse",
			inputs: map[string]any{"text": map[string]any{"k": 1.0}},
			want:   map[string]any{"value": map[string]any{"k": 1.0}}},
		{name: "bad character with position", typ: "json.parse",
			inputs:  map[string]any{"text": "{\n  \"a\": x\n}"},
			wantErr: `input "text": invalid JSON at line 2, column 8: invalid character 'x'`},
		{name: "truncated", typ: "json.parse",
			inputs:  map[string]any{"text": `{"a":`},
			wantErr: `invalid JSON at line 1, column 6: unexpected end of JSON input`},
		{name: "trailing data", typ: "json.parse",
			inputs:  map[string]any{"text": `[1] 2`},
			wantErr: `line 1, column 5`},
		{name: "empty", typ: "json.parse",
			inputs:  map[string]any{"text": ""},
			wantErr: `invalid JSON at line 1, column 1`},
		{name: "missing", typ: "json.parse",
			wantErr: `input "text" is required`},
	})
}

func TestJSONGet(t *testing.T) {
	t.Parallel()
	doc := map[string]any{
		"a": map[string]any{"b": []any{
			map[string]any{"c": "first"},
			map[string]any{"c": "second", "n": nil},
		}},
		"x": 1.5,
	}
	get := func(path string) map[string]any { return map[string]any{"path": path} }
	in := map[string]any{"value": doc}
	runCases(t, []nodeCase{
		{name: "dot path", typ: "json.get", params: get("a.b.1.c"), inputs: in,
			want: map[string]any{"value": "second"}},
		{name: "bracket index", typ: "json.get", params: get("a.b[0].c"), inputs: in,
			want: map[string]any{"value": "first"}},
		{name: "number path from a resolved param", typ: "json.get",
			params: map[string]any{"path": 1.0},
			inputs: map[string]any{"value": []any{"zero", "one"}},
			want:   map[string]any{"value": "one"}},
		{name: "empty path is the whole value", typ: "json.get", params: get(""), inputs: in,
			want: map[string]any{"value": doc}},
		{name: "present null", typ: "json.get",
			params: map[string]any{"path": "a.b.1.n", "required": true}, inputs: in,
			want: map[string]any{"value": nil}},
		{name: "missing key is null", typ: "json.get", params: get("a.zz"), inputs: in,
			want: map[string]any{"value": nil}},
		{name: "index out of range is null", typ: "json.get", params: get("a.b.7"), inputs: in,
			want: map[string]any{"value": nil}},
		{name: "through a scalar is null", typ: "json.get", params: get("x.y"), inputs: in,
			want: map[string]any{"value": nil}},
		{name: "null input is null", typ: "json.get", params: get("a"),
			want: map[string]any{"value": nil}},
		{name: "required missing", typ: "json.get",
			params: map[string]any{"path": "a.b.7.c", "required": true}, inputs: in,
			wantErr: `param "path": "a.b.7.c" not found: index 7 out of range (length 2)`},
		{name: "required bad index", typ: "json.get",
			params: map[string]any{"path": "a.b.first", "required": true}, inputs: in,
			wantErr: `"first" is not an array index`},
	})
}

func TestMathExpr(t *testing.T) {
	t.Parallel()
	expr := func(s string) map[string]any { return map[string]any{"expression": s} }
	runCases(t, []nodeCase{
		{name: "a + 1", typ: "math.expr", params: expr("a + 1"),
			inputs: map[string]any{"a": 41.0}, want: map[string]any{"result": 42.0}},
		{name: "integer literal normalized", typ: "math.expr", params: expr("2 * 3"),
			want: map[string]any{"result": 6.0}},
		{name: "all handles and inputs", typ: "math.expr",
			params: expr("(a + b) * c - d + inputs.offset"),
			inputs: map[string]any{"a": 1.0, "b": 2.0, "c": 3.0, "d": 4.0},
			flow:   map[string]any{"offset": 10.0},
			want:   map[string]any{"result": 15.0}},
		{name: "objects and strings", typ: "math.expr",
			params: expr(`a.name + "!" + string(len(b))`),
			inputs: map[string]any{"a": map[string]any{"name": "ada"}, "b": []any{1.0, 2.0}},
			want:   map[string]any{"result": "ada!2"}},
		{name: "array result", typ: "math.expr", params: expr("map(a, # * 2)"),
			inputs: map[string]any{"a": []any{1.0, 2.0}},
			want:   map[string]any{"result": []any{2.0, 4.0}}},
		{name: "boolean", typ: "math.expr", params: expr("a > 2 && inputs.on"),
			inputs: map[string]any{"a": 3.0}, flow: map[string]any{"on": true},
			want: map[string]any{"result": true}},
		{name: "unconnected is nil", typ: "math.expr", params: expr("a == nil ? 'none' : 'some'"),
			want: map[string]any{"result": "none"}},
		{name: "missing flow input is nil", typ: "math.expr", params: expr("inputs.nope ?? 7"),
			want: map[string]any{"result": 7.0}},
		{name: "syntax error", typ: "math.expr", params: expr("a +"),
			wantErr: `param "expression": "a +": unexpected token EOF`},
		{name: "runtime error", typ: "math.expr", params: expr("a + 1"),
			inputs:  map[string]any{"a": "text"},
			wantErr: `param "expression": evaluating "a + 1": invalid operation`},
		{name: "infinity", typ: "math.expr", params: expr("1 / a"),
			inputs:  map[string]any{"a": 0.0},
			wantErr: `param "expression": "1 / a" gave +Inf, which is not a JSON number`},
		{name: "empty", typ: "math.expr", params: expr("  "),
			wantErr: `param "expression" is required`},
	})
}

func TestMathExprDeterminism(t *testing.T) {
	t.Parallel()
	nt := nodeType(t, "math.expr")
	if !nt.IsDeterministic(map[string]any{"expression": "a + 1"}) {
		t.Error("a + 1 should be deterministic")
	}
	if nt.IsDeterministic(map[string]any{"expression": "now().Year()"}) {
		t.Error("now() should not be deterministic")
	}
}

// BenchmarkMathExpr measures a cached evaluation, the cost a large graph pays per node.
func BenchmarkMathExpr(b *testing.B) {
	run := nodeType(b, "math.expr").Run
	in := nodeInput(map[string]any{"expression": "a + 1"}, map[string]any{"a": 41.0})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := run(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMathExprParallel(b *testing.B) {
	run := nodeType(b, "math.expr").Run
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		in := nodeInput(map[string]any{"expression": "a + 1"}, map[string]any{"a": 41.0})
		for pb.Next() {
			if _, err := run(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
	})
}
