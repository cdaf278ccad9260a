package engine_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/memstore"
)

// testRegistry holds small node types that exercise the scheduler without the real library.
func testRegistry(tb testing.TB) (*engine.Registry, *atomic.Int64) {
	tb.Helper()
	var executions atomic.Int64
	r := engine.NewRegistry()
	count := func(fn engine.RunFunc) engine.RunFunc {
		return func(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
			executions.Add(1)
			return fn(ctx, in)
		}
	}
	any1 := []engine.Handle{{Name: "a", Type: engine.TypeAny}, {Name: "b", Type: engine.TypeAny}}
	r.MustRegister(
		engine.NodeType{Type: "flow.inputs", DynamicOutputs: true, Deterministic: true, Run: count(func(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
			out := map[string]any{}
			for _, d := range in.Declared {
				out[d.Name] = in.FlowInputs[d.Name]
			}
			return out, nil
		})},
		engine.NodeType{Type: "io.output", Deterministic: true, RunOutput: true, Inputs: []engine.Handle{{Name: "value", Type: engine.TypeAny}},
			Params: []engine.ParamSpec{{Name: "name", Kind: engine.ParamString}},
			Run: count(func(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
				return map[string]any{"value": in.Inputs["value"]}, nil
			})},
		engine.NodeType{Type: "t.const", Deterministic: true, Outputs: []engine.Handle{{Name: "out", Type: engine.TypeAny}},
			Params: []engine.ParamSpec{{Name: "value", Kind: engine.ParamJSON}},
			Run: count(func(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
				return map[string]any{"out": in.Params["value"]}, nil
			})},
		engine.NodeType{Type: "t.add", Deterministic: true, Inputs: any1, Outputs: []engine.Handle{{Name: "out", Type: engine.TypeNumber}},
			Params: []engine.ParamSpec{{Name: "k", Kind: engine.ParamNumber}},
			Run: count(func(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
				a, _ := engine.ToFloat(in.Inputs["a"])
				b, _ := engine.ToFloat(in.Inputs["b"])
				k, _ := in.Float("k", 0)
				return map[string]any{"out": a + b + k}, nil
			})},
		engine.NodeType{Type: "t.text", Deterministic: true, Outputs: []engine.Handle{{Name: "out", Type: engine.TypeString}},
			Params: []engine.ParamSpec{{Name: "text", Kind: engine.ParamString}},
			Run: count(func(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
				return map[string]any{"out": in.String("text", "")}, nil
			})},
		engine.NodeType{Type: "t.sleep", Deterministic: true, Inputs: []engine.Handle{{Name: "value", Type: engine.TypeAny}}, Outputs: []engine.Handle{{Name: "value", Type: engine.TypeAny}},
			Params: []engine.ParamSpec{{Name: "ms", Kind: engine.ParamInteger}},
			Run: count(func(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
				ms, _ := in.Int("ms", 10)
				select {
				case <-time.After(time.Duration(ms) * time.Millisecond):
					return map[string]any{"value": in.Inputs["value"]}, nil
				case <-ctx.Done():
					return nil, ctx.Err()
				}
			})},
		engine.NodeType{Type: "t.panic", Deterministic: true, Outputs: []engine.Handle{{Name: "out", Type: engine.TypeAny}},
			Run: count(func(ctx context.Context, in *engine.NodeInput) (map[string]any, error) { panic("boom") })},
		engine.NodeType{Type: "t.fail", Deterministic: true, Inputs: []engine.Handle{{Name: "value", Type: engine.TypeAny}}, Outputs: []engine.Handle{{Name: "out", Type: engine.TypeAny}},
			Run: count(func(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
				return nil, errors.New("always fails")
			})},
		engine.NodeType{Type: "t.rand", Outputs: []engine.Handle{{Name: "out", Type: engine.TypeNumber}},
			Run: count(func(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
				return map[string]any{"out": float64(time.Now().UnixNano() % 1000003)}, nil
			})},
		engine.NodeType{Type: "t.if", Deterministic: true, Inputs: []engine.Handle{{Name: "value", Type: engine.TypeAny}},
			Outputs: []engine.Handle{{Name: "true", Type: engine.TypeAny}, {Name: "false", Type: engine.TypeAny}},
			Run: count(func(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
				if b, _ := in.Inputs["value"].(bool); b {
					return map[string]any{"true": in.Inputs["value"]}, nil
				}
				return map[string]any{"false": in.Inputs["value"]}, nil
			})},
		// t.result records a run output as io.output does: the engine reads the flag, not the name.
		engine.NodeType{Type: "t.result", Deterministic: true, RunOutput: true, Inputs: []engine.Handle{{Name: "value", Type: engine.TypeAny}},
			Params: []engine.ParamSpec{{Name: "name", Kind: engine.ParamString}},
			Run: count(func(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
				return map[string]any{"value": in.Inputs["value"]}, nil
			})},
		engine.NodeType{Type: "t.merge", Deterministic: true, Inputs: any1, Outputs: []engine.Handle{{Name: "value", Type: engine.TypeAny}},
			Run: count(func(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
				for _, h := range []string{"a", "b"} {
					if in.Connected[h] {
						return map[string]any{"value": in.Inputs[h]}, nil
					}
				}
				return map[string]any{"value": nil}, nil
			})},
	)
	return r, &executions
}

func newService(tb testing.TB, reg *engine.Registry, runCap int) *engine.Service {
	tb.Helper()
	st := memstore.New()
	svc, err := engine.NewService(engine.Config{Store: st, Registry: reg, RunCap: runCap})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(svc.Close)
	return svc
}

func importGraph(tb testing.TB, svc *engine.Service, name string, g engine.Graph) engine.ImportResult {
	tb.Helper()
	f := engine.WorkflowFile{Format: engine.FormatWorkflow, Name: name, Inputs: g.Inputs, Nodes: g.Nodes, Edges: g.Edges}
	data, err := jsonMarshal(f)
	if err != nil {
		tb.Fatal(err)
	}
	res, err := svc.Import(context.Background(), data, "")
	if err != nil {
		tb.Fatalf("import %s: %v", name, err)
	}
	return res
}

func runAndWait(tb testing.TB, svc *engine.Service, req engine.RunRequest) engine.Run {
	tb.Helper()
	r, err := svc.StartRun(context.Background(), req)
	if err != nil {
		tb.Fatalf("start run: %v", err)
	}
	final, err := svc.Wait(context.Background(), r.ID)
	if err != nil {
		tb.Fatalf("wait: %v", err)
	}
	return final
}

// completedRun is runAndWait of a run that must complete.
func completedRun(tb testing.TB, svc *engine.Service, req engine.RunRequest) engine.Run {
	tb.Helper()
	r := runAndWait(tb, svc, req)
	if r.Status != engine.RunCompleted {
		tb.Fatal(r.Status, r.Error)
	}
	return r
}

// saveChainEdit saves, as workflow wf's current version, chain g with node mid's expression
// "a + k" (labelled "k<k>").
func saveChainEdit(tb testing.TB, svc *engine.Service, wf string, g engine.Graph, mid, k int) {
	tb.Helper()
	e := cloneGraph(g)
	e.Nodes[mid].Params = map[string]any{"expression": fmt.Sprintf("a + %d", k)}
	if _, err := svc.SaveVersion(context.Background(), wf, e, fmt.Sprint("k", k), "", true); err != nil {
		tb.Fatal(err)
	}
}

func edge(src, sh, dst, dh string) engine.Edge {
	return engine.Edge{Source: src, SourceHandle: sh, Target: dst, TargetHandle: dh}
}

func node(id, typ string, params map[string]any) engine.Node {
	return engine.Node{ID: id, Type: typ, Params: params}
}
