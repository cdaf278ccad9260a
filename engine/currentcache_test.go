package engine_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/memstore"
)

// countingStore counts how often the current generations are read whole.
type countingStore struct {
	engine.Store
	reads atomic.Int64
}

func (s *countingStore) CurrentGenerations(ctx context.Context, wf string) (engine.CurrentState, error) {
	s.reads.Add(1)
	return s.Store.CurrentGenerations(ctx, wf)
}

func smallChain() engine.Graph {
	return engine.Graph{
		Nodes: []engine.Node{
			node("a", "math.expr", map[string]any{"expression": "2"}),
			node("b", "math.expr", map[string]any{"expression": "a * 10"}),
			node("c", "math.expr", map[string]any{"expression": "a + 1"}),
			node("out", "io.output", map[string]any{"name": "result"}),
		},
		Edges: []engine.Edge{edge("a", "result", "b", "a"), edge("b", "result", "c", "a"), edge("c", "result", "out", "value")},
	}
}

// TestRunsFromBlockPlanFromMemory: after a workflow's first run, runs from a block plan with
// the current generations this process kept as they were committed — the store is not read
// for them again until something changes them behind the process's back (a selection).
func TestRunsFromBlockPlanFromMemory(t *testing.T) {
	st := &countingStore{Store: memstore.New()}
	svc, err := engine.NewService(engine.Config{Store: st, Registry: libRegistry(t), RunCap: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	ctx := context.Background()
	imp := importGraph(t, svc, "chain", smallChain())
	full := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID})
	for i := 0; i < 3; i++ {
		r := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID, From: "c"})
		if r.Status != engine.RunCompleted || r.Outputs["result"] != int64(21) {
			t.Fatalf("run from c: %s %v %s", r.Status, r.Outputs, r.Error)
		}
	}
	if n := st.reads.Load(); n != 0 {
		t.Errorf("current generations read %d times; the first run of a new workflow keeps them in memory", n)
	}
	// A pick changes the epoch: the next plan reads the generations again and feeds the pick.
	pick := full.Snapshot.Records()["b"].GenerationID
	if err := svc.SelectGeneration(ctx, imp.WorkflowID, "b", pick); err != nil {
		t.Fatal(err)
	}
	p, err := svc.PlanFrom(ctx, imp.WorkflowID, "", "c", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Nodes["b"].SourceGenerationID; got != pick {
		t.Errorf("after selecting %s, b feeds %s", pick, got)
	}
	if n := st.reads.Load(); n != 1 {
		t.Errorf("current generations read %d times after a selection, want 1", n)
	}
}

// TestCurrentGenerationsFollowOtherProcesses: two services on one data home, as the window
// and a CLI command are. Runs, picks and deletions made by one are seen by the other's plans.
func TestCurrentGenerationsFollowOtherProcesses(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	a, b := perfServiceAt(t, home, 2), perfServiceAt(t, home, 2)
	wf := importGraph(t, a, "chain", smallChain()).WorkflowID
	first := runAndWait(t, a, engine.RunRequest{Workflow: wf})
	source := func(node string) string {
		t.Helper()
		p, err := a.PlanFrom(ctx, wf, "", "c", nil)
		if err != nil {
			t.Fatal(err)
		}
		return p.Nodes[node].SourceGenerationID
	}
	if got, want := source("a"), first.Snapshot.Records()["a"].GenerationID; got != want {
		t.Fatalf("a feeds %s, want %s from the first run", got, want)
	}
	second := runAndWait(t, b, engine.RunRequest{Workflow: wf}) // the other process runs it
	if got, want := source("a"), second.Snapshot.Records()["a"].GenerationID; got != want {
		t.Errorf("after the other process's run, a feeds %s, want its %s", got, want)
	}
	old := first.Snapshot.Records()["a"].GenerationID
	if err := b.SelectGeneration(ctx, wf, "a", old); err != nil {
		t.Fatal(err)
	}
	if got := source("a"); got != old {
		t.Errorf("after the other process's pick, a feeds %s, want %s", got, old)
	}
	if err := b.DeleteGeneration(ctx, old); err != nil {
		t.Fatal(err)
	}
	if got, want := source("a"), second.Snapshot.Records()["a"].GenerationID; got != want {
		t.Errorf("after the other process deleted the pick, a feeds %s, want %s", got, want)
	}
	// This process's own runs keep its memory right too.
	r := runAndWait(t, a, engine.RunRequest{Workflow: wf, From: "a"})
	if got, want := source("a"), r.Snapshot.Records()["a"].GenerationID; got != want || r.Status != engine.RunCompleted {
		t.Errorf("after a run from a, a feeds %s, want %s (%s)", got, want, r.Status)
	}
}
