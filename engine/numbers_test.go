package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// integerGraph reads an integer flow input three ways into math.expr's %: through a
// flow.inputs handle, as inputs.count, and as the result of another math.expr (an integer
// sum, and a whole quotient of /).
func integerGraph() engine.Graph {
	return engine.Graph{
		Inputs: []engine.InputDecl{{Name: "count", Type: engine.TypeInteger, Required: true}},
		Nodes: []engine.Node{
			node("in", "flow.inputs", nil),
			node("handle", "math.expr", map[string]any{"expression": "a % 2"}),
			node("named", "math.expr", map[string]any{"expression": "inputs.count % 3"}),
			node("sum", "math.expr", map[string]any{"expression": "a + 10"}),
			node("half", "math.expr", map[string]any{"expression": "(a * 4) / 2"}),
			node("chained", "math.expr", map[string]any{"expression": "a % 4 + b % 5"}),
			node("out_handle", "io.output", map[string]any{"name": "handle"}),
			node("out_named", "io.output", map[string]any{"name": "named"}),
			node("out_chained", "io.output", map[string]any{"name": "chained"}),
		},
		Edges: []engine.Edge{
			edge("in", "count", "handle", "a"), edge("in", "count", "sum", "a"), edge("in", "count", "half", "a"),
			edge("sum", "result", "chained", "a"), edge("half", "result", "chained", "b"),
			edge("handle", "result", "out_handle", "value"), edge("named", "result", "out_named", "value"),
			edge("chained", "result", "out_chained", "value"),
		},
	}
}

// TestIntegersStayIntegers: an integer input reaches math.expr as an integer however it
// travels, an integer result of math.expr (and a whole result of /) does too, and a run
// from a block that reuses generations read back from the store gives the same values with
// the same Go types as the full run. On the in-memory and the SQLite store.
func TestIntegersStayIntegers(t *testing.T) {
	t.Parallel()
	stores := map[string]func(t *testing.T) *engine.Service{
		"memory": func(t *testing.T) *engine.Service { return newService(t, libRegistry(t), 2) },
		"sqlite": func(t *testing.T) *engine.Service {
			return serviceAt(t, t.TempDir(), engine.Config{RunCap: 2})
		},
	}
	// count = 7 given as an integer, as a whole float (a JSON number from the window) and as text.
	want := map[string]any{"handle": int64(1), "named": int64(1), "chained": int64(1 + 4)} // 17%4 + 14%5
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			svc := open(t)
			imp := importGraph(t, svc, "integers", integerGraph())
			for _, given := range []any{int64(7), float64(7), "7", json.Number("7")} {
				run := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID, Inputs: map[string]any{"count": given}})
				if run.Status != engine.RunCompleted || !reflect.DeepEqual(run.Outputs, want) {
					t.Fatalf("count=%#v: %s %q, outputs %#v, want %#v", given, run.Status, run.Error, run.Outputs, want)
				}
				if run.Inputs["count"] != int64(7) {
					t.Errorf("count=%#v is stored as %#v, want int64 7", given, run.Inputs["count"])
				}
			}
			// From the block at the end of each chain: everything before it is reused, fed
			// from the store.
			for _, from := range []string{"chained", "handle", "out_named"} {
				run := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID, From: from})
				if run.Status != engine.RunCompleted {
					t.Fatalf("from %s: %s %q", from, run.Status, run.Error)
				}
				for k, v := range run.Outputs {
					if v != want[k] {
						t.Errorf("from %s: output %s = %#v, want %#v", from, k, v, want[k])
					}
				}
				if rec := run.Snapshot.Records()["sum"]; from == "chained" && rec.Status != engine.NodeReused {
					t.Errorf("from chained: sum is %s, want reused", rec.Status)
				}
			}
			for _, id := range []string{"sum", "half"} {
				tl, err := svc.NodeTimeline(context.Background(), imp.WorkflowID, id)
				if err != nil || len(tl.Generations) == 0 {
					t.Fatalf("%s timeline: %v", id, err)
				}
				for _, g := range tl.Generations {
					if _, ok := g.Outputs["result"].(int64); !ok {
						t.Errorf("%s: stored result %#v, want an int64", id, g.Outputs["result"])
					}
				}
			}
		})
	}
}

// TestLargeIntegersAreExactOrRefused: integers past 2^53 are kept exactly as int64 from
// every source (text, JSON, a workflow file), and an integer that cannot be held exactly is
// refused naming the input, never rounded.
func TestLargeIntegersAreExactOrRefused(t *testing.T) {
	t.Parallel()
	const big = int64(9007199254740993) // 2^53 + 1: a float64 rounds it to …992
	svc := newService(t, libRegistry(t), 2)
	g := engine.Graph{
		Inputs: []engine.InputDecl{{Name: "n", Type: engine.TypeInteger, Required: true}, {Name: "x", Type: engine.TypeNumber}},
		Nodes: []engine.Node{
			node("in", "flow.inputs", nil),
			node("same", "math.expr", map[string]any{"expression": "a"}),
			node("odd", "math.expr", map[string]any{"expression": "a % 2"}),
			node("out", "io.output", map[string]any{"name": "n"}),
			node("out_odd", "io.output", map[string]any{"name": "odd"}),
		},
		Edges: []engine.Edge{edge("in", "n", "same", "a"), edge("in", "n", "odd", "a"),
			edge("same", "result", "out", "value"), edge("odd", "result", "out_odd", "value")},
	}
	imp := importGraph(t, svc, "big", g)
	for _, given := range []any{"9007199254740993", json.Number("9007199254740993"), big} {
		run := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID, Inputs: map[string]any{"n": given}})
		if run.Status != engine.RunCompleted || run.Inputs["n"] != big || run.Outputs["n"] != big || run.Outputs["odd"] != int64(1) {
			t.Errorf("n=%#v: %s %q inputs %#v outputs %#v", given, run.Status, run.Error, run.Inputs, run.Outputs)
		}
		got, err := svc.Store().GetRun(context.Background(), run.ID)
		if err != nil || got.Outputs["n"] != big {
			t.Errorf("n=%#v read back: %#v %v", given, got.Outputs, err)
		}
	}
	for _, tc := range []struct {
		name  string
		value any
		want  string
	}{
		{"beyond int64", "99999999999999999999", "out of range"},
		{"beyond int64 as JSON", json.Number("99999999999999999999"), "out of range"},
		{"float past 2^53", float64(big), "past 2^53"},
		{"fraction", 1.5, "want an integer"},
		{"fraction as text", "1.5", "want an integer"},
	} {
		_, err := svc.StartRun(context.Background(), engine.RunRequest{Workflow: imp.WorkflowID, Inputs: map[string]any{"n": tc.value}})
		if !errors.Is(err, engine.ErrInvalid) || !strings.Contains(err.Error(), `"n"`) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: n=%#v: %v, want refused naming n: %s", tc.name, tc.value, err, tc.want)
		}
	}
	// A number input takes both kinds; whole numbers are integers.
	for given, want := range map[any]any{1.5: 1.5, "2.5": 2.5, int64(3): int64(3), float64(4): int64(4), "5": int64(5)} {
		run := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID, Inputs: map[string]any{"n": int64(1), "x": given}})
		if run.Inputs["x"] != want {
			t.Errorf("number x=%#v is %#v, want %#v", given, run.Inputs["x"], want)
		}
	}
}

// TestWorkflowFileKeepsIntegers: params and defaults of an imported file keep their
// integers exactly; one that no int64 or float64 holds is refused with where it is.
func TestWorkflowFileKeepsIntegers(t *testing.T) {
	t.Parallel()
	svc := newService(t, libRegistry(t), 2)
	file := `{"format": "flowbench.workflow/1", "name": "ints",
		"inputs": [{"name": "n", "type": "integer", "default": 9007199254740993}, {"name": "f", "type": "number", "default": 0.5}],
		"nodes": [{"id": "in", "type": "flow.inputs"},
			{"id": "r", "type": "util.random", "params": {"seed": 9007199254740993, "min": 0, "max": 10}},
			{"id": "odd", "type": "math.expr", "params": {"expression": "a % 2"}}],
		"edges": [{"source": "in", "sourceHandle": "n", "target": "odd", "targetHandle": "a"}]}`
	res, err := svc.Import(context.Background(), []byte(file), "")
	if err != nil {
		t.Fatal(err)
	}
	v, err := svc.Store().GetVersion(context.Background(), res.VersionID)
	if err != nil {
		t.Fatal(err)
	}
	if d := v.Graph.Inputs[0].Default; d != int64(9007199254740993) {
		t.Errorf("default n = %#v", d)
	}
	if d := v.Graph.Inputs[1].Default; d != 0.5 {
		t.Errorf("default f = %#v", d)
	}
	if p := v.Graph.Nodes[1].Params; p["seed"] != int64(9007199254740993) || p["max"] != int64(10) {
		t.Errorf("params %#v", p)
	}
	run := runAndWait(t, svc, engine.RunRequest{Workflow: res.WorkflowID})
	if run.Status != engine.RunCompleted || run.Inputs["n"] != int64(9007199254740993) {
		t.Errorf("run with defaults: %s %q %#v", run.Status, run.Error, run.Inputs)
	}

	bad := strings.Replace(file, `"seed": 9007199254740993`, `"seed": 99999999999999999999`, 1)
	_, err = svc.Import(context.Background(), []byte(bad), "")
	if !errors.Is(err, engine.ErrInvalid) || !strings.Contains(err.Error(), "99999999999999999999") || !strings.Contains(err.Error(), "seed") {
		t.Errorf("import with a param past int64: %v", err)
	}
}

// TestNormalizeNumbers: a node's values take the shape they have after a round trip through
// JSON (whole numbers int64, others float64), so fresh and stored values are the same.
func TestNormalizeNumbers(t *testing.T) {
	t.Parallel()
	in := map[string]any{"i": 3, "f": 2.5, "whole": 4.0, "big": int64(1) << 60, "u": uint8(7),
		"list": []any{1.0, 2, "x"}, "huge": 1e300, "struct": struct{ N int }{5}}
	got, err := engine.Normalize(in)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"i": int64(3), "f": 2.5, "whole": int64(4), "big": int64(1) << 60, "u": int64(7),
		"list": []any{int64(1), int64(2), "x"}, "huge": 1e300, "struct": map[string]any{"N": int64(5)}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Normalize = %#v\nwant %#v", got, want)
	}
	data, _ := json.Marshal(got)
	var back any
	if err := engine.UnmarshalJSON(data, &back); err != nil || !reflect.DeepEqual(back, want) {
		t.Errorf("after a round trip %#v (%v)\nwant %#v", back, err, want)
	}
	if _, err := engine.Normalize(uint64(1) << 63); !errors.Is(err, engine.ErrNumberRange) {
		t.Errorf("uint64 past int64: %v", err)
	}
}
