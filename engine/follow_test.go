package engine_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// generationEvents collects a service's "generations" events.
type generationEvents struct {
	mu  sync.Mutex
	got []string
}

func (g *generationEvents) count() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.got)
}

// TestFollowGenerationsAnnouncesOtherProcesses: while a workflow is followed (open in the
// window), runs, picks and deletions by another process on the same data home are announced
// once each; this process's own are not.
func TestFollowGenerationsAnnouncesOtherProcesses(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	cfg := engine.Config{RunCap: 2, FollowEvery: 10 * time.Millisecond}
	window, cli := serviceAt(t, home, cfg), serviceAt(t, home, cfg)
	wf := importGraph(t, window, "chain", smallChain()).WorkflowID
	other := importGraph(t, window, "other", smallChain()).WorkflowID
	ev := &generationEvents{}
	window.Bus.Subscribe(func(e engine.Event) {
		if e.Type == engine.EventGenerations {
			ev.mu.Lock()
			ev.got = append(ev.got, e.WorkflowID)
			ev.mu.Unlock()
		}
	})
	if err := window.FollowGenerations(ctx, wf); err != nil {
		t.Fatal(err)
	}
	quiet := func(what string) {
		t.Helper()
		before := ev.count()
		time.Sleep(100 * time.Millisecond) // ten polls
		if n := ev.count(); n != before {
			t.Errorf("%s: %d generations events, want none", what, n-before)
		}
	}
	announced := func(what string) {
		t.Helper()
		before := ev.count()
		deadline := time.Now().Add(5 * time.Second)
		for ev.count() == before && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(50 * time.Millisecond) // and only once
		ev.mu.Lock()
		defer ev.mu.Unlock()
		if n := len(ev.got) - before; n != 1 || ev.got[len(ev.got)-1] != wf {
			t.Errorf("%s: %d events %v, want one for %s", what, n, ev.got[before:], wf)
		}
	}

	own := runAndWait(t, window, engine.RunRequest{Workflow: wf})
	quiet("the window's own run")
	runAndWait(t, cli, engine.RunRequest{Workflow: wf})
	announced("a run by another process")
	runAndWait(t, cli, engine.RunRequest{Workflow: other})
	quiet("another process's run of a workflow not followed")
	pick := own.Snapshot.Records()["a"].GenerationID
	if err := window.SelectGeneration(ctx, wf, "a", pick); err != nil {
		t.Fatal(err)
	}
	quiet("the window's own pick")
	if err := cli.SelectGeneration(ctx, wf, "a", ""); err != nil {
		t.Fatal(err)
	}
	announced("a pick cleared by another process")
	if err := cli.DeleteGeneration(ctx, pick); err != nil {
		t.Fatal(err)
	}
	announced("a deletion by another process")

	window.UnfollowGenerations(wf)
	runAndWait(t, cli, engine.RunRequest{Workflow: wf})
	quiet("a run after the window stopped following")
}
