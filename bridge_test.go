package main

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
)

func TestEventBridgeBatchesNodeEventsInOrder(t *testing.T) {
	var mu sync.Mutex
	var got []string
	b := &eventBridge{ctx: context.Background(), emit: func(_ context.Context, name string, data ...any) {
		mu.Lock()
		defer mu.Unlock()
		if evs, ok := data[0].([]engine.Event); ok {
			for _, e := range evs {
				got = append(got, name+":"+e.NodeID)
			}
			return
		}
		got = append(got, name+":"+data[0].(engine.Event).Status)
	}}
	b.forward(engine.Event{Type: engine.EventRun, Status: "running"})
	b.forward(engine.Event{Type: engine.EventNode, NodeID: "a"})
	b.forward(engine.Event{Type: engine.EventNode, NodeID: "b"})
	b.forward(engine.Event{Type: engine.EventRun, Status: "completed"})
	b.forward(engine.Event{Type: engine.EventNode, NodeID: "c"})
	time.Sleep(3 * nodeBatchEvery)
	mu.Lock()
	defer mu.Unlock()
	want := []string{"run:running", "node:a", "node:b", "run:completed", "node:c"}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}
