package engine_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/memstore"
)

// subRegistry is testRegistry with a flow.subworkflow type shaped as engine/nodes registers it.
func subRegistry(tb testing.TB) *engine.Registry {
	tb.Helper()
	reg, _ := testRegistry(tb)
	reg.MustRegister(engine.NodeType{Type: engine.TypeSubworkflow, Subflow: true,
		Params:            []engine.ParamSpec{{Name: "workflow", Kind: engine.ParamString, Required: true}, {Name: "version", Kind: engine.ParamString, Required: true}},
		DeterministicWhen: func(p map[string]any) bool { return engine.PinnedDeterministic(engine.ToText(p["version"])) },
		Run: func(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
			if in.Child == nil {
				return nil, errors.New("no child runner")
			}
			return in.Child(ctx)
		}})
	return reg
}

func newSubService(tb testing.TB, runCap, maxNesting int) *engine.Service {
	tb.Helper()
	svc, err := engine.NewService(engine.Config{Store: memstore.New(), Registry: subRegistry(tb), RunCap: runCap, MaxNesting: maxNesting})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(svc.Close)
	return svc
}

// childGraph: y = x + k (x an integer input).
func childGraph(k float64) engine.Graph {
	return engine.Graph{
		Inputs: []engine.InputDecl{{Name: "x", Type: engine.TypeInteger, Required: true}},
		Nodes: []engine.Node{node("in", "flow.inputs", nil), node("add", "t.add", map[string]any{"k": k}),
			node("out", "io.output", map[string]any{"name": "y"})},
		Edges: []engine.Edge{edge("in", "x", "add", "a"), edge("add", "out", "out", "value")},
	}
}

// parentGraph: result = child(x = 41).
func parentGraph(child engine.ImportResult) engine.Graph {
	return engine.Graph{
		Nodes: []engine.Node{node("c", "t.const", map[string]any{"value": 41}),
			node("sub", engine.TypeSubworkflow, map[string]any{"workflow": child.WorkflowID, "version": child.VersionID}),
			node("out", "io.output", map[string]any{"name": "result"})},
		Edges: []engine.Edge{edge("c", "out", "sub", "x"), edge("sub", "y", "out", "value")},
	}
}

func TestSubworkflowRunsChildRun(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := newSubService(t, 4, 0)
	child := importGraph(t, svc, "Child", childGraph(1))
	parent := importGraph(t, svc, "Parent", parentGraph(child))

	var mu sync.Mutex
	var progress []engine.Event
	unsub := svc.Bus.Subscribe(func(e engine.Event) {
		if e.Type == engine.EventProgress && e.NodeID == "sub" {
			mu.Lock()
			progress = append(progress, e)
			mu.Unlock()
		}
	})
	defer unsub()
	run := runAndWait(t, svc, engine.RunRequest{Workflow: parent.WorkflowID})
	if run.Status != engine.RunCompleted || !num(run.Outputs["result"], 42) {
		t.Fatalf("run = %s %v (%s), want completed result 42", run.Status, run.Outputs, run.Error)
	}
	runs, err := svc.Runs(ctx, child.WorkflowID, 0)
	if err != nil || len(runs) != 1 {
		t.Fatalf("child runs = %v, %v; want one", runs, err)
	}
	cr := runs[0]
	if cr.ParentRunID != run.ID || cr.ParentNodeID != "sub" || cr.Status != engine.RunCompleted || !num(cr.Outputs["y"], 42) {
		t.Errorf("child run = %+v, want completed, parent %s/sub, y 42", cr, run.ID)
	}
	// the child's nodes write generations in the child workflow; the node's holds its outputs
	gens, err := svc.Store().ListGenerations(ctx, child.WorkflowID, "add")
	if err != nil || len(gens) != 1 || gens[0].RunID != cr.ID {
		t.Errorf("child generations of add = %+v, %v; want one of the child run", gens, err)
	}
	subGen, err := svc.Store().GetGeneration(ctx, run.Snapshot.Records()["sub"].GenerationID)
	if err != nil || !num(subGen.Outputs["y"], 42) {
		t.Errorf("sub generation = %+v, %v; want outputs y=42", subGen, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(progress) == 0 || progress[len(progress)-1].RunID != run.ID || progress[len(progress)-1].Progress != 1 {
		t.Errorf("progress on the node = %+v, want the child's progress up to 1 under the parent run", progress)
	}
}

func TestSubworkflowValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := newSubService(t, 4, 2)
	child := importGraph(t, svc, "Child", childGraph(1))
	parent := importGraph(t, svc, "Parent", parentGraph(child))

	check := func(name string, err error, want ...string) {
		t.Helper()
		var ve *engine.ValidationError
		if !errors.As(err, &ve) {
			t.Fatalf("%s: err = %v, want a validation error", name, err)
		}
		for _, w := range want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %v does not say %q", name, err, w)
			}
		}
	}
	g := parentGraph(child)
	g.Nodes[1].Params["version"] = "nope"
	_, err := svc.SaveVersion(ctx, parent.WorkflowID, g, "", "", true)
	check("missing version", err, `"sub"`, `"Child"`, `"nope"`)

	g = parentGraph(child)
	g.Nodes[1].Params["workflow"] = "gone"
	_, err = svc.SaveVersion(ctx, parent.WorkflowID, g, "", "", true)
	check("missing workflow", err, `"sub"`, `"gone"`)

	g = parentGraph(child)
	g.Edges[0].TargetHandle = "z"
	_, err = svc.SaveVersion(ctx, parent.WorkflowID, g, "", "", true)
	check("wiring", err, `"sub"`, `"z"`, "Child")

	// Child v2 would use Parent, which uses Child: Child → Parent → Child
	cg := childGraph(1)
	cg.Nodes = append(cg.Nodes, node("back", engine.TypeSubworkflow, map[string]any{"workflow": parent.WorkflowID, "version": parent.VersionID}))
	_, err = svc.SaveVersion(ctx, child.WorkflowID, cg, "", "", true)
	check("cycle", err, `"back"`, "Child → Parent → Child")

	// a workflow pinning itself
	g = parentGraph(child)
	g.Nodes[1].Params = map[string]any{"workflow": parent.WorkflowID, "version": parent.VersionID}
	_, err = svc.SaveVersion(ctx, parent.WorkflowID, g, "", "", true)
	check("self", err, "Parent → Parent")

	// nesting past the limit (2 here): D → C2 → C1 → Child
	prev := child
	for _, name := range []string{"C1", "C2", "C3"} {
		g := engine.Graph{Nodes: []engine.Node{node("s", engine.TypeSubworkflow, map[string]any{"workflow": prev.WorkflowID, "version": prev.VersionID})}}
		f := engine.WorkflowFile{Format: engine.FormatWorkflow, Name: name, Nodes: g.Nodes}
		data, _ := jsonMarshal(f)
		res, err := svc.Import(ctx, data, "")
		if name == "C3" {
			check("depth", err, "nest deeper than 2", "C2 → C1 → Child")
			break
		}
		if err != nil {
			t.Fatalf("import %s: %v", name, err)
		}
		prev = res
	}
	// the window's check of a draft says the same
	if probs := svc.CheckWorkflowGraph(ctx, parent.WorkflowID, g); len(probs) == 0 {
		t.Errorf("CheckWorkflowGraph of a self-pinning draft found nothing")
	}
}

func TestSubworkflowDeleteRefusedNamingUsers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := newSubService(t, 4, 0)
	child := importGraph(t, svc, "Child", childGraph(1))
	importGraph(t, svc, "Parent", parentGraph(child))
	err := svc.DeleteWorkflow(ctx, child.WorkflowID)
	if !errors.Is(err, engine.ErrInUse) || !strings.Contains(err.Error(), `"Parent" (v1)`) {
		t.Fatalf("delete = %v, want refused naming Parent (v1)", err)
	}
	if err := svc.DeleteWorkflowAnyway(ctx, child.WorkflowID); err != nil {
		t.Fatal(err)
	}
	// the user now fails validation at run, naming node and workflow
	_, err = svc.StartRun(ctx, engine.RunRequest{Workflow: "Parent"})
	var ve *engine.ValidationError
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), `"sub"`) || !strings.Contains(err.Error(), child.WorkflowID) {
		t.Errorf("run after delete = %v, want refused naming sub and the workflow", err)
	}
}

// A child run never waits for a run slot: at cap 1 the parent holds the only one.
func TestSubworkflowCapOne(t *testing.T) {
	t.Parallel()
	svc := newSubService(t, 1, 0)
	child := importGraph(t, svc, "Child", childGraph(1))
	parent := importGraph(t, svc, "Parent", parentGraph(child))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r, err := svc.StartRun(ctx, engine.RunRequest{Workflow: parent.WorkflowID})
	if err != nil {
		t.Fatal(err)
	}
	final, err := svc.Wait(ctx, r.ID)
	if err != nil || final.Status != engine.RunCompleted {
		t.Fatalf("run at cap 1 = %s, %v (deadlock?)", final.Status, err)
	}
}

func TestSubworkflowCancelParentCancelsChild(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := newSubService(t, 2, 0)
	cg := engine.Graph{
		Nodes: []engine.Node{node("wait", "t.sleep", map[string]any{"ms": 60000}), node("out", "io.output", map[string]any{"name": "y"})},
		Edges: []engine.Edge{edge("wait", "value", "out", "value")},
	}
	child := importGraph(t, svc, "Slow", cg)
	pg := engine.Graph{Nodes: []engine.Node{node("sub", engine.TypeSubworkflow, map[string]any{"workflow": child.WorkflowID, "version": child.VersionID})}}
	parent := importGraph(t, svc, "Parent", pg)

	started := make(chan string, 1)
	unsub := svc.Bus.Subscribe(func(e engine.Event) {
		if e.Type == engine.EventNode && e.NodeID == "wait" && e.Status == string(engine.NodeRunning) {
			select {
			case started <- e.RunID:
			default:
			}
		}
	})
	defer unsub()
	r, err := svc.StartRun(ctx, engine.RunRequest{Workflow: parent.WorkflowID})
	if err != nil {
		t.Fatal(err)
	}
	var childID string
	select {
	case childID = <-started:
	case <-time.After(30 * time.Second):
		t.Fatal("the child never started")
	}
	if err := svc.Cancel(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	final, err := svc.Wait(wctx, r.ID)
	if err != nil || final.Status != engine.RunCancelled {
		t.Fatalf("parent = %s, %v; want cancelled", final.Status, err)
	}
	cr, _, err := svc.GetRun(ctx, childID)
	if err != nil || cr.Status != engine.RunCancelled || cr.ParentRunID != r.ID {
		t.Errorf("child = %s (parent %q), %v; want cancelled under %s", cr.Status, cr.ParentRunID, err, r.ID)
	}
}

func TestSubworkflowNestingLimitAtRun(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// Built with a high limit, then run by a service with a lower one: the run is refused.
	st := memstore.New()
	reg := subRegistry(t)
	build, err := engine.NewService(engine.Config{Store: st, Registry: reg, MaxNesting: 8})
	if err != nil {
		t.Fatal(err)
	}
	prev := importGraph(t, build, "C0", childGraph(1))
	for _, name := range []string{"C1", "C2", "C3"} {
		g := engine.Graph{Nodes: []engine.Node{node("s", engine.TypeSubworkflow, map[string]any{"workflow": prev.WorkflowID, "version": prev.VersionID})}}
		prev = importGraph(t, build, name, g)
	}
	build.Close()
	svc, err := engine.NewService(engine.Config{Store: st, Registry: reg, MaxNesting: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	_, err = svc.StartRun(ctx, engine.RunRequest{Workflow: "C3"})
	if err == nil || !strings.Contains(err.Error(), "nest deeper than 2") {
		t.Errorf("run of a 3-deep chain with limit 2 = %v, want refused naming the limit", err)
	}
}

func TestSubworkflowPlanAndRepin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := newSubService(t, 4, 0)
	child := importGraph(t, svc, "Child", childGraph(1))
	parent := importGraph(t, svc, "Parent", parentGraph(child))
	runAndWait(t, svc, engine.RunRequest{Workflow: parent.WorkflowID})

	// nothing changed: from out, sub is reused and feeds its current generation
	p, err := svc.PlanFrom(ctx, parent.WorkflowID, "", "out", nil)
	if err != nil {
		t.Fatal(err)
	}
	if pn := p.Nodes["sub"]; pn.Action != engine.ActionReuse || pn.SourceGenerationID == "" {
		t.Errorf("sub = %+v, want reused with its generation", pn)
	}
	// from c: sub reruns downstream of it, with the child's plan under it
	p, err = svc.PlanFrom(ctx, parent.WorkflowID, "", "c", nil)
	if err != nil {
		t.Fatal(err)
	}
	if pn := p.Nodes["sub"]; pn.Action != engine.ActionRerun {
		t.Errorf("sub = %+v, want rerun", pn)
	}
	if cp := p.Children["sub"]; cp == nil || cp.WorkflowID != child.WorkflowID || cp.Nodes["add"].Action != engine.ActionRerun {
		t.Errorf("child plan under sub = %+v", cp)
	}
	// early cutoff: c reruns with the same value, sub's inputs are unchanged
	r := runAndWait(t, svc, engine.RunRequest{Workflow: parent.WorkflowID, From: "c"})
	if rec := r.Snapshot.Records()["sub"]; rec.Status != engine.NodeReused || !hasReason(rec.Reasons, engine.ReasonInputsUnchanged) {
		t.Errorf("sub in a run from c = %+v, want reused (inputs_unchanged)", rec)
	}

	// re-pinning to a changed child version is config_changed
	v2, err := svc.SaveVersion(ctx, child.WorkflowID, childGraph(2), "k=2", "", true)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := svc.SubflowSpec(ctx, child.WorkflowID, child.VersionID)
	if err != nil || !spec.UpdateAvailable || spec.LatestVersionLabel != "v2" || !spec.Deterministic {
		t.Errorf("spec of v1 = %+v, %v; want update available to v2", spec, err)
	}
	// a newer child version changes nothing by itself
	if p, _ := svc.PlanFrom(ctx, parent.WorkflowID, "", "out", nil); p.Nodes["sub"].Action != engine.ActionReuse {
		t.Errorf("after a new child version sub = %+v, want still reused", p.Nodes["sub"])
	}
	g := parentGraph(engine.ImportResult{WorkflowID: child.WorkflowID, VersionID: v2.ID})
	if _, err := svc.SaveVersion(ctx, parent.WorkflowID, g, "update child", "", true); err != nil {
		t.Fatal(err)
	}
	p, err = svc.PlanFrom(ctx, parent.WorkflowID, "", "out", nil)
	if err != nil {
		t.Fatal(err)
	}
	if pn := p.Nodes["sub"]; pn.Action != engine.ActionRerun || !hasReason(pn.Reasons, engine.ReasonConfigChanged) {
		t.Errorf("after re-pin sub = %+v, want rerun config_changed", pn)
	}
	r = runAndWait(t, svc, engine.RunRequest{Workflow: parent.WorkflowID, From: "out"})
	if r.Status != engine.RunCompleted || !num(r.Outputs["result"], 43) {
		t.Errorf("run from out after re-pin = %s %v (%s), want 43", r.Status, r.Outputs, r.Error)
	}
}

func hasReason(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func num(v any, want float64) bool {
	f, ok := engine.ToFloat(v)
	return ok && f == want
}

func TestSubworkflowBundleCarriesChildren(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := newSubService(t, 4, 0)
	leaf := importGraph(t, src, "Leaf", childGraph(1))
	mid := importGraph(t, src, "Mid", engine.Graph{
		Inputs: []engine.InputDecl{{Name: "x", Type: engine.TypeInteger, Required: true}},
		Nodes: []engine.Node{node("in", "flow.inputs", nil), node("s", engine.TypeSubworkflow, map[string]any{"workflow": leaf.WorkflowID, "version": leaf.VersionID}),
			node("out", "io.output", map[string]any{"name": "y"})},
		Edges: []engine.Edge{edge("in", "x", "s", "x"), edge("s", "y", "out", "value")},
	})
	parent := importGraph(t, src, "Parent", parentGraph(mid))

	data, warnings, err := src.ExportWithWarnings(ctx, parent.WorkflowID, "", false)
	if err != nil || len(warnings) != 1 || !strings.Contains(warnings[0], `"sub"`) || !strings.Contains(warnings[0], "bundle") {
		t.Errorf("plain export warnings = %q, %v; want one naming sub and the bundle", warnings, err)
	}
	_ = data
	bundle, warnings, err := src.ExportWithWarnings(ctx, parent.WorkflowID, "", true)
	if err != nil || len(warnings) != 0 {
		t.Fatalf("bundle export = %q, %v", warnings, err)
	}

	dst := newSubService(t, 4, 0)
	res, err := dst.Import(ctx, bundle, "")
	if err != nil {
		t.Fatalf("import bundle: %v", err)
	}
	run := runAndWait(t, dst, engine.RunRequest{Workflow: res.WorkflowID})
	if run.Status != engine.RunCompleted || !num(run.Outputs["result"], 42) {
		t.Fatalf("imported parent run = %s %v (%s)", run.Status, run.Outputs, run.Error)
	}
	count := func(svc *engine.Service) map[string]int {
		ws, _ := svc.ListWorkflows(ctx)
		out := map[string]int{}
		for _, w := range ws {
			out[w.Name]++
		}
		return out
	}
	if got := count(dst); got["Leaf"] != 1 || got["Mid"] != 1 || got["Parent"] != 1 {
		t.Errorf("after import: %v, want one of each", got)
	}
	// again: the children exist with the same content and are reused
	if _, err := dst.Import(ctx, bundle, ""); err != nil {
		t.Fatal(err)
	}
	if got := count(dst); got["Leaf"] != 1 || got["Mid"] != 1 || got["Parent"] != 2 {
		t.Errorf("after a second import: %v, want the children reused", got)
	}
	// into the home it came from: the very same children
	if _, err := src.Import(ctx, bundle, ""); err != nil {
		t.Fatal(err)
	}
	if got := count(src); got["Leaf"] != 1 || got["Mid"] != 1 {
		t.Errorf("re-import at the source: %v, want the children reused", got)
	}
}

func TestMakeSubworkflowFromSelection(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := newSubService(t, 4, 0)
	g := engine.Graph{
		Inputs: []engine.InputDecl{{Name: "k", Type: engine.TypeInteger, Default: int64(100)}},
		Nodes: []engine.Node{node("c", "t.const", map[string]any{"value": 41}), node("a", "t.add", map[string]any{"k": 1}),
			node("b", "t.add", map[string]any{"k": "{{k}}"}), node("out", "io.output", map[string]any{"name": "result"})},
		Edges: []engine.Edge{edge("c", "out", "a", "a"), edge("a", "out", "b", "a"), edge("b", "out", "out", "value")},
	}
	w := importGraph(t, svc, "Flat", g)
	before := runAndWait(t, svc, engine.RunRequest{Workflow: w.WorkflowID})

	made, err := svc.MakeSubworkflow(ctx, w.WorkflowID, g, []string{"a", "b"}, "Adders")
	if err != nil {
		t.Fatal(err)
	}
	spec, err := svc.SubflowSpec(ctx, made.WorkflowID, made.VersionID)
	if err != nil {
		t.Fatal(err)
	}
	ins := map[string]string{}
	for _, h := range spec.Inputs {
		ins[h.Name] = h.Type
	}
	// c.out (any) enters a.a (any); b reads the flow input k (integer)
	if len(ins) != 2 || ins["a"] != engine.TypeAny || ins["k"] != engine.TypeInteger || len(spec.Outputs) != 1 || spec.Outputs[0].Name != "out" {
		t.Errorf("child handles = %+v / %+v, want inputs a (any) and k (integer), output out", spec.Inputs, spec.Outputs)
	}
	ids := map[string]bool{}
	for _, n := range made.Graph.Nodes {
		ids[n.ID] = true
	}
	if ids["a"] || ids["b"] || !ids[made.NodeID] || !ids["c"] || !ids["out"] {
		t.Errorf("parent nodes = %v, want a and b replaced by %s", ids, made.NodeID)
	}
	if _, err := svc.SaveVersion(ctx, w.WorkflowID, made.Graph, "made a subworkflow", "", true); err != nil {
		t.Fatal(err)
	}
	after := runAndWait(t, svc, engine.RunRequest{Workflow: w.WorkflowID})
	if after.Status != engine.RunCompleted || !num(after.Outputs["result"], 142) || !num(before.Outputs["result"], 142) {
		t.Errorf("result before %v, after %v (%s); want 142 both", before.Outputs, after.Outputs, after.Error)
	}
	// the flow inputs stay: selecting them is refused, naming the node
	g2 := g
	g2.Nodes = append(g2.Nodes, node("in", "flow.inputs", nil))
	if _, err := svc.MakeSubworkflow(ctx, w.WorkflowID, g2, []string{"in", "a"}, "X"); err == nil || !strings.Contains(err.Error(), `"in"`) {
		t.Errorf("selection with flow.inputs = %v, want refused naming in", err)
	}
}
