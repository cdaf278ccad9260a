package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/nodes"
)

// keptVersions is a store that keeps every version it hands out: the graphs the service
// caches and reads (its version cache keeps the very maps GetVersion returned).
type keptVersions struct {
	*Store
	mu   sync.Mutex
	kept []engine.Version
}

func (k *keptVersions) GetVersion(ctx context.Context, id string) (engine.Version, error) {
	v, err := k.Store.GetVersion(ctx, id)
	if err == nil {
		k.mu.Lock()
		k.kept = append(k.kept, v)
		k.mu.Unlock()
	}
	return v, err
}

// TestSharedParamsStayAsStored: nodes whose params are the same bytes share one map when a
// version is read from its binary form (engine.DecodeGraphBinText). Every way the CLI and the
// window read a version — runs full, from a block and changed, plans, diffs of versions and
// runs, export (a bundle too), opening for editing, checks, a subworkflow made from the graph,
// duplication, restoring a run, timelines — leaves every graph the store handed out equal to
// the one its stored text gives: nothing writes into a version's params, so sharing them is
// safe. It fails if any of those paths changes a param in place.
func TestSharedParamsStayAsStored(t *testing.T) {
	ctx := context.Background()
	base, err := Open(ctx, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer base.Close()
	s := &keptVersions{Store: base}
	reg := engine.NewRegistry()
	if err := nodes.Register(reg); err != nil {
		t.Fatal(err)
	}
	svc, err := engine.NewService(engine.Config{Store: s, Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()

	const n = 1200 // a graph text past binMinText: read from its binary form
	chain := func(k int) []byte {
		type node struct {
			ID       string         `json:"id"`
			Type     string         `json:"type"`
			Params   map[string]any `json:"params,omitempty"`
			Position map[string]any `json:"position"`
		}
		g := struct {
			Format string           `json:"format"`
			Name   string           `json:"name"`
			Inputs []map[string]any `json:"inputs"`
			Nodes  []node           `json:"nodes"`
			Edges  []map[string]any `json:"edges"`
		}{Format: "flowbench.workflow/1", Name: "Shared", Inputs: []map[string]any{{"name": "x", "type": "integer", "default": 1}}}
		g.Nodes = append(g.Nodes, node{ID: "in", Type: "flow.inputs", Position: map[string]any{"x": 0, "y": 0}})
		prev, handle := "in", "x"
		for i := range n {
			expr := "a + 1"
			if i == n/2 {
				expr = fmt.Sprintf("a + %d", k)
			}
			id := fmt.Sprintf("n%d", i)
			g.Nodes = append(g.Nodes, node{ID: id, Type: "math.expr", Params: map[string]any{"expression": expr}, Position: map[string]any{"x": 10 * i, "y": 0}})
			g.Edges = append(g.Edges, map[string]any{"source": prev, "sourceHandle": handle, "target": id, "targetHandle": "a"})
			prev, handle = id, "result"
		}
		g.Nodes = append(g.Nodes, node{ID: "out", Type: "io.output", Params: map[string]any{"name": "result"}, Position: map[string]any{"x": 0, "y": 9}})
		g.Edges = append(g.Edges, map[string]any{"source": prev, "sourceHandle": handle, "target": "out", "targetHandle": "value"})
		data, err := json.Marshal(g)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	run := func(req engine.RunRequest) engine.Run {
		t.Helper()
		r, err := svc.StartRun(ctx, req)
		must("start run", err)
		if r, err = svc.Wait(ctx, r.ID); err != nil || r.Status != engine.RunCompleted {
			t.Fatalf("run %+v: %s %s %v", req, r.Status, r.Error, err)
		}
		return r
	}

	imp, err := svc.Import(ctx, chain(1), "")
	must("import", err)
	v1 := imp.VersionID
	last := fmt.Sprintf("n%d", n-1)
	full := run(engine.RunRequest{Workflow: imp.WorkflowID})
	run(engine.RunRequest{Workflow: imp.WorkflowID, From: last})
	_, err = svc.PlanFrom(ctx, imp.WorkflowID, "", last, nil)
	must("plan from", err)
	edit, err := svc.Import(ctx, chain(7), imp.WorkflowID)
	must("import an edit", err)
	_, err = svc.PlanChanged(ctx, imp.WorkflowID, "", nil)
	must("plan changed", err)
	changed := run(engine.RunRequest{Workflow: imp.WorkflowID, Changed: true})
	run(engine.RunRequest{Workflow: imp.WorkflowID, Version: v1, From: "n3"})
	_, err = svc.DiffVersions(ctx, imp.WorkflowID, v1, edit.VersionID)
	must("diff versions", err)
	_, err = svc.DiffRuns(ctx, full.ID, changed.ID)
	must("diff runs", err)
	_, err = svc.Export(ctx, imp.WorkflowID, v1, false)
	must("export", err)
	_, _, err = svc.ExportWithWarnings(ctx, imp.WorkflowID, "", true)
	must("export a bundle", err)
	ed, err := svc.OpenForEditing(ctx, imp.WorkflowID)
	must("open for editing", err)
	_ = svc.CheckWorkflowGraph(ctx, imp.WorkflowID, ed.Current.Graph)
	_, err = svc.CheckInputs(ctx, v1, map[string]any{"x": 3})
	must("check inputs", err)
	_, err = svc.SubflowSpec(ctx, imp.WorkflowID, "")
	must("subflow spec", err)
	_, err = svc.NodeTimeline(ctx, imp.WorkflowID, "n5")
	must("timeline", err)
	_, err = svc.CurrentGenerations(ctx, imp.WorkflowID)
	must("current generations", err)
	_, err = svc.DuplicateWorkflow(ctx, imp.WorkflowID)
	must("duplicate", err)
	_, err = svc.RestoreRun(ctx, full.ID)
	must("restore a run", err)
	cur, err := svc.GetVersion(ctx, edit.VersionID)
	must("get version", err)
	_, err = svc.MakeSubworkflow(ctx, imp.WorkflowID, cur.Graph, []string{"n10", "n11", "n12"}, "Part")
	must("make a subworkflow", err)
	run(engine.RunRequest{Workflow: imp.WorkflowID})

	s.mu.Lock()
	defer s.mu.Unlock()
	shared := false
	for _, v := range s.kept {
		want, text, err := base.GetVersionJSON(ctx, v.ID)
		must("version text", err)
		if err := engine.DecodeGraph(text, &want.Graph); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(v.Graph, want.Graph) {
			t.Fatalf("version %s (%s) no longer reads as stored after the service used it", v.Label, v.ID)
		}
		for i := 1; i+1 < len(v.Graph.Nodes); i++ {
			a, b := v.Graph.Nodes[i].Params, v.Graph.Nodes[i+1].Params
			if a != nil && b != nil && reflect.ValueOf(a).Pointer() == reflect.ValueOf(b).Pointer() {
				shared = true
			}
		}
	}
	if !shared {
		t.Fatalf("no version read shared a params map between nodes (%d read): the test tests nothing", len(s.kept))
	}
}
