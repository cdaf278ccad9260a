package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/nodes"
)

// libRegistry is the real node library.
func libRegistry(tb testing.TB) *engine.Registry {
	tb.Helper()
	reg := engine.NewRegistry()
	if err := nodes.Register(reg); err != nil {
		tb.Fatal(err)
	}
	return reg
}

// loadPlanFixture reads testdata/plans/NAME.json, a workflow file.
func loadPlanFixture(tb testing.TB, name string) engine.Graph {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "plans", name+".json"))
	if err != nil {
		tb.Fatal(err)
	}
	pf, err := engine.ParseFile(data)
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	if pf.Workflow == nil {
		tb.Fatalf("%s is not a workflow file", name)
	}
	return engine.NormalizeGraph(pf.Workflow.Graph())
}

// history is what a store would hold for one workflow after some runs, kept in memory: each
// node's current generation, the inputs of every run and which nodes last failed. Runs go
// through engine.Executor, so config hashes and fingerprints are the scheduler's own.
type history struct {
	reg       *engine.Registry
	g         engine.Graph
	current   map[string]engine.Generation
	all       map[string]engine.Generation // by generation id
	runInputs map[string]map[string]any
	failed    map[string]bool
	last      map[string]any // inputs of the latest run
	clock     time.Time
}

func newHistory(reg *engine.Registry, g engine.Graph) *history {
	return &history{reg: reg, g: g, current: map[string]engine.Generation{}, all: map[string]engine.Generation{},
		runInputs: map[string]map[string]any{}, failed: map[string]bool{}, clock: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
}

// captureCommitter keeps the generations a run writes; generation ids are "RUN/NODE".
type captureCommitter struct {
	mu   sync.Mutex
	gens []engine.Generation
}

func (c *captureCommitter) Commit(g engine.Generation, _ engine.Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	g.ID = g.RunID + "/" + g.NodeID
	c.gens = append(c.gens, g)
}

func (c *captureCommitter) Sync(context.Context, string) error { return nil }

// run executes the graph in full with the given flow input values; every generation it
// writes becomes its node's current one (a failed one marks the node failed instead).
func (h *history) run(tb testing.TB, runID string, given map[string]any) engine.Result {
	tb.Helper()
	return h.exec(tb, runID, given, nil)
}

func (h *history) exec(tb testing.TB, runID string, given map[string]any, plan *engine.Plan) engine.Result {
	tb.Helper()
	inputs, err := engine.ValidateInputs(h.g.Inputs, given, nil)
	if err != nil {
		tb.Fatal(err)
	}
	var ids atomic.Int64
	c := &captureCommitter{}
	h.clock = h.clock.Add(time.Minute)
	now := h.clock
	ex := &engine.Executor{Registry: h.reg, Committer: c, Now: func() time.Time { return now },
		NewID: func() string { return fmt.Sprint("tmp", ids.Add(1)) }}
	x := engine.Execution{Run: engine.Run{ID: runID, WorkflowID: "wf", VersionID: "v", Inputs: inputs},
		Version: engine.Version{ID: "v", Graph: h.g}, Plan: plan}
	if plan != nil {
		x.Current = genPtrs(h.current)
	}
	res := ex.Execute(context.Background(), x)
	for _, g := range c.gens {
		h.all[g.ID] = g
		if g.Status == engine.GenCompleted {
			h.current[g.NodeID] = g
			delete(h.failed, g.NodeID)
		} else if _, ok := h.current[g.NodeID]; !ok {
			h.failed[g.NodeID] = true
		}
	}
	h.runInputs[runID] = inputs
	h.last = inputs
	return res
}

// selectGen makes a generation its node's current one, as a pick does.
func (h *history) selectGen(tb testing.TB, id string) {
	tb.Helper()
	g, ok := h.all[id]
	if !ok {
		tb.Fatalf("no generation %s", id)
	}
	g.Selected = true
	h.current[g.NodeID] = g
}

// planInput is what Service.planFor would pass for a run from `from` with the given values.
func (h *history) planInput(tb testing.TB, from string, given map[string]any) engine.PlanInput {
	tb.Helper()
	merged := map[string]any{}
	for k, v := range h.last {
		merged[k] = v
	}
	for k, v := range given {
		merged[k] = v
	}
	inputs, err := engine.ValidateInputs(h.g.Inputs, merged, nil)
	if err != nil {
		tb.Fatal(err)
	}
	prev := h.last
	if prev == nil {
		prev = inputs
	}
	prior := genPtrs(h.current)
	failed := map[string]bool{}
	for k := range h.failed {
		failed[k] = true
	}
	return engine.PlanInput{Registry: h.reg, Graph: h.g, From: from, Prior: prior, LatestFailed: failed,
		Inputs: inputs, PrevInputs: prev, RunInputs: h.runInputs}
}

// setParam changes one param of a node, as an edit saved in a new version would.
func setParam(tb testing.TB, g *engine.Graph, nodeID, param string, value any) {
	tb.Helper()
	for i := range g.Nodes {
		if g.Nodes[i].ID == nodeID {
			p := map[string]any{}
			for k, v := range g.Nodes[i].Params {
				p[k] = v
			}
			p[param] = value
			g.Nodes[i].Params = p
			return
		}
	}
	tb.Fatalf("no node %s", nodeID)
}

// fromBlock runs the graph from a node as the service would, on top of the history.
func (h *history) fromBlock(tb testing.TB, runID, from string, given map[string]any) engine.Result {
	tb.Helper()
	in := h.planInput(tb, from, given)
	plan, err := engine.BuildPlan(in)
	if err != nil {
		tb.Fatal(err)
	}
	merged := map[string]any{}
	for k, v := range in.Inputs {
		merged[k] = v
	}
	return h.exec(tb, runID, merged, &plan)
}

type wantNode struct {
	action  engine.PlanAction
	reasons []string
	source  string
}

func reuse(source string) wantNode {
	return wantNode{action: engine.ActionReuse, reasons: []string{}, source: source}
}

// picked is the reuse of a selected generation, which says so.
func picked(source string) wantNode {
	return wantNode{action: engine.ActionReuse, reasons: []string{engine.ReasonSelected}, source: source}
}

func rerun(reasons ...string) wantNode {
	return wantNode{action: engine.ActionRerun, reasons: reasons}
}

var untouched = wantNode{action: engine.ActionUntouched, reasons: []string{}}

const (
	target     = engine.ReasonTarget
	downstream = engine.ReasonDownstreamOfTarget
	upstream   = engine.ReasonUpstreamChanged
	noPrior    = engine.ReasonNoPriorResult
	priorError = engine.ReasonPriorError
	configChg  = engine.ReasonConfigChanged
	inputChg   = engine.ReasonInputChanged
)

// TestBuildPlan checks the decision, reasons and source generation of every node of small
// fixture graphs (testdata/plans) over histories made by really running them.
func TestBuildPlan(t *testing.T) {
	t.Parallel()
	reg := libRegistry(t)
	runFull := func(tb testing.TB, h *history) { h.run(tb, "r1", nil) }
	cases := []struct {
		name    string
		fixture string
		// setup runs the graph (or not), edits it, and says where the plan starts and which
		// input values are given.
		setup        func(tb testing.TB, h *history) (from string, given map[string]any)
		want         map[string]wantNode
		rerun, reuse int
		check        func(t *testing.T, p engine.Plan)
	}{
		{
			name: "chain from the middle", fixture: "chain",
			setup: func(tb testing.TB, h *history) (string, map[string]any) { runFull(tb, h); return "m2", nil },
			want: map[string]wantNode{"src": reuse("r1/src"), "m1": reuse("r1/m1"), "m2": rerun(target),
				"m3": rerun(downstream, upstream), "out": rerun(downstream, upstream)},
			rerun: 3, reuse: 2,
		},
		{
			name: "chain from the first node", fixture: "chain",
			setup: func(tb testing.TB, h *history) (string, map[string]any) { runFull(tb, h); return "src", nil },
			want: map[string]wantNode{"src": rerun(target), "m1": rerun(downstream, upstream), "m2": rerun(downstream, upstream),
				"m3": rerun(downstream, upstream), "out": rerun(downstream, upstream)},
			rerun: 5, reuse: 0,
		},
		{
			name: "chain from the last node", fixture: "chain",
			setup: func(tb testing.TB, h *history) (string, map[string]any) { runFull(tb, h); return "out", nil },
			want: map[string]wantNode{"src": reuse("r1/src"), "m1": reuse("r1/m1"), "m2": reuse("r1/m2"),
				"m3": reuse("r1/m3"), "out": rerun(target)},
			rerun: 1, reuse: 4,
		},
		{
			name: "chain with changed config upstream", fixture: "chain",
			setup: func(tb testing.TB, h *history) (string, map[string]any) {
				runFull(tb, h)
				setParam(tb, &h.g, "m1", "expression", "a + 2")
				return "m3", nil
			},
			want: map[string]wantNode{"src": reuse("r1/src"), "m1": rerun(configChg), "m2": rerun(upstream),
				"m3": rerun(target, upstream), "out": rerun(downstream, upstream)},
			rerun: 4, reuse: 1,
		},
		{
			name: "chain with errored upstream", fixture: "chain",
			setup: func(tb testing.TB, h *history) (string, map[string]any) {
				setParam(tb, &h.g, "m1", "expression", "1 / (a - 2)") // src is 2: +Inf is an error
				if res := h.run(tb, "r1", nil); res.Nodes["m1"].Status != engine.NodeFailed || res.Nodes["m2"].Status != engine.NodeSkipped {
					tb.Fatalf("first run: %+v", res.Nodes)
				}
				return "m3", nil
			},
			want: map[string]wantNode{"src": reuse("r1/src"), "m1": rerun(priorError), "m2": rerun(noPrior),
				"m3": rerun(target, noPrior), "out": rerun(downstream, noPrior)},
			rerun: 4, reuse: 1,
		},
		{
			name: "never-run workflow", fixture: "chain",
			setup: func(tb testing.TB, h *history) (string, map[string]any) { return "m2", nil },
			want: map[string]wantNode{"src": rerun(noPrior), "m1": rerun(noPrior), "m2": rerun(target, noPrior),
				"m3": rerun(downstream, noPrior), "out": rerun(downstream, noPrior)},
			rerun: 5, reuse: 0,
		},
		{
			name: "diamond from one side", fixture: "diamond",
			setup: func(tb testing.TB, h *history) (string, map[string]any) { runFull(tb, h); return "left", nil },
			// right and side feed the target's downstream (join) but not the target.
			want: map[string]wantNode{"src": reuse("r1/src"), "left": rerun(target), "right": reuse("r1/right"),
				"side": reuse("r1/side"), "join": rerun(downstream, upstream), "out": rerun(downstream, upstream)},
			rerun: 3, reuse: 3,
		},
		{
			name: "diamond from its source", fixture: "diamond",
			setup: func(tb testing.TB, h *history) (string, map[string]any) { runFull(tb, h); return "src", nil },
			want: map[string]wantNode{"src": rerun(target), "left": rerun(downstream, upstream), "right": rerun(downstream, upstream),
				"side": reuse("r1/side"), "join": rerun(downstream, upstream), "out": rerun(downstream, upstream)},
			rerun: 5, reuse: 1,
		},
		{
			name: "diamond with changed config beside the target", fixture: "diamond",
			setup: func(tb testing.TB, h *history) (string, map[string]any) {
				runFull(tb, h)
				setParam(tb, &h.g, "side", "expression", "200")
				return "left", nil
			},
			want: map[string]wantNode{"src": reuse("r1/src"), "left": rerun(target), "right": reuse("r1/right"),
				"side": rerun(configChg), "join": rerun(downstream, upstream), "out": rerun(downstream, upstream)},
			rerun: 4, reuse: 2,
		},
		{
			name: "two independent branches", fixture: "branches",
			setup: func(tb testing.TB, h *history) (string, map[string]any) { runFull(tb, h); return "a_mid", nil },
			want: map[string]wantNode{"a_src": reuse("r1/a_src"), "a_mid": rerun(target), "a_out": rerun(downstream, upstream),
				"b_src": untouched, "b_mid": untouched, "b_out": untouched},
			rerun: 2, reuse: 1,
		},
		{
			name: "flow inputs unchanged", fixture: "inputs",
			setup: func(tb testing.TB, h *history) (string, map[string]any) { runFull(tb, h); return "total", nil },
			want: map[string]wantNode{"in": reuse("r1/in"), "edge_x": reuse("r1/edge_x"), "edge_y": reuse("r1/edge_y"),
				"param_x": reuse("r1/param_x"), "expr_y": reuse("r1/expr_y"), "const": reuse("r1/const"), "sum": reuse("r1/sum"),
				"total": rerun(target), "text": rerun(downstream, upstream), "out": rerun(downstream, upstream),
				"side_x": untouched, "side_out": untouched},
			rerun: 3, reuse: 7,
		},
		{
			name: "changed flow input read by an edge and a {{name}} param", fixture: "inputs",
			setup: func(tb testing.TB, h *history) (string, map[string]any) {
				runFull(tb, h)
				return "total", map[string]any{"x": 5}
			},
			// edge_y reads y, unchanged: it reruns only because flow.inputs does, and the early
			// cutoff will reuse it. expr_y and const read nothing that changed.
			want: map[string]wantNode{"in": rerun(inputChg), "edge_x": rerun(inputChg, upstream), "edge_y": rerun(upstream),
				"param_x": rerun(inputChg), "expr_y": reuse("r1/expr_y"), "const": reuse("r1/const"), "sum": rerun(upstream),
				"total": rerun(target, upstream), "text": rerun(downstream, upstream), "out": rerun(downstream, upstream),
				"side_x": untouched, "side_out": untouched},
			rerun: 8, reuse: 2,
		},
		{
			name: "changed flow input read as inputs.NAME in an expression", fixture: "inputs",
			setup: func(tb testing.TB, h *history) (string, map[string]any) {
				runFull(tb, h)
				return "total", map[string]any{"y": 3}
			},
			want: map[string]wantNode{"in": rerun(inputChg), "edge_x": rerun(upstream), "edge_y": rerun(inputChg, upstream),
				"param_x": reuse("r1/param_x"), "expr_y": rerun(inputChg), "const": reuse("r1/const"), "sum": rerun(upstream),
				"total": rerun(target, upstream), "text": rerun(downstream, upstream), "out": rerun(downstream, upstream),
				"side_x": untouched, "side_out": untouched},
			rerun: 8, reuse: 2,
		},
		{
			name: "changed flow input read by a downstream template", fixture: "inputs",
			setup: func(tb testing.TB, h *history) (string, map[string]any) {
				runFull(tb, h)
				return "const", map[string]any{"label": "sum"}
			},
			want: map[string]wantNode{"in": rerun(inputChg), "edge_x": rerun(upstream), "edge_y": rerun(upstream),
				"param_x": reuse("r1/param_x"), "expr_y": reuse("r1/expr_y"), "const": rerun(target), "sum": rerun(upstream),
				"total": rerun(downstream, upstream), "text": rerun(downstream, inputChg, upstream), "out": rerun(downstream, upstream),
				"side_x": untouched, "side_out": untouched},
			rerun: 8, reuse: 2,
		},
		{
			name: "node left untouched while an input it reads changed", fixture: "inputs",
			setup: func(tb testing.TB, h *history) (string, map[string]any) {
				runFull(tb, h)
				// r2 changes x but does not reach side_x; r3 builds on r2's values (x = 5), which
				// side_x never saw.
				if res := h.fromBlock(tb, "r2", "total", map[string]any{"x": 5}); res.Status != engine.RunCompleted {
					tb.Fatalf("r2: %s %s", res.Status, res.Error)
				}
				return "side_out", nil
			},
			want: map[string]wantNode{"in": untouched, "edge_x": untouched, "edge_y": untouched, "param_x": untouched,
				"expr_y": untouched, "const": untouched, "sum": untouched, "total": untouched, "text": untouched, "out": untouched,
				"side_x": rerun(inputChg), "side_out": rerun(target, upstream)},
			rerun: 2, reuse: 0,
		},
		{
			name: "condition reused keeps its branch", fixture: "condition",
			setup: func(tb testing.TB, h *history) (string, map[string]any) { runFull(tb, h); return "fin", nil },
			// neg was skipped in r1 and has no generation: it is planned to rerun and the
			// scheduler skips it again, as check (reused) feeds only its true output.
			want: map[string]wantNode{"in": reuse("r1/in"), "check": reuse("r1/check"), "pos": reuse("r1/pos"),
				"neg": rerun(noPrior), "merge": rerun(upstream), "fin": rerun(target, upstream), "out": rerun(downstream, upstream)},
			rerun: 4, reuse: 3,
			check: func(t *testing.T, p engine.Plan) {
				src := p.Nodes["check"].Source
				if src == nil || len(src.Outputs) != 1 || src.Outputs["true"] != int64(3) {
					t.Errorf("check's source outputs = %+v, want only the true handle", src)
				}
			},
		},
		{
			name: "condition rerun re-decides", fixture: "condition",
			setup: func(tb testing.TB, h *history) (string, map[string]any) { runFull(tb, h); return "check", nil },
			want: map[string]wantNode{"in": reuse("r1/in"), "check": rerun(target), "pos": rerun(downstream, upstream),
				"neg": rerun(downstream, noPrior), "merge": rerun(downstream, upstream), "fin": rerun(downstream, upstream),
				"out": rerun(downstream, upstream)},
			rerun: 6, reuse: 1,
		},
		{
			name: "nondeterministic nodes upstream are reused", fixture: "random",
			setup: func(tb testing.TB, h *history) (string, map[string]any) { runFull(tb, h); return "double", nil },
			want: map[string]wantNode{"dice": reuse("r1/dice"), "seeded": reuse("r1/seeded"), "add": reuse("r1/add"),
				"clock": reuse("r1/clock"), "double": rerun(target), "out": rerun(downstream, upstream)},
			rerun: 2, reuse: 4,
		},
		{
			name: "selected generation changed upstream", fixture: "random",
			setup: func(tb testing.TB, h *history) (string, map[string]any) {
				h.run(tb, "r1", nil)
				h.run(tb, "r2", nil)
				if h.all["r1/dice"].Outputs["value"] == h.all["r2/dice"].Outputs["value"] {
					tb.Skip("two unseeded draws were equal")
				}
				h.selectGen(tb, "r1/dice")
				return "double", nil
			},
			want: map[string]wantNode{"dice": picked("r1/dice"), "seeded": reuse("r2/seeded"), "add": rerun(inputChg),
				"clock": rerun(upstream), "double": rerun(target, upstream), "out": rerun(downstream, upstream)},
			rerun: 4, reuse: 2,
		},
		{
			name: "selected generation made from other inputs is kept", fixture: "inputs",
			setup: func(tb testing.TB, h *history) (string, map[string]any) {
				h.run(tb, "r1", nil)
				h.run(tb, "r2", map[string]any{"x": 5})
				h.selectGen(tb, "r1/edge_x") // made from x = 1; the last run had x = 5
				return "total", nil
			},
			want: map[string]wantNode{"in": reuse("r2/in"), "edge_x": picked("r1/edge_x"), "edge_y": reuse("r2/edge_y"),
				"param_x": reuse("r2/param_x"), "expr_y": reuse("r2/expr_y"), "const": reuse("r2/const"), "sum": rerun(inputChg),
				"total": rerun(target, upstream), "text": rerun(downstream, upstream), "out": rerun(downstream, upstream),
				"side_x": untouched, "side_out": untouched},
			rerun: 4, reuse: 6,
		},
		{
			name: "selected generation yields to a changed input it reads", fixture: "inputs",
			setup: func(tb testing.TB, h *history) (string, map[string]any) {
				h.run(tb, "r1", nil)
				h.run(tb, "r2", map[string]any{"x": 5})
				h.selectGen(tb, "r1/edge_x")
				return "total", map[string]any{"x": 7}
			},
			want: map[string]wantNode{"in": rerun(inputChg), "edge_x": rerun(inputChg, upstream), "edge_y": rerun(upstream),
				"param_x": rerun(inputChg), "expr_y": reuse("r2/expr_y"), "const": reuse("r2/const"), "sum": rerun(upstream),
				"total": rerun(target, upstream), "text": rerun(downstream, upstream), "out": rerun(downstream, upstream),
				"side_x": untouched, "side_out": untouched},
			rerun: 8, reuse: 2,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			h := newHistory(reg, loadPlanFixture(t, c.fixture))
			from, given := c.setup(t, h)
			in := h.planInput(t, from, given)
			p, err := engine.BuildPlan(in)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Nodes) != len(h.g.Nodes) {
				t.Errorf("plan has %d nodes, graph %d", len(p.Nodes), len(h.g.Nodes))
			}
			for id, w := range c.want {
				got, ok := p.Nodes[id]
				if !ok {
					t.Errorf("%s: not in the plan", id)
					continue
				}
				if got.Action != w.action || !slicesEqual(got.Reasons, w.reasons) || got.SourceGenerationID != w.source {
					t.Errorf("%s: %s %v source %q, want %s %v source %q", id, got.Action, got.Reasons, got.SourceGenerationID,
						w.action, w.reasons, w.source)
				}
				if got.Action == engine.ActionReuse && (got.Source == nil || got.Source.ID != got.SourceGenerationID) {
					t.Errorf("%s: reused without its source generation", id)
				}
			}
			if len(c.want) != len(p.Nodes) {
				t.Errorf("table names %d nodes, plan has %d", len(c.want), len(p.Nodes))
			}
			if p.Rerun != c.rerun || p.Reuse != c.reuse {
				t.Errorf("rerun %d reuse %d, want %d and %d", p.Rerun, p.Reuse, c.rerun, c.reuse)
			}
			if c.check != nil {
				c.check(t, p)
			}
			again, err := engine.BuildPlan(in)
			if err != nil || !reflect.DeepEqual(p, again) {
				t.Errorf("the same input planned twice differs (%v)", err)
			}
		})
	}
}

func slicesEqual(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// importFixture imports testdata/plans/NAME.json into a service, as `flowbench import` does.
func importFixture(tb testing.TB, svc *engine.Service, name string) engine.ImportResult {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "plans", name+".json"))
	if err != nil {
		tb.Fatal(err)
	}
	res, err := svc.Import(context.Background(), data, "")
	if err != nil {
		tb.Fatalf("import %s: %v", name, err)
	}
	return res
}

// freshFullRun runs a graph in full in a new service with its own store and returns the
// run: what a run from a block must reproduce.
func freshFullRun(tb testing.TB, reg *engine.Registry, g engine.Graph, inputs map[string]any) engine.Run {
	tb.Helper()
	svc := newService(tb, reg, 4)
	importGraph(tb, svc, "fresh", g)
	run := runAndWait(tb, svc, engine.RunRequest{Workflow: "fresh", Inputs: inputs})
	if run.Status != engine.RunCompleted {
		tb.Fatalf("fresh full run: %s %s", run.Status, run.Error)
	}
	return run
}

type wantRecord struct {
	status  engine.NodeStatus
	reasons []string
}

func executed(reasons ...string) wantRecord { return wantRecord{engine.NodeExecuted, reasons} }
func reused(reasons ...string) wantRecord   { return wantRecord{engine.NodeReused, reasons} }

// checkRecords compares a run's node records with want; a reused node must name the
// generation it fed (before's, the run it builds on, when given).
func checkRecords(t *testing.T, run engine.Run, before map[string]engine.Generation, want map[string]wantRecord) {
	t.Helper()
	if run.Status != engine.RunCompleted {
		t.Fatalf("run %s: %s", run.Status, run.Error)
	}
	for id, w := range want {
		rec := run.Snapshot.Records()[id]
		if rec.Status != w.status || !slicesEqual(rec.Reasons, nonNilStrings(w.reasons)) {
			t.Errorf("%s: %s %v, want %s %v", id, rec.Status, rec.Reasons, w.status, nonNilStrings(w.reasons))
		}
		if rec.Status == engine.NodeReused && before != nil && rec.GenerationID != before[id].ID {
			t.Errorf("%s: reused generation %s, want its current one %s", id, rec.GenerationID, before[id].ID)
		}
	}
	if len(want) != len(run.Snapshot.Records()) {
		t.Errorf("want names %d nodes, the run has %d: %+v", len(want), len(run.Snapshot.Records()), run.Snapshot.Records())
	}
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func currentGens(tb testing.TB, svc *engine.Service, workflowID string) map[string]engine.Generation {
	tb.Helper()
	st, err := svc.Store().CurrentGenerations(context.Background(), workflowID)
	if err != nil {
		tb.Fatal(err)
	}
	cur := make(map[string]engine.Generation, len(st.Current))
	for k, g := range st.Current {
		cur[k] = *g
	}
	return cur
}

// genPtrs copies a map of generations into the form plans and executions take.
func genPtrs(m map[string]engine.Generation) map[string]*engine.Generation {
	out := make(map[string]*engine.Generation, len(m))
	for k, g := range m {
		out[k] = &g
	}
	return out
}

func versionGraph(tb testing.TB, svc *engine.Service, wf string) engine.Graph {
	tb.Helper()
	w, err := svc.ResolveWorkflow(context.Background(), wf)
	if err != nil {
		tb.Fatal(err)
	}
	v, err := svc.ResolveVersion(context.Background(), w, "")
	if err != nil {
		tb.Fatal(err)
	}
	return v.Graph
}

// TestRunFromBlockExecutesTargetAndDownstream edits one node, runs from it, and checks that
// only it and its downstream execute, the rest feeding their stored generations, with the
// outputs of a full run of the edited version.
func TestRunFromBlockExecutesTargetAndDownstream(t *testing.T) {
	t.Parallel()
	reg := libRegistry(t)
	svc := newService(t, reg, 4)
	imp := importFixture(t, svc, "diamond")
	ctx := context.Background()
	if r := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID}); r.Outputs["sum"] != int64(11+20+100) {
		t.Fatalf("full run: %v %s", r.Outputs, r.Error)
	}
	g := versionGraph(t, svc, imp.WorkflowID)
	setParam(t, &g, "left", "expression", "a + 5")
	if _, err := svc.SaveVersion(ctx, imp.WorkflowID, g, "left adds 5", "", true); err != nil {
		t.Fatal(err)
	}
	before := currentGens(t, svc, imp.WorkflowID)
	run := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID, From: "left"})
	if run.Mode != engine.ModeFromBlock || run.FromNode != "left" || run.VersionLabel != "v2" {
		t.Errorf("run mode %s from %q version %s", run.Mode, run.FromNode, run.VersionLabel)
	}
	checkRecords(t, run, before, map[string]wantRecord{
		"src": reused(), "right": reused(), "side": reused(),
		"left": executed(target, configChg), "join": executed(downstream, upstream), "out": executed(downstream, upstream),
	})
	full := freshFullRun(t, reg, g, nil)
	if !reflect.DeepEqual(run.Outputs, full.Outputs) || run.Outputs["sum"] != int64(15+20+100) {
		t.Errorf("outputs %v, a full run gives %v", run.Outputs, full.Outputs)
	}
	for id, n := range map[string]int{"src": 1, "left": 2, "join": 2, "side": 1} {
		tl, err := svc.NodeTimeline(ctx, imp.WorkflowID, id)
		if err != nil || len(tl.Generations) != n {
			t.Errorf("%s: %d generations (%v), want %d", id, len(tl.Generations), err, n)
		}
	}
}

// TestRunFromBlockEarlyCutoff runs from a node with nothing changed: deterministic nodes
// downstream see the same inputs and are reused; a nondeterministic one executes anyway.
func TestRunFromBlockEarlyCutoff(t *testing.T) {
	t.Parallel()
	reg := libRegistry(t)
	cutoff := []string{downstream, upstream, engine.ReasonInputsUnchanged}

	t.Run("deterministic", func(t *testing.T) {
		t.Parallel()
		svc := newService(t, reg, 4)
		imp := importFixture(t, svc, "diamond")
		first := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID})
		before := currentGens(t, svc, imp.WorkflowID)
		run := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID, From: "left"})
		checkRecords(t, run, before, map[string]wantRecord{
			"src": reused(), "right": reused(), "side": reused(),
			"left": executed(target), "join": reused(cutoff...), "out": reused(cutoff...),
		})
		if !reflect.DeepEqual(run.Outputs, first.Outputs) {
			t.Errorf("outputs %v, first run %v", run.Outputs, first.Outputs)
		}
	})

	t.Run("nondeterministic", func(t *testing.T) {
		t.Parallel()
		svc := newService(t, reg, 4)
		imp := importFixture(t, svc, "random")
		first := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID})
		if first.Status != engine.RunCompleted {
			t.Fatalf("first run: %s", first.Error)
		}
		before := currentGens(t, svc, imp.WorkflowID)
		run := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID, From: "add"})
		// clock reads the clock: same inputs, yet it executes; its output is the same, so
		// double after it is cut off again.
		checkRecords(t, run, before, map[string]wantRecord{
			"dice": reused(), "seeded": reused(), "add": executed(target),
			"clock": executed(downstream, upstream), "double": reused(cutoff...), "out": reused(cutoff...),
		})
		if !reflect.DeepEqual(run.Outputs, first.Outputs) {
			t.Errorf("outputs %v, first run %v", run.Outputs, first.Outputs)
		}
		// Run from the unseeded random node itself: it draws again and what depends on it
		// executes (the odds of drawing the same number are 1 in 10⁹).
		again := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID, From: "dice"})
		if again.Snapshot.Records()["dice"].Status != engine.NodeExecuted || again.Snapshot.Records()["seeded"].Status != engine.NodeReused {
			t.Errorf("from dice: %+v", again.Snapshot.Records())
		}
		if again.Outputs["result"] != first.Outputs["result"] && again.Snapshot.Records()["double"].Status != engine.NodeExecuted {
			t.Errorf("a new draw did not reach double: %+v", again.Snapshot.Records()["double"])
		}
	})
}

// TestRunFromBlockChangedInput gives a new value on a run from a block: the nodes that read
// it rerun, the ones whose inputs it changes follow, everything else is reused.
func TestRunFromBlockChangedInput(t *testing.T) {
	t.Parallel()
	reg := libRegistry(t)
	svc := newService(t, reg, 4)
	imp := importFixture(t, svc, "inputs")
	runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID})
	before := currentGens(t, svc, imp.WorkflowID)
	run := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID, From: "text", Inputs: map[string]any{"y": "3"}})
	cutoff := []string{upstream, engine.ReasonInputsUnchanged}
	checkRecords(t, run, before, map[string]wantRecord{
		// in, edge_y and expr_y read y; sum, total, text and out get other inputs from them.
		"in": executed(inputChg), "edge_y": executed(inputChg, upstream), "expr_y": executed(inputChg),
		"sum": executed(upstream), "total": executed(upstream), "text": executed(target, upstream),
		"out": executed(downstream, upstream),
		// edge_x is wired to flow.inputs but reads x, unchanged: cut off.
		"edge_x": reused(cutoff...), "param_x": reused(), "const": reused(),
		"side_x": {engine.NodeUntouched, nil}, "side_out": {engine.NodeUntouched, nil},
	})
	if run.Inputs["y"] != int64(3) || run.Inputs["x"] != int64(1) || run.Inputs["label"] != "total" {
		t.Errorf("run inputs %v", run.Inputs)
	}
	full := freshFullRun(t, reg, versionGraph(t, svc, imp.WorkflowID), run.Inputs)
	if run.Outputs["text"] != full.Outputs["text"] || run.Outputs["text"] != "total: 1322" {
		t.Errorf("text %v, a full run gives %v", run.Outputs["text"], full.Outputs["text"])
	}

	// Without --input the next run builds on these values: nothing reads a changed one.
	next := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID, From: "text"})
	if next.Snapshot.Records()["in"].Status != engine.NodeReused || next.Snapshot.Records()["text"].Status != engine.NodeExecuted ||
		next.Outputs["text"] != "total: 1322" {
		t.Errorf("next run: %v %+v", next.Outputs, next.Snapshot.Records())
	}
	// side_x reads x as inputs.x in its expression: a new x reruns it.
	side := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID, From: "side_out", Inputs: map[string]any{"x": 4}})
	if side.Snapshot.Records()["side_x"].Status != engine.NodeExecuted || side.Outputs["side"] != int64(5) {
		t.Errorf("from side_out with x=4: %v %+v", side.Outputs, side.Snapshot.Records()["side_x"])
	}
}

// TestRunFromBlockFeedsSelectedGeneration picks an older generation of a node and runs from
// its child: the child gets the picked value.
func TestRunFromBlockFeedsSelectedGeneration(t *testing.T) {
	t.Parallel()
	reg := libRegistry(t)
	ctx := context.Background()

	t.Run("nondeterministic node", func(t *testing.T) {
		t.Parallel()
		svc := newService(t, reg, 4)
		imp := importFixture(t, svc, "random")
		r1 := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID})
		runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID})
		pick := r1.Snapshot.Records()["dice"].GenerationID
		picked, err := svc.Store().GetGeneration(ctx, pick)
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.SelectGeneration(ctx, imp.WorkflowID, "dice", pick); err != nil {
			t.Fatal(err)
		}
		tl, _ := svc.NodeTimeline(ctx, imp.WorkflowID, "dice")
		if tl.CurrentGenerationID != pick || len(tl.Generations) != 2 {
			t.Fatalf("timeline after the pick: current %s of %d", tl.CurrentGenerationID, len(tl.Generations))
		}
		run := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID, From: "add"})
		if rec := run.Snapshot.Records()["dice"]; rec.Status != engine.NodeReused || rec.GenerationID != pick {
			t.Errorf("dice: %+v, want reused %s", rec, pick)
		}
		seeded := r1.Outputs["result"].(int64)/2 - picked.Outputs["value"].(int64)
		want := (picked.Outputs["value"].(int64) + seeded) * 2
		if run.Outputs["result"] != want {
			t.Errorf("result %v, want %v from the picked draw", run.Outputs["result"], want)
		}
	})

	t.Run("deterministic node made from other inputs", func(t *testing.T) {
		t.Parallel()
		svc := newService(t, reg, 4)
		imp := importFixture(t, svc, "inputs")
		r1 := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID})
		runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID, Inputs: map[string]any{"x": 5}})
		pick := r1.Snapshot.Records()["edge_x"].GenerationID // 10, made from x = 1
		if err := svc.SelectGeneration(ctx, imp.WorkflowID, "edge_x", pick); err != nil {
			t.Fatal(err)
		}
		p, err := svc.PlanFrom(ctx, imp.WorkflowID, "", "sum", nil)
		if err != nil {
			t.Fatal(err)
		}
		if pn := p.Nodes["edge_x"]; pn.Action != engine.ActionReuse || pn.SourceGenerationID != pick {
			t.Errorf("plan for edge_x: %+v", pn)
		}
		run := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID, From: "sum"})
		// sum = 10 (picked) + 3 (y + 1) + 1005 ({{x}} + 1000, x = 5) + 200 (inputs.y * 100)
		if run.Outputs["text"] != "total: 1225" {
			t.Errorf("text %v, want the picked edge_x to feed sum", run.Outputs["text"])
		}
		if rec := run.Snapshot.Records()["edge_x"]; rec.Status != engine.NodeReused || rec.GenerationID != pick {
			t.Errorf("edge_x: %+v", rec)
		}
	})
}

// TestRunFromBlockNeverRun runs from a block of a workflow that never ran: what the block
// needs runs first (no_prior_result), and it succeeds.
func TestRunFromBlockNeverRun(t *testing.T) {
	t.Parallel()
	reg := libRegistry(t)
	svc := newService(t, reg, 4)
	imp := importFixture(t, svc, "chain")
	p, err := svc.PlanFrom(context.Background(), imp.WorkflowID, "", "m2", nil)
	if err != nil || p.Rerun != 5 || p.Reuse != 0 {
		t.Fatalf("plan: %+v %v", p, err)
	}
	run := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID, From: "m2"})
	checkRecords(t, run, nil, map[string]wantRecord{
		"src": executed(noPrior), "m1": executed(noPrior), "m2": executed(target, noPrior),
		"m3": executed(downstream, noPrior), "out": executed(downstream, noPrior),
	})
	if run.Outputs["result"] != int64((2+1)*3-4) {
		t.Errorf("result %v", run.Outputs["result"])
	}
}

// TestRunFromBlockCondition: a reused if keeps its branch; a rerun one decides again.
func TestRunFromBlockCondition(t *testing.T) {
	t.Parallel()
	reg := libRegistry(t)
	svc := newService(t, reg, 4)
	imp := importFixture(t, svc, "condition")
	runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID})
	before := currentGens(t, svc, imp.WorkflowID)
	run := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID, From: "fin"})
	cutoff := []string{upstream, engine.ReasonInputsUnchanged}
	checkRecords(t, run, before, map[string]wantRecord{
		"in": reused(), "check": reused(), "pos": reused(), "neg": {engine.NodeSkipped, []string{noPrior}},
		"merge": reused(cutoff...), "fin": executed(target, upstream), "out": reused(append([]string{downstream}, cutoff...)...),
	})
	if run.Outputs["result"] != int64(7) {
		t.Errorf("result %v", run.Outputs["result"])
	}
	flipped := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID, From: "fin", Inputs: map[string]any{"n": -2}})
	if flipped.Snapshot.Records()["check"].Status != engine.NodeExecuted || flipped.Snapshot.Records()["pos"].Status != engine.NodeSkipped ||
		flipped.Snapshot.Records()["neg"].Status != engine.NodeExecuted {
		t.Errorf("n = -2: %+v", flipped.Snapshot.Records())
	}
	full := freshFullRun(t, reg, versionGraph(t, svc, imp.WorkflowID), map[string]any{"n": -2})
	if flipped.Outputs["result"] != full.Outputs["result"] || flipped.Outputs["result"] != int64(3) {
		t.Errorf("result %v, a full run gives %v", flipped.Outputs["result"], full.Outputs["result"])
	}
}

// TestPlanFromIsStable: the same state planned twice gives the same plan, in the JSON shape
// of `flowbench plan --json`.
func TestPlanFromIsStable(t *testing.T) {
	t.Parallel()
	reg := libRegistry(t)
	svc := newService(t, reg, 4)
	imp := importFixture(t, svc, "inputs")
	ctx := context.Background()
	runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID})
	a, err := svc.PlanFrom(ctx, imp.WorkflowID, "", "total", map[string]any{"x": 9})
	if err != nil {
		t.Fatal(err)
	}
	b, err := svc.PlanFrom(ctx, imp.WorkflowID, "", "total", map[string]any{"x": 9})
	if err != nil || !reflect.DeepEqual(a, b) {
		t.Fatalf("two plans of the same state differ: %v\n%+v\n%+v", err, a, b)
	}
	data, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var shape struct {
		WorkflowID string `json:"workflow_id"`
		VersionID  string `json:"version_id"`
		From       string `json:"from"`
		Nodes      map[string]struct {
			Action             string   `json:"action"`
			Reasons            []string `json:"reasons"`
			SourceGenerationID string   `json:"source_generation_id"`
			// SPEC §14: a rerun node the cache may serve once what it depends on executed
			MayBeCached bool `json:"may_be_cached"`
		} `json:"nodes"`
		Rerun int `json:"rerun"`
		Reuse int `json:"reuse"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&shape); err != nil {
		t.Fatalf("plan JSON %s: %v", data, err)
	}
	if shape.WorkflowID != imp.WorkflowID || shape.VersionID != imp.VersionID || shape.From != "total" ||
		shape.Rerun != 8 || shape.Reuse != 2 || len(shape.Nodes) != 12 {
		t.Errorf("plan JSON %s", data)
	}
	for id, n := range shape.Nodes {
		if n.Reasons == nil || (n.Action == string(engine.ActionReuse)) != (n.SourceGenerationID != "") {
			t.Errorf("%s: %+v", id, n)
		}
	}
	if _, err := svc.PlanFrom(ctx, imp.WorkflowID, "", "nope", nil); !errors.Is(err, engine.ErrInvalid) {
		t.Errorf("plan from a missing node: %v", err)
	}
}

// TestBuildPlanHashesMatchScheduler runs nodes whose params and outputs are awkward to
// encode (escapes, non-ASCII, exponents, negative zero, nesting, Go ints) and plans from the
// end: everything upstream must be reused, so the planner hashes configs and values exactly
// as the scheduler did.
func TestBuildPlanHashesMatchScheduler(t *testing.T) {
	t.Parallel()
	reg, _ := testRegistry(t)
	values := []any{
		"plain", `with "quotes"`, `back\slash`, "tab\tnew\nline", "ünïcødé ✓", "<html>&amp;", "\u2028\u2029", "\x7f\x01",
		1e21, 1e20, 1e-7, 1e-6, 123456789012345678901234.0, math.Copysign(0, -1), 0.1, 1.5e300, -42.0, 7, int64(-3),
		true, false, nil, []any{}, map[string]any{},
		[]any{1.0, "a", []any{nil, true}}, map[string]any{`k"ey`: 1.0, "b": map[string]any{"é": "x", "a": []any{2.0}}},
	}
	g := engine.Graph{
		Inputs: []engine.InputDecl{{Name: "who", Type: engine.TypeString, Default: "Zoë \"the\" <user>"}},
		Nodes:  []engine.Node{node("in", "flow.inputs", nil), node("greet", "t.text", map[string]any{"text": "hi {{who}} ✓"})},
		Edges:  []engine.Edge{edge("in", "who", "greet", "x")},
	}
	var last string
	for i, v := range values {
		c, s := fmt.Sprintf("c%d", i), fmt.Sprintf("s%d", i)
		g.Nodes = append(g.Nodes, node(c, "t.const", map[string]any{"value": v}), node(s, "t.sleep", map[string]any{"ms": 0}))
		g.Edges = append(g.Edges, edge(c, "out", s, "value"))
		if last != "" {
			g.Edges = append(g.Edges, edge(last, "value", s, "x"))
		}
		last = s
	}
	g.Nodes = append(g.Nodes, node("out", "io.output", map[string]any{"name": "v"}))
	g.Edges = append(g.Edges, edge(last, "value", "out", "value"), edge("greet", "out", "out", "x"))
	h := newHistory(reg, g)
	if res := h.run(t, "r1", nil); res.Status != engine.RunCompleted {
		t.Fatalf("run: %s %s", res.Status, res.Error)
	}
	p, err := engine.BuildPlan(h.planInput(t, "out", nil))
	if err != nil {
		t.Fatal(err)
	}
	for id, pn := range p.Nodes {
		if id != "out" && pn.Action != engine.ActionReuse {
			t.Errorf("%s: %s %v, want reuse", id, pn.Action, pn.Reasons)
		}
	}
}

// TestBuildPlanLargeGraph plans a run from the middle of a 3,000-node random DAG that ran
// before (large enough for the planner to work on several CPUs): exactly the target's
// downstream reruns, what feeds it is reused, the rest is untouched.
func TestBuildPlanLargeGraph(t *testing.T) {
	t.Parallel()
	reg := libRegistry(t)
	g := bigDAG(3000, 7)
	h := newHistory(reg, g)
	if res := h.run(t, "r1", nil); res.Status != engine.RunCompleted {
		t.Fatalf("run: %s %s", res.Status, res.Error)
	}
	const from = "n1500"
	children := map[string][]string{}
	parents := map[string][]string{}
	for _, e := range g.Edges {
		children[e.Source] = append(children[e.Source], e.Target)
		parents[e.Target] = append(parents[e.Target], e.Source)
	}
	reach := func(start []string, next map[string][]string) map[string]bool {
		seen := map[string]bool{}
		for len(start) > 0 {
			id := start[len(start)-1]
			start = start[:len(start)-1]
			if !seen[id] {
				seen[id] = true
				start = append(start, next[id]...)
			}
		}
		return seen
	}
	down := reach([]string{from}, children)
	var downIDs []string
	for id := range down {
		downIDs = append(downIDs, id)
	}
	scope := reach(downIDs, parents)
	in := h.planInput(t, from, nil)
	p, err := engine.BuildPlan(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range g.Nodes {
		pn := p.Nodes[n.ID]
		want := engine.ActionUntouched
		switch {
		case down[n.ID]:
			want = engine.ActionRerun
		case scope[n.ID]:
			want = engine.ActionReuse
		}
		if pn.Action != want || (want == engine.ActionReuse && pn.SourceGenerationID != "r1/"+n.ID) {
			t.Fatalf("%s: %s %v from %q, want %s", n.ID, pn.Action, pn.Reasons, pn.SourceGenerationID, want)
		}
	}
	if p.Rerun != len(down) || p.Reuse != len(scope)-len(down) {
		t.Errorf("rerun %d reuse %d, want %d and %d", p.Rerun, p.Reuse, len(down), len(scope)-len(down))
	}
	again, _ := engine.BuildPlan(in)
	if !reflect.DeepEqual(p, again) {
		t.Error("the same input planned twice differs")
	}
}
