package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// TestParamChecksRefuseBeforeAnyWork: a param its node type's Check refuses is a problem of
// graph validation (SPEC §4). Import, save version and run refuse it naming node and param,
// with nothing written; CheckGraph reports it for the editor; a draft may hold it.
func TestParamChecksRefuseBeforeAnyWork(t *testing.T) {
	t.Parallel()
	reg, executions := testRegistry(t)
	reg.MustRegister(engine.NodeType{Type: "t.checked", Deterministic: true,
		Inputs:  []engine.Handle{{Name: "value", Type: engine.TypeAny}},
		Outputs: []engine.Handle{{Name: "out", Type: engine.TypeAny}},
		Params: []engine.ParamSpec{{Name: "rule", Kind: engine.ParamString, Check: func(s string) error {
			if strings.Contains(s, "bad") {
				return errors.New("a bad rule")
			}
			return nil
		}}, {Name: "json", Kind: engine.ParamJSON}},
		Run: func(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
			return map[string]any{"out": in.Inputs["value"]}, nil
		}})
	svc := newService(t, reg, 2)
	ctx := context.Background()
	graph := func(rule string, js any) engine.Graph {
		return engine.Graph{
			Nodes: []engine.Node{node("slow", "t.sleep", map[string]any{"ms": 1}), node("chk", "t.checked", map[string]any{"rule": rule, "json": js}),
				node("out", "io.output", map[string]any{"name": "v"})},
			Edges: []engine.Edge{edge("slow", "value", "chk", "value"), edge("chk", "out", "out", "value")},
		}
	}
	names := func(err error, param string) {
		t.Helper()
		if !errors.Is(err, engine.ErrInvalid) {
			t.Fatalf("err = %v, want ErrInvalid", err)
		}
		if want := `node "chk" param "` + param + `"`; !strings.Contains(err.Error(), want) {
			t.Fatalf("err = %v, want it to name %s", err, want)
		}
	}

	// Import refuses.
	data, _ := jsonMarshal(engine.WorkflowFile{Format: engine.FormatWorkflow, Name: "w", Nodes: graph("bad", nil).Nodes, Edges: graph("bad", nil).Edges})
	_, err := svc.Import(ctx, data, "")
	names(err, "rule")
	if list, _ := svc.ListWorkflows(ctx); len(list) != 0 {
		t.Fatalf("a refused import wrote %d workflows", len(list))
	}

	res := importGraph(t, svc, "w", graph("good", map[string]any{"k": 1}))
	// Save version refuses, JSON text that does not parse too.
	_, err = svc.SaveVersion(ctx, res.WorkflowID, graph("bad", nil), "", "", true)
	names(err, "rule")
	_, err = svc.SaveVersion(ctx, res.WorkflowID, graph("good", `{"k": }`), "", "", true)
	names(err, "json")
	// The editor sees the same problem with the param named, and may keep it as a draft.
	probs := svc.CheckGraph(graph("bad", nil))
	if len(probs) != 1 || probs[0].NodeID != "chk" || probs[0].Param != "rule" || probs[0].Message != "a bad rule" {
		t.Fatalf("CheckGraph = %+v", probs)
	}
	if err := svc.SaveDraft(ctx, res.WorkflowID, graph("bad", nil), res.VersionID); err != nil {
		t.Fatalf("a draft may be invalid while edited: %v", err)
	}

	// A version stored before params were checked is refused at run start, before any node runs.
	w, err := svc.ResolveWorkflow(ctx, res.WorkflowID)
	if err != nil {
		t.Fatal(err)
	}
	old, err := svc.Store().AddVersion(ctx, engine.Version{ID: engine.NewID(), WorkflowID: w.ID, Label: "v9", Seq: 9, Graph: graph("bad", nil)}, false)
	if err != nil {
		t.Fatal(err)
	}
	before := executions.Load()
	_, err = svc.StartRun(ctx, engine.RunRequest{Workflow: res.WorkflowID, Version: old.ID})
	names(err, "rule")
	if runs, _ := svc.Runs(ctx, res.WorkflowID, 0); len(runs) != 0 || executions.Load() != before {
		t.Fatalf("a refused run was written (%d runs) or ran nodes", len(runs))
	}
	// Nor can it be copied into a new version.
	_, err = svc.CreateVersion(ctx, res.WorkflowID, old.ID, "")
	names(err, "rule")
	if run := runAndWait(t, svc, engine.RunRequest{Workflow: res.WorkflowID}); run.Status != engine.RunCompleted {
		t.Fatalf("the valid version's run: %s %s", run.Status, run.Error)
	}
}
