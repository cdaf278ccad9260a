package main

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// recorder is a fake runtime.EventsEmit: it keeps every message.
type recorder struct {
	mu   sync.Mutex
	msgs [][]string
}

func (r *recorder) emit(_ context.Context, name string, data ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var items []string
	for _, e := range data[0].([]engine.Event) {
		s := name + ":" + string(e.Type) + ":" + e.NodeID + ":" + e.Status
		switch e.Type {
		case engine.EventProgress:
			s += fmt.Sprint(e.Progress)
		case engine.EventStream, engine.EventLog:
			s += e.Text
		}
		items = append(items, s)
	}
	r.msgs = append(r.msgs, items)
}

func (r *recorder) messages() [][]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.msgs)
}

// quietBridge is a bridge whose timer does not fire during a test: the test flushes.
func quietBridge(r *recorder) *eventBridge {
	return &eventBridge{ctx: context.Background(), emit: r.emit, every: time.Hour, last: time.Now()}
}

func TestEventBridgeSendsEveryEventInOneOrderedMessage(t *testing.T) {
	t.Parallel()
	r := &recorder{}
	b := quietBridge(r)
	b.forward(engine.Event{Type: engine.EventRun, Status: "queued"})
	b.forward(engine.Event{Type: engine.EventRun, Status: "running"})
	b.forward(engine.Event{Type: engine.EventNode, NodeID: "a", Status: "running"})
	b.forward(engine.Event{Type: engine.EventLog, NodeID: "a", Text: "hi"})
	b.forward(engine.Event{Type: engine.EventNode, NodeID: "a", Status: "executed"})
	b.forward(engine.Event{Type: engine.EventStale, NodeID: "b", Status: "stale"})
	b.forward(engine.Event{Type: engine.EventRun, Status: "completed"})
	b.flush()
	b.flush() // nothing pending: no message
	want := [][]string{{"events:run::queued", "events:run::running", "events:node:a:running", "events:log:a:hi",
		"events:node:a:executed", "events:stale:b:stale", "events:run::completed"}}
	if got := r.messages(); !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("messages\n got %q\nwant %q", got, want)
	}
}

func TestEventBridgeCoalescesProgressAndStreamBetweenNodeEvents(t *testing.T) {
	t.Parallel()
	r := &recorder{}
	b := quietBridge(r)
	for _, e := range []engine.Event{
		{Type: engine.EventNode, NodeID: "a", Status: "running"},
		{Type: engine.EventProgress, NodeID: "a", Progress: 0.1},
		{Type: engine.EventStream, NodeID: "a", Text: "he"},
		{Type: engine.EventProgress, NodeID: "a", Progress: 0.5},
		{Type: engine.EventStream, NodeID: "a", Text: "llo"},
		{Type: engine.EventNode, NodeID: "b", Status: "running"},
		{Type: engine.EventProgress, Progress: 0.25},
		{Type: engine.EventProgress, Progress: 0.5},
		{Type: engine.EventNode, NodeID: "a", Status: "running"}, // a loop body runs a again
		{Type: engine.EventStream, NodeID: "a", Text: "again"},
		{Type: engine.EventRun, Status: "completed"},
		{Type: engine.EventProgress, Progress: 1},
	} {
		b.forward(e)
	}
	b.flush()
	want := [][]string{{"events:node:a:running", "events:progress:a:0.5", "events:stream:a:hello", "events:node:b:running",
		"events:progress::0.5", "events:node:a:running", "events:stream:a:again", "events:run::completed", "events:progress::1"}}
	if got := r.messages(); !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("messages\n got %q\nwant %q", got, want)
	}
}

func TestEventBridgeLeavesOutARunningSupersededInTheSameMessage(t *testing.T) {
	t.Parallel()
	r := &recorder{}
	b := quietBridge(r)
	for _, e := range []engine.Event{
		{Type: engine.EventNode, NodeID: "a", Status: "running"},
		{Type: engine.EventNode, NodeID: "b", Status: "running"},
		{Type: engine.EventNode, NodeID: "a", Status: "executed"}, // a: only this
		{Type: engine.EventProgress, NodeID: "b", Progress: 0.5},
		{Type: engine.EventNode, NodeID: "b", Status: "executed"}, // b's progress keeps its running
		{Type: engine.EventNode, NodeID: "c", Status: "running"},
		{Type: engine.EventNode, NodeID: "c", Status: "running"}, // a loop body: c again
		{Type: engine.EventNode, NodeID: "c", Status: "failed"},
		{Type: engine.EventNode, NodeID: "d", Status: "running"},
	} {
		b.forward(e)
	}
	b.flush()
	b.forward(engine.Event{Type: engine.EventNode, NodeID: "d", Status: "executed"}) // d's running went out
	b.flush()
	b.forward(engine.Event{Type: engine.EventNode, RunID: "r1", NodeID: "e", Status: "running"})
	b.forward(engine.Event{Type: engine.EventNode, RunID: "r2", NodeID: "e", Status: "executed"}) // another run's e
	b.flush()
	want := [][]string{
		{"events:node:b:running", "events:node:a:executed", "events:progress:b:0.5", "events:node:b:executed", "events:node:c:failed", "events:node:d:running"},
		{"events:node:d:executed"},
		{"events:node:e:running", "events:node:e:executed"},
	}
	if got := r.messages(); !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("messages\n got %q\nwant %q", got, want)
	}
}

func TestEventBridgeSendsOnItsOwnAndKeepsOrderAcrossMessages(t *testing.T) {
	t.Parallel()
	r := &recorder{}
	b := &eventBridge{ctx: context.Background(), emit: r.emit, every: time.Millisecond}
	const n = 500
	for i := range n {
		b.forward(engine.Event{Type: engine.EventNode, NodeID: fmt.Sprint(i), Status: "executed"})
		if i%50 == 0 {
			go b.flush() // a message going out while events arrive
		}
	}
	var got []string
	for deadline := time.Now().Add(30 * time.Second); len(got) < n && time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		got = slices.Concat(r.messages()...)
	}
	if len(got) != n {
		t.Fatalf("%d events reached the window, want %d", len(got), n)
	}
	for i, s := range got {
		if want := fmt.Sprintf("events:node:%d:executed", i); s != want {
			t.Fatalf("item %d is %q, want %q", i, s, want)
		}
	}
}
