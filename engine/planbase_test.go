package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// TestRunFromBlockBuildsOnLastStartedRun: behind more than fifty newer runs that never
// started (queued by a process that died, or cancelled while queued), a plan and a run from
// a block without given inputs still build on the last run that actually ran.
func TestRunFromBlockBuildsOnLastStartedRun(t *testing.T) {
	t.Parallel()
	reg := libRegistry(t)
	svc := newService(t, reg, 4)
	ctx := context.Background()
	g := engine.Graph{
		Inputs: []engine.InputDecl{{Name: "topic", Type: engine.TypeString, Required: true}},
		Nodes: []engine.Node{
			node("in", "flow.inputs", nil),
			node("up", "text.template", map[string]any{"template": "about {{topic}}"}),
			node("out", "io.output", map[string]any{"name": "text"}),
		},
		Edges: []engine.Edge{edge("up", "text", "out", "value")},
	}
	imp := importGraph(t, svc, "queue behind", g)
	first := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID, Inputs: map[string]any{"topic": "owls"}})
	if first.Status != engine.RunCompleted {
		t.Fatalf("first run %s: %s", first.Status, first.Error)
	}
	for i := range 60 {
		r := engine.Run{WorkflowID: imp.WorkflowID, VersionID: first.VersionID, Status: engine.RunQueued,
			Mode: engine.ModeFull, Owner: "a process that is gone", Inputs: map[string]any{"topic": "never ran"},
			CreatedAt: time.Now().Add(time.Duration(i+1) * time.Second)}
		if i%2 == 1 {
			r.Status = engine.RunCancelled // cancelled before it started
		}
		if _, err := svc.Store().CreateRun(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	p, err := svc.PlanFrom(ctx, imp.WorkflowID, "", "out", nil)
	if err != nil {
		t.Fatalf("plan without inputs behind 60 runs that never started: %v", err)
	}
	if pn := p.Nodes["up"]; pn.Action != engine.ActionReuse {
		t.Errorf("up: %+v, want reused (the last run that ran had the same topic)", pn)
	}
	run := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID, From: "out"})
	if run.Status != engine.RunCompleted || run.Inputs["topic"] != "owls" || run.Outputs["text"] != "about owls" {
		t.Errorf("run from out: %s %q inputs %v outputs %v", run.Status, run.Error, run.Inputs, run.Outputs)
	}
}
