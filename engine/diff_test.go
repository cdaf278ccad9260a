package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// compareGraph: x (an input) + k → out; a text node that does not depend on x.
func compareGraph(k float64) engine.Graph {
	return engine.Graph{
		Inputs: []engine.InputDecl{{Name: "x", Type: engine.TypeNumber, Default: 1.0}},
		Nodes: []engine.Node{node("in", "flow.inputs", nil), node("add", "t.add", map[string]any{"k": k}),
			node("txt", "t.text", map[string]any{"text": "hello"}),
			node("out", "io.output", map[string]any{"name": "sum"}), node("out2", "io.output", map[string]any{"name": "greeting"})},
		Edges: []engine.Edge{edge("in", "x", "add", "a"), edge("add", "out", "out", "value"), edge("txt", "out", "out2", "value")},
	}
}

// newCompareWorkflow is a service with the compareGraph(1) workflow imported.
func newCompareWorkflow(t *testing.T) (*engine.Service, engine.ImportResult) {
	t.Helper()
	reg, _ := testRegistry(t)
	svc := newService(t, reg, 2)
	return svc, importGraph(t, svc, "cmp", compareGraph(1))
}

// runX runs workflow wf with input x and waits for its end.
func runX(t *testing.T, svc *engine.Service, wf engine.ImportResult, x any) engine.Run {
	t.Helper()
	return runAndWait(t, svc, engine.RunRequest{Workflow: wf.WorkflowID, Inputs: map[string]any{"x": x}})
}

func TestDiffRunsSameVersion(t *testing.T) {
	svc, wf := newCompareWorkflow(t)
	ctx := context.Background()
	r1 := runX(t, svc, wf, 1)
	r2 := runX(t, svc, wf, 2)
	r3 := runX(t, svc, wf, 1)

	d, err := svc.DiffRuns(ctx, r1.ID, r2.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.A != r1.ID || d.B != r2.ID || !d.Version.Same || d.Workflows != nil || !d.Graph.Empty() {
		t.Fatalf("header: %+v", d)
	}
	if got := d.Inputs["x"]; len(d.Inputs) != 1 || !engine.SameValue(got.A, 1) || !engine.SameValue(got.B, 2) {
		t.Fatalf("inputs: %+v", d.Inputs)
	}
	if d.Nodes["add"].SameOutput || d.Nodes["out"].SameOutput || !d.Nodes["txt"].SameOutput || !d.Nodes["out2"].SameOutput {
		t.Fatalf("same_output: %+v", d.Nodes)
	}
	if a := d.Nodes["add"].A; a == nil || a.Status != engine.NodeExecuted || a.GenerationID != r1.Snapshot.Nodes["add"].GenerationID {
		t.Fatalf("node side a: %+v", a)
	}
	if o := d.Outputs["sum"]; o.Same || !engine.SameValue(o.A, 2) || !engine.SameValue(o.B, 3) {
		t.Fatalf("outputs sum: %+v", o)
	}
	if !d.Outputs["greeting"].Same {
		t.Fatalf("outputs greeting: %+v", d.Outputs["greeting"])
	}

	same, err := svc.DiffRuns(ctx, r1.ID, r3.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(same.Inputs) != 0 {
		t.Fatalf("equal inputs listed: %+v", same.Inputs)
	}
	for id, n := range same.Nodes {
		if !n.SameOutput {
			t.Errorf("node %s: outputs of equal runs differ", id)
		}
	}

	// The JSON has exactly the keys of SPEC §13.
	var m map[string]any
	b, _ := json.Marshal(d)
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if got := sortedKeys(m); !reflect.DeepEqual(got, []string{"a", "b", "graph", "inputs", "nodes", "outputs", "version"}) {
		t.Fatalf("keys %v", got)
	}
	if got := sortedKeys(m["graph"].(map[string]any)); !reflect.DeepEqual(got, []string{"edges_added", "edges_removed", "nodes_added", "nodes_changed", "nodes_removed"}) {
		t.Fatalf("graph keys %v", got)
	}
	side := m["nodes"].(map[string]any)["add"].(map[string]any)["a"].(map[string]any)
	if got := sortedKeys(side); !reflect.DeepEqual(got, []string{"duration_ms", "generation_id", "reasons", "status"}) {
		t.Fatalf("node side keys %v", got)
	}
}

func TestDiffRunsAcrossVersions(t *testing.T) {
	svc, wf := newCompareWorkflow(t)
	ctx := context.Background()
	r1 := runX(t, svc, wf, 1)
	g2 := compareGraph(5)
	g2.Nodes = append(g2.Nodes, node("extra", "t.text", map[string]any{"text": "new"}))
	g2.Edges = []engine.Edge{edge("in", "x", "add", "b"), g2.Edges[1], g2.Edges[2]}
	v2, err := svc.SaveVersion(ctx, wf.WorkflowID, g2, "k=5", "", true)
	if err != nil {
		t.Fatal(err)
	}
	r2 := runX(t, svc, wf, 1)
	d, err := svc.DiffRuns(ctx, r1.ID, r2.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Version.Same || d.Version.A != wf.VersionID || d.Version.B != v2.ID {
		t.Fatalf("version: %+v", d.Version)
	}
	if len(d.Inputs) != 0 {
		t.Fatalf("inputs: %+v", d.Inputs)
	}
	if !reflect.DeepEqual(d.Graph.NodesAdded, []string{"extra"}) || len(d.Graph.NodesRemoved) != 0 {
		t.Fatalf("nodes added/removed: %+v", d.Graph)
	}
	if k := d.Graph.NodesChanged["add"]["k"]; !engine.SameValue(k.A, 1) || !engine.SameValue(k.B, 5) || len(d.Graph.NodesChanged) != 1 {
		t.Fatalf("nodes changed: %+v", d.Graph.NodesChanged)
	}
	if !reflect.DeepEqual(d.Graph.EdgesAdded, []string{"in.x->add.b"}) || !reflect.DeepEqual(d.Graph.EdgesRemoved, []string{"in.x->add.a"}) {
		t.Fatalf("edges: +%v -%v", d.Graph.EdgesAdded, d.Graph.EdgesRemoved)
	}
	if n := d.Nodes["extra"]; n.A != nil || n.B == nil || n.B.Status != engine.NodeExecuted || n.SameOutput {
		t.Fatalf("added node row: %+v", n)
	}
	if d.Nodes["add"].SameOutput || !d.Nodes["txt"].SameOutput {
		t.Fatalf("same_output: add %+v txt %+v", d.Nodes["add"], d.Nodes["txt"])
	}
}

func TestDiffRunsOfTwoWorkflows(t *testing.T) {
	reg, _ := testRegistry(t)
	svc := newService(t, reg, 2)
	ctx := context.Background()
	a := importGraph(t, svc, "one", compareGraph(1))
	b := importGraph(t, svc, "two", compareGraph(1))
	ra := runAndWait(t, svc, engine.RunRequest{Workflow: a.WorkflowID, Inputs: map[string]any{"x": 1}})
	rb := runAndWait(t, svc, engine.RunRequest{Workflow: b.WorkflowID, Inputs: map[string]any{"x": 1}})
	d, err := svc.DiffRuns(ctx, ra.ID, rb.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Workflows == nil || d.Workflows.Same || d.Workflows.A != a.WorkflowID || d.Workflows.B != b.WorkflowID {
		t.Fatalf("workflows: %+v", d.Workflows)
	}
	// Same graph content, nodes matched by id: equal outputs.
	if !d.Graph.Empty() || !d.Nodes["add"].SameOutput || !d.Outputs["sum"].Same {
		t.Fatalf("diff: %+v", d)
	}
}

func TestDiffRunsRefusals(t *testing.T) {
	svc, wf := newCompareWorkflow(t)
	ctx := context.Background()
	r1 := runAndWait(t, svc, engine.RunRequest{Workflow: wf.WorkflowID})
	if _, err := svc.DiffRuns(ctx, r1.ID, "nope-123"); !errors.Is(err, engine.ErrNotFound) || !strings.Contains(err.Error(), "nope-123") {
		t.Fatalf("unknown run: %v", err)
	}
	if _, err := svc.DiffRuns(ctx, "gone-9", r1.ID); !errors.Is(err, engine.ErrNotFound) || !strings.Contains(err.Error(), "gone-9") {
		t.Fatalf("unknown run a: %v", err)
	}
	if _, err := svc.DiffRuns(ctx, r1.ID, r1.ID); !errors.Is(err, engine.ErrInvalid) || !strings.Contains(err.Error(), r1.ID) {
		t.Fatalf("same run twice: %v", err)
	}
	if _, err := svc.DiffVersions(ctx, wf.WorkflowID, "v1", "v1"); !errors.Is(err, engine.ErrInvalid) || !strings.Contains(err.Error(), "v1") {
		t.Fatalf("same version twice: %v", err)
	}
	if _, err := svc.DiffVersions(ctx, wf.WorkflowID, "v1", "v9"); !errors.Is(err, engine.ErrNotFound) || !strings.Contains(err.Error(), "v9") {
		t.Fatalf("unknown version: %v", err)
	}
	if _, err := svc.RestoreRun(ctx, "nope-7"); !errors.Is(err, engine.ErrNotFound) || !strings.Contains(err.Error(), "nope-7") {
		t.Fatalf("restore unknown run: %v", err)
	}
	if _, err := svc.UndoRestore(ctx, wf.WorkflowID); !errors.Is(err, engine.ErrConflict) {
		t.Fatalf("undo without restore: %v", err)
	}
}

func TestDiffRunsWhileRunning(t *testing.T) {
	svc, wf := newCompareWorkflow(t)
	ctx := context.Background()
	r1 := runX(t, svc, wf, 1)
	g := compareGraph(1)
	g.Nodes = append(g.Nodes, node("slow", "t.sleep", map[string]any{"ms": 60000}))
	g.Edges = append(g.Edges, edge("add", "out", "slow", "value"))
	if _, err := svc.SaveVersion(ctx, wf.WorkflowID, g, "", "", true); err != nil {
		t.Fatal(err)
	}
	r2, err := svc.StartRun(ctx, engine.RunRequest{Workflow: wf.WorkflowID, Inputs: map[string]any{"x": 1}})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Cancel(ctx, r2.ID)
	d, err := svc.DiffRuns(ctx, r2.ID, r1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n := d.Nodes["slow"]; n.A == nil || n.B != nil || n.SameOutput || n.A.Status == engine.NodeExecuted {
		t.Fatalf("running node row: %+v", d.Nodes["slow"])
	}
}

func TestDiffVersionsInputs(t *testing.T) {
	reg, _ := testRegistry(t)
	svc := newService(t, reg, 2)
	ctx := context.Background()
	g1 := compareGraph(1)
	g1.Inputs = append(g1.Inputs, engine.InputDecl{Name: "old", Type: engine.TypeString})
	wf := importGraph(t, svc, "cmp", g1)
	g2 := compareGraph(1)
	g2.Inputs = []engine.InputDecl{{Name: "x", Type: engine.TypeNumber, Default: 3.0}, {Name: "fresh", Type: engine.TypeString}}
	g2.Nodes = g2.Nodes[:4]
	g2.Edges = g2.Edges[:2]
	if _, err := svc.SaveVersion(ctx, wf.WorkflowID, g2, "", "", false); err != nil {
		t.Fatal(err)
	}
	d, err := svc.DiffVersions(ctx, "cmp", "v1", "v2")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d.InputsAdded, []string{"fresh"}) || !reflect.DeepEqual(d.InputsRemoved, []string{"old"}) {
		t.Fatalf("inputs added %v removed %v", d.InputsAdded, d.InputsRemoved)
	}
	if c := d.InputsChanged["x"]["default"]; !engine.SameValue(c.A, 1) || !engine.SameValue(c.B, 3) {
		t.Fatalf("inputs changed %+v", d.InputsChanged)
	}
	if !reflect.DeepEqual(d.Graph.NodesRemoved, []string{"out2"}) || !reflect.DeepEqual(d.Graph.EdgesRemoved, []string{"txt.out->out2.value"}) {
		t.Fatalf("graph %+v", d.Graph)
	}
}

func TestGraphDiffParamsAndSameValue(t *testing.T) {
	a := engine.Graph{Nodes: []engine.Node{node("n", "t.text", map[string]any{"text": "a", "gone": 1.0, "obj": map[string]any{"x": 1.0, "y": 2.0}})}}
	b := engine.Graph{Nodes: []engine.Node{node("n", "t.const", map[string]any{"text": "a", "new": true, "obj": map[string]any{"y": 2, "x": 1}})}}
	d := engine.DiffGraphs(a, b)
	ch := d.NodesChanged["n"]
	if len(ch) != 3 || ch["@type"].A != "t.text" || ch["gone"].B != nil || ch["new"].A != nil {
		t.Fatalf("changed %+v", ch)
	}
	img := func(name string) map[string]any {
		return map[string]any{"asset": "abc", "mime": "image/png", "name": name}
	}
	if !engine.SameValue(img("a.png"), img("b.png")) || engine.SameValue(img("a.png"), map[string]any{"asset": "abd"}) {
		t.Fatal("media values compare by asset")
	}
	if !engine.SameValue(map[string]any{"image": img("x")}, map[string]any{"image": img("y")}) {
		t.Fatal("outputs holding media compare by asset")
	}
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
