package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// TestQueuePauseReachesOtherProcessPromptly: a process following the queue (the window)
// hears a pause and a resume made by another process as queue events, on its next tick;
// a process pausing announces its own change too. The deadline only catches a hang.
func TestQueuePauseReachesOtherProcessPromptly(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	a, b := serviceAt(t, home, engine.Config{}), serviceAt(t, home, engine.Config{})
	b.FollowQueue()
	heard := make(chan string, 16)
	b.Bus.Subscribe(func(e engine.Event) {
		if e.Type == engine.EventQueue {
			heard <- e.Status
		}
	})
	own := make(chan string, 16)
	a.Bus.Subscribe(func(e engine.Event) {
		if e.Type == engine.EventQueue {
			own <- e.Status
		}
	})
	expect := func(ch chan string, who, want string) {
		t.Helper()
		select {
		case got := <-ch:
			if got != want {
				t.Fatalf("%s heard %q, want %q", who, got, want)
			}
		case <-time.After(time.Minute):
			t.Fatalf("%s never heard the queue %s", who, want)
		}
	}
	if err := a.PauseQueue(ctx); err != nil {
		t.Fatal(err)
	}
	expect(own, "a", "paused")
	expect(heard, "b", "paused")
	if !b.QueuePaused() {
		t.Fatal("b does not report the pause")
	}
	if err := a.ResumeQueue(ctx); err != nil {
		t.Fatal(err)
	}
	expect(own, "a", "resumed")
	expect(heard, "b", "resumed")
	if err := a.ResumeQueue(ctx); err != nil { // no change: nothing to announce
		t.Fatal(err)
	}
	select {
	case s := <-own:
		t.Fatalf("a resume that changed nothing was announced: %s", s)
	default:
	}
}
