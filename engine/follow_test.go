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
// (then the poller goes quiet); this process's own are not.
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
	// Each check counts the events from before the action: the poller may announce a change
	// the moment it lands, before the action's call has even returned to the test.
	quiet := func(what string, action func()) {
		t.Helper()
		before := ev.count()
		action()
		time.Sleep(100 * time.Millisecond) // ten polls (a slow machine can only hide a bug here, not fail)
		if n := ev.count(); n != before {
			t.Errorf("%s: %d generations events, want none", what, n-before)
		}
	}
	// A change is announced, and then no more: the poller may see a run half committed and
	// announce it again at its end (its commits span polls on a busy machine), but once the
	// change has landed it goes quiet (a poller announcing the same state again never would).
	announced := func(what string, action func()) {
		t.Helper()
		before := ev.count()
		action()
		deadline := time.Now().Add(30 * time.Second) // a hang guard: the poll runs every 10 ms
		for ev.count() == before && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		for n := -1; n != ev.count() && time.Now().Before(deadline); {
			n = ev.count()
			time.Sleep(100 * time.Millisecond) // ten polls without an event: quiet
		}
		ev.mu.Lock()
		defer ev.mu.Unlock()
		got := ev.got[before:]
		if len(got) == 0 || time.Now().After(deadline) {
			t.Errorf("%s: %d events %v, want it announced (for %s), then quiet", what, len(got), got, wf)
		}
		for _, id := range got {
			if id != wf {
				t.Errorf("%s: events %v, want only %s", what, got, wf)
				break
			}
		}
	}

	var own engine.Run
	quiet("the window's own run", func() { own = runAndWait(t, window, engine.RunRequest{Workflow: wf}) })
	announced("a run by another process", func() { runAndWait(t, cli, engine.RunRequest{Workflow: wf}) })
	quiet("another process's run of a workflow not followed", func() { runAndWait(t, cli, engine.RunRequest{Workflow: other}) })
	pick := own.Snapshot.Records()["a"].GenerationID
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	quiet("the window's own pick", func() { must(window.SelectGeneration(ctx, wf, "a", pick)) })
	announced("a pick cleared by another process", func() { must(cli.SelectGeneration(ctx, wf, "a", "")) })
	announced("a deletion by another process", func() { must(cli.DeleteGeneration(ctx, pick)) })

	window.UnfollowGenerations(wf)
	quiet("a run after the window stopped following", func() { runAndWait(t, cli, engine.RunRequest{Workflow: wf}) })
}
