package nodes_test

import (
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/nodes"
)

// paramProblems validates a one-node graph (with a declared input x) with the real node
// types and returns the problems found.
func paramProblems(t *testing.T, typ string, params map[string]any) []engine.Problem {
	t.Helper()
	r := engine.NewRegistry()
	if err := nodes.Register(r); err != nil {
		t.Fatal(err)
	}
	g := engine.Graph{
		Inputs: []engine.InputDecl{{Name: "x", Type: engine.TypeString}},
		Nodes:  []engine.Node{{ID: "n", Type: typ, Params: params}},
	}
	err := engine.ValidateGraph(r, g)
	if err == nil {
		return nil
	}
	ve, ok := err.(*engine.ValidationError)
	if !ok {
		t.Fatalf("ValidateGraph: %T %v, want a *ValidationError", err, err)
	}
	return ve.Problems
}

// TestParamChecks: every param a node cannot run with is a validation problem naming the
// node and the param (SPEC §4), found before any run; what can run passes.
func TestParamChecks(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		typ    string
		params map[string]any
		param  string // "" = valid
		want   string // in the message
	}{
		{"math.expr compiles", "math.expr", map[string]any{"expression": "int(a) % 2 + b"}, "", ""},
		{"math.expr trailing operator", "math.expr", map[string]any{"expression": "int(a) %% 2 +"}, "expression", "does not compile"},
		{"math.expr unclosed paren", "math.expr", map[string]any{"expression": "(a + 1"}, "expression", "does not compile"},
		{"math.expr empty", "math.expr", map[string]any{"expression": "  "}, "expression", "required"},
		{"math.expr flow input filled in at run time", "math.expr", map[string]any{"expression": "a + {{x}}"}, "", ""},
		{"control.if compiles", "control.if", map[string]any{"condition": "value > 10 && inputs.x != ''"}, "", ""},
		{"control.if empty tests value", "control.if", map[string]any{"condition": ""}, "", ""},
		{"control.if broken", "control.if", map[string]any{"condition": "value >"}, "condition", "does not compile"},
		{"control.switch broken", "control.switch", map[string]any{"expression": "value[", "case1": "a"}, "expression", "does not compile"},
		{"control.switch compiles", "control.switch", map[string]any{"expression": "upper(value)", "case1": "A"}, "", ""},
		{"text.template parses", "text.template", map[string]any{"template": "{{a}} and {{ b }} for {{x}}"}, "", ""},
		{"text.template unclosed", "text.template", map[string]any{"template": "hello {{a"}, "template", "never closed"},
		{"text.template empty reference", "text.template", map[string]any{"template": "hello {{ }}"}, "template", "names nothing"},
		{"text.regex compiles", "text.regex", map[string]any{"pattern": `(\w+)@(\w+)`, "flags": "im"}, "", ""},
		{"text.regex bad pattern", "text.regex", map[string]any{"pattern": "a(b"}, "pattern", "missing closing )"},
		{"text.regex bad repeat", "text.regex", map[string]any{"pattern": "a**"}, "pattern", "invalid regular expression"},
		{"text.regex bad flag", "text.regex", map[string]any{"pattern": "a", "flags": "ix"}, "flags", `unknown flag 'x'`},
		{"text.regex missing pattern", "text.regex", map[string]any{"pattern": ""}, "pattern", "required"},
		{"code.js compiles", "code.js", map[string]any{"code": "return a + 1;"}, "", ""},
		{"code.js syntax error", "code.js", map[string]any{"code": "const x = ;\nreturn x;"}, "code", "SyntaxError"},
		{"code.js is not run by the check", "code.js", map[string]any{"code": "while (true) {}"}, "", ""},
		{"io.output named", "io.output", map[string]any{"name": "result"}, "", ""},
		{"io.output empty name", "io.output", map[string]any{"name": ""}, "name", "required"},
		{"io.output blank name", "io.output", map[string]any{"name": "   "}, "name", "required"},
		{"http.request JSON headers", "http.request", map[string]any{"url": "http://example.invalid/", "headers": `{"Accept": "text/plain"}`}, "", ""},
		{"http.request parsed headers", "http.request", map[string]any{"url": "http://example.invalid/", "headers": map[string]any{"Accept": "text/plain"}}, "", ""},
		{"http.request unparsable headers", "http.request", map[string]any{"url": "http://example.invalid/", "headers": `{"Accept": }`}, "headers", "not valid JSON"},
		{"http.request headers not an object", "http.request", map[string]any{"url": "http://example.invalid/", "headers": `["Accept"]`}, "headers", "JSON object"},
		{"http.request method not an option", "http.request", map[string]any{"url": "http://example.invalid/", "method": "FETCH"}, "method", "not one of"},
		{"image.resize filter not an option", "image.resize", map[string]any{"width": 10, "filter": "sharpest"}, "filter", "not one of"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			probs := paramProblems(t, c.typ, c.params)
			if c.param == "" {
				if len(probs) > 0 {
					t.Fatalf("want no problems, got %v", probs)
				}
				return
			}
			for _, p := range probs {
				if p.NodeID == "n" && p.Param == c.param && strings.Contains(p.Message, c.want) {
					s := p.String()
					if !strings.Contains(s, `node "n"`) || !strings.Contains(s, `param "`+c.param+`"`) {
						t.Errorf("problem text %q does not name the node and the param", s)
					}
					return
				}
			}
			t.Fatalf("want a problem on param %q holding %q, got %+v", c.param, c.want, probs)
		})
	}
}

// TestExpressionNodesBoundMemory: the expression, which took the process down with a
// Go out-of-memory error, is a node error of math.expr, control.if and control.switch, with
// the default limits (the guard refuses before allocating, so this test allocates ~1 MB).
func TestExpressionNodesBoundMemory(t *testing.T) {
	t.Parallel()
	const src = `len(repeat(repeat("a", 999999), 999999))`
	for _, c := range []struct{ typ, param, src string }{
		{"math.expr", "expression", src},
		{"control.if", "condition", src + " > 0"},
		{"control.switch", "expression", src},
	} {
		_, err := runNode(t, c.typ, nodeInput(map[string]any{c.param: c.src}, map[string]any{"a": 1, "value": 1}))
		if err == nil || !strings.Contains(err.Error(), "memory limit") || !strings.Contains(err.Error(), `param "`+c.param+`"`) {
			t.Errorf("%s: err = %v, want the expression memory limit naming param %q", c.typ, err, c.param)
		}
	}
}
