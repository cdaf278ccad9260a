package main

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
)

func TestEventBridgeBatchesNodeAndProgressEventsInOrder(t *testing.T) {
	var mu sync.Mutex
	var got []string
	messages := 0
	b := &eventBridge{ctx: context.Background(), emit: func(_ context.Context, name string, data ...any) {
		mu.Lock()
		defer mu.Unlock()
		messages++
		if evs, ok := data[0].([]engine.Event); ok {
			for _, e := range evs {
				got = append(got, name+":"+string(e.Type)+":"+e.NodeID)
			}
			return
		}
		got = append(got, name+":"+data[0].(engine.Event).Status)
	}}
	b.forward(engine.Event{Type: engine.EventRun, Status: "running"})
	b.forward(engine.Event{Type: engine.EventNode, NodeID: "a"})
	b.forward(engine.Event{Type: engine.EventProgress, NodeID: "a"})
	b.forward(engine.Event{Type: engine.EventNode, NodeID: "b"})
	b.forward(engine.Event{Type: engine.EventProgress})
	b.forward(engine.Event{Type: engine.EventRun, Status: "completed"})
	b.forward(engine.Event{Type: engine.EventNode, NodeID: "c"})
	want := []string{"run:running", "node:node:a", "node:progress:a", "node:node:b", "node:progress:", "run:completed", "node:node:c"}
	// The last node event travels when the batch timer fires: wait for it (a hang guard only).
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(nodeBatchEvery) {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n >= len(want) {
			break
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if messages != 4 {
		t.Errorf("%d messages, want 4 (progress events travel in the node batch)", messages)
	}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}
