package nodes_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/memstore"
	"github.com/flowbench/flowbench/engine/nodes"
)

func TestCodeJS(t *testing.T) {
	t.Parallel()
	code := func(src string) map[string]any { return map[string]any{"code": src} }
	runCases(t, []nodeCase{
		{name: "arithmetic", typ: "code.js", params: code("return a * b + 1;"),
			inputs: map[string]any{"a": 6.0, "b": 7.0}, want: map[string]any{"result": 43.0}},
		{name: "object", typ: "code.js", params: code("return {sum: a + b, list: [a, b], s: 'x' + a};"),
			inputs: map[string]any{"a": 1.0, "b": 2.0},
			want:   map[string]any{"result": map[string]any{"sum": 3.0, "list": []any{1.0, 2.0}, "s": "x1"}}},
		{name: "array methods", typ: "code.js", params: code("return a.map(x => x * 2).filter(x => x > 2);"),
			inputs: map[string]any{"a": []any{1.0, 2.0, 3.0}}, want: map[string]any{"result": []any{4.0, 6.0}}},
		{name: "object input is a plain object", typ: "code.js",
			params: code("a.extra = true; return [Object.keys(a).sort(), Array.isArray(b)];"),
			inputs: map[string]any{"a": map[string]any{"k": 1.0}, "b": []any{}},
			want:   map[string]any{"result": []any{[]any{"extra", "k"}, true}}},
		{name: "flow inputs", typ: "code.js", params: code("return 'hi ' + inputs.name;"),
			flow: map[string]any{"name": "Ada"}, want: map[string]any{"result": "hi Ada"}},
		{name: "unconnected is null", typ: "code.js", params: code("return [a === null, typeof inputs];"),
			want: map[string]any{"result": []any{true, "object"}}},
		{name: "no return is null", typ: "code.js", params: code("let x = 1;"),
			want: map[string]any{"result": nil}},
		{name: "string with line comment last", typ: "code.js", params: code("return 'a' // done"),
			want: map[string]any{"result": "a"}},
		{name: "date becomes text", typ: "code.js", params: code("return new Date(0);"),
			want: map[string]any{"result": "1970-01-01T00:00:00.000Z"}},
		{name: "resolved promise", typ: "code.js", params: code("return Promise.resolve(a).then(x => x + 1);"),
			inputs: map[string]any{"a": 1.0}, want: map[string]any{"result": 2.0}},
		{name: "rejected promise", typ: "code.js", params: code("return Promise.reject(new Error('nope'));"),
			wantErr: "code.js: the returned promise was rejected: Error: nope"},
		{name: "exception with line", typ: "code.js", params: code("let x = 1;\nlet y = 2;\nreturn x.foo.bar;"),
			wantErr: "code.js: TypeError: Cannot read property 'bar' of undefined at line 3"},
		{name: "thrown error", typ: "code.js", params: code("\nthrow new Error('bad input');"),
			wantErr: "code.js: Error: bad input at line 2"},
		{name: "thrown string", typ: "code.js", params: code("throw 'boom';"),
			wantErr: "code.js: uncaught boom at line 1"},
		{name: "exception in callback", typ: "code.js", params: code("return [1].map(x =>\n  x.y.z);"),
			wantErr: "TypeError: Cannot read property 'z' of undefined at line 2"},
		{name: "syntax error", typ: "code.js", params: code("let x = ;"),
			wantErr: "code.js: SyntaxError: Unexpected token ; at line 1"},
		{name: "syntax error later line", typ: "code.js", params: code("let x = 1;\nlet y = 2;\nreturn x +* y;"),
			wantErr: "code.js: SyntaxError: Unexpected token * at line 3"},
		{name: "require", typ: "code.js", params: code("return require('fs');"),
			wantErr: "code.js: ReferenceError: require is not defined at line 1"},
		{name: "process", typ: "code.js", params: code("process.exit(1);"),
			wantErr: "code.js: ReferenceError: process is not defined"},
		{name: "fetch", typ: "code.js", params: code("return fetch('http://x');"),
			wantErr: "code.js: ReferenceError: fetch is not defined"},
		{name: "XMLHttpRequest", typ: "code.js", params: code("return new XMLHttpRequest();"),
			wantErr: "code.js: ReferenceError: XMLHttpRequest is not defined"},
		{name: "no host globals", typ: "code.js",
			params: code("return ['require','process','fetch','XMLHttpRequest','module','Buffer','setTimeout'].map(n => typeof globalThis[n]);"),
			want:   map[string]any{"result": []any{"undefined", "undefined", "undefined", "undefined", "undefined", "undefined", "undefined"}}},
		{name: "function result", typ: "code.js", params: code("return function () {};"),
			wantErr: "code.js: the result is a function, which is not JSON"},
		{name: "nested function", typ: "code.js", params: code("return {f: () => 1};"),
			wantErr: `code.js: key "f" is a function, which is not JSON`},
		{name: "symbol result", typ: "code.js", params: code("return Symbol('s');"),
			wantErr: "code.js: the result is a symbol, which is not JSON"},
		{name: "NaN result", typ: "code.js", params: code("return inputs.missing * 2;"),
			wantErr: "the result is NaN, which is not a JSON number"},
		{name: "cycle", typ: "code.js", params: code("const o = {}; o.o = o; return o;"),
			wantErr: "code.js: TypeError"},
		{name: "deep recursion", typ: "code.js", params: code("function f(n) { return f(n + 1); }\nreturn f(0);"),
			wantErr: "code.js: RangeError: maximum call stack size exceeded at line 1"},
		{name: "console.log", typ: "code.js", params: code("console.log('x', 1, {a: [1]}, undefined); console.error(Symbol('s')); return 1;"),
			want: map[string]any{"result": 1.0}},
		{name: "overwritten JSON", typ: "code.js", params: code("JSON.stringify = () => 'no'; return {ok: true};"),
			want: map[string]any{"result": map[string]any{"ok": true}}},
		{name: "empty code", typ: "code.js", params: code("  "), wantErr: `param "code" is required`},
		{name: "timeout too large", typ: "code.js", params: map[string]any{"code": "return 1", "timeout_ms": 70000.0},
			wantErr: `param "timeout_ms": 70000 is outside 1…60000`},
	})
}

func TestCodeJSConsoleLog(t *testing.T) {
	t.Parallel()
	// Heavy logging is capped (TestCodeJSExample checks that lines reach the run log);
	// it must neither fail nor stall the node.
	// The longest limit: under -race on a busy machine the logging alone can outlast 5 s,
	// and this test is about the cap on lines, not about speed.
	in := nodeInput(map[string]any{"code": "for (let i = 0; i < 1500; i++) console.log('line', i, {i}); console.log('x'.repeat(50000)); return 'ok';", "timeout_ms": 60000.0}, nil)
	got, err := runNode(t, "code.js", in)
	if err != nil || got["result"] != "ok" {
		t.Fatalf("got %v, %v", got, err)
	}
}

func TestCodeJSTimeout(t *testing.T) {
	t.Parallel()
	for _, src := range []string{"while (true) {}", "for (;;) { let s = []; s.push(1); }", "function f() { while (true) {} }\nf();"} {
		t.Run(src, func(t *testing.T) {
			t.Parallel()
			// The error names the limit that stopped it; no wall-clock assertion.
			_, err := runNode(t, "code.js", nodeInput(map[string]any{"code": src, "timeout_ms": 200.0}, nil))
			if err == nil || !strings.Contains(err.Error(), "code.js: stopped after the 200 ms time limit") {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestCodeJSCancel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	in := nodeInput(map[string]any{"code": "while (true) {}", "timeout_ms": 60000.0}, nil)
	done := make(chan error, 1)
	go func() {
		_, err := nodeType(t, "code.js").Run(ctx, in)
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	case <-time.After(30 * time.Second): // a hang guard: its own limit is 60 s
		t.Fatal("code.js did not stop on cancel")
	}
}

func TestCodeJSDeterminism(t *testing.T) {
	t.Parallel()
	nt := nodeType(t, "code.js")
	for src, want := range map[string]bool{
		"return a + b;":              true,
		"return Math.random();":      false,
		"return Date.now();":         false,
		"return new Date().getDay()": false,
	} {
		if got := nt.IsDeterministic(map[string]any{"code": src}); got != want {
			t.Errorf("IsDeterministic(%q) = %v, want %v", src, got, want)
		}
	}
}

// TestCodeJSMemoryGuard is not parallel: the heap limit it lowers is package-wide, and the
// heap it watches is the process's.
func TestCodeJSMemoryGuard(t *testing.T) {
	defer nodes.SetCodeHeapLimit(64 << 20)()
	// Each step keeps a copy of a string 1000 bytes longer than the last: quadratic growth.
	src := "let s = 'x'.repeat(1000); const xs = []; while (true) { s = s + s.slice(0, 1000); xs.push(s); }"
	// The memory guard, not the 30 s time limit, must be what stops it: the error says which.
	_, err := runNode(t, "code.js", nodeInput(map[string]any{"code": src, "timeout_ms": 30000.0}, nil))
	if err == nil || !strings.Contains(err.Error(), "code.js: stopped at the memory limit: it grew the heap by more than 64 MB") {
		t.Fatalf("err = %v", err)
	}
}

// TestCodeJSExample runs testdata/code-js.json through the engine with the inputs of its
// golden file and compares the outputs; console.log lines reach the run log. The golden file
// is rewritten by `go test ./cli -update` (TestExamplesMatchGoldens runs every golden).
func TestCodeJSExample(t *testing.T) {
	t.Parallel()
	wf, err := os.ReadFile("../../testdata/code-js.json")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../../testdata/golden/code-js.json")
	if err != nil {
		t.Fatal(err)
	}
	var golden struct {
		Inputs  map[string]any `json:"inputs"`
		Outputs map[string]any `json:"outputs"`
	}
	if err := json.Unmarshal(data, &golden); err != nil {
		t.Fatal(err)
	}
	run, events := runWorkflowFile(t, wf, golden.Inputs)
	checkJSON(t, "outputs", run.Outputs, golden.Outputs)
	if got := eventText(events, engine.EventLog, "list"); !strings.Contains(got, "squares 4") {
		t.Errorf("log of node list = %q, want the console.log line %q", got, "squares 4")
	}
}

// runWorkflowFile imports a workflow file into a fresh in-memory service, runs it to the
// end and returns the run with every event the bus delivered for it.
func runWorkflowFile(tb testing.TB, file []byte, inputs map[string]any) (engine.Run, []engine.Event) {
	tb.Helper()
	reg, err := sharedRegistry()
	if err != nil {
		tb.Fatal(err)
	}
	svc, err := engine.NewService(engine.Config{Store: memstore.New(), Registry: reg})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(svc.Close)
	var mu sync.Mutex
	var events []engine.Event
	tb.Cleanup(svc.Bus.Subscribe(func(e engine.Event) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, e)
	}))
	ctx := context.Background()
	imp, err := svc.Import(ctx, file, "")
	if err != nil {
		tb.Fatalf("import: %v", err)
	}
	run, err := svc.StartRun(ctx, engine.RunRequest{Workflow: imp.WorkflowID, Inputs: inputs})
	if err != nil {
		tb.Fatalf("start: %v", err)
	}
	final, err := svc.Wait(ctx, run.ID)
	if err != nil {
		tb.Fatalf("wait: %v", err)
	}
	if final.Status != engine.RunCompleted {
		tb.Fatalf("run %s: %s", final.Status, final.Error)
	}
	mu.Lock()
	defer mu.Unlock()
	return final, append([]engine.Event(nil), events...)
}

// eventText joins the Text of the events of one type from one node.
func eventText(events []engine.Event, typ engine.EventType, nodeID string) string {
	var b strings.Builder
	for _, e := range events {
		if e.Type == typ && e.NodeID == nodeID {
			b.WriteString(e.Text)
		}
	}
	return b.String()
}

// TestCodeServicesSchema checks what the palette and inspector read for this family.
func TestCodeServicesSchema(t *testing.T) {
	t.Parallel()
	names := func(hs []engine.Handle) string {
		s := make([]string, len(hs))
		for i, h := range hs {
			s[i] = h.Name
		}
		return strings.Join(s, " ")
	}
	for _, tc := range []struct{ typ, group, inputs, outputs, params string }{
		{"code.js", "code", "a b c d", "result", "code timeout_ms"},
		{"http.request", "services", "body", "status body json headers", "method url headers timeout_ms body"},
		{"llm.chat", "ai", "prompt image images", "text usage json",
			"provider base_url model system prompt temperature seed max_tokens json_schema api_key"},
		// SPEC §12's handles and params.
		{"image.generate", "ai", "prompt image", "image seed",
			"provider base_url model prompt negative_prompt width height steps cfg seed strength timeout_ms"},
		{"audio.speak", "ai", "text", "audio", "provider base_url model voice format speed"},
		{"audio.transcribe", "ai", "audio", "text segments language", "provider base_url model language prompt"},
		{"llm.embed", "ai", "text", "embedding embeddings", "provider base_url model"},
	} {
		nt := nodeType(t, tc.typ)
		if nt.Group != tc.group || nt.Title == "" || nt.Description == "" {
			t.Errorf("%s: group %q title %q description %q", tc.typ, nt.Group, nt.Title, nt.Description)
		}
		if got := names(nt.Inputs); got != tc.inputs {
			t.Errorf("%s inputs = %q, want %q", tc.typ, got, tc.inputs)
		}
		if got := names(nt.Outputs); got != tc.outputs {
			t.Errorf("%s outputs = %q, want %q", tc.typ, got, tc.outputs)
		}
		ps := make([]string, len(nt.Params))
		for i, p := range nt.Params {
			ps[i] = p.Name
			if p.Label == "" || p.Kind == "" {
				t.Errorf("%s param %q: label %q kind %q", tc.typ, p.Name, p.Label, p.Kind)
			}
		}
		if got := strings.Join(ps, " "); got != tc.params {
			t.Errorf("%s params = %q, want %q", tc.typ, got, tc.params)
		}
	}
}
