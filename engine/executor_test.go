package engine_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
)

func chainGraph() engine.Graph {
	return engine.Graph{
		Nodes: []engine.Node{
			node("c", "t.const", map[string]any{"value": 1}),
			node("a1", "t.add", map[string]any{"k": 1}),
			node("a2", "t.add", map[string]any{"k": 1}),
			node("out", "io.output", map[string]any{"name": "result"}),
		},
		Edges: []engine.Edge{edge("c", "out", "a1", "a"), edge("a1", "out", "a2", "a"), edge("a2", "out", "out", "value")},
	}
}

func TestFullRunPersistsEveryNode(t *testing.T) {
	t.Parallel()
	reg, _ := testRegistry(t)
	svc := newService(t, reg, 4)
	imp := importGraph(t, svc, "chain", chainGraph())
	run := runAndWait(t, svc, engine.RunRequest{Workflow: "chain"})
	if run.Status != engine.RunCompleted {
		t.Fatalf("status %s (%s)", run.Status, run.Error)
	}
	if got := run.Outputs["result"]; got != int64(3) {
		t.Fatalf("result = %v, want 3", got)
	}
	if run.VersionID != imp.VersionID || run.Label != "Run #1" {
		t.Fatalf("run pinned to %s label %q", run.VersionID, run.Label)
	}
	for _, id := range []string{"c", "a1", "a2", "out"} {
		rec := run.Snapshot.Records()[id]
		if rec.Status != engine.NodeExecuted || rec.GenerationID == "" {
			t.Fatalf("node %s: %+v", id, rec)
		}
		tl, err := svc.NodeTimeline(context.Background(), "chain", id)
		if err != nil || len(tl.Generations) != 1 {
			t.Fatalf("timeline %s: %v %d", id, err, len(tl.Generations))
		}
		g := tl.Generations[0]
		if g.ConfigHash == "" || g.InputFingerprint == "" || g.RunID != run.ID || g.VersionLabel != "v1" {
			t.Fatalf("generation %s: %+v", id, g)
		}
	}
}

func TestBranchSkipsInactiveSide(t *testing.T) {
	t.Parallel()
	reg, _ := testRegistry(t)
	svc := newService(t, reg, 4)
	g := engine.Graph{
		Inputs: []engine.InputDecl{{Name: "flag", Type: engine.TypeBoolean, Required: true}},
		Nodes: []engine.Node{
			node("in", "flow.inputs", nil), node("if", "t.if", nil),
			node("yes", "t.sleep", map[string]any{"ms": 0}), node("no", "t.sleep", map[string]any{"ms": 0}),
			node("no2", "t.sleep", map[string]any{"ms": 0}),
			node("m", "t.merge", nil), node("out", "io.output", map[string]any{"name": "v"}),
		},
		Edges: []engine.Edge{edge("in", "flag", "if", "value"), edge("if", "true", "yes", "value"), edge("if", "false", "no", "value"),
			edge("no", "value", "no2", "value"), edge("yes", "value", "m", "a"), edge("no2", "value", "m", "b"), edge("m", "value", "out", "value")},
	}
	importGraph(t, svc, "branch", g)
	for _, flag := range []bool{true, false} {
		run := runAndWait(t, svc, engine.RunRequest{Workflow: "branch", Inputs: map[string]any{"flag": flag}})
		if run.Status != engine.RunCompleted || run.Outputs["v"] != flag {
			t.Fatalf("flag %v: %s %v %s", flag, run.Status, run.Outputs, run.Error)
		}
		skipped := []string{"no", "no2"}
		if !flag {
			skipped = []string{"yes"}
		}
		for _, id := range skipped {
			if s := run.Snapshot.Records()[id].Status; s != engine.NodeSkipped {
				t.Fatalf("flag %v: %s is %s, want skipped", flag, id, s)
			}
		}
		if s := run.Snapshot.Records()["m"].Status; s != engine.NodeExecuted {
			t.Fatalf("merge %s", s)
		}
	}
}

func TestPanicBecomesNodeError(t *testing.T) {
	t.Parallel()
	reg, _ := testRegistry(t)
	svc := newService(t, reg, 4)
	importGraph(t, svc, "p", engine.Graph{
		Nodes: []engine.Node{node("p", "t.panic", nil), node("after", "t.sleep", nil), node("ok", "t.const", map[string]any{"value": "fine"})},
		Edges: []engine.Edge{edge("p", "out", "after", "value")},
	})
	run := runAndWait(t, svc, engine.RunRequest{Workflow: "p"})
	if run.Status != engine.RunFailed || !strings.Contains(run.Error, `node "p"`) || !strings.Contains(run.Error, "boom") {
		t.Fatalf("run %s: %s", run.Status, run.Error)
	}
	if run.Snapshot.Records()["after"].Status != engine.NodeSkipped || run.Snapshot.Records()["ok"].Status != engine.NodeExecuted {
		t.Fatalf("nodes %+v", run.Snapshot.Records())
	}
	tl, _ := svc.NodeTimeline(context.Background(), "p", "p")
	if len(tl.Generations) != 1 || tl.Generations[0].Status != engine.GenFailed || tl.CurrentGenerationID != "" {
		t.Fatalf("failed generation not recorded: %+v", tl)
	}
}

func TestRefusedInputsWriteNothing(t *testing.T) {
	t.Parallel()
	reg, _ := testRegistry(t)
	svc := newService(t, reg, 4)
	importGraph(t, svc, "in", engine.Graph{
		Inputs: []engine.InputDecl{{Name: "count", Type: engine.TypeInteger, Required: true}, {Name: "meta", Type: engine.TypeObject}},
		Nodes:  []engine.Node{node("in", "flow.inputs", nil), node("out", "io.output", map[string]any{"name": "n"})},
		Edges:  []engine.Edge{edge("in", "count", "out", "value")},
	})
	cases := []struct {
		name   string
		inputs map[string]any
		want   string
	}{
		{"missing required", map[string]any{}, `input "count": required integer input is missing`},
		{"text for integer", map[string]any{"count": "abc"}, `input "count": want an integer, got "abc"`},
		{"fraction for integer", map[string]any{"count": "1.5"}, `input "count": want an integer, got 1.5`},
		{"unknown name", map[string]any{"count": 1, "nope": 2}, `input "nope": unknown input`},
		{"non-object", map[string]any{"count": 1, "meta": "[1]"}, `input "meta": want an object`},
	}
	for _, c := range cases {
		_, err := svc.StartRun(context.Background(), engine.RunRequest{Workflow: "in", Inputs: c.inputs})
		if !errors.Is(err, engine.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
	}
	runs, _ := svc.Runs(context.Background(), "in", 0)
	if len(runs) != 0 {
		t.Fatalf("refused runs were written: %d", len(runs))
	}
	run := runAndWait(t, svc, engine.RunRequest{Workflow: "in", Inputs: map[string]any{"count": "7"}})
	if run.Outputs["n"] != int64(7) || run.Label != "count=7" {
		t.Fatalf("outputs %v label %q", run.Outputs, run.Label)
	}
}

func TestValidationReportsEveryProblem(t *testing.T) {
	t.Parallel()
	reg, _ := testRegistry(t)
	g := engine.Graph{
		Nodes: []engine.Node{
			node("x", "no.such", nil),
			node("a", "t.add", nil), node("b", "t.add", nil),
			node("t", "t.text", map[string]any{"text": "hello {{who}}"}),
			node("o", "io.output", nil),
		},
		Edges: []engine.Edge{edge("a", "out", "b", "a"), edge("b", "out", "a", "a"), edge("t", "nope", "o", "value"), edge("t", "out", "ghost", "value")},
	}
	err := engine.ValidateGraph(reg, g)
	var ve *engine.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v", err)
	}
	msg := err.Error()
	for _, want := range []string{`node "x": unknown node type "no.such"`, `{{who}} is not a declared input`, `handle "nope"`, `cycle: `, `"ghost"`} {
		if !strings.Contains(msg, want) {
			t.Errorf("missing %q in %s", want, msg)
		}
	}
}

func TestCancelRunningAndQueued(t *testing.T) {
	t.Parallel()
	reg, _ := testRegistry(t)
	svc := newService(t, reg, 1)
	importGraph(t, svc, "slow", engine.Graph{
		Nodes: []engine.Node{node("c", "t.const", map[string]any{"value": 1}), node("s", "t.sleep", map[string]any{"ms": 10000}), node("o", "io.output", nil)},
		Edges: []engine.Edge{edge("c", "out", "s", "value"), edge("s", "value", "o", "value")},
	})
	ctx := context.Background()
	sleeping := make(chan struct{}, 4)
	svc.Bus.Subscribe(func(e engine.Event) {
		if e.Type == engine.EventNode && e.NodeID == "s" && e.Status == string(engine.NodeRunning) {
			sleeping <- struct{}{}
		}
	})
	first, _ := svc.StartRun(ctx, engine.RunRequest{Workflow: "slow"})
	second, _ := svc.StartRun(ctx, engine.RunRequest{Workflow: "slow"})
	if pos := svc.QueuePosition(second.ID); pos != 1 {
		t.Fatalf("second run queue position %d", pos)
	}
	if err := svc.Cancel(ctx, second.ID); err != nil {
		t.Fatal(err)
	}
	r2, _ := svc.Wait(ctx, second.ID)
	if r2.Status != engine.RunCancelled || r2.StartedAt != nil {
		t.Fatalf("queued run: %s started=%v", r2.Status, r2.StartedAt)
	}
	// Cancel once "c" is done and "s" sleeps (an event, not a guess at how long that takes).
	select {
	case <-sleeping:
	case <-time.After(30 * time.Second):
		t.Fatal("the sleep node never started")
	}
	if err := svc.Cancel(ctx, first.ID); err != nil {
		t.Fatal(err)
	}
	// The sleep is 10 s: a cancel that did not stop it would end the run completed.
	r1, _ := svc.Wait(ctx, first.ID)
	if r1.Status != engine.RunCancelled || r1.Snapshot.Records()["c"].Status != engine.NodeExecuted || r1.Snapshot.Records()["s"].Status != engine.NodeCancelled {
		t.Fatalf("running run: %s %+v", r1.Status, r1.Snapshot.Records())
	}
	tl, _ := svc.NodeTimeline(ctx, "slow", "c")
	if len(tl.Generations) != 1 {
		t.Fatalf("finished generation lost: %d", len(tl.Generations))
	}
}

// TestManyRunsUnderCap starts 50 runs of one workflow at once with cap 4: never more than 4
// run, they start in FIFO order, all complete and every event is attributed to its own run.
func TestManyRunsUnderCap(t *testing.T) {
	t.Parallel()
	for _, runCap := range []int{4, 1} {
		reg, _ := testRegistry(t)
		svc := newService(t, reg, runCap)
		imp := importGraph(t, svc, "w", engine.Graph{
			Inputs: []engine.InputDecl{{Name: "seed", Type: engine.TypeInteger, Default: 0}},
			Nodes:  []engine.Node{node("in", "flow.inputs", nil), node("s", "t.sleep", map[string]any{"ms": 5}), node("o", "io.output", map[string]any{"name": "seed"})},
			Edges:  []engine.Edge{edge("in", "seed", "s", "value"), edge("s", "value", "o", "value")},
		})
		var mu sync.Mutex
		running, maxRunning := 0, 0
		var started []string
		seedOf := map[string]int64{}
		bad := []string{}
		svc.Bus.Subscribe(func(e engine.Event) {
			mu.Lock()
			defer mu.Unlock()
			if e.WorkflowID != imp.WorkflowID || e.RunID == "" {
				bad = append(bad, "unattributed event")
			}
			if e.Type == engine.EventRun {
				switch engine.RunStatus(e.Status) {
				case engine.RunRunning:
					running++
					started = append(started, e.RunID)
					if running > maxRunning {
						maxRunning = running
					}
				case engine.RunCompleted, engine.RunFailed, engine.RunCancelled:
					running--
				}
			}
		})
		ctx := context.Background()
		var ids []string
		for i := 0; i < 50; i++ {
			r, err := svc.StartRun(ctx, engine.RunRequest{Workflow: "w", Inputs: map[string]any{"seed": i}})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, r.ID)
			seedOf[r.ID] = int64(i)
		}
		for _, id := range ids {
			r, err := svc.Wait(ctx, id)
			if err != nil || r.Status != engine.RunCompleted {
				t.Fatalf("run %s: %v %s", id, err, r.Status)
			}
			if r.Outputs["seed"] != seedOf[id] {
				t.Fatalf("cross-talk: run %s output %v want %v", id, r.Outputs["seed"], seedOf[id])
			}
		}
		mu.Lock()
		if maxRunning > runCap {
			t.Errorf("cap %d: %d ran at once", runCap, maxRunning)
		}
		for i := range ids {
			if i >= len(started) || started[i] != ids[i] {
				t.Fatalf("cap %d: start order differs at %d", runCap, i)
			}
		}
		if len(bad) > 0 {
			t.Fatalf("%d unattributed events", len(bad))
		}
		mu.Unlock()
		tl, _ := svc.NodeTimeline(ctx, "w", "o")
		if len(tl.Generations) != 50 {
			t.Fatalf("generations of o: %d", len(tl.Generations))
		}
		for _, g := range tl.Generations {
			if g.Outputs["value"] != seedOf[g.RunID] {
				t.Fatalf("generation of run %s holds %v", g.RunID, g.Outputs["value"])
			}
		}
	}
}

// TestRunOutputIsATypeFlag: a node type marked RunOutput records a run output whatever its
// name, in a full run (executed) and in a run from a block (reused: its inputs are unchanged).
func TestRunOutputIsATypeFlag(t *testing.T) {
	t.Parallel()
	reg, _ := testRegistry(t)
	svc := newService(t, reg, 2)
	importGraph(t, svc, "flagged", engine.Graph{
		Nodes: []engine.Node{
			node("c", "t.const", map[string]any{"value": int64(5)}),
			node("res", "t.result", map[string]any{"name": "five"}),
			node("k", "t.const", map[string]any{"value": "x"}),
		},
		Edges: []engine.Edge{edge("c", "out", "res", "value")},
	})
	full := runAndWait(t, svc, engine.RunRequest{Workflow: "flagged"})
	if full.Status != engine.RunCompleted || full.Outputs["five"] != int64(5) {
		t.Fatalf("full run %s outputs %v (%s)", full.Status, full.Outputs, full.Error)
	}
	from := runAndWait(t, svc, engine.RunRequest{Workflow: "flagged", From: "c"})
	if from.Status != engine.RunCompleted || from.Outputs["five"] != int64(5) {
		t.Fatalf("run from c: %s outputs %v (%s)", from.Status, from.Outputs, from.Error)
	}
	if rec := from.Snapshot.Records()["res"]; rec.Status != engine.NodeReused {
		t.Errorf("res in the run from c: %+v, want reused (inputs unchanged)", rec)
	}
}
